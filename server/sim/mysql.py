"""The mysql images' programs: the server's start-up per major version and the clients it ships.

Owns: ``version_of(tag)`` (the server release a ``mysql:<tag>`` image runs) and ``build_of(version)``
(the image's ``MYSQL_VERSION``: ``5.7.30-1debian10`` for the Debian-based 5.6/5.7 images,
``5.7.44-1.el7`` / ``8.0.41-1.el9`` for the Oracle Linux ones); ``mysqld`` — docker-library/mysql's
docker-entrypoint.sh (``[Note] [Entrypoint]: …`` lines, the password-option check, the
initialisation with its temporary server, ``MYSQL_DATABASE``/``MYSQL_USER``) then mysqld's own log in
that major's format (5.6 ``2021-01-20 12:00:00 1 [Note] …``, 5.7 ``2020-…Z 0 [Note] mysqld (mysqld
5.7.30) starting as process 1 ...`` and its two-line ``ready for connections.``, 8.0+ ``[System]
[MY-010116] [Server] …``); ``Server`` — what a running mysqld holds (its accounts from the
``MYSQL_*`` variables it started with, its databases, its counters), kept on the container's
``ProcState.service`` so the clients can reach it; and the clients: ``mysqladmin`` (``ping``,
``status``, ``version``, ``create``, ``drop``; mysqladmin.cc's exit codes: a server's refusal of a
``ping`` still exits 0) and ``mysql`` (``-e`` statements or statements on stdin: ``SELECT``
literals and functions, ``SHOW DATABASES``, ``CREATE``/``DROP DATABASE``, ``USE``; tab-separated
output when stdout is not a terminal, the ``+---+`` table on one), each checking the password
against the server's account and printing the real errors (``ERROR 1045 (28000): Access denied for
user 'root'@'localhost' (using password: YES)``, ``ERROR 2002 (HY000): Can't connect to local MySQL
server through socket …``, ``ERROR 2003``, ``ERROR 2005``) and the ``[Warning] Using a password on
the command line interface can be insecure.`` line. ``-h HOST`` goes through the cluster's network
(``net.apps.tcp``: DNS, Services, NetworkPolicies) to the answering container's server.

Hands off: ``programs.image_programs`` registers these for the mysql images, bound to the
container's ``ProcState``; the kubelet runs them as the main process, exec probes and
``kubectl exec``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .registry import FOREVER
from .sh import Sleep

MIB = 1024 * 1024
SOCKET = "/var/run/mysqld/mysqld.sock"
PORT = 3306
#: ``mysql:<tag>`` -> the server release it runs (the tag's last build)
VERSIONS = {"5.6": "5.6.51", "5.7": "5.7.44", "5.7.30": "5.7.30", "8.0": "8.0.41", "8.4": "8.4.4"}
LATEST = "9.2.0"
#: the year of the release's copyright notice (``Copyright (c) 2000, 2020, Oracle …``)
_YEAR = {"5.6.51": 2021, "5.7.30": 2020, "5.7.44": 2023}


def version_of(tag: str) -> str:
    return VERSIONS.get(tag, LATEST)


def _v(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in version.split(".") if x.isdigit())


def build_of(version: str) -> str:
    """The image's ``MYSQL_VERSION``: the package the Dockerfile installs (Debian stretch for 5.6,
    buster for 5.7 until 5.7.33, Oracle Linux 7 for the last 5.7s, Oracle Linux 9 from 8.0.30)."""
    v = _v(version)
    if v < (5, 7):
        return f"{version}-1debian9"
    if v < (5, 7, 34):
        return f"{version}-1debian10"
    if v < (8, 0):
        return f"{version}-1.el7"
    return f"{version}-1.el9"


def debian_based(version: str) -> bool:
    return "debian" in build_of(version)


def image_env(tag: str) -> tuple[tuple[str, str], ...]:
    """The Dockerfile's ENV after PATH: GOSU_VERSION, MYSQL_MAJOR, MYSQL_VERSION (and, in the
    Oracle Linux images, MYSQL_SHELL_VERSION)."""
    version = version_of(tag)
    v = _v(version)
    build = build_of(version)
    if debian_based(version):
        return (("GOSU_VERSION", "1.12"), ("MYSQL_MAJOR", ".".join(map(str, v[:2]))), ("MYSQL_VERSION", build))
    if v < (8, 0):
        return (("GOSU_VERSION", "1.16"), ("MYSQL_MAJOR", "5.7"), ("MYSQL_VERSION", build),
                ("MYSQL_SHELL_VERSION", "8.0.35-1.el7"))
    major = ".".join(map(str, v[:2])) if v < (9,) else "innovation"
    return (("GOSU_VERSION", "1.17"), ("MYSQL_MAJOR", major), ("MYSQL_VERSION", build),
            ("MYSQL_SHELL_VERSION", build))


def _year(version: str) -> int:
    return _YEAR.get(version, 2025)


# -- the server -----------------------------------------------------------------------------------
@dataclass
class Server:
    """A running mysqld: its release, its accounts (user -> password), its databases."""

    version: str
    started: float
    hostname: str = ""
    accounts: dict[str, str] = field(default_factory=dict)
    #: user -> the databases it was granted (None: all, as root)
    grants: dict[str, set[str] | None] = field(default_factory=dict)
    databases: list[str] = field(default_factory=list)
    questions: int = 0
    connections: int = 0

    def uptime(self, now: float) -> int:
        return max(1, int(now - self.started))

    def status_line(self, now: float) -> str:
        """mysql_stat(): what ``mysqladmin status`` prints."""
        up = self.uptime(now)
        opens, flushes, tables = (105, 1, 98) if _v(self.version) < (8, 0) else (119, 3, 38)
        threads = 1 if _v(self.version) < (8, 0) else 2
        return (f"Uptime: {up}  Threads: {threads}  Questions: {self.questions}  Slow queries: 0  Opens: {opens}  "
                f"Flush tables: {flushes}  Open tables: {tables}  Queries per second avg: "
                f"{self.questions / up:.3f}")


def _system_dbs(version: str) -> list[str]:
    base = ["information_schema", "mysql", "performance_schema"]
    return base if _v(version) < (5, 7) else base + ["sys"]


def _random_password(seed: str) -> str:
    """pwgen -1 32 -s's shape (the entrypoint's MYSQL_RANDOM_ROOT_PASSWORD), stable per container."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest)


