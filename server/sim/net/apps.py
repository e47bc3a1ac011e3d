"""The simulated applications: what each image's server answers, and the access logs it writes.

Owns: ``http(cluster, source, url)`` — resolve the host as the client would (``dns.lookup``
with the pod's search path; from the workstation or a node only addresses and the outside
world), route the connection (``proxy.route``), render the answering app's response (nginx's
welcome page with its ``Server: nginx/1.x.y`` headers, httpd's ``It works!``, the
kubernetes-bootcamp greeting naming its pod and version, kuard's page and ``/healthy`` /
``/ready``, WordPress's installer, mysql/redis that do not speak HTTP, the tutorials' test servers:
agnhost's ``liveness`` (/healthz 200 for 10 s, then 500), ``netexec`` and ``serve-hostname``,
hello-app, echoserver, the hpa-example's ``OK!``, ``python -m http.server``, a user's image's own
answers), append the access-log
line in the app's own format to the answering container's log (``cluster.runtime.log``), and
record the request in the traffic log. Each answer a pod gives is counted for the usage model and
takes the app's service time (``metrics.record_request``: its CPU cost under its CPU limit), which
the clients wait (``HttpResult.elapsed``); the pod panel's "App health" (``Kubelet.app_health``)
reaches the traffic too: an "unhealthy" app answers every request 500, a "slow" one answers after
its delay. ``probe_http`` is the kubelet's httpGet probe, straight to
the container's port with ``User-Agent: kube-probe/1.32``. ``tcp`` is a bare connect (``nc -z``, a database
client); ``ping`` is ICMP echo: pods, nodes and the outside world answer, service IPs do not
(only DNAT rules exist for them) — structured results that the shells render.

Hands off: the shells (``server/shell``) turn results into wget/curl/ping text; the page reads
``traffic``. Everything here draws on the cluster's seeded RNG (endpoint choice, rtt): call it
only from operations the sandbox records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from . import dns, proxy, traffic
from .proxy import Route, Source

if TYPE_CHECKING:
    from ..cluster import Cluster

UNRESOLVED = "Could not resolve host"
EMPTY_REPLY = "Empty reply from server"

# -- pages ------------------------------------------------------------------------------------------
NGINX_INDEX_OLD = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
    body {
        width: 35em;
        margin: 0 auto;
        font-family: Tahoma, Verdana, Arial, sans-serif;
    }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""

#: since nginx 1.21.1 the page declares ``color-scheme`` (615 bytes instead of 612)
NGINX_INDEX = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""

#: the last patch release of each nginx minor line (what a ``1.17`` tag runs)
NGINX_PATCH = {"1.7": "1.7.9", "1.9": "1.9.10", "1.10": "1.10.3", "1.11": "1.11.13", "1.12": "1.12.2",
               "1.13": "1.13.12", "1.14": "1.14.2", "1.15": "1.15.12", "1.16": "1.16.1", "1.17": "1.17.10",
               "1.18": "1.18.0", "1.19": "1.19.10", "1.20": "1.20.2", "1.21": "1.21.6", "1.22": "1.22.1",
               "1.23": "1.23.4", "1.24": "1.24.0", "1.25": "1.25.5", "1.26": "1.26.3", "1.27": "1.27.4"}
NGINX_ALIASES = {"latest": "1.27.4", "mainline": "1.27.4", "stable": "1.26.3", "perl": "1.27.4", "alpine": "1.27.4"}
HTTPD_VERSION = {"2.2": "2.2.34", "2.4": "2.4.63", "2.4.62": "2.4.62", "2.4.63": "2.4.63", "latest": "2.4.63",
                 "alpine": "2.4.63"}
HTTPD_INDEX = "<html><body><h1>It works!</h1></body></html>\n"

KUARD_INDEX = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>KUAR Demo</title>
  <link rel="stylesheet" href="/static/css/bootstrap.min.css">
  <link rel="stylesheet" href="/static/css/styles.css">
  <script>
var pageContext = {"hostname":"%(pod)s","addrs":["%(ip)s"],"version":"v0.10.0-%(tag)s","versionColor":"hsl(18,100%%,50%%)","requestDump":"GET %(path)s HTTP/1.1\\r\\nHost: %(host)s\\r\\nAccept: */*\\r\\nUser-Agent: %(ua)s","requestProto":"HTTP/1.1","requestAddr":"%(client)s"}
  </script>
</head>
<body>
  <div id="root"></div>
  <script src="/built/bundle.js" type="text/javascript"></script>
</body>
</html>
"""

