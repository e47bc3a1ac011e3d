# kubeplay as a container: `docker build -t kubeplay . && docker run -p 8080:8080 -v kubeplay-data:/data kubeplay`

# 1. the front-end bundle (static/dist), built from the committed lockfile
FROM node:20-slim AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static ./static
RUN npm run build

# 2. the server: only what serving needs (no test tools, no browser)
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    KUBEPLAY_ROOT=/app
WORKDIR /app
# the serving subset of the lock (same versions and hashes as requirements.lock)
COPY requirements-serve.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements-serve.lock
COPY server ./server
COPY examples ./examples
COPY templates ./templates
COPY --from=frontend /src/static ./static
# the server runs as an unprivileged user of its own: the code stays root's (read-only to it), only
# /data (the sandboxes' journal) is its; a named volume mounted there takes the directory's owner
RUN useradd --system --uid 10001 --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin kubeplay \
    && mkdir -p /data && chown kubeplay:kubeplay /data
USER 10001:10001
VOLUME /data
EXPOSE 8080
# the image has no curl: Python asks /healthz (which answers without touching any sandbox)
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status != 200)"]
# limits (KUBEPLAY_MAX_SANDBOXES, KUBEPLAY_RATE, …: README.md's "Limits") come from `docker run -e`
CMD ["python", "-m", "server", "--host", "0.0.0.0", "--port", "8080", "--data-dir", "/data"]
