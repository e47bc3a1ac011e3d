"""The network tools as programs: busybox ``wget``/``nslookup``/``ping``/``nc``, curl 8, and BIND's
``nslookup``/``dig`` (the dnsutils image), in their own words.

Owns: one implementation of each tool, written as a ``Program`` of the shell interface
(``fn(ctx, argv, io) -> int | Generator[Sleep, None, int]``: ``argv[0]`` is the program's name,
``ctx.cluster`` the cluster, ``ctx.source`` the ``proxy.Source`` its connections come from — its
pod, a node, the workstation —, ``io.out``/``io.err`` its output streams), so a container's main
process (``while sleep 0.01; do wget -q -O- http://php-apache; done``) and an interactive shell
share it. A connection a NetworkPolicy drops (or a halted machine) makes the tool wait out its
timeout in virtual time (it yields ``Sleep``): busybox wget's ``-T`` then ``wget: download timed
out`` (without one, its 900 s alarm comes after the kernel's ~127 s of SYN retries: ``can't connect
to remote host (IP): Connection timed out``); curl's ``-m`` (``curl: (28) Connection timed out after
N milliseconds``), ``--connect-timeout`` or the kernel's (``curl: (28) Failed to connect to H port P
after N ms: Timeout was reached``); ``nc -w``.
A request that is answered takes what the app needs to answer it (``HttpResult.elapsed``: its CPU
time under its CPU limit, a "slow" app's delay), waited in virtual time too, so a loop that waits
for each answer sends as many as the app can serve (the HPA walkthrough's load generator); wget's
``-T`` and curl's ``-m`` cut such a wait short. ``programs(image_ref)`` is the set an image ships (busybox applets, curl, dnsutils' BIND tools).
``run_sync`` drives a program to its end for callers without a clock (it ignores the waits).

The pure text helpers (``Out``, ``wget_*``, ``curl_*``, ``ping_text`` …) live here too; the shells'
``server/shell/fmt.py`` re-exports them.

Hands off: requests go through ``apps`` (so they land in the answering pod's log and the traffic
log), names through the container's ``/etc/hosts`` (``_resolve``: ``localhost``, the pod's own
hostname, a user's own lines) and then ``dns``. Everything may draw on the cluster's seeded RNG: run programs only
from operations the sandbox records.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

CURL_VERSION = "8.11.1"
BUSYBOX_BANNER = "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
#: busybox wget's default -T (seconds)
WGET_TIMEOUT = 900.0
#: the statuses busybox wget follows a Location of (others but 2xx are "server returned error"), and how many
WGET_FOLLOWED = frozenset({300, 301, 302, 303})
WGET_REDIRECTS = 5
#: what the kernel's SYN retries take before connect() fails with ETIMEDOUT (tcp_syn_retries=6)
SYN_TIMEOUT = 127.0
_BAR = 32


try:  # the shell language's wait request (part 1's sh.py); a stand-in until it lands
    from ..sh import Sleep  # type: ignore[import-not-found,attr-defined]
except ImportError:  # pragma: no cover - only while sh.py is missing
    @dataclass(frozen=True)
    class Sleep:  # type: ignore[no-redef]
        seconds: float


@dataclass
class Out:
    """A program's result: what it wrote to stdout and stderr, and its exit status."""

    stdout: str = ""
    stderr: str = ""
    code: int = 0


def reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


# -- text: busybox wget -----------------------------------------------------------------------------
def _progress(name: str, size: int) -> str:
    return f"{name:<20} 100% |{'*' * _BAR}| {size:>5}  0:00:00 ETA\n"


def wget_connecting(host: str, ip: str, port: int) -> str:
    """``host`` as the URL gives it: busybox's parse_url keeps ``host[:port]`` together."""
    return f"Connecting to {host} ({ip}:{port})\n"


def typed_host(url_text: str) -> str:
    """The ``host[:port]`` of a URL as typed (no scheme, path, query, fragment or user)."""
    rest = url_text.split("://", 1)[1] if "://" in url_text else url_text
    for sep in "/?#":
        rest = rest.split(sep, 1)[0]
    return rest.rpartition("@")[2]


def wget_bad_address(host: str) -> Out:
    return Out(stderr=f"wget: bad address '{host}'\n", code=1)


def wget_cant_connect(ip: str, error: str) -> Out:
    if "timed out" in error.lower():
        return Out(stderr="wget: download timed out\n", code=1)
    return Out(stderr=f"wget: can't connect to remote host ({ip}): {error}\n", code=1)


def wget_http_error(status: int) -> Out:
    return Out(stderr=f"wget: server returned error: HTTP/1.1 {status} {reason(status)}\n", code=1)