WORDPRESS_INSTALL = """<!DOCTYPE html>
<html lang="en-US" xml:lang="en-US">
<head>
	<meta name="viewport" content="width=device-width" />
	<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
	<title>WordPress &rsaquo; Installation</title>
</head>
<body class="wp-core-ui language-chooser">
<p id="logo">WordPress</p>
<h1 class="screen-reader-text">Select a default language</h1>
<form id="setup" method="post" action="?step=1"><label class='screen-reader-text' for='language'>Select a default language</label>
<p class="step"><span class="spinner"></span><input id="language-continue" type="submit" class="button button-primary button-large" value="Continue" /></p>
</form>
</body>
</html>
"""

EXTERNAL_PAGES = {
    "edge12.g.yimg.jp": ("ATS", "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\">"
                                "<title>Yahoo! JAPAN</title></head><body>Yahoo! JAPAN</body></html>\n"),
    "yahoo.co.jp": ("ATS", "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\">"
                           "<title>Yahoo! JAPAN</title></head><body>Yahoo! JAPAN</body></html>\n"),
    "www.google.com": ("gws", "<!doctype html><html itemscope=\"\" lang=\"en\"><head><title>Google</title>"
                              "</head><body>Google Search</body></html>\n"),
    "google.com": ("gws", "<HTML><HEAD><TITLE>301 Moved</TITLE></HEAD><BODY>\n<H1>301 Moved</H1>\n"
                          "The document has moved\n<A HREF=\"http://www.google.com/\">here</A>.\r\n</BODY></HTML>\r\n"),
    "example.com": ("ECAcc (lac/55B8)", "<!doctype html>\n<html>\n<head>\n    <title>Example Domain</title>\n"
                                        "</head>\n<body>\n<div>\n    <h1>Example Domain</h1>\n    <p>This domain is "
                                        "for use in illustrative examples in documents.</p>\n</div>\n</body>\n"
                                        "</html>\n"),
    "kubernetes.io": ("Netlify", "<!doctype html><html lang=\"en\"><head><title>Kubernetes</title></head>"
                                 "<body>Production-Grade Container Orchestration</body></html>\n"),
}


@dataclass
class HttpResult:
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    route: Route | None = None
    #: ``Connection refused`` | ``No route to host`` | ``Connection timed out`` |
    #: ``Could not resolve host`` | ``Empty reply from server`` (mysql/redis do not speak HTTP)
    error: str | None = None
    host: str = ""
    ip: str = ""
    port: int = 80
    #: the resolver's answer (for ``curl -v``-style output)
    answer: dns.Answer | None = None
    #: seconds the app took to answer (its CPU time under its limit, plus a "slow" app's delay):
    #: the client waits this long in virtual time
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class TcpResult:
    ok: bool
    error: str | None = None
    route: Route | None = None
    host: str = ""
    ip: str = ""
    port: int = 0
    app: str | None = None


@dataclass
class PingReply:
    seq: int
    ttl: int
    rtt_ms: float


@dataclass
class PingResult:
    host: str
    ip: str | None
    #: the name did not resolve (busybox: ``ping: bad address 'x'``)
    unresolved: bool = False
    replies: list[PingReply] = field(default_factory=list)
    transmitted: int = 0
    error: str | None = None
    route: Route | None = None

    @property
    def received(self) -> int:
        return len(self.replies)

    @property
    def loss_percent(self) -> int:
        return 0 if not self.transmitted else int(100 * (self.transmitted - self.received) / self.transmitted)


# -- helpers -------------------------------------------------------------------------------------
def _resolve(cluster: Cluster, source: Source, host: str) -> dns.Answer:
    if ":" in host:  # an IPv6 literal (``http://[::1]/``) is its own address, no query
        return dns.Answer(query=host, fqdn=host, addresses=[host])
    pod = (source.namespace, source.name) if source.kind == "pod" else None
    return dns.lookup(cluster, host, pod=pod)