def _iso_seconds(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S+00:00")


def _z(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


def _server_log(version: str, t: float, ready: bool = True) -> list[str]:
    """mysqld's own start-up lines (stderr) in its major's format, up to "ready for connections"."""
    v = _v(version)
    if v < (5, 7):
        s = datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S")
        lines = [f"{s} 0 [Warning] TIMESTAMP with implicit DEFAULT value is deprecated. Please use "
                 "--explicit_defaults_for_timestamp server option (see documentation for more details).",
                 f"{s} 0 [Note] mysqld (mysqld {version}) starting as process 1 ...",
                 f"{s} 1 [Note] InnoDB: Using atomics to ref count buffer pool pages",
                 f"{s} 1 [Note] InnoDB: 5.6.51 started; log sequence number 1626027",
                 f"{s} 1 [Note] Server hostname (bind-address): '*'; port: 3306",
                 f"{s} 1 [Note] IPv6 is available.",
                 f"{s} 1 [Note]   - '::' resolves to '::';",
                 f"{s} 1 [Note] Server socket created on IP: '::'.",
                 f"{s} 1 [Note] Event Scheduler: Loaded 0 events",
                 f"{s} 1 [Note] mysqld: ready for connections.",
                 f"Version: '{version}'  socket: '{SOCKET}'  port: 3306  MySQL Community Server (GPL)"]
        return lines if ready else lines[:2]
    if v < (8, 0):
        z = _z(t)
        lines = [f"{z} 0 [Warning] TIMESTAMP with implicit DEFAULT value is deprecated. Please use "
                 "--explicit_defaults_for_timestamp server option (see documentation for more details).",
                 f"{z} 0 [Note] mysqld (mysqld {version}) starting as process 1 ...",
                 f"{z} 0 [Note] InnoDB: PUNCH HOLE support available",
                 f"{z} 0 [Note] InnoDB: Mutexes and rw_locks use GCC atomic builtins",
                 f"{z} 0 [Note] InnoDB: Uses event mutexes",
                 f"{z} 0 [Note] InnoDB: Initializing buffer pool, total size = 128M, instances = 1, chunk size = 128M",
                 f"{z} 0 [Note] InnoDB: Completed initialization of buffer pool",
                 f"{z} 0 [Note] InnoDB: {version} started; log sequence number 12364631",
                 f"{z} 0 [Note] Plugin 'FEDERATED' is disabled.",
                 f"{z} 0 [Warning] CA certificate ca.pem is self signed.",
                 f"{z} 0 [Note] Server hostname (bind-address): '*'; port: 3306",
                 f"{z} 0 [Note] IPv6 is available.",
                 f"{z} 0 [Note]   - '::' resolves to '::';",
                 f"{z} 0 [Note] Server socket created on IP: '::'.",
                 f"{z} 0 [Warning] Insecure configuration for --pid-file: Location '/var/run/mysqld' in the path is "
                 "accessible to all OS users. Consider choosing a different directory.",
                 f"{z} 0 [Note] Event Scheduler: Loaded 0 events",
                 f"{z} 0 [Note] mysqld: ready for connections.",
                 f"Version: '{version}'  socket: '{SOCKET}'  port: 3306  MySQL Community Server (GPL)"]
        return lines if ready else lines[:2]
    z = _z(t)
    lines = [f"{z} 0 [System] [MY-015015] [Server] MySQL Server - start." if v >= (8, 0, 35) else "",
             f"{z} 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld {version}) starting as process 1",
             f"{z} 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '{version}'  "
             f"socket: '{SOCKET}'  port: 3306  MySQL Community Server - GPL."]
    lines = [line for line in lines if line]
    return lines if ready else lines[:-1]


def mysqld(ctx: Any, argv: list[str], io: Any, proc: Any, *, version: str) -> Generator[Any, None, int]:
    """docker-library/mysql's docker-entrypoint.sh (as root it re-executes itself as ``mysql``
    through gosu, hence its first line twice), then mysqld. With no password option it refuses;
    on an empty data directory it initialises one first (a temporary server with networking off
    runs the set-up: the root password, ``MYSQL_DATABASE``, ``MYSQL_USER``)."""
    env = ctx.env or {}
    v = _v(version)
    build = build_of(version)

    def note(text: str) -> None:
        io.out(f"{_iso_seconds(ctx.now())} [Note] [Entrypoint]: {text}")

    note(f"Entrypoint script for MySQL Server {build} started.")
    note("Switching to dedicated user 'mysql'")
    note(f"Entrypoint script for MySQL Server {build} started.")
    if not any(env.get(k) for k in ("MYSQL_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD",
                                    "MYSQL_RANDOM_ROOT_PASSWORD")):
        yield Sleep(0.8)
        io.err(f"{_iso_seconds(ctx.now())} [ERROR] [Entrypoint]: Database is uninitialized and password option is "
               "not specified\n    You need to specify one of the following as an environment variable:\n"
               "    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD")
        return 1
    proc.hold((200 if v < (8, 0) else 360) * MIB)
    note("Initializing database files")
    yield Sleep(8.0)
    if v < (8, 0):  # mysqld --initialize-insecure's own warnings
        z = _z(ctx.now())
        for text in ("[Warning] TIMESTAMP with implicit DEFAULT value is deprecated. Please use "
                     "--explicit_defaults_for_timestamp server option (see documentation for more details).",
                     "[Warning] InnoDB: New log files created, LSN=45790",
                     "[Warning] InnoDB: Creating foreign key constraint system tables.",
                     "[Warning] CA certificate ca.pem is self signed."):
            io.err(f"{z} 0 {text}")
        io.err(f"{z} 1 [Warning] root@localhost is created with an empty password ! Please consider switching off "
               "the --initialize-insecure option.")
    note("Database files initialized")
    note("Starting temporary server")
    if v < (8, 0):
        note("Waiting for server startup")
    for line in _server_log(version, ctx.now()):  # the temporary server: --skip-networking
        if not any(w in line for w in ("bind-address", "IPv6", "resolves to", "socket created")):
            io.err(line.replace("port: 3306", "port: 0"))
    note("Temporary server started.")
    if debian_based(version):  # mysql_tzinfo_to_sql on the tables tzdata ships beside the zones
        for name in ("iso3166.tab", "leap-seconds.list", "zone.tab", "zone1970.tab"):
            io.err(f"Warning: Unable to load '/usr/share/zoneinfo/{name}' as time zone. Skipping it.")
    root = env.get("MYSQL_ROOT_PASSWORD", "")
    if not root and env.get("MYSQL_RANDOM_ROOT_PASSWORD") and not env.get("MYSQL_ALLOW_EMPTY_PASSWORD"):
        root = _random_password(f"{ctx.hostname}/{ctx.now()}")
        note(f"GENERATED ROOT PASSWORD: {root}")
    server = Server(version=version, started=0.0, hostname=str(getattr(ctx, "hostname", "") or ""),
                    accounts={"root": root}, grants={"root": None}, databases=_system_dbs(version))
    database, user = env.get("MYSQL_DATABASE", ""), env.get("MYSQL_USER", "")
    if database:
        note(f"Creating database {database}")
        server.databases.append(database)
    if user and env.get("MYSQL_PASSWORD"):
        note(f"Creating user {user}")
        server.accounts[user] = env["MYSQL_PASSWORD"]
        server.grants[user] = set()
        if database:
            note(f"Giving user {user} access to schema {database}")
            server.grants[user] = {database}
    io.out("")
    note("Stopping temporary server")
    note("Temporary server stopped")
    io.out("")
    note("MySQL init process done. Ready for start up.")
    io.out("")
    for line in _server_log(version, ctx.now()):
        io.err(line)
    server.started = ctx.now()
    proc.service = server
    proc.ports, proc.handles_stop = (3306, 33060) if v >= (5, 7, 12) else (3306,), True
    while True:
        yield Sleep(FOREVER)


# -- the clients ----------------------------------------------------------------------------------
@dataclass
class Options:
    user: str = "root"
    password: str | None = None
    password_on_line: bool = False
    host: str | None = None
    port: int = PORT
    execute: list[str] = field(default_factory=list)
    database: str | None = None
    silent: int = 0
    skip_names: bool = False
    table: bool = False
    batch: bool = False
    force: bool = False
    version: bool = False
    rest: list[str] = field(default_factory=list)
    unknown: str | None = None


#: options taking a value: short letter -> field
_SHORT = {"u": "user", "p": "password", "h": "host", "P": "port", "e": "execute", "D": "database", "S": "socket"}
_LONG = {"user": "user", "password": "password", "host": "host", "port": "port", "execute": "execute",
         "database": "database", "socket": "socket", "protocol": "protocol", "default-character-set": "charset",
         "connect-timeout": "timeout", "wait": "wait", "count": "count", "sleep": "sleep"}
_FLAGS = {"s": "silent", "N": "skip_names", "t": "table", "B": "batch", "f": "force", "V": "version",
          "v": "verbose", "A": "no_rehash", "i": "ignore", "n": "unbuffered", "q": "quick", "r": "raw", "E": "vertical"}
_LONG_FLAGS = {"silent": "silent", "skip-column-names": "skip_names", "table": "table", "batch": "batch",
               "force": "force", "version": "version", "verbose": "verbose", "no-auto-rehash": "no_rehash",
               "skip-auto-rehash": "no_rehash", "quick": "quick", "raw": "raw", "vertical": "vertical",
               "compress": "compress", "ssl": "ssl", "skip-ssl": "ssl", "no-beep": "nobeep"}


def _set(o: Options, name: str, value: str) -> None:
    if name == "password":
        o.password, o.password_on_line = value, True
    elif name == "port":
        o.port = int(value) if value.isdigit() else 0
    elif name == "execute":
        o.execute.append(value)
    elif name in ("user", "host", "database"):
        setattr(o, name, value)


def _flag(o: Options, name: str) -> None:
    if name == "silent":
        o.silent += 1
    elif name in ("skip_names", "table", "batch", "force", "version"):
        setattr(o, name, True)


def parse(argv: list[str], prog: str) -> Options:
    """my_getopt's reading of the mysql clients' command line (``-uroot -pSECRET -e "…"``; ``-p``
    alone prompts; ``--password=…``; a first bare word is the database for ``mysql``)."""
    o = Options()
    args = argv[1:]
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a == "--":
            o.rest.extend(args[i:])
            break
        if a.startswith("--"):
            name, eq, value = a[2:].partition("=")
            if name in _LONG:
                if name == "password":
                    if eq:
                        _set(o, "password", value)
                    else:
                        o.password = None
                        o.password_on_line = False
                        o.rest.append("\0prompt")
                    continue
                if not eq:
                    if i >= len(args):
                        o.unknown = f"option '--{name}' requires an argument"
                        break
                    value = args[i]
                    i += 1
                _set(o, _LONG[name], value)
            elif name in _LONG_FLAGS:
                _flag(o, _LONG_FLAGS[name])
            elif name == "help":
                o.rest.append("\0help")
            else:
                o.unknown = f"unknown option '--{name}'"
                break
            continue
        if a.startswith("-") and len(a) > 1:
            j = 1
            while j < len(a):
                ch = a[j]
                if ch in _SHORT:
                    value = a[j + 1:]
                    if ch == "p":
                        if value:
                            _set(o, "password", value)
                        else:
                            o.rest.append("\0prompt")
                        break
                    if not value:
                        if i >= len(args):
                            o.unknown = f"option '-{ch}' requires an argument"
                            break
                        value = args[i]
                        i += 1
                    _set(o, _SHORT[ch], value)
                    break
                if ch in _FLAGS:
                    _flag(o, _FLAGS[ch])
                    j += 1
                    continue
                if ch == "?":
                    o.rest.append("\0help")
                    j += 1
                    continue
                o.unknown = f"unknown option '-{ch}'"
                break
            if o.unknown:
                break
            continue
        o.rest.append(a)
    return o


@dataclass
class Conn:
    server: Server | None = None
    #: (code, sqlstate, message) when the connection failed
    error: tuple[int, str, str] | None = None
    via: str = ""
    client: str = "localhost"
    tcp_port: int | None = None


def _version_words(version: str) -> str:
    return "MySQL Community Server (GPL)" if _v(version) < (8, 0) else "MySQL Community Server - GPL"


def connect(ctx: Any, proc: Any, o: Options, version: str) -> Conn:
    """libmysqlclient's mysql_real_connect: the Unix socket for no host or ``localhost`` (this
    container's server), else TCP through the cluster's network to whoever answers on the port,
    then the server's account check."""
    host = o.host
    new = _v(version) >= (8, 0)
    if host in (None, "", "localhost"):
        server = getattr(proc, "service", None)
        if not isinstance(server, Server):
            return Conn(error=(2002, "HY000", f"Can't connect to local MySQL server through socket '{SOCKET}' (2)"))
        conn = Conn(server=server, via="Localhost via UNIX socket", client="localhost")
    else:
        where = f"'{host}:{o.port}'" if new else f"'{host}'"
        cluster, source = getattr(ctx, "cluster", None), getattr(ctx, "source", None)
        if cluster is None or source is None:
            return Conn(error=(2005, "HY000", f"Unknown MySQL server host '{host}' (-2)"))
        from .net import apps

        res = apps.tcp(cluster, source, host, o.port)
        if res.error == apps.UNRESOLVED:
            return Conn(error=(2005, "HY000", f"Unknown MySQL server host '{host}' (-2)"))
        if not res.ok or res.route is None:
            errno = {"Connection refused": 111, "No route to host": 113}.get(str(res.error), 110)
            return Conn(error=(2003, "HY000", f"Can't connect to MySQL server on {where} ({errno})"))
        r = res.route
        inst = cluster.runtime.get(r.pod_uid or "", r.container or "") if r.pod_uid else None
        server = getattr(getattr(inst, "proc", None), "service", None)
        if not isinstance(server, Server):
            return Conn(error=(2013, "HY000", "Lost connection to MySQL server at 'reading initial communication "
                                              "packet', system error: 0"))
        conn = Conn(server=server, via=f"{host} via TCP/IP", client=r.client_ip or "127.0.0.1", tcp_port=o.port)
    server = conn.server
    assert server is not None
    server.connections += 1
    given = o.password or ""
    if server.accounts.get(o.user) != given:
        used = "YES" if given else "NO"
        conn.error = (1045, "28000", f"Access denied for user '{o.user}'@'{conn.client}' (using password: {used})")
        return conn
    if o.database and o.database not in server.databases:
        conn.error = (1049, "42000", f"Unknown database '{o.database}'")
    return conn


def _password_prompt(io: Any, o: Options) -> None:
    """``-p`` with no value: getpass's ``Enter password: `` (on the terminal), the line typed."""
    if "\0prompt" in o.rest:
        o.rest.remove("\0prompt")
        raw = getattr(io, "raw", io)
        raw.err("Enter password: ")
        line = raw.readline() if hasattr(raw, "readline") else None
        o.password = (line or "").rstrip("\n")


def _nice_time(sec: int) -> str:
    out = ""
    if sec >= 86400:
        d, sec = divmod(sec, 86400)
        out += f"{d} {'days' if d > 1 else 'day'} "
    if sec >= 3600:
        h, sec = divmod(sec, 3600)
        out += f"{h} {'hours' if h > 1 else 'hour'} "
    if sec >= 60:
        m, sec = divmod(sec, 60)
        out += f"{m} min "
    return out + f"{sec} sec"


def _copyright(version: str) -> list[str]:
    tail = " All rights reserved." if _v(version) < (8, 0) else ""
    return [f"Copyright (c) 2000, {_year(version)}, Oracle and/or its affiliates.{tail}", "",
            "Oracle is a registered trademark of Oracle Corporation and/or its",
            "affiliates. Other names may be trademarks of their respective", "owners.", ""]


def mysqladmin_version_line(version: str) -> str:
    if _v(version) < (8, 0):
        return f"mysqladmin  Ver 8.42 Distrib {version}, for Linux on x86_64"
    return f"mysqladmin  Ver {version} for Linux on x86_64 ({_version_words(version).replace('(GPL)', '- GPL')})"


def mysql_version_line(version: str) -> str:
    if _v(version) < (8, 0):
        return f"mysql  Ver 14.14 Distrib {version}, for Linux (x86_64) using  EditLine wrapper"
    return f"mysql  Ver {version} for Linux on x86_64 (MySQL Community Server - GPL)"


_ADMIN_COMMANDS = ("create", "drop", "shutdown", "reload", "refresh", "version", "processlist", "status", "kill",
                   "debug", "variables", "flush-logs", "flush-hosts", "flush-tables", "password", "ping",
                   "extended-status", "flush-status", "flush-privileges", "start-slave", "stop-slave",
                   "flush-threads", "old-password")


def mysqladmin(ctx: Any, argv: list[str], io: Any, proc: Any, *, version: str) -> int:
    """mysqladmin: connect (``sql_connect``'s diagnostics when it cannot), then the commands."""
    o = parse(argv, "mysqladmin")
    if o.unknown:
        io.err(f"mysqladmin: [ERROR] {o.unknown}.")
        return 7 if _v(version) >= (5, 7) else 1
    if o.version:
        io.out(mysqladmin_version_line(version))
        return 0
    if "\0help" in o.rest or not [w for w in o.rest if not w.startswith("\0")]:
        io.out(mysqladmin_version_line(version))
        io.out(_copyright(version)[0])
        io.out("")
        io.out("Administration program for the mysqld daemon.")
        io.out("Usage: mysqladmin [OPTIONS] command command....")
        return 0 if "\0help" in o.rest else 1
    if o.password_on_line:
        io.err("mysqladmin: [Warning] Using a password on the command line interface can be insecure.")
    _password_prompt(io, o)
    commands = [w for w in o.rest if not w.startswith("\0")]
    conn = connect(ctx, proc, o, version)
    if conn.error is not None:
        code, _state, message = conn.error
        host = o.host or "localhost"
        io.err(f"mysqladmin: connect to server at '{host}' failed")
        io.err(f"error: '{message}'")
        if code == 2002:
            io.err(f"Check that mysqld is running and that the socket: '{SOCKET}' exists!")
        elif code in (2003, 2005):
            io.err(f"Check that mysqld is running on {host} and that the port is {o.port}.")
            io.err(f"You can check this by doing 'telnet {host} {o.port}'")
        if 2000 <= code < 3000:
            return 1
        return 0 if all(c == "ping" for c in commands) else 1
    server = conn.server
    assert server is not None
    now = ctx.now()
    i = 0
    while i < len(commands):
        cmd = commands[i]
        i += 1
        if cmd not in _ADMIN_COMMANDS:
            io.err(f"mysqladmin: Unknown command: '{cmd}'")
            return 1
        server.questions += 1
        if cmd == "ping":
            if o.silent < 2:
                io.out("mysqld is alive")
        elif cmd == "status":
            io.out(server.status_line(now))
        elif cmd == "version":
            io.out(mysqladmin_version_line(version))
            for line in _copyright(version):
                io.out(line)
            io.out(f"Server version\t\t{server.version}")
            io.out("Protocol version\t10")
            io.out(f"Connection\t\t{conn.via}")
            io.out(f"UNIX socket\t\t{SOCKET}" if conn.tcp_port is None else f"TCP port\t\t{conn.tcp_port}")
            io.out(f"Uptime:\t\t\t{_nice_time(server.uptime(now))}")
            io.out("")
            stat = server.status_line(now)
            io.out(stat[stat.index("Threads"):])
        elif cmd in ("create", "drop"):
            if i >= len(commands):
                io.err(f"mysqladmin: Too few arguments to {cmd}")
                return 1
            name = commands[i]
            i += 1
            if cmd == "create":
                if name in server.databases:
                    io.err(f"mysqladmin: CREATE DATABASE failed; error: 'Can't create database '{name}'; "
                           "database exists'")
                    return 1
                server.databases.append(name)
            else:
                if name not in server.databases:
                    io.err(f"mysqladmin: DROP DATABASE {name} failed;\nerror: 'Can't drop database '{name}'; "
                           "database doesn't exist'")
                    return 1
                if not o.force:
                    io.out("Dropping the database is potentially a very bad thing to do.")
                    io.out("Any data stored in the database will be destroyed.")
                    io.out("")
                    io.out(f"Do you really want to drop the '{name}' database [y/N] ")
                    raw = getattr(io, "raw", io)
                    answer = (raw.readline() or "") if hasattr(raw, "readline") else ""
                    if not answer.strip().lower().startswith("y"):
                        io.out("Database \"" + name + "\" not dropped")
                        continue
                server.databases.remove(name)
                io.out(f"Database \"{name}\" dropped")
    return 0


# -- SQL ------------------------------------------------------------------------------------------
class SqlError(Exception):
    def __init__(self, code: int, state: str, message: str) -> None:
        super().__init__(message)
        self.code, self.state, self.message = code, state, message


_KEYWORDS = frozenset({"select", "show", "create", "drop", "use", "insert", "update", "delete", "alter", "grant",
                       "revoke", "flush", "set", "describe", "desc", "explain", "replace", "truncate", "begin",
                       "commit", "rollback", "start", "lock", "unlock", "rename", "analyze", "optimize", "call",
                       "do", "handler", "load", "kill", "with"})


def split_statements(text: str) -> list[tuple[int, str]]:
    """(line, statement) for each ``;``-terminated statement (quotes respected)."""
    out: list[tuple[int, str]] = []
    buf: list[str] = []
    line, start, quote = 1, 1, ""
    for ch in text:
        if not buf and ch.isspace():
            if ch == "\n":
                line += 1
            continue
        if not buf:
            start = line
        if quote:
            buf.append(ch)
            if ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
            buf.append(ch)
        elif ch == ";":
            stmt = "".join(buf).strip()
            if stmt:
                out.append((start, stmt))
            buf = []
        else:
            buf.append(ch)
        if ch == "\n":
            line += 1
    stmt = "".join(buf).strip()
    if stmt:
        out.append((start, stmt))
    return out


def _near(stmt: str) -> str:
    return ("You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version "
            f"for the right syntax to use near '{stmt[:80]}' at line 1")


def _literal(expr: str, session: dict[str, Any], server: Server, now: float) -> str | None:
    e = expr.strip()
    low = e.lower()
    if re.fullmatch(r"-?\d+", e):
        return str(int(e))
    if re.fullmatch(r"-?\d+\.\d*", e):
        return e
    if len(e) >= 2 and e[0] == e[-1] and e[0] in "'\"":
        return e[1:-1].replace("\\n", "\n")
    m = re.fullmatch(r"(-?\d+)\s*([-+*])\s*(-?\d+)", e)
    if m:
        a, op, b = int(m.group(1)), m.group(2), int(m.group(3))
        return str(a + b if op == "+" else a - b if op == "-" else a * b)
    funcs = {"version()": server.version + ("" if _v(server.version) >= (8, 0) else ""),
             "@@version": server.version, "@@hostname": server.hostname, "@@port": str(PORT),
             "database()": session.get("db"), "schema()": session.get("db"),
             "user()": f"{session['user']}@{session['client']}",
             "current_user()": f"{session['user']}@{'localhost' if session['client'] == 'localhost' else '%'}",
             "now()": datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d %H:%M:%S"),
             "current_timestamp()": datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d %H:%M:%S"),
             "curdate()": datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d"),
             "connection_id()": str(server.connections + 7), "null": None}
    if low.replace(" ", "") in funcs:
        return funcs[low.replace(" ", "")]
    raise SqlError(1064, "42000", _near(e))


def _split_commas(text: str) -> list[str]:
    parts, buf, quote, depth = [], [], "", 0
    for ch in text:
        if quote:
            buf.append(ch)
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(buf))
            buf = []
            continue
        buf.append(ch)
    parts.append("".join(buf))
    return [p.strip() for p in parts]


def execute(stmt: str, session: dict[str, Any], server: Server, now: float) -> tuple[list[str], list[list[str | None]]] | None:
    """One statement against the server: (columns, rows) for a result set, None for the others."""
    server.questions += 1
    words = stmt.split()
    first = words[0].lower() if words else ""
    low = " ".join(w.lower() for w in words)
    if first not in _KEYWORDS:
        raise SqlError(1064, "42000", _near(stmt))
    if first == "select":
        body = stmt.split(None, 1)[1] if len(words) > 1 else ""
        if re.search(r"\bfrom\b", body, re.I):
            m = re.search(r"\bfrom\s+`?([\w.]+)`?", body, re.I)
            table = m.group(1) if m else ""
            if table.lower() == "dual":
                body = body[:m.start()].strip() if m else body
            else:
                db = table.split(".")[0] if "." in table else session.get("db")
                if not db:
                    raise SqlError(1046, "3D000", "No database selected")
                name = table.split(".")[-1]
                raise SqlError(1146, "42S02", f"Table '{db}.{name}' doesn't exist")
        cols, row = [], []
        for part in _split_commas(body):
            m = re.fullmatch(r"(.+?)\s+(?:as\s+)?`?(\w+)`?", part, re.I | re.S)
            expr, alias = (m.group(1), m.group(2)) if m and not re.fullmatch(r"-?\d+\s*[-+*]\s*-?\d+", part) else (part, None)
            value = _literal(expr, session, server, now)
            label = alias or (expr[1:-1] if len(expr) >= 2 and expr[0] == expr[-1] and expr[0] in "'\"" else expr)
            cols.append(label)
            row.append(value)
        return cols, [row]
    if low in ("show databases", "show schemas"):
        grants = server.grants.get(session["user"])
        visible = [d for d in sorted(server.databases)
                   if grants is None or d in grants or d == "information_schema"]
        return ["Database"], [[d] for d in visible]
    if low == "show tables":
        if not session.get("db"):
            raise SqlError(1046, "3D000", "No database selected")
        return [f"Tables_in_{session['db']}"], []
    m = re.fullmatch(r"(create|drop)\s+(?:database|schema)\s+(if\s+(?:not\s+)?exists\s+)?`?(\w+)`?", low)
    if m:
        verb, guard, name = m.group(1), m.group(2), m.group(3)
        if verb == "create":
            if name in server.databases:
                if guard:
                    return None
                raise SqlError(1007, "HY000", f"Can't create database '{name}'; database exists")
            server.databases.append(name)
        else:
            if name not in server.databases:
                if guard:
                    return None
                raise SqlError(1008, "HY000", f"Can't drop database '{name}'; database doesn't exist")
            server.databases.remove(name)
            if session.get("db") == name:
                session["db"] = None
        return None
    m = re.fullmatch(r"use\s+`?(\w+)`?", low)
    if m:
        if m.group(1) not in server.databases:
            raise SqlError(1049, "42000", f"Unknown database '{m.group(1)}'")
        session["db"] = m.group(1)
        return None
    return None  # statements of tables and users: accepted, nothing to show


def _table(cols: list[str], rows: list[list[str | None]]) -> list[str]:
    """mysql's box (print_table_data): columns as wide as their longest value, numbers right-aligned."""
    cells = [[("NULL" if v is None else v) for v in r] for r in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]
    numeric = [bool(rows) and all(v is not None and re.fullmatch(r"-?\d+(\.\d+)?", v) for v in (r[i] for r in rows))
               for i in range(len(cols))]
    sep = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [sep, "|" + "|".join(f" {c:<{w}} " for c, w in zip(cols, widths, strict=True)) + "|", sep]
    for r in cells:
        out.append("|" + "|".join(f" {v:>{w}} " if numeric[i] else f" {v:<{w}} "
                                  for i, (v, w) in enumerate(zip(r, widths, strict=True))) + "|")
    return out + [sep]


def mysql(ctx: Any, argv: list[str], io: Any, proc: Any, *, version: str) -> int:
    """The mysql command-line client, non-interactively: ``-e`` statements, or those on stdin."""
    o = parse(argv, "mysql")
    if o.unknown:
        io.err(f"mysql: [ERROR] {o.unknown}.")
        return 7 if _v(version) >= (5, 7) else 1
    if o.version:
        io.out(mysql_version_line(version))
        return 0
    if "\0help" in o.rest:
        io.out(mysql_version_line(version))
        io.out(_copyright(version)[0])
        io.out("")
        io.out("Usage: mysql [OPTIONS] [database]")
        return 0
    words = [w for w in o.rest if not w.startswith("\0")]
    if words and o.database is None:
        o.database = words[0]
    if o.password_on_line:
        io.err("mysql: [Warning] Using a password on the command line interface can be insecure.")
    _password_prompt(io, o)
    conn = connect(ctx, proc, o, version)
    if conn.error is not None:
        code, state, message = conn.error
        io.err(f"ERROR {code} ({state}): {message}")
        return 1
    server = conn.server
    assert server is not None
    tty = bool(getattr(ctx, "tty", False))
    raw = getattr(io, "raw", io)
    script = "\n".join(o.execute) if o.execute else (raw.read() if hasattr(raw, "read") else "")
    if tty and not o.execute and not o.batch:
        return _monitor(ctx, io, server, {"user": o.user, "client": conn.client, "db": o.database}, script)
    silent = o.silent + (0 if tty and not o.batch else 1)
    boxed = o.table or silent == 0
    session: dict[str, Any] = {"user": o.user, "client": conn.client, "db": o.database}
    status = 0
    for line, stmt in split_statements(script):
        if stmt.startswith(("\\", "#", "--")):
            continue
        try:
            result = execute(stmt, session, server, ctx.now())
        except SqlError as e:
            io.err(f"ERROR {e.code} ({e.state}) at line {line}: {e.message}")
            status = 1
            if not o.force:
                break
            continue
        if result is None:
            continue
        cols, rows = result
        if not rows and not boxed:
            continue
        if boxed:
            if rows:
                for text in _table(cols, rows):
                    io.out(text)
            continue
        if silent < 2 and not o.skip_names:
            io.out("\t".join(cols))
        for r in rows:
            io.out("\t".join("NULL" if v is None else v.replace("\\", "\\\\").replace("\n", "\\n")
                             .replace("\t", "\\t") for v in r))
    return status


def _monitor(ctx: Any, io: Any, server: Server, session: dict[str, Any], typed: str) -> int:
    """The interactive monitor on a terminal: its welcome, then each statement typed (the terminal
    echoes it after the prompt) with its result as the monitor prints it, ``Bye`` at the end."""
    version = server.version
    raw = getattr(io, "raw", io)
    io.out("Welcome to the MySQL monitor.  Commands end with ; or \\g.")
    io.out(f"Your MySQL connection id is {server.connections + 7}")
    io.out(f"Server version: {version} {_version_words(version)}")
    io.out("")
    for line in _copyright(version):
        io.out(line)
    io.out("Type 'help;' or '\\h' for help. Type '\\c' to clear the current input statement.")
    io.out("")
    for _, stmt in split_statements(typed):
        raw.out(f"mysql> {stmt};\n")
        if stmt.lower().rstrip(";") in ("exit", "quit", "\\q"):
            break
        try:
            result = execute(stmt, session, server, ctx.now())
        except SqlError as e:
            io.out(f"ERROR {e.code} ({e.state}): {e.message}")
            continue
        low = stmt.lower().split()
        if result is None:
            if low[:1] == ["use"]:
                io.out("Database changed")
                continue
            affected = 1 if low[:1] == ["create"] and low[1:2] in (["database"], ["schema"]) else 0
            io.out(f"Query OK, {affected} {'row' if affected == 1 else 'rows'} affected (0.00 sec)")
            io.out("")
            continue
        cols, rows = result
        if not rows:
            io.out("Empty set (0.00 sec)")
        else:
            for text in _table(cols, rows):
                io.out(text)
            io.out(f"{len(rows)} {'row' if len(rows) == 1 else 'rows'} in set (0.00 sec)")
        io.out("")
    raw.out("mysql> Bye\n" if not typed.strip().lower().endswith(("exit", "quit", "exit;", "quit;")) else "Bye\n")
    return 0
