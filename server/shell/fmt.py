"""What the network tools print, in their own words: busybox ``wget`` and ``ping``, curl 8.

The texts live with the tools themselves in ``server/sim/net/clients.py`` (one implementation,
shared by a container's main process and the shells); this module is the shells' name for them.
"""

from __future__ import annotations

from ..sim.net.clients import (
    CURL_VERSION,
    Out,
    curl_connect_error,
    curl_error,
    curl_verbose_request,
    header_lines,
    ping_bad_address,
    ping_text,
    reason,
    status_line,
    wget_bad_address,
    wget_cant_connect,
    wget_connecting,
    wget_http_error,
    wget_saved,
)

__all__ = ["CURL_VERSION", "Out", "curl_connect_error", "curl_error", "curl_verbose_request", "header_lines",
           "ping_bad_address", "ping_text", "reason", "status_line", "wget_bad_address", "wget_cant_connect",
           "wget_connecting", "wget_http_error", "wget_saved"]