def wget_saved(body: str, output: str | None, quiet: bool, path: str) -> tuple[Out, str | None]:
    """The success case: (what is printed, the file name written or None for stdout)."""
    size = len(body.encode())
    if output == "-":
        err = "" if quiet else "writing to stdout\n" + _progress("-", size) + "written to stdout\n"
        return Out(stdout=body, stderr=err), None
    name = output or (path.rstrip("/").rsplit("/", 1)[-1] if path.strip("/") else "index.html")
    err = "" if quiet else f"saving to '{name}'\n" + _progress(name, size) + f"'{name}' saved\n"
    return Out(stderr=err), name


# -- text: curl -------------------------------------------------------------------------------------
def curl_error(code: int, message: str, silent: bool, show_error: bool) -> Out:
    return Out(stderr="" if silent and not show_error else f"curl: ({code}) {message}\n", code=code)


def curl_connect_error(host: str, port: int, error: str, ms: int) -> tuple[int, str]:
    """curl's code and message for a failed connection (curl 8 words: refused is "Couldn't connect
    to server"; an ICMP unreachable keeps the system's text)."""
    low = error.lower()
    if "timed out" in low:
        return 28, f"Failed to connect to {host} port {port} after {ms} ms: Timeout was reached"
    if "refused" in low:
        return 7, f"Failed to connect to {host} port {port} after {ms} ms: Couldn't connect to server"
    if "empty reply" in low:
        return 52, "Empty reply from server"
    if "reset" in low:
        return 56, "Recv failure: Connection reset by peer"
    return 7, f"Failed to connect to {host} port {port} after {ms} ms: {error}"


def curl_trying(ip: str, port: int) -> str:
    """``curl -v``'s line for a connection attempt (an IPv6 address in brackets)."""
    return f"*   Trying [{ip}]:{port}..." if ":" in ip else f"*   Trying {ip}:{port}..."


def curl_refused(ip: str, port: int) -> str:
    return f"{curl_trying(ip, port)}\n* connect to {ip} port {port} failed: Connection refused\n"


#: curl resolves these itself (never asking the resolver), IPv6 first: hostip.c get_localhost
CURL_LOCALHOST = ("::1", "127.0.0.1")


def curl_verbose_request(host: str, ip: str, port: int, method: str, path: str, host_header: str,
                         extra: list[tuple[str, str]] | None = None) -> str:
    lines = [curl_trying(ip, port), f"* Connected to {host} ({ip}) port {port}",
             f"> {method} {path} HTTP/1.1", f"> Host: {host_header}", f"> User-Agent: curl/{CURL_VERSION}",
             "> Accept: */*"]
    lines += [f"> {k}: {v}" for k, v in extra or [] if k.lower() not in ("host", "user-agent", "accept")]
    return "\n".join(lines) + "\n> \n"


def status_line(status: int) -> str:
    return f"HTTP/1.1 {status} {reason(status)}"


def header_lines(status: int, headers: dict | list | None) -> list[str]:
    items = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    return [status_line(status)] + [f"{k}: {v}" for k, v in items]


# -- text: busybox ping -----------------------------------------------------------------------------
def ping_text(host: str, ip: str, replies: list[float | None], ttl: int = 64) -> Out:
    """busybox ping: one line per reply, then the statistics (lost packets print nothing)."""
    lines = [f"PING {host} ({ip}): 56 data bytes\n"]
    got = []
    for seq, rtt in enumerate(replies):
        if rtt is None:
            continue
        got.append(rtt)
        lines.append(f"64 bytes from {ip}: seq={seq} ttl={ttl} time={rtt:.3f} ms\n")
    sent = len(replies)
    loss = 0 if not sent else (sent - len(got)) * 100 // sent
    lines.append(f"\n--- {host} ping statistics ---\n")
    lines.append(f"{sent} packets transmitted, {len(got)} packets received, {loss}% packet loss\n")
    if got:
        lines.append(f"round-trip min/avg/max = {min(got):.3f}/{sum(got) / len(got):.3f}/{max(got):.3f} ms\n")
    return Out(stdout="".join(lines), code=0 if got else 1)


def ping_bad_address(host: str) -> Out:
    return Out(stderr=f"ping: bad address '{host}'\n", code=1)


# -- URLs ---------------------------------------------------------------------------------------------
@dataclass
class Url:
    scheme: str
    host: str
    port: int
    path: str  # with the query

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        return self.host if self.port == default else f"{self.host}:{self.port}"

    def text(self) -> str:
        return f"{self.scheme}://{self.host_header}{self.path}"


def _at(url: Url, ip: str | None) -> str:
    """The URL with its host replaced by the address ``ip`` (None: as it is)."""
    return url.text() if ip is None else f"{url.scheme}://{Url(url.scheme, ip, url.port, url.path).host_header}{url.path}"


def parse_url(text: str) -> Url | None:
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Url(scheme, parts.hostname, port or (443 if scheme == "https" else 80), path)


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


