"""What the network tools print, in their own words: busybox ``wget`` and ``ping``, curl 8.

Owns: pure functions from a request's outcome to text (stdout, stderr and the exit status the tool
returns). No cluster access here: ``netio`` does the requests and hands the outcome over.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus

CURL_VERSION = "8.11.1"
#: what wget's progress bar is drawn with on an 80-column terminal (busybox 1.36 progressmeter)
_BAR = 32


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


def _progress(name: str, size: int) -> str:
    return f"{name:<20} 100% |{'*' * _BAR}| {size:>5}  0:00:00 ETA\n"


# -- busybox wget ------------------------------------------------------------------------------
def wget_connecting(host: str, ip: str, port: int) -> str:
    return f"Connecting to {host} ({ip}:{port})\n"


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


# -- curl --------------------------------------------------------------------------------------
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


def curl_verbose_request(host: str, ip: str, port: int, method: str, path: str, host_header: str) -> str:
    return (f"*   Trying {ip}:{port}...\n* Connected to {host} ({ip}) port {port}\n"
            f"> {method} {path} HTTP/1.1\n> Host: {host_header}\n> User-Agent: curl/{CURL_VERSION}\n"
            "> Accept: */*\n> \n")


def status_line(status: int) -> str:
    return f"HTTP/1.1 {status} {reason(status)}"


def header_lines(status: int, headers: dict | list | None) -> list[str]:
    items = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    return [status_line(status)] + [f"{k}: {v}" for k, v in items]


# -- busybox ping ------------------------------------------------------------------------------
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
