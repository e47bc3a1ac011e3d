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
VOLUME /data
EXPOSE 8080
CMD ["python", "-m", "server", "--host", "0.0.0.0", "--port", "8080", "--data-dir", "/data"]