# -- running programs ---------------------------------------------------------------------------------
@dataclass
class Streams:
    """A stand-in for the shell's streams (``stdin`` text, ``out``/``err`` writers)."""

    stdin: str = ""
    out: Callable[[str], None] = field(default=lambda s: None)
    err: Callable[[str], None] = field(default=lambda s: None)


@dataclass
class Context:
    """The little of a shell context the tools read: the cluster and the connection's source,
    the environment and (for ``wget -O FILE``) a filesystem with ``write``."""

    cluster: Any
    source: Any = None
    env: dict[str, str] = field(default_factory=dict)
    fs: Any = None
    cwd: str = "/"


Program = Callable[[Any, list[str], Any], "int | Generator[Any, None, int]"]


def run_sync(program: Program, ctx: Any, argv: list[str], stdin: str = "") -> Out:
    """Run ``program`` to its end, collecting its output; waits (``Sleep``) pass no time here."""
    out: list[str] = []
    err: list[str] = []
    io = Streams(stdin, out.append, err.append)
    result = program(ctx, argv, io)
    if isinstance(result, Generator):
        try:
            while True:
                next(result)
        except StopIteration as stop:
            result = stop.value
    return Out("".join(out), "".join(err), int(result or 0))


def _emit(io: Any, res: Out) -> int:
    if res.stdout:
        io.out(res.stdout)
    if res.stderr:
        io.err(res.stderr)
    return res.code


def _source(ctx: Any) -> Any:
    from .proxy import Source

    return getattr(ctx, "source", None) or Source.outside()


def _pod_of(ctx: Any) -> Any:
    src = _source(ctx)
    return (src.namespace, src.name) if src.kind == "pod" else None


def _resolve(ctx: Any, host: str) -> str | None:
    """The address the process's ``/etc/hosts`` gives ``host`` — nsswitch's ``files`` come before
    ``dns`` in glibc and musl alike, so ``localhost`` is 127.0.0.1 and the pod's own hostname its IP
    without a DNS query: the first IPv4 line that names it (case-insensitively; ``#`` starts a
    comment). None when the file does not name it or the process has no filesystem: DNS answers."""
    fs = getattr(ctx, "fs", None)
    if fs is None or not host or is_ip(host):
        return None
    try:
        text = fs.read_text("/etc/hosts")
    except Exception:  # noqa: BLE001 - FsError or a filesystem without one: the name goes to DNS
        return None
    wanted = host.lower().rstrip(".")
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) > 1 and ":" not in fields[0] and wanted in (f.lower() for f in fields[1:]):
            return fields[0]
    return None


def _write_file(ctx: Any, name: str, body: str) -> str | None:
    """Write ``body`` to ``name`` in the program's filesystem; the error text when it cannot."""
    fs = getattr(ctx, "fs", None)
    if fs is None:
        return None
    resolve = getattr(ctx, "resolve", None)
    path = resolve(name) if callable(resolve) else \
        (name if name.startswith("/") else getattr(ctx, "cwd", "/").rstrip("/") + "/" + name)
    try:
        fs.write(path, body.encode())
    except Exception as e:  # FsError: its str() is the strerror
        return str(e)
    return None