def _time_local(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")


def _http_date(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


def _tag(image_ref: str | None) -> str:
    return (image_ref or "").rpartition(":")[2]


def nginx_version(image_ref: str | None) -> str:
    tag = _tag(image_ref).removesuffix("-alpine").removesuffix("-perl")
    if tag in NGINX_ALIASES:
        return NGINX_ALIASES[tag]
    if re.fullmatch(r"\d+\.\d+\.\d+", tag):
        return tag
    return NGINX_PATCH.get(tag, "1.27.4")


def _nginx_page(version: str) -> str:
    major, minor, patch = (int(x) for x in version.split("."))
    return NGINX_INDEX if (major, minor, patch) >= (1, 21, 1) else NGINX_INDEX_OLD


def _started_at(cluster: Cluster, route: Route) -> float:
    pod = cluster.store.peek("Pod", *route.pod) if route.pod else None
    for s in ((pod or {}).get("status") or {}).get("containerStatuses") or []:
        if s.get("name") == route.container:
            started = ((s.get("state") or {}).get("running") or {}).get("startedAt")
            if started:
                return datetime.strptime(started, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
    return cluster.clock.now()


NGINX_ROOT = "/usr/share/nginx/html"  # the image's conf.d/default.conf: root, index index.html index.htm
HTTPD_ROOT = "/usr/local/apache2/htdocs"  # httpd.conf's DocumentRoot, DirectoryIndex index.html
MIME_TYPES = {"html": "text/html", "htm": "text/html", "shtml": "text/html", "css": "text/css",
              "xml": "text/xml", "txt": "text/plain", "js": "application/javascript", "json": "application/json",
              "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
              "svg": "image/svg+xml", "ico": "image/x-icon"}


def _mime(path: str) -> str:
    """nginx's mime.types for the file's extension; ``default_type application/octet-stream``."""
    name = path.rsplit("/", 1)[-1]
    return MIME_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream") if "." in name else \
        "application/octet-stream"


@dataclass
class DocrootFile:
    """What a static server finds for a URL under its document root in the container's files."""

    path: str  # the file (or directory) the URL names
    body: bytes | None  # None: nothing to send (404, or 403 for a directory without an index)
    stat: object | None = None  # the served file's fs.Stat (mtime, size: Last-Modified, ETag)
    directory: bool = False


def docroot_file(cluster: Cluster, route: Route, root: str, path: str) -> DocrootFile | None:
    """``path`` looked up under ``root`` in the answering container's filesystem as it is now
    (``volumes.serve_url``: a file, or a directory's index file) — what was written there, a
    ConfigMap or a PersistentVolume mounted over it. None when the container has no filesystem
    here, or its image's files do not model that document root (then the app's built-in page)."""
    from .. import volumes
    from ..fs import FsError

    try:
        vm = cluster.controller("volume-manager")
    except KeyError:
        return None
    fs = vm.fs(route.pod_uid or "", route.container or "") if hasattr(vm, "fs") else None
    if fs is None or not fs.isdir(root):
        return None
    clean = path.split("?", 1)[0].split("#", 1)[0] or "/"
    full = root.rstrip("/") + "/" + clean.lstrip("/")
    body = volumes.serve_url(cluster, route.pod_uid or "", route.container or "", root, path)
    is_dir = fs.isdir(full)
    if body is None:
        return DocrootFile(full, None, directory=is_dir)
    served = full
    if is_dir:
        served = next((p for p in (full.rstrip("/") + "/index.html", full.rstrip("/") + "/index.htm")
                       if fs.isfile(p)), full)
    try:
        st = fs.stat(served)
    except FsError:
        st = None
    return DocrootFile(served, body, st)


def _log(cluster: Cluster, route: Route, line: str) -> None:
    if route.pod_uid and route.container:
        cluster.runtime.log(route.pod_uid, route.container, line, cluster.clock.now())


# -- the apps --------------------------------------------------------------------------------------
#: apps whose server lives in a module of its own: app name -> "module:function", the function
#: taking (cluster, route, method, path, host, user_agent, headers) and returning an HttpResult
APP_SERVERS: dict[str, str] = {
    "ingress-nginx": "server.sim.net.ingress:serve",
}


def _serve(cluster: Cluster, route: Route, method: str, path: str, host: str, ua: str,
           headers: dict[str, str] | None = None) -> HttpResult:
    """The answering container's response, and its access-log line."""
    now = cluster.clock.now()
    app = route.app or ""
    if app in APP_SERVERS:
        import importlib

        module, _, function = APP_SERVERS[app].partition(":")
        return getattr(importlib.import_module(module), function)(cluster, route, method, path, host, ua,
                                                                  headers or {})
    client = route.client_ip
    request = f"{method} {path} HTTP/1.1"
    pod_name = route.pod[1] if route.pod else ""
    res = HttpResult(route=route)
    if app in ("mysql", "redis", "coredns") and route.target_port in (3306, 33060, 6379, 53):
        res.error = EMPTY_REPLY
        return res
    if app == "nginx":
        version = nginx_version(route.image)
        clean = path.split("?")[0]
        doc = docroot_file(cluster, route, NGINX_ROOT, path)
        stamp = datetime.fromtimestamp(now, UTC).strftime("%Y/%m/%d %H:%M:%S")
        file_stat = None
        if doc is None:  # no container filesystem here: the image's own pages
            status = 200 if clean in ("/", "/index.html") else 404
            body = _nginx_page(version) if status == 200 else ""
            if status == 404:
                doc = DocrootFile(NGINX_ROOT + clean, None)
        elif doc.body is not None:
            status, body, file_stat = 200, doc.body.decode("utf-8", "surrogateescape"), doc.stat
        elif doc.directory:
            status, body = 403, ""
            _log(cluster, route, f'{stamp} [error] 29#29: *1 directory index of "{doc.path.rstrip("/")}/" is '
                                 f'forbidden, client: {client}, server: localhost, request: "{request}", host: "{host}"')
        else:
            status, body = 404, ""
        if status == 404 and doc is not None:
            _log(cluster, route, f'{stamp} [error] 29#29: *1 open() "{doc.path}" failed (2: No such file or '
                                 f'directory), client: {client}, server: localhost, request: "{request}", host: '
                                 f'"{host}"')
        if status != 200:
            title = f"{status} {'Forbidden' if status == 403 else 'Not Found'}"
            body = (f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}"
                    f"</h1></center>\r\n<hr><center>nginx/{version}</center>\r\n</body>\r\n</html>\r\n")
        size = len(body.encode("utf-8", "surrogateescape"))
        res.status, res.body = status, body
        ctype = _mime(doc.path) if status == 200 and doc is not None else "text/html"
        res.headers = {"Server": f"nginx/{version}", "Date": _http_date(now), "Content-Type": ctype,
                       "Content-Length": str(size), "Connection": "keep-alive"}
        if status == 200:
            if file_stat is not None:  # ngx_http_static_module: mtime and size, in hex
                res.headers.update({"Last-Modified": _http_date(file_stat.mtime),
                                    "ETag": f'"{int(file_stat.mtime):x}-{file_stat.size:x}"'})
            else:
                # the image's index.html (mtime 0x67a34638, 615 bytes): Wed, 05 Feb 2025 11:06:32 GMT
                res.headers.update({"Last-Modified": _http_date(0x67A34638), "ETag": '"67a34638-267"'})
            res.headers["Accept-Ranges"] = "bytes"
        _log(cluster, route, f'{client} - - [{_time_local(now)}] "{request}" {status} {size} "-" "{ua}" "-"')
        return res
    if app in ("httpd", "wordpress"):
        version = HTTPD_VERSION.get(_tag(route.image), "2.4.62" if app == "wordpress" else "2.4.63")
        server = f"Apache/{version} (Debian)" if app == "wordpress" else f"Apache/{version} (Unix)"
        if app == "wordpress":
            if path in ("/", "/index.php"):
                status, body = 302, ""
                res.headers["Location"] = f"http://{host}/wp-admin/install.php"
            elif path.startswith("/wp-admin/install.php"):
                status, body = 200, WORDPRESS_INSTALL
            else:
                status, body = 404, ""
        elif (doc := docroot_file(cluster, route, HTTPD_ROOT, path)) is not None and doc.body is not None:
            status, body = 200, doc.body.decode("utf-8", "surrogateescape")
            if doc.stat is not None:  # FileETag MTime Size: size, then mtime in microseconds, in hex
                res.headers.update({"Last-Modified": _http_date(doc.stat.mtime),
                                    "ETag": f'"{doc.stat.size:x}-{int(doc.stat.mtime * 1_000_000):x}"',
                                    "Accept-Ranges": "bytes"})
        elif doc is None and path.split("?")[0] in ("/", "/index.html"):
            status, body = 200, HTTPD_INDEX
        else:
            status = 404
            body = ("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found"
                    "</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this "
                    "server.</p>\n</body></html>\n")
        res.status, res.body = status, body
        res.headers = {"Date": _http_date(now), "Server": server, **res.headers,
                       "Content-Length": str(len(body.encode("utf-8", "surrogateescape"))),
                       "Content-Type": "text/html; charset=UTF-8" if app == "wordpress" else "text/html"}
        size = len(body.encode("utf-8", "surrogateescape")) or "-"
        line = f'{client} - - [{_time_local(now)}] "{request}" {status} {size}'
        if app == "wordpress":  # the Debian image logs the combined format
            line += f' "-" "{ua}"'
        _log(cluster, route, line)
        return res
    if app == "kubernetes-bootcamp":
        version = "2" if _tag(route.image) == "v2" else "1"
        body = f"Hello Kubernetes bootcamp! | Running on: {pod_name} | v={version}\n"
        res.status, res.body = 200, body
        res.headers = {"Content-Type": "text/plain", "Date": _http_date(now), "Connection": "keep-alive",
                       "Transfer-Encoding": "chunked"}
        inst = cluster.runtime.get(route.pod_uid or "", route.container or "")
        served = sum(1 for ln in (inst.logs if inst else []) if ln.startswith("Running On:")) + 1
        uptime = now - _started_at(cluster, route)
        log_time = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(now * 1000) % 1000:03d}Z"
        _log(cluster, route, f"Running On: {pod_name} | Total Requests: {served} | App Uptime: {uptime:g} seconds "
                             f"| Log Time: {log_time}")
        return res
    if app == "kuard":
        clean = path.split("?")[0]
        if clean in ("/healthy", "/ready"):
            res.status, res.body = 200, "ok"
            res.headers = {"Date": _http_date(now), "Content-Length": "2", "Content-Type": "text/plain; charset=utf-8"}
        else:
            pod = cluster.store.peek("Pod", *route.pod) if route.pod else None
            ip = ((pod or {}).get("status") or {}).get("podIP") or ""
            body = KUARD_INDEX % {"pod": pod_name, "ip": ip, "tag": _tag(route.image), "path": path,
                                  "host": host, "ua": ua, "client": client}
            res.status, res.body = 200, body
            res.headers = {"Content-Type": "text/html", "Date": _http_date(now),
                           "Content-Length": str(len(body.encode()))}
        _log(cluster, route, f"{datetime.fromtimestamp(now, UTC).strftime('%Y/%m/%d %H:%M:%S')} "
                             f"{client}:{40000 + int(cluster.clock.rng.random() * 20000)} {method} {path}")
        return res
    if app in ("agnhost", "liveness", "hello-app", "echoserver", "php-apache", "custom", "python",
               "serve_hostname"):
        return _serve_test_app(cluster, route, app, method, path, host, ua, headers or {}, res)
    if app == "coredns":
        ok = path in ("/health", "/ready")
        res.status, res.body = (200, "OK") if ok else (404, "404 page not found\n")
        res.headers = {"Content-Type": "text/plain; charset=utf-8", "Date": _http_date(now)}
        return res
    # a server we know nothing about (a user's image, a control-plane port): a plain answer
    res.status, res.body = 200, f"{pod_name}\n"
    res.headers = {"Content-Type": "text/plain", "Date": _http_date(now),
                   "Content-Length": str(len(res.body.encode()))}
    return res


def _process_started(cluster: Cluster, route: Route) -> float:
    """When the answering container's process started (the runtime's exact time)."""
    inst = cluster.runtime.get(route.pod_uid or "", route.container or "")
    return inst.started_at if inst is not None else _started_at(cluster, route)


def _container_args(cluster: Cluster, route: Route) -> list[str]:
    pod = cluster.store.peek("Pod", *route.pod) if route.pod else None
    for c in ((pod or {}).get("spec") or {}).get("containers") or []:
        if c.get("name") == route.container:
            return [str(a) for a in (c.get("command") or []) + (c.get("args") or [])]
    return []


def _serve_test_app(cluster: Cluster, route: Route, app: str, method: str, path: str, host: str, ua: str,
                    headers: dict[str, str], res: HttpResult) -> HttpResult:
    """The tutorials' test servers: agnhost's subcommands, the old liveness image, hello-app,
    echoserver, the hpa-example's php-apache, ``python -m http.server`` and users' images."""
    now = cluster.clock.now()
    pod_name = route.pod[1] if route.pod else ""
    clean = path.split("?")[0]
    query = path.partition("?")[2]
    status, body, ctype = 200, "", "text/plain; charset=utf-8"
    if app in ("agnhost", "liveness"):
        args = _container_args(cluster, route)
        sub = "liveness" if app == "liveness" else next((a for a in args if not a.startswith("/")), "pause")
        if sub == "liveness":
            # test/images/agnhost/liveness/server.go: healthy for the first 10 seconds
            age = now - _process_started(cluster, route)
            if clean == "/healthz":
                status, body = (200, "ok") if age <= 10 else (500, f"error: {age:g}")
            elif clean == "/started":
                body = f"{age:.2f}"
            elif clean == "/redirect":
                status, body = 302, ""
                res.headers["Location"] = (query.partition("loc=")[2] or "/")
            else:
                status, body = 404, "404 page not found\n"
        elif sub == "netexec":
            if clean == "/hostname":
                body = pod_name
            elif clean == "/echo":
                body = dict(p.partition("=")[::2] for p in query.split("&")).get("msg", "")
            elif clean == "/clientip":
                body = f"{route.client_ip}:{40000 + int(cluster.clock.rng.random() * 20000)}"
            elif clean in ("/healthz", "/healthz/"):
                body = ""
            elif clean == "/":
                body = f"NOW: {datetime.fromtimestamp(now, UTC).strftime('%Y-%m-%d %H:%M:%S.%f')} +0000 UTC"
            else:
                status, body = 404, "404 page not found\n"
        elif sub == "serve-hostname":
            body = pod_name
        else:
            status, body = 404, "404 page not found\n"
    elif app == "serve_hostname":  # the old registry.k8s.io/serve_hostname: its hostname, no newline
        body = pod_name
    elif app == "hello-app":
        version = "2.0.0" if _tag(route.image) == "2.0" else "1.0.0"
        body = f"Hello, world!\nVersion: {version}\nHostname: {pod_name}\n"
        _log(cluster, route, f"{datetime.fromtimestamp(now, UTC).strftime('%Y/%m/%d %H:%M:%S')} Serving request: "
                             f"{clean}")
    elif app == "echoserver":
        lines = ["CLIENT VALUES:", f"client_address={route.client_ip}", f"command={method}",
                 f"real path={clean}", f"query={query or 'nil'}", "request_version=1.1",
                 f"request_uri=http://{host}:8080{path}" if ":" not in host else f"request_uri=http://{host}{path}",
                 "", "SERVER VALUES:", "server_version=nginx: 1.10.0 - lua: 10001", "", "HEADERS RECEIVED:",
                 "accept=*/*", f"host={host}", f"user-agent={ua}", "BODY:", "-no body in request-"]
        body, ctype = "\n".join(lines), "text/plain"
        _log(cluster, route, f'{route.client_ip} - - [{_time_local(now)}] "{method} {path} HTTP/1.1" 200 '
                             f'{len(body)} "-" "{ua}"')
    elif app == "php-apache":
        body, ctype = "OK!", "text/html; charset=UTF-8"
        _log(cluster, route, f'{route.client_ip} - - [{_time_local(now)}] "{method} {path} HTTP/1.1" 200 3 "-" '
                             f'"{ua}"')
    elif app == "python":
        status, ctype = 200, "text/html; charset=utf-8"
        body = ('<!DOCTYPE HTML>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
                f"<title>Directory listing for {clean}</title>\n</head>\n<body>\n"
                f"<h1>Directory listing for {clean}</h1>\n<hr>\n<ul>\n</ul>\n<hr>\n</body>\n</html>\n")
        _log(cluster, route, f'{route.client_ip} - - [{datetime.fromtimestamp(now, UTC).strftime("%d/%b/%Y %H:%M:%S")}]'
                             f' "{method} {path} HTTP/1.1" 200 -')
    elif app == "custom":
        image = cluster.registry.resolve(route.image or "")
        answers = {p: (st, b) for p, st, b in (image.answers if image is not None else ())}
        status, body = answers.get(clean, (404, "404 page not found\n"))
    res.status, res.body = status, body
    res.headers = {**res.headers, "Content-Type": ctype, "Date": _http_date(now),
                   "Content-Length": str(len(body.encode()))}
    return res


def probe_http(cluster: Cluster, pod: dict, container: str, image: str, app: str, port: int, path: str,
               client_ip: str, headers: dict[str, str] | None = None) -> HttpResult:
    """The kubelet's httpGet probe: a request straight to the container's port from the node
    (``User-Agent: kube-probe/1.32``, which the apps' access logs show)."""
    ip = (pod.get("status") or {}).get("podIP") or ""
    route = Route(ok=True, pod=(pod["metadata"].get("namespace") or "", pod["metadata"]["name"]),
                  target_port=port, client_ip=client_ip, source_ip=client_ip, dest_ip=ip, dest_port=port,
                  container=container, app=app, image=image, pod_uid=pod["metadata"].get("uid"))
    host = next((v for k, v in (headers or {}).items() if k.lower() == "host"), None) or f"{ip}:{port}"
    return _serve(cluster, route, "GET", path, host, "kube-probe/1.32", headers)


def _external(cluster: Cluster, route: Route, answer: dns.Answer | None, path: str) -> HttpResult:
    """The outside world's web servers (through the nodes' NAT to the internet)."""
    name = None
    if answer is not None and answer.fqdn:
        name = (answer.cname[-1] if answer.cname else answer.fqdn).lower()
    if name is None:
        name = dns.world_addresses().get(route.external_ip or "")
    if name not in EXTERNAL_PAGES:
        route.ok, route.error = False, proxy.TIMEOUT
        route.failed_at = len(route.hops) - 1
        return HttpResult(route=route, error=proxy.TIMEOUT)
    server, body = EXTERNAL_PAGES[name]
    status = 301 if name == "google.com" else 200
    headers = {"Server": server, "Date": _http_date(cluster.clock.now()), "Content-Type": "text/html; charset=UTF-8",
               "Content-Length": str(len(body.encode()))}
    if status == 301:
        headers["Location"] = "http://www.google.com/"
    return HttpResult(status=status, headers=headers, body=body, route=route)


def _split(url: str) -> tuple[str, str, int, str]:
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    scheme = parts.scheme or "http"
    host = parts.hostname or ""
    port = parts.port or (443 if scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port, path


def http(cluster: Cluster, source: Source, url: str, method: str = "GET", *, user_agent: str = "Wget",
         headers: dict[str, str] | None = None, now: float | None = None) -> HttpResult:
    """One HTTP request from ``source`` (``wget -q -O - URL``, ``curl URL``); ``headers`` are the
    request's own (``curl -H 'Host: foo.example'``: a ``Host`` header replaces the URL's host);
    ``now`` the client's own time when it runs ahead of the clock (a container's process).

    A pod's answer is counted for the usage model (``metrics.record_request``), which also says how
    long the app takes (``elapsed``); an app made "slow" from the page adds its delay, one made
    "unhealthy" answers 500 (as its httpGet probes see it)."""
    _scheme, host, port, path = _split(url)
    answer = _resolve(cluster, source, host)
    target = f"{host}:{port}{path}" if port != 80 else f"{host}{path}"
    if answer.nxdomain or not answer.addresses:
        res = HttpResult(error=UNRESOLVED, host=host, port=port, answer=answer)
        traffic.record(cluster, kind="http", source=source, target=target, route=None, ok=False, error=UNRESOLVED)
        return res
    ip = answer.addresses[0]
    r = proxy.route(cluster, source, ip, port)
    if r.ok and ip == "::1":  # a connection to ::1 comes from ::1 (what the server logs as its client)
        r.client_ip = r.source_ip = ip
    if not r.ok:
        res = HttpResult(route=r, error=r.error)
    elif r.external_ip is not None:
        res = _external(cluster, r, answer, path)
    else:
        host_header = next((v for k, v in (headers or {}).items() if k.lower() == "host"), None)
        health = _app_health(cluster, r)
        if health is not None and health[0] == "unhealthy":
            res = _broken(cluster, r)
        else:
            res = _serve(cluster, r, method, path, host_header or (host if port == 80 else f"{host}:{port}"),
                         user_agent, headers)
        if r.pod is not None and res.error is None:
            from .. import metrics

            res.elapsed += metrics.record_request(cluster, r.pod[0], r.pod[1], r.pod_uid or "", r.container or "",
                                                 cluster.clock.now() if now is None else now)
            if health is not None:
                res.elapsed += health[1]
    res.host, res.ip, res.port, res.answer = host, ip, port, answer
    traffic.record(cluster, kind="http", source=source, target=target, route=res.route, ok=res.error is None,
                   error=res.error, status=res.status)
    return res


def _app_health(cluster: Cluster, route: Route) -> tuple[str, float] | None:
    """The kubelet's word on the answering container's app (``Kubelet.app_health``), if it has one."""
    if route.pod is None or not route.container:
        return None
    try:
        getter = getattr(cluster.controller("kubelet"), "app_health", None)
    except KeyError:
        return None
    return getter(route.pod[0], route.pod[1], route.container) if callable(getter) else None


def _broken(cluster: Cluster, route: Route) -> HttpResult:
    """An app made "unhealthy": every request gets the 500 its httpGet probes get."""
    body = "Internal Server Error\n"
    return HttpResult(status=500, body=body, route=route,
                      headers={"Content-Type": "text/plain; charset=utf-8", "Date": _http_date(cluster.clock.now()),
                               "Content-Length": str(len(body))})


def tcp(cluster: Cluster, source: Source, host: str, port: int) -> TcpResult:
    """A bare TCP connect (``nc -z host port``, a database client reaching mysql/redis)."""
    answer = _resolve(cluster, source, host)
    if answer.nxdomain or not answer.addresses:
        traffic.record(cluster, kind="tcp", source=source, target=f"{host}:{port}", route=None, ok=False,
                       error=UNRESOLVED)
        return TcpResult(False, UNRESOLVED, None, host, "", port)
    ip = answer.addresses[0]
    r = proxy.route(cluster, source, ip, int(port))
    res = TcpResult(r.ok, r.error, r, host, ip, int(port), r.app)
    traffic.record(cluster, kind="tcp", source=source, target=f"{host}:{port}", route=r, ok=r.ok, error=r.error)
    return res


def ping(cluster: Cluster, source: Source, host: str, count: int = 4) -> PingResult:
    """ICMP echo ``count`` times. A service's virtual IP resolves but never answers."""
    answer = _resolve(cluster, source, host)
    if answer.nxdomain or not answer.addresses:
        return PingResult(host, None, unresolved=True, error=UNRESOLVED)
    ip = answer.addresses[0]
    r = proxy.reachable(cluster, source, ip)
    res = PingResult(host, ip, transmitted=max(0, int(count)), route=r)
    if not r.ok:
        res.error = r.error
        return res
    rng = cluster.clock.rng
    if r.external_ip is not None:
        ttl, base, spread = 52, 9.0, 6.0
    elif r.pod is not None and source.kind == "pod":
        same = len([h for h in r.hops if h["kind"] == "node"]) == 0
        ttl, base, spread = (64, 0.05, 0.08) if same else (63, 0.35, 0.5)
    else:
        ttl, base, spread = 64, 0.2, 0.4
    if r.pod is None and r.external_ip is None and source.kind == "pod":
        ttl = 64
    for seq in range(res.transmitted):
        res.replies.append(PingReply(seq, ttl, round(base + rng.random() * spread, 3)))
    return res