def _seconds(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


# -- wget (busybox) -------------------------------------------------------------------------------------
WGET_USAGE = (BUSYBOX_BANNER + "Usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n"
              "\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n")


def wget(ctx: Any, argv: list[str], io: Any) -> Generator[Any, None, int]:
    """busybox wget: ``-q``, ``-S`` (the response headers on stderr), ``-O FILE``/``-O-``, ``--spider``,
    ``-T SEC``/``--timeout=SEC``, ``--header 'K: V'``, ``-U AGENT``; it follows a 300-303's
    ``Location`` (up to 5 times, as download_one_url does) and waits what the app takes to answer
    (``HttpResult.elapsed``: its CPU time, a "slow" app's delay), timing out after ``-T``."""
    from . import apps

    args = argv[1:]
    quiet = spider = server_response = False
    output: str | None = None
    timeout = WGET_TIMEOUT
    headers: dict[str, str] = {}
    agent = "Wget"
    urls: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else None
        if a.startswith("--"):
            name, eq, value = a[2:].partition("=")
            if name in ("timeout", "header", "output-document", "user-agent") and not eq:
                value, i = nxt or "", i + 1
            if name == "quiet":
                quiet = True
            elif name == "server-response":
                server_response = True
            elif name == "spider":
                spider = True
            elif name == "timeout":
                timeout = _seconds(value) or timeout
            elif name == "header":
                k, _, v = value.partition(":")
                headers[k.strip()] = v.strip()
            elif name == "output-document":
                output = value
            elif name == "user-agent":
                agent = value
        elif a.startswith("-") and len(a) > 1:
            letters = a[1:]
            for j, ch in enumerate(letters):
                if ch in "OTUPYo":
                    value = letters[j + 1:]
                    if not value:
                        value, i = nxt or "", i + 1
                    if ch == "O":
                        output = value
                    elif ch == "T":
                        timeout = _seconds(value) or timeout
                    elif ch == "U":
                        agent = value
                    break
                quiet |= ch == "q"
                server_response |= ch == "S"
        else:
            urls.append(a)
        i += 1
    if not urls:
        io.err(WGET_USAGE)
        return 1
    status = 0
    for url_text in urls:
        url = parse_url(url_text)
        if url is None:
            return _emit(io, wget_bad_address(url_text))
        if url.scheme not in ("http", "https"):
            io.err(f"wget: not an http or ftp url: {url_text}\n")
            return 1
        # the file name comes from the URL as given, before any redirect
        name_path = url.path.split("?", 1)[0]
        shown: str | None = typed_host(url_text)
        redirects = WGET_REDIRECTS
        while True:
            # one request: /etc/hosts first, else apps resolves the name as the pod's resolver does
            # (one set of DNS queries)
            listed = _resolve(ctx, url.host)
            sent = dict(headers)
            if listed is not None and not any(k.lower() == "host" for k in sent):
                sent["Host"] = url.host_header
            res = apps.http(ctx.cluster, _source(ctx), _at(url, listed), "HEAD" if spider else "GET",
                            user_agent=agent, headers=sent or None, now=_now(ctx))
            if res.error == apps.UNRESOLVED:
                if res.answer is not None and res.answer.timeout:
                    yield Sleep(min(timeout, 10.0))  # the resolver's 2 x 5 s of retries
                return _emit(io, wget_bad_address(url.host))
            ip = res.ip
            if not quiet and shown is not None:
                io.err(wget_connecting(shown, ip, url.port))
            if res.error:
                if "timed out" in res.error.lower():
                    if timeout < SYN_TIMEOUT:  # wget's alarm fires first
                        yield Sleep(timeout)
                        return _emit(io, wget_cant_connect(ip, res.error))
                    yield Sleep(SYN_TIMEOUT)  # the kernel gives up the connect() first
                    io.err(f"wget: can't connect to remote host ({ip}): Connection timed out\n")
                    return 1
                return _emit(io, wget_cant_connect(ip, res.error))
            if res.elapsed:  # the app takes its time: -T's alarm is set for each read
                if res.elapsed >= timeout:
                    yield Sleep(timeout)
                    io.err("wget: download timed out\n")
                    return 1
                yield Sleep(res.elapsed)
            code = int(res.status or 0)
            lines = header_lines(code, res.headers)
            if code not in WGET_FOLLOWED and not 200 <= code <= 204:
                if server_response:
                    io.err(f"  {lines[0]}\n")
                return _emit(io, wget_http_error(code))
            location = _wget_headers(io, lines, server_response, code in WGET_FOLLOWED)
            if location is None:
                break
            redirects -= 1
            if redirects == 0:
                io.err("wget: too many redirections\n")
                return 1
            if location.startswith("/"):  # the same server: no new connection line
                url, shown = Url(url.scheme, url.host, url.port, location), None
            else:
                nxt = parse_url(location)
                if nxt is None:
                    return _emit(io, wget_bad_address(location))
                url, shown = nxt, typed_host(location)
        if spider:
            if not quiet:
                io.err("remote file exists\n")
            continue
        out, saved = wget_saved(res.body, output, quiet, name_path)
        if saved is not None:
            problem = _write_file(ctx, saved, res.body)
            if problem:
                io.err(f"wget: can't open '{saved}': {problem}\n")
                return 1
        status = _emit(io, out)
    return status


def _wget_headers(io: Any, lines: list[str], show: bool, redirected: bool) -> str | None:
    """Read a response's header lines as busybox does: with ``-S`` each is printed to stderr after two
    spaces (the blank line that ends them too); in a redirection (``redirected``) a ``Location``
    stops the reading there, wget going to it at once. Returns that Location, or None."""
    if show:
        io.err(f"  {lines[0]}\n")
    for line in lines[1:]:
        if show:
            io.err(f"  {line}\n")
        key, _, value = line.partition(":")
        if redirected and key.strip().lower() == "location":
            return value.strip()
    if show:
        io.err("  \n")
    return None


def _now(ctx: Any) -> float | None:
    """The process's own virtual time (it may run ahead of the cluster's clock), when the context has one."""
    now = getattr(ctx, "now", None)
    return now() if callable(now) else None


# -- curl 8 ---------------------------------------------------------------------------------------------
CURL_VALUE_LONG = {"request", "output", "max-time", "connect-timeout", "header", "data", "user-agent", "write-out",
                   "resolve", "data-raw", "data-binary", "user", "retry", "cacert", "cert", "key"}


def curl(ctx: Any, argv: list[str], io: Any) -> Generator[Any, None, int]:
    """curl: ``-s -S -v -I -i -f -L``, ``-X``, ``-H``, ``-o FILE`` (``/dev/null``), ``-w FORMAT``
    (``%{http_code}``, ``%{remote_ip}`` …), ``-m``/``--connect-timeout``, ``--resolve HOST:PORT:ADDR``,
    ``-d`` (a POST)."""
    from . import apps

    args = argv[1:]
    silent = show_error = verbose = head = include = fail = False
    method: str | None = None
    output: str | None = None
    write_out: str | None = None
    max_time: float | None = None
    connect_timeout: float | None = None
    headers: list[tuple[str, str]] = []
    resolves: dict[tuple[str, int], str] = {}
    data: str | None = None
    url_text: str | None = None
    i = 0
    while i < len(args):
        a = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else ""
        if a.startswith("--") and len(a) > 2:
            name, eq, value = a[2:].partition("=")
            if name in CURL_VALUE_LONG and not eq:
                value, i = nxt, i + 1
            silent |= name == "silent"
            show_error |= name == "show-error"
            verbose |= name == "verbose"
            head |= name == "head"
            include |= name == "include"
            fail |= name == "fail"
            if name == "request":
                method = value
            elif name == "output":
                output = value
            elif name == "write-out":
                write_out = value
            elif name == "max-time":
                max_time = _seconds(value)
            elif name == "connect-timeout":
                connect_timeout = _seconds(value)
            elif name == "header":
                k, _, v = value.partition(":")
                headers.append((k.strip(), v.strip()))
            elif name == "resolve":
                parts = value.split(":")
                if len(parts) >= 3 and parts[1].isdigit():
                    resolves[(parts[0].lower(), int(parts[1]))] = ":".join(parts[2:]).strip("[]")
            elif name in ("data", "data-raw", "data-binary"):
                data = value
        elif a.startswith("-") and len(a) > 1:
            letters = a[1:]
            for j, ch in enumerate(letters):
                if ch in "XoHdAmwuU":
                    value = letters[j + 1:]
                    if not value:
                        value, i = nxt, i + 1
                    if ch == "X":
                        method = value
                    elif ch == "o":
                        output = value
                    elif ch == "H":
                        k, _, v = value.partition(":")
                        headers.append((k.strip(), v.strip()))
                    elif ch == "d":
                        data = value
                    elif ch == "m":
                        max_time = _seconds(value)
                    elif ch == "w":
                        write_out = value
                    break
                silent |= ch == "s"
                show_error |= ch == "S"
                verbose |= ch == "v"
                head |= ch == "I"
                include |= ch == "i"
                fail |= ch == "f"
        else:
            url_text = a
        i += 1
    if url_text is None:
        io.err("curl: try 'curl --help' or 'curl --manual' for more information\n")
        return 2
    url = parse_url(url_text)
    if url is None:
        return _emit(io, curl_error(3, "URL rejected: Malformed input to a URL function", silent, show_error))
    if url.scheme not in ("http", "https"):
        return _emit(io, curl_error(1, f'Protocol "{url.scheme}" not supported', silent, show_error))
    pinned = resolves.get((url.host.lower(), url.port))
    name = url.host.lower().rstrip(".")
    # ``localhost`` is curl's own: ::1, then 127.0.0.1 when that is refused (happy eyeballs in list order)
    candidates: list[str | None] = [pinned] if pinned else \
        list(CURL_LOCALHOST) if name == "localhost" or name.endswith(".localhost") else [_resolve(ctx, url.host)]
    method = method or ("HEAD" if head else "POST" if data is not None else "GET")
    header_map = {k: v for k, v in headers}
    host_header = header_map.get("Host") or next((v for k, v in headers if k.lower() == "host"), url.host_header)
    tried = ""  # the refused attempts before the last, for -v
    for n, forced in enumerate(candidates):
        at = (f"[{forced}]" if ":" in forced else forced) if forced else ""
        target = f"http://{at}:{url.port}{url.path}" if forced else url.text()
        res = apps.http(ctx.cluster, _source(ctx), target, method, user_agent=f"curl/{CURL_VERSION}",
                        headers={"Host": host_header, **{k: v for k, v in headers if k.lower() != "host"}},
                        now=_now(ctx))
        if n + 1 < len(candidates) and forced and res.error and "refused" in res.error.lower():
            tried += curl_refused(forced, url.port)
            continue
        break
    if res.error == apps.UNRESOLVED:
        if res.answer is not None and res.answer.timeout:
            yield Sleep(10.0)  # the resolver's retries
        return _emit(io, curl_error(6, f"Could not resolve host: {url.host}", silent, show_error))
    ip = forced or res.ip
    trace = tried + curl_verbose_request(url.host, ip, url.port, method, url.path, host_header, headers) \
        if verbose else ""
    code = 0
    text = ""
    http_code = 0
    if res.error:
        if "timed out" in res.error.lower():
            # the first of -m (multi's "Connection timed out after N milliseconds"), --connect-timeout
            # and the kernel's ETIMEDOUT (both "Failed to connect ... Timeout was reached": curl maps
            # ETIMEDOUT to CURLE_OPERATION_TIMEDOUT since 7.67)
            limits = [(t, kind) for t, kind in ((max_time, "max"), (connect_timeout, "connect"), (SYN_TIMEOUT, "kernel"))
                      if t is not None]
            waited, kind = min(limits, key=lambda x: x[0])
            yield Sleep(waited)
            if kind == "max":
                message = f"Connection timed out after {int(waited * 1000) + 1} milliseconds"
            else:
                message = (f"Failed to connect to {url.host} port {url.port} after {int(waited * 1000) + 5} ms: "
                           "Timeout was reached")
            err = curl_error(28, message, silent, show_error)
        else:
            # a refusal from the loopback interface comes back within the millisecond
            from .proxy import is_loopback

            ms = (0 if is_loopback(ip or "") else 1) if "refused" in res.error.lower() else 3
            num, message = curl_connect_error(url.host, url.port, res.error, ms)
            err = curl_error(num, message, silent, show_error)
        if verbose:
            if "refused" in res.error.lower():  # each address refused, then what the connect phase gave up with
                trace = tried + curl_refused(ip or "", url.port) + f"* {message}\n"
            else:
                trace = tried + curl_trying(ip or "", url.port) + "\n"
        code = err.code
        stderr = trace + err.stderr
    elif max_time is not None and res.elapsed >= max_time:
        # connected and asked, the answer not back within -m
        yield Sleep(max_time)
        err = curl_error(28, f"Operation timed out after {int(max_time * 1000) + 1} milliseconds with 0 bytes "
                             "received", silent, show_error)
        code, stderr = err.code, trace + err.stderr
    else:
        if res.elapsed:
            yield Sleep(res.elapsed)
        http_code = int(res.status or 0)
        lines = header_lines(http_code, res.headers)
        if verbose:
            trace += "".join(f"< {h}\n" for h in lines) + "< \n"
        if fail and http_code >= 400:
            err = curl_error(22, f"The requested URL returned error: {http_code}", silent, show_error)
            code, stderr = 22, trace + err.stderr
        else:
            if head or include:
                text = "".join(h + "\r\n" for h in lines) + "\r\n"
            if not head and method != "HEAD":
                text += res.body
            stderr = trace + (f"* Connection #0 to host {url.host} left intact\n" if verbose else "")
    if text and output not in (None, "-"):
        if output != "/dev/null":
            problem = _write_file(ctx, output, text)
            if problem:
                stderr += f"curl: (23) Failure writing output to destination, passed {len(text.encode())} returned 0\n"
                code = 23
        text = ""
    if text:
        io.out(text)
    if write_out is not None:
        io.out(_write_out(write_out, http_code, ip if not res.error else "", url, res))
    if stderr:
        io.err(stderr)
    return code


def _write_out(fmt: str, http_code: int, ip: str, url: Url, res: Any) -> str:
    values = {"http_code": f"{http_code:03d}", "response_code": f"{http_code:03d}", "remote_ip": ip,
              "remote_port": str(url.port) if ip else "", "url_effective": url.text(),
              "size_download": str(len((res.body or "").encode())), "content_type": (res.headers or {}).get(
                  "Content-Type", ""), "time_total": "0.002000", "scheme": url.scheme.upper()}
    out = []
    i = 0
    while i < len(fmt):
        if fmt.startswith("%{", i) and "}" in fmt[i:]:
            end = fmt.index("}", i)
            out.append(values.get(fmt[i + 2:end], ""))
            i = end + 1
        elif fmt.startswith("\\n", i):
            out.append("\n")
            i += 2
        else:
            out.append(fmt[i])
            i += 1
    return "".join(out)


# -- ping (busybox) -------------------------------------------------------------------------------------
def ping(ctx: Any, argv: list[str], io: Any) -> Generator[Any, None, int]:
    """busybox ping ``[-c N] [-W SEC] HOST``: one second between echoes (no ``-c``: the terminal
    shows four, as if Ctrl-C came)."""
    from . import apps

    args = argv[1:]
    count, host = 4, None
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-c" and i + 1 < len(args):
            i += 1
            count = int(args[i]) if args[i].isdigit() else count
        elif a.startswith("-c") and a[2:].isdigit():
            count = int(a[2:])
        elif a in ("-W", "-w", "-i", "-s", "-t") and i + 1 < len(args):
            i += 1
        elif not a.startswith("-"):
            host = a
        i += 1
    if host is None:
        io.err(BUSYBOX_BANNER + "Usage: ping [OPTIONS] HOST\n")
        return 1
    count = max(1, min(count, 100))
    res = apps.ping(ctx.cluster, _source(ctx), _resolve(ctx, host) or host, count)
    if res.unresolved or not res.ip:
        return _emit(io, ping_bad_address(host))
    rtts: list[float | None] = [None] * max(res.transmitted, count)
    ttl = 64
    for r in res.replies:
        if 0 <= r.seq < len(rtts):
            rtts[r.seq] = float(r.rtt_ms)
            ttl = r.ttl
    yield Sleep(float(count))
    return _emit(io, ping_text(host, str(res.ip), rtts, ttl))


# -- nc (busybox) ---------------------------------------------------------------------------------------
def nc(ctx: Any, argv: list[str], io: Any) -> Generator[Any, None, int]:
    """busybox nc ``-z [-v] [-w SEC] HOST PORT...``: a bare connect per port
    (``HOST (IP:PORT) open``; ``nc: HOST (IP:PORT): Connection refused``)."""
    from . import apps

    args = argv[1:]
    verbose = zero = False
    wait: float | None = None
    words: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("-") and len(a) > 1:
            for j, ch in enumerate(a[1:]):
                if ch == "w":
                    value = a[j + 2:] or (args[i + 1] if i + 1 < len(args) else "")
                    if not a[j + 2:]:
                        i += 1
                    wait = _seconds(value)
                    break
                verbose |= ch == "v"
                zero |= ch == "z"
        else:
            words.append(a)
        i += 1
    if len(words) < 2:
        io.err(BUSYBOX_BANNER + "Usage: nc [OPTIONS] HOST PORT  - connect\nnc [OPTIONS] -l -p PORT [HOST] [PORT]  - listen\n")
        return 1
    host, ports = words[0], words[1:]
    if any(not p.isdigit() for p in ports):
        io.err(f"nc: bad port '{next(p for p in ports if not p.isdigit())}'\n")
        return 1
    status = 0
    target = _resolve(ctx, host) or host
    for p in ports:
        res = apps.tcp(ctx.cluster, _source(ctx), target, int(p))
        if res.error == apps.UNRESOLVED:
            io.err(f"nc: bad address '{host}'\n")
            return 1
        ip = target = res.ip  # the name is resolved once
        if res.ok:
            if verbose:
                io.err(f"{host} ({ip}:{p}) open\n")
            if not zero:
                return 0  # a connection with nothing to send: stdin's EOF ends it
            continue
        error = res.error or "Connection refused"
        if "timed out" in error.lower():
            yield Sleep(wait if wait is not None else SYN_TIMEOUT)
        io.err(f"nc: {host} ({ip}:{p}): {error}\n")
        status = 1
    return status


# -- nslookup / dig -------------------------------------------------------------------------------------
def _nslookup_args(argv: list[str]) -> tuple[list[str], str | None]:
    names = [a for a in argv[1:] if not a.startswith("-")]
    qtype = next((a.split("=", 1)[1] for a in argv[1:] if a.startswith(("-type=", "-query=", "-q=")) and "=" in a),
                 None)
    return names, qtype


def nslookup_busybox(ctx: Any, argv: list[str], io: Any) -> int:
    """busybox 1.29+ nslookup (its own resolver)."""
    from . import dns

    names, qtype = _nslookup_args(argv)
    if not names:
        io.err(BUSYBOX_BANNER + "Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\nQuery DNS about HOST\n")
        return 1
    text, status = dns.nslookup_text(ctx.cluster, names[0], pod=_pod_of(ctx),
                                     server=names[1] if len(names) > 1 else None, qtype=qtype)
    io.out(text)
    return status


def nslookup_busybox128(ctx: Any, argv: list[str], io: Any) -> int:
    """busybox 1.28's nslookup (getaddrinfo, reverse names on every address)."""
    from . import dns

    names, _qtype = _nslookup_args(argv)
    if not names:
        io.err("BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\n"
               "Usage: nslookup [HOST] [SERVER]\n\nQuery the nameserver for the IP address of the given HOST\n"
               "optionally using a specified DNS server\n")
        return 1
    out, err, status = dns.nslookup_busybox128(ctx.cluster, names[0], pod=_pod_of(ctx),
                                               server=names[1] if len(names) > 1 else None)
    io.out(out)
    if err:
        io.err(err)
    return status


def nslookup_bind(ctx: Any, argv: list[str], io: Any) -> int:
    """BIND 9's nslookup (the dnsutils image)."""
    from . import dns

    names, qtype = _nslookup_args(argv)
    if not names:
        io.err("> ")  # interactive mode reads stdin: EOF ends it
        return 0
    text, status = dns.nslookup_bind9(ctx.cluster, names[0], pod=_pod_of(ctx),
                                      server=names[1] if len(names) > 1 else None, qtype=qtype)
    io.out(text)
    return status


def dig(ctx: Any, argv: list[str], io: Any) -> int:
    """BIND 9's dig: ``dig [@SERVER] NAME [TYPE] +short`` (``-x ADDR`` for PTR)."""
    from . import dns

    server = None
    name = None
    qtype = "A"
    short = False
    args = argv[1:]
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("@"):
            server = a[1:]
        elif a == "+short":
            short = True
        elif a.startswith("+"):
            pass
        elif a == "-x" and i + 1 < len(args):
            i += 1
            name, qtype = args[i], "PTR"
        elif a == "-t" and i + 1 < len(args):
            i += 1
            qtype = args[i].upper()
        elif a.upper() in ("A", "AAAA", "SRV", "PTR", "CNAME", "TXT", "MX", "NS", "SOA", "ANY"):
            qtype = a.upper()
        else:
            name = a
        i += 1
    if name is None:
        name, qtype = ".", "NS"
    text, status = dns.dig_short(ctx.cluster, name, pod=_pod_of(ctx), qtype=qtype, server=server)
    if not short and status == 0:
        text = _dig_full(ctx, name, qtype, server, text)
    io.out(text)
    return status


def _dig_full(ctx: Any, name: str, qtype: str, server: str | None, short: str) -> str:
    """dig's default sections (header, question, answer, statistics) around the records."""
    from datetime import UTC, datetime

    from . import dns

    qname = (dns._reverse_name(name) if qtype == "PTR" and is_ip(name) else name).rstrip(".") + "."
    reply = dns.query(ctx.cluster, qname, qtype) if (server or dns.SERVER) == dns.SERVER else \
        dns._external(qname.rstrip(".").lower(), qtype)
    answers = [r for r in reply.records]
    flags = "qr aa rd" if reply.authoritative else "qr rd ra"
    qid = ctx.cluster.clock.rng.randrange(1, 65536)
    when = datetime.fromtimestamp(ctx.cluster.clock.now(), UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
    srv = server or dns.SERVER
    lines = ["", f"; <<>> DiG 9.9.5-9+deb8u19-Debian <<>> {name}" + (f" {qtype}" if qtype != "A" else ""),
             ";; global options: +cmd", ";; Got answer:",
             f";; ->>HEADER<<- opcode: QUERY, status: {reply.rcode}, id: {qid}",
             f";; flags: {flags}; QUERY: 1, ANSWER: {len(answers)}, AUTHORITY: 0, ADDITIONAL: 1"]
    if reply.authoritative:
        lines.append(";; WARNING: recursion requested but not available")
    lines += ["", ";; OPT PSEUDOSECTION:", "; EDNS: version: 0, flags:; udp: 4096", ";; QUESTION SECTION:",
              f";{qname}\t\tIN\t{qtype}", ""]
    if answers:
        lines.append(";; ANSWER SECTION:")
        for r in answers:
            value = r.value + "." if r.type in ("CNAME", "PTR") else r.value
            lines.append(f"{r.name}.\t30\tIN\t{r.type}\t{value}")
        lines.append("")
    lines += [";; Query time: 0 msec", f";; SERVER: {srv}#53({srv})", f";; WHEN: {when}", ";; MSG SIZE  rcvd: "
              f"{12 + len(qname) + 5 + sum(len(r.name) + 14 for r in answers) + 11}", "", ""]
    return "\n".join(lines)


# -- what an image ships ------------------------------------------------------------------------------
BUSYBOX_TOOLS: dict[str, Program] = {"wget": wget, "ping": ping, "nc": nc, "nslookup": nslookup_busybox}


def programs(image_ref: str | None) -> dict[str, Program]:
    """The network programs an image has: busybox's applets (1.28's nslookup for busybox ≤ 1.28),
    curl in the images that ship it, BIND's nslookup and dig in dnsutils."""
    from . import dns

    ref = (image_ref or "").lower()
    flavour = dns.nslookup_flavour(ref)
    out: dict[str, Program] = {}
    repo = ref.rsplit(":", 1)[0] if ":" in ref.rsplit("/", 1)[-1] else ref
    if repo.endswith(("busybox", "alpine", "curlimages/curl")):
        out.update(BUSYBOX_TOOLS)
        if flavour == "busybox-1.28":
            out["nslookup"] = nslookup_busybox128
    if "dnsutils" in repo:
        out.update({"nslookup": nslookup_bind, "dig": dig, "ping": ping})
    if repo.endswith(("curlimages/curl", "library/nginx", "nginx", "kubernetes-bootcamp", "centos", "wordpress",
                      "kuard-amd64")):
        out["curl"] = curl
    return out
