"""The images' own programs: what a container's main process does, writes and holds while it runs.

Owns: one ``Program`` per binary the tutorials' and the seeds' images run — nginx and its
``/docker-entrypoint.sh`` (the entrypoint's lines, then nginx's ``[notice]`` start-up lines per
version, its SIGQUIT shutdown lines), ``httpd-foreground`` (``AH00558``/``AH00489``/``AH00094``),
redis and postgres (start-up lines; the password check that makes them exit 1; mysql's server and
clients are ``mysql.py``'s), perl (``-e``
scripts printing ``bpi(N)``: the real digits of pi, computed exactly), ``stress`` (allocates
``--vm-bytes`` per worker, burns ``--cpu``), python (``-c``, ``-m http.server``, stdout buffered
as CPython buffers it when it is not a terminal), agnhost's subcommands (``liveness``,
``netexec``, ``serve-hostname``, ``pause``, ``test-webserver``), hello-app, echoserver, the
hpa-example's php-apache, kuard, the bootcamp's node server, the ingress-nginx controller (its
banner and klog start-up lines), kube-webhook-certgen, and quiet servers (coredns, etcd,
flannel, the control plane, ``/pause``). A program is ``fn(ctx, argv, io) -> int | Generator``
(``server/sim/sh.py``'s interface): it writes through ``io.out``/``io.err``, yields ``Sleep(s)``
while virtual time passes (``Sleep(FOREVER)`` for a server that waits for requests) and returns
its exit status. Each also keeps a ``ProcState`` up to date: the memory it holds and the CPU it
burns (what cgroups would account: the OOM killer and the metrics read them), whether it handles
the stop signal and what it writes when it gets it.

Hands off: the kubelet (``kubelet.py``) starts a container's main process through ``main``
(command/args over ENTRYPOINT/CMD, Kubernetes' rules), drives the generator on the clock
(``runtime.Driver``) and reads ``ProcState``; the apps' HTTP answers stay in ``net/apps.py``.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any

from .registry import FOREVER, Image

if TYPE_CHECKING:
    from .cluster import Cluster

from .sh import Sleep, Streams

MIB = 1024 * 1024
SHELL_NAMES = frozenset({"sh", "bash", "ash", "dash"})


@dataclass(slots=True)
class ProcState:
    """What the kernel knows of a container's processes beyond their output."""

    #: resident memory (bytes): the cgroup's usage the OOM killer compares with the limit
    memory: int = 0
    #: CPU burnt, in nanocores (1e9 = one core busy)
    cpu: int = 0
    #: the process handles the runtime's stop signal (else it dies with the SIGKILL at the grace end)
    handles_stop: bool = False
    stop_exit_code: int = 0
    #: lines the program writes when it gets the stop signal: fn(now) -> lines
    stop_lines: Callable[[float], list[str]] | None = None
    #: TCP ports the process listens on
    ports: tuple[int, ...] = ()
    #: set when the memory use passes the limit (the driver kills the container: OOMKilled)
    on_memory: Callable[[], None] | None = None
    #: what the workload allocated beyond the program's own baseline (stress's --vm-bytes): what
    #: the metrics' usage model adds to the image's idle figure (``Runtime.usage``)
    allocated: int = 0
    #: what the running server offers its clients (mysqld's ``mysql.Server``: its accounts and
    #: databases), which a client in the container or across the network reaches
    service: Any = None

    def hold(self, memory: int) -> None:
        self.memory = max(0, int(memory))
        if self.on_memory is not None:
            self.on_memory()


Program = Callable[..., "int | Generator[Any, None, int]"]


def forever() -> Generator[Any, None, int]:
    while True:
        yield Sleep(FOREVER)


def _go_log_time(t: float) -> str:
    """Go's log package default prefix: ``2025/03/03 13:00:02``."""
    return datetime.fromtimestamp(t, UTC).strftime("%Y/%m/%d %H:%M:%S")


# -- pi -------------------------------------------------------------------------------------------
@lru_cache(maxsize=8)
def pi_digits(n: int) -> str:
    """π to ``n`` significant digits as Math::BigFloat's ``bpi(n)`` prints it (``3.14159…``),
    rounded half to even at the last digit: Machin's formula over integers, exact."""
    n = max(1, int(n))
    guard = 12
    scale = 10 ** (n + guard)

    def arctan_inv(x: int) -> int:
        total, term, k, sign = 0, scale // x, 1, 1
        x2 = x * x
        while term:
            total += sign * (term // k)
            term //= x2
            k += 2
            sign = -sign
        return total

    pi = 4 * (4 * arctan_inv(5) - arctan_inv(239))  # n + guard digits after the point, 3 before them
    q, r = divmod(pi, 10 ** (guard + 1))  # keep n - 1 decimals
    half = 10 ** (guard + 1) // 2
    if r > half or (r == half and q % 2):
        q += 1
    s = str(q)
    return s[0] + ("." + s[1:] if n > 1 else "")


# -- the programs ---------------------------------------------------------------------------------
def perl(ctx: Any, argv: list[str], io: Streams, proc: ProcState) -> int:
    """``perl [-switches] -e CODE``: ``print bpi(N)`` (with ``-Mbignum=bpi``) and ``print "text"``."""
    code, newline, i = None, False, 1
    args = argv[1:]
    while i <= len(args):
        a = args[i - 1]
        i += 1
        if not a.startswith("-") or a == "-":
            break
        if a.startswith("-M") or a.startswith("-I"):
            continue
        flags = a[1:]
        for j, ch in enumerate(flags):
            if ch == "l":
                newline = True
            elif ch == "e":
                rest = flags[j + 1:]
                if rest:
                    code = rest
                elif i <= len(args):
                    code = args[i - 1]
                    i += 1
                break
    if code is None:
        return 0  # perl reading a script from stdin: the container's stdin is closed
    proc.hold(6 * MIB)
    end = "\n" if newline else ""
    raw = getattr(io, "raw", io)  # print writes exactly what it is given (-l adds the newline)
    for stmt in (s.strip() for s in code.split(";")):
        if not stmt.startswith("print"):
            continue
        what = stmt[len("print"):].strip()
        if what.startswith("bpi(") and what.endswith(")"):
            digits = what[4:-1].strip()
            text = pi_digits(int(digits)) if digits.isdigit() else "3.141592653589793238462643383279502884197"
            raw.out(text + end)
        elif len(what) >= 2 and what[0] == what[-1] and what[0] in "\"'":
            raw.out(what[1:-1].replace("\\n", "\n") + end)
    return 0


def _size(text: str) -> int:
    """stress's atoll_b: a number with an optional B/K/M/G suffix (powers of 1024)."""
    text = text.strip()
    mult = {"b": 1, "k": 1024, "m": MIB, "g": 1024 * MIB}.get(text[-1:].lower(), 0)
    number = text[:-1] if mult else text
    try:
        return int(float(number) * (mult or 1))
    except ValueError:
        return 0


def stress(ctx: Any, argv: list[str], io: Streams, proc: ProcState) -> Generator[Any, None, int]:
    """polinux/stress (stress 1.0.4): ``--vm N --vm-bytes B --vm-hang S``, ``--cpu N``,
    ``--timeout S``. The workers' memory is allocated at once, as malloc+touch does."""
    opts: dict[str, str] = {}
    args = argv[1:]
    short = {"-c": "--cpu", "-m": "--vm", "-t": "--timeout", "-i": "--io", "-d": "--hdd"}
    k = 0
    while k < len(args):
        a = short.get(args[k], args[k])
        if a.startswith("--") and k + 1 < len(args):
            opts[a] = args[k + 1]
            k += 2
        else:
            k += 1

    def count(name: str) -> int:
        try:
            return int(opts.get(name, "0"))
        except ValueError:
            return 0

    cpu, io_, vm, hdd = count("--cpu"), count("--io"), count("--vm"), count("--hdd")
    io.out(f"stress: info: [1] dispatching hogs: {cpu} cpu, {io_} io, {vm} vm, {hdd} hdd")
    per_worker = _size(opts.get("--vm-bytes", "256M")) if vm else 0
    proc.cpu = cpu * 1_000_000_000 + (vm * 1_000_000_000 if vm and "--vm-hang" not in opts else 0)
    proc.allocated = vm * per_worker
    proc.hold(1 * MIB + vm * (per_worker + 256 * 1024))
    timeout = _size(opts.get("--timeout", "0").rstrip("s")) if "--timeout" in opts else 0
    if timeout:
        yield Sleep(float(timeout))
        io.out(f"stress: info: [1] successful run completed in {timeout}s")
        return 0
    yield from forever()
    return 0


def sleep(ctx: Any, argv: list[str], io: Streams, proc: ProcState) -> Generator[Any, None, int]:
    """``sleep N`` run directly as the container's command (busybox and coreutils agree)."""
    total = 0.0
    for a in argv[1:]:
        if a == "infinity":
            total = FOREVER
            break
        unit = {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(a[-1:], 0)
        try:
            total += float(a[:-1] if unit else a) * (unit or 1)
        except ValueError:
            io.err(f"sleep: invalid number '{a}'")
            return 1
    if not argv[1:]:
        io.err("sleep: missing operand")
        return 1
    yield Sleep(total)
    return 0


def pause(ctx: Any, argv: list[str], io: Streams, proc: ProcState) -> Generator[Any, None, int]:
    proc.handles_stop = True  # /pause exits on SIGTERM/SIGINT
    proc.hold(256 * 1024)
    yield from forever()
    return 0


# -- servers ----------------------------------------------------------------------------------------
def _version_tuple(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split(".") if x.isdigit())


def nginx_entrypoint_lines(version: str) -> list[str]:
    """nginxinc/docker-nginx's docker-entrypoint.sh (since 1.19.0) and its /docker-entrypoint.d
    scripts: 10-listen-on-ipv6-by-default.sh, 15-local-resolvers.envsh (1.25.3+),
    20-envsubst-on-templates.sh, 30-tune-worker-processes.sh (1.21.0+)."""
    v = _version_tuple(version)
    if v < (1, 19):
        return []
    me = "/docker-entrypoint.sh"
    lines = [f"{me}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
             f"{me}: Looking for shell scripts in /docker-entrypoint.d/",
             f"{me}: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
             "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
             "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf"]
    if v >= (1, 25, 3):
        lines.append(f"{me}: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh")
    lines.append(f"{me}: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh")
    if v >= (1, 21):
        lines.append(f"{me}: Launching /docker-entrypoint.d/30-tune-worker-processes.sh")
    lines.append(f"{me}: Configuration complete; ready for start up")
    return lines


def _nginx_gcc(version: str) -> str:
    v = _version_tuple(version)
    if v >= (1, 23, 4):
        return "built by gcc 12.2.0 (Debian 12.2.0-14) "
    if v >= (1, 21, 5):
        return "built by gcc 10.2.1 20210110 (Debian 10.2.1-6) "
    return "built by gcc 8.3.0 (Debian 8.3.0-6) "


def _pod_ip(ctx: Any) -> str:
    """The address the container's hostname resolves to in its /etc/hosts: its pod's IP."""
    src, cluster = getattr(ctx, "source", None), getattr(ctx, "cluster", None)
    if src is None or cluster is None or getattr(src, "kind", "") != "pod":
        return ""
    pod = cluster.store.peek("Pod", src.namespace, src.name) or {}
    return str((pod.get("status") or {}).get("podIP") or "")


def _cpus(ctx: Any) -> int:
    return int(getattr(ctx, "cpus", 0) or 2)


def nginx(ctx: Any, argv: list[str], io: Streams, proc: ProcState, *, version: str,
          workers_from: int = 29) -> Generator[Any, None, int]:
    """nginx -g 'daemon off;' as PID 1: its error log (stderr) at the ``notice`` level the image's
    nginx.conf sets since 1.19 (``warn`` before: nothing at start-up)."""
    proc.ports, proc.handles_stop, proc.stop_exit_code = (80,), True, 0
    proc.hold(3 * MIB + _cpus(ctx) * 1 * MIB)
    workers = [workers_from + i for i in range(_cpus(ctx))]
    if _version_tuple(version) >= (1, 19):
        t = _go_log_time(ctx.now())
        for text in ('using the "epoll" event method', f"nginx/{version}", _nginx_gcc(version),
                     "OS: Linux 6.8.0-1019-gcp", "getrlimit(RLIMIT_NOFILE): 1048576:1048576",
                     "start worker processes"):
            io.err(f"{t} [notice] 1#1: {text}")
        for pid in workers:
            io.err(f"{t} [notice] 1#1: start worker process {pid}")

        def stopping(now: float) -> list[str]:
            t = _go_log_time(now)
            out = [f"{t} [notice] 1#1: signal 3 (SIGQUIT) received, shutting down"]
            for pid in workers:
                out += [f"{t} [notice] {pid}#{pid}: gracefully shutting down", f"{t} [notice] {pid}#{pid}: exiting",
                        f"{t} [notice] {pid}#{pid}: exit"]
            for pid in workers:
                out += [f"{t} [notice] 1#1: signal 17 (SIGCHLD) received from {pid}",
                        f"{t} [notice] 1#1: worker process {pid} exited with code 0"]
            return out + [f"{t} [notice] 1#1: exit"]

        proc.stop_lines = stopping
    yield from forever()
    return 0


def nginx_docker_entrypoint(ctx: Any, argv: list[str], io: Streams, proc: ProcState, *, version: str,
                            lookup: Callable[[str], Program | None]) -> Generator[Any, None, int]:
    """/docker-entrypoint.sh: configuration lines when it is about to run nginx, then ``exec "$@"``."""
    rest = argv[1:]
    if rest and rest[0] in ("nginx", "nginx-debug"):
        for line in nginx_entrypoint_lines(version):
            io.out(line)
    return (yield from exec_argv(ctx, rest, io, lookup))


def httpd(ctx: Any, argv: list[str], io: Streams, proc: ProcState, *, version: str, ip: str = "",
          flavour: str = "Unix", mpm: str = "mpm_event", command: str = "httpd -D FOREGROUND",
          extra: str = "") -> Generator[Any, None, int]:
    """httpd-foreground / apache2-foreground: the ServerName warning (twice: the config is read
    by the test run and the real start), then mpm's "resuming normal operations"."""
    proc.ports, proc.handles_stop, proc.stop_exit_code = (80,), True, 0
    proc.hold(5 * MIB)
    ip = ip or _pod_ip(ctx) or "127.0.1.1"
    warn = (f"AH00558: {command.split()[0]}: Could not reliably determine the server's fully qualified domain name, "
            f"using {ip}. Set the 'ServerName' directive globally to suppress this message")
    io.err(warn)
    io.err(warn)
    now = ctx.now()
    stamp = datetime.fromtimestamp(now, UTC).strftime("%a %b %d %H:%M:%S.%f %Y")
    tid = "" if mpm == "mpm_prefork" else ":tid 1"
    io.err(f"[{stamp}] [{mpm}:notice] [pid 1{tid}] AH00489: Apache/{version} ({flavour}){extra} configured -- "
           "resuming normal operations")
    io.err(f"[{stamp}] [core:notice] [pid 1{tid}] AH00094: Command line: '{command}'")

    def stopping(t: float) -> list[str]:
        s = datetime.fromtimestamp(t, UTC).strftime("%a %b %d %H:%M:%S.%f %Y")
        return [f"[{s}] [{mpm}:notice] [pid 1{tid}] AH00492: caught SIGWINCH, shutting down gracefully"]

    proc.stop_lines = stopping
    yield from forever()
    return 0


def redis_server(ctx: Any, argv: list[str], io: Streams, proc: ProcState, *, version: str) -> Generator[Any, None, int]:
    proc.ports, proc.handles_stop, proc.stop_exit_code = (6379,), True, 0
    proc.hold(3 * MIB)
    t = ctx.now()

    def stamp(t: float) -> str:
        d = datetime.fromtimestamp(t, UTC)
        return d.strftime("%d %b %Y %H:%M:%S.") + f"{d.microsecond // 1000:03d}"

    s = stamp(t)
    major = _version_tuple(version)[:1] or (7,)
    lines = [f"1:C {s} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
             f"1:C {s} * Redis version={version}, bits=64, commit=00000000, modified=0, pid=1, just started"]
    if len(argv) < 2:
        lines.append(f"1:C {s} # Warning: no config file specified, using the default config. In order to specify a "
                     "config file use redis-server /path/to/redis.conf")
    lines += [f"1:M {s} * monotonic clock: POSIX clock_gettime",
              f"1:M {s} * Running mode=standalone, port=6379.",
              f"1:M {s} * Server initialized",
              f"1:M {s} * Ready to accept connections" + (" tcp" if major >= (7,) else "")]
    for line in lines:
        io.out(line)

    def stopping(t: float) -> list[str]:
        s = stamp(t)
        return [f"1:signal-handler ({int(t)}) Received SIGTERM scheduling shutdown...",
                f"1:M {s} * User requested shutdown...", f"1:M {s} * Saving the final RDB snapshot before exiting.",
                f"1:M {s} * DB saved on disk", f"1:M {s} # Redis is now ready to exit, bye bye..."]

    proc.stop_lines = stopping
    yield from forever()
    return 0


def postgres(ctx: Any, argv: list[str], io: Streams, proc: ProcState, *, version: str) -> Generator[Any, None, int]:
    """docker-library/postgres' docker-entrypoint.sh: the superuser password check, initdb, then
    the server's "ready to accept connections"."""
    env = ctx.env or {}
    if not env.get("POSTGRES_PASSWORD") and env.get("POSTGRES_HOST_AUTH_METHOD") != "trust":
        for line in ("Error: Database is uninitialized and superuser password is not specified.",
                     "       You must specify POSTGRES_PASSWORD to a non-empty value for the",
                     '       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".', "",
                     '       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all',
                     "       connections without a password. This is *not* recommended.", "",
                     '       See PostgreSQL documentation about "trust":',
                     "       https://www.postgresql.org/docs/current/auth-trust.html"):
            io.err(line)
        return 1
    proc.hold(40 * MIB)
    user = env.get("POSTGRES_USER") or "postgres"
    for line in (f'The files belonging to this database system will be owned by user "{user}".',
                 "This user must also own the server process.", "",
                 'The database cluster will be initialized with locale "en_US.utf8".',
                 'The default database encoding has accordingly been set to "UTF8".',
                 'The default text search configuration will be set to "english".', "",
                 "Data page checksums are disabled.", "",
                 "fixing permissions on existing directory /var/lib/postgresql/data ... ok",
                 "creating subdirectories ... ok", "selecting dynamic shared memory implementation ... posix",
                 "selecting default max_connections ... 100", "selecting default shared_buffers ... 128MB",
                 "selecting default time zone ... Etc/UTC", "creating configuration files ... ok",
                 "running bootstrap script ... ok", "performing post-bootstrap initialization ... ok",
                 "syncing data to disk ... ok", "", "", "Success. You can now start the database server using:", "",
                 "    pg_ctl -D /var/lib/postgresql/data -l logfile start", ""):
        io.out(line)
    yield Sleep(2.0)
    z = datetime.fromtimestamp(ctx.now(), UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + " UTC"
    io.out("")
    io.out("PostgreSQL init process complete; ready for start up.")
    io.out("")
    for line in (f"{z} [1] LOG:  starting PostgreSQL {version} on x86_64-pc-linux-gnu, compiled by gcc "
                 "(Debian 12.2.0-14) 12.2.0, 64-bit",
                 f'{z} [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432',
                 f'{z} [1] LOG:  listening on IPv6 address "::", port 5432',
                 f'{z} [1] LOG:  listening on Unix socket "/var/run/postgresql/.s.PGSQL.5432"',
                 f"{z} [1] LOG:  database system is ready to accept connections"):
        io.err(line)
    proc.ports, proc.handles_stop = (5432,), True
    yield from forever()
    return 0


def agnhost(ctx: Any, argv: list[str], io: Streams, proc: ProcState) -> Generator[Any, None, int]:
    """registry.k8s.io/e2e-test-images/agnhost: one binary, a subcommand per test server."""
    sub = argv[1] if len(argv) > 1 else ""
    proc.handles_stop = True
    proc.hold(8 * MIB)
    t = _go_log_time(ctx.now())
    if sub == "liveness":
        proc.ports = (8080,)  # /healthz answers 200 for 10 s, then 500 (test/images/agnhost/liveness)
    elif sub == "netexec":
        port = _flag(argv, "--http-port", "8080")
        proc.ports = (int(port), )
        io.err(f"{t} Started HTTP server on port {port}")
        io.err(f"{t} Started UDP server on port  {_flag(argv, '--udp-port', '8081')}")
    elif sub == "serve-hostname":
        proc.ports = (int(_flag(argv, "--port", "9376")),)
        io.err(f"{t} Serving on port {proc.ports[0]}.")
    elif sub == "test-webserver":
        proc.ports = (int(_flag(argv, "--port", "80")),)
    elif sub == "pause":
        io.out("Paused")
    elif sub == "":
        io.out("Usage:\n  app [command]")
        return 0
    yield from forever()
    return 0


def _flag(argv: list[str], name: str, default: str) -> str:
    for i, a in enumerate(argv):
        if a.startswith(name + "="):
            return a.split("=", 1)[1]
        if a == name and i + 1 < len(argv):
            return argv[i + 1]
    return default


def hello_app(ctx: Any, argv: list[str], io: Streams, proc: ProcState) -> Generator[Any, None, int]:
    """gcr.io/google-samples/hello-app: ``Server listening on port 8080`` (Go's log)."""
    port = (ctx.env or {}).get("PORT") or "8080"
    proc.ports, proc.handles_stop = (int(port) if port.isdigit() else 8080,), True
    proc.hold(4 * MIB)
    io.err(f"{_go_log_time(ctx.now())} Server listening on port {port}")
    yield from forever()
    return 0


def python(ctx: Any, argv: list[str], io: Streams, proc: ProcState) -> Generator[Any, None, int]:
    """CPython: ``-c CODE`` (print statements of literals, ``time.sleep``) and ``-m http.server``.
    Its stdout is block-buffered when it is not a terminal: lines reach the log only at exit, or
    at once with ``-u`` / ``PYTHONUNBUFFERED``."""
    import ast

    args = argv[1:]
    unbuffered = "-u" in args or bool((ctx.env or {}).get("PYTHONUNBUFFERED"))
    proc.hold(9 * MIB)
    pending: list[str] = []

    def out(text: str) -> None:
        (io.out if unbuffered else pending.append)(text)

    if "-m" in args and args[args.index("-m") + 1:args.index("-m") + 2] == ["http.server"]:
        rest = args[args.index("-m") + 2:]
        port = next((a for a in rest if a.isdigit()), "8000")
        proc.ports, proc.handles_stop, proc.stop_exit_code = (int(port),), False, 0
        out(f"Serving HTTP on 0.0.0.0 port {port} (http://0.0.0.0:{port}/) ...")
        yield from forever()
        return 0
    if "-c" not in args:
        return 0  # the REPL reads EOF from the closed stdin
    code = args[args.index("-c") + 1] if args.index("-c") + 1 < len(args) else ""
    status = 0
    for raw in code.replace(";", "\n").splitlines():
        stmt = raw.strip()
        if stmt.startswith("print(") and stmt.endswith(")"):
            inner = stmt[6:-1]
            try:
                value = ast.literal_eval(inner) if inner else ""
                out(str(value))
            except (ValueError, SyntaxError):
                out(inner)
        elif stmt.startswith("time.sleep(") and stmt.endswith(")"):
            try:
                yield Sleep(float(stmt[11:-1]))
            except ValueError:
                pass
        elif stmt.startswith("sys.exit(") or stmt.startswith("exit("):
            arg = stmt.split("(", 1)[1].rstrip(")")
            status = int(arg) if arg.isdigit() else 0
            break
    for text in pending:
        io.out(text)
    return status


def php_apache(ctx: Any, argv: list[str], io: Streams, proc: ProcState) -> Generator[Any, None, int]:
    """registry.k8s.io/hpa-example: php:5-apache (Apache 2.4.10, prefork) serving index.php."""
    return (yield from httpd(ctx, argv, io, proc, version="2.4.10", flavour="Debian", mpm="mpm_prefork",
                             command="apache2 -D FOREGROUND", extra=" PHP/5.6.14"))


def wordpress(ctx: Any, argv: list[str], io: Streams, proc: ProcState) -> Generator[Any, None, int]:
    """The wordpress image's docker-entrypoint.sh (copies WordPress into the empty docroot, writes
    wp-config.php from the WORDPRESS_* variables), then apache2-foreground (Apache 2.4.62, PHP 8.2)."""
    env = ctx.env or {}
    io.err("WordPress not found in /var/www/html - copying now...")
    io.err("Complete! WordPress has been successfully copied to /var/www/html")
    if any(k.startswith("WORDPRESS_") for k in env):
        wp = ", ".join(sorted(k for k in env if k.startswith("WORDPRESS_")))
        io.err(f"No 'wp-config.php' found in /var/www/html, but 'WORDPRESS_...' variables supplied; copying "
               f"'wp-config-docker.php' ({wp})")
    return (yield from httpd(ctx, argv, io, proc, version="2.4.62", flavour="Debian", mpm="mpm_prefork",
                             command="apache2 -D FOREGROUND", extra=" PHP/8.2.27"))


def quiet_server(ctx: Any, argv: list[str], io: Streams, proc: ProcState, *, ports: tuple[int, ...] = (),
                 handles_stop: bool = True, stop_exit_code: int = 0, memory: int = 10 * MIB,
                 lines: tuple[str, ...] = (), stdout: bool = False) -> Generator[Any, None, int]:
    """A server that writes little or nothing of its own (``lines``, ``{t}`` being Go's log time):
    it listens and waits."""
    proc.ports, proc.handles_stop, proc.stop_exit_code = ports, handles_stop, stop_exit_code
    proc.hold(memory)
    t = _go_log_time(ctx.now())
    for line in lines:
        (io.out if stdout else io.err)(line.replace("{t}", t))
    del argv
    yield from forever()
    return 0


def _klog_time(t: float) -> str:
    """klog's header time: ``0305 21:01:38.463488``."""
    return datetime.fromtimestamp(t, UTC).strftime("%m%d %H:%M:%S.%f")


def _logrus(t: float, level: str, msg: str, source: str, **fields: str) -> str:
    """logrus' JSONFormatter line (keys sorted, as encoding/json writes a map; time RFC 3339)."""
    import json

    data = {**fields, "level": level, "msg": msg, "source": source,
            "time": datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    return json.dumps(dict(sorted(data.items())), separators=(",", ":"))


CERTGEN_WORK = 0.9  # seconds: the API round trips and the key generation before it exits


def kube_webhook_certgen(ctx: Any, argv: list[str], io: Streams, proc: ProcState) -> Generator[Any, None, int]:
    """registry.k8s.io/ingress-nginx/kube-webhook-certgen (v1.4, logrus JSON on stdout, client-go's
    klog warning on stderr): ``create`` makes the webhook's Secret unless it exists (``no secret
    found`` / ``creating new secret``, or ``secret already exists``), ``patch`` reads its ``ca`` and
    patches the webhook configuration (``patching webhook configurations …`` / ``Patched hook(s)``);
    each exits 0 about a second after it starts (what lets the add-on's Jobs complete)."""
    proc.hold(8 * MIB)
    opts: dict[str, str] = {}
    for a in argv[2:]:
        if a.startswith("--"):
            key, eq, value = a[2:].partition("=")
            opts[key] = value if eq else "true"
    sub = argv[1] if len(argv) > 1 else ""
    if sub not in ("create", "patch"):
        io.out("Use this to create a ca and signed certificates and patch admission webhooks to allow for quick")
        io.out("\t           installation and configuration of validating and admission webhooks.")
        return 1
    t = ctx.now()
    io.err(f"W{_klog_time(t)}       1 client_config.go:659] Neither --kubeconfig nor --master was specified.  "
           "Using the inClusterConfig.  This might not work.")
    cluster = getattr(ctx, "cluster", None)
    name, namespace = opts.get("secret-name", ""), opts.get("namespace", "")
    secret = cluster.store.peek("Secret", namespace, name) if cluster is not None else None
    if secret is None:
        io.out(_logrus(t, "info", "no secret found", "k8s/k8s.go:229", err=f'secrets "{name}" not found'))
    if sub == "create":
        if secret is not None:
            io.out(_logrus(t, "info", "secret already exists", "cmd/create.go:33"))
        else:
            io.out(_logrus(t, "info", "creating new secret", "cmd/create.go:28"))
            yield Sleep(CERTGEN_WORK)
            if cluster is not None:
                from .api import ApiError

                pem = {"ca": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==",
                       "cert": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==",
                       "key": "LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCg=="}
                try:
                    cluster.api.create({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name},
                                        "data": {"ca": pem["ca"], opts.get("cert-name", "cert"): pem["cert"],
                                                 opts.get("key-name", "key"): pem["key"]}},
                                       namespace, manager="kube-webhook-certgen")
                except ApiError as e:
                    io.out(_logrus(ctx.now(), "fatal", "failed creating secret", "k8s/k8s.go:250", err=e.message))
                    return 1
            return 0
        yield Sleep(CERTGEN_WORK)
        return 0
    if secret is None:
        io.out(_logrus(t, "fatal", f"no secret with '{name}' in '{namespace}'", "cmd/patch.go:47"))
        return 1
    mutating = opts.get("patch-mutating", "true") != "false"
    validating = opts.get("patch-validating", "true") != "false"
    io.out(_logrus(t, "info", f"patching webhook configurations '{opts.get('webhook-name', '')}' "
                              f"mutating={str(mutating).lower()}, validating={str(validating).lower()}, "
                              f"failurePolicy={opts.get('patch-failure-policy', '')}", "k8s/k8s.go:118"))
    io.out(_logrus(t, "info", "Patched hook(s)", "k8s/k8s.go:138"))
    yield Sleep(CERTGEN_WORK)
    return 0


def ingress_nginx_controller(ctx: Any, argv: list[str], io: Streams, proc: ProcState) -> Generator[Any, None, int]:
    """registry.k8s.io/ingress-nginx/controller's ``/nginx-ingress-controller`` (under dumb-init):
    its version banner on stdout, klog's start-up lines on stderr (``net.ingress.controller_start_lines``,
    against the ``kubernetes`` Service's address), then nginx serving 80 and 443, the admission
    webhook on 8443 and /healthz and /metrics on 10254 until it is stopped (a graceful exit 0)."""
    from .net import ingress

    proc.ports, proc.handles_stop, proc.stop_exit_code = (80, 443, 8443, 10254), True, 0
    proc.hold(60 * MIB)
    cluster = getattr(ctx, "cluster", None)
    svc = cluster.store.peek("Service", "default", "kubernetes") if cluster is not None else None
    ip = str(((svc or {}).get("spec") or {}).get("clusterIP") or "10.96.0.1")
    out, err = ingress.controller_start_lines(ctx.now(), f"https://{ip}:443")
    for line in out:
        io.out(line)
    for line in err:
        io.err(line)
    yield from forever()
    return 0


def bootcamp(ctx: Any, argv: list[str], io: Streams, proc: ProcState) -> Generator[Any, None, int]:
    """jocatalin/kubernetes-bootcamp: ``node server.js`` under ``/bin/sh -c`` (no SIGTERM handler)."""
    proc.ports, proc.handles_stop = (8080,), False
    proc.hold(12 * MIB)
    now = ctx.now()
    started = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(now * 1000) % 1000:03d}Z"
    io.out(f"Kubernetes Bootcamp App Started At: {started} | Running On:  {ctx.hostname} \n")
    yield from forever()
    return 0


# -- which program an image runs ------------------------------------------------------------------
def image_programs(image: Image, proc: ProcState,
                   lookup: Callable[[str], Program | None]) -> dict[str, Program]:
    """The programs an image adds to every image's coreutils, bound to the process state."""
    from . import images_fs
    from .net import apps

    app = image.app
    progs: dict[str, Callable[..., Any]] = {}
    if app == "nginx" or image.repository.endswith("/nginx-slim"):
        version = apps.nginx_version(image.ref) if app == "nginx" else images_fs.nginx_slim_version(image.tag)
        progs.update({"nginx": partial(nginx, version=version), "nginx-debug": partial(nginx, version=version),
                      "/docker-entrypoint.sh": partial(nginx_docker_entrypoint, version=version, lookup=lookup),
                      "docker-entrypoint.sh": partial(nginx_docker_entrypoint, version=version, lookup=lookup)})
    elif app == "httpd":
        version = apps.HTTPD_VERSION.get(image.tag, "2.4.63")
        progs["httpd-foreground"] = partial(httpd, version=version)
    elif app == "redis":
        version = {"5.0.5": "5.0.5", "5": "5.0.14", "6": "6.2.17", "6.2": "6.2.17", "7": "7.4.2",
                   "7.2": "7.2.7"}.get(image.tag, "7.4.2")
        progs["redis-server"] = partial(redis_server, version=version)
    elif app == "mysql":
        from . import mysql

        version = mysql.version_of(image.tag)
        progs["mysqld"] = partial(mysql.mysqld, version=version)
        progs["mysql"] = partial(mysql.mysql, version=version)
        progs["mysqladmin"] = partial(mysql.mysqladmin, version=version)
    elif app == "postgres":
        version = {"13": "13.20", "14": "14.17", "15": "15.12", "16": "16.8"}.get(image.tag.split("-")[0], "17.4")
        progs["postgres"] = partial(postgres, version=version)
    elif app == "perl":
        progs["perl"] = perl
    elif app == "stress":
        progs["stress"] = stress
    elif app == "python":
        progs.update({"python": python, "python3": python})
    elif app == "agnhost":
        progs["/agnhost"] = progs["agnhost"] = agnhost
    elif app == "hello-app":
        progs["/hello-app"] = progs["hello-app"] = hello_app
    elif app == "php-apache":
        progs["apache2-foreground"] = php_apache
    elif app == "kubernetes-bootcamp":
        progs["node"] = bootcamp
    elif app == "kuard":
        progs["/kuard"] = partial(quiet_server, ports=(8080,), stop_exit_code=2, memory=7 * MIB, lines=(
            "{t} Starting kuard version: v0.10.0-" + image.tag,
            "{t} **********************************************************************",
            "{t} * WARNING: This server may expose sensitive",
            "{t} * and secret information. Be careful.",
            "{t} **********************************************************************",
            "{t} Config: ", "{t} Serving on HTTP on :8080"))
    elif app == "echoserver":
        progs["nginx"] = partial(quiet_server, ports=(8080,), memory=3 * MIB)
    elif app == "wordpress":
        progs["apache2-foreground"] = wordpress
    elif app == "serve_hostname":
        progs["/serve_hostname"] = partial(quiet_server, ports=(9376,), memory=3 * MIB,
                                           lines=("{t} Serving on port 9376.",))
    elif app == "ingress-nginx":
        progs["/nginx-ingress-controller"] = progs["nginx-ingress-controller"] = ingress_nginx_controller
    elif app == "kube-webhook-certgen":
        progs["/kube-webhook-certgen"] = progs["kube-webhook-certgen"] = kube_webhook_certgen
    elif app == "coredns":
        version, go = {"v1.11.1": ("1.11.1", "go1.20.7, ae2bbc2")}.get(image.tag, ("1.11.3", "go1.21.11, a6338e9"))
        progs["/coredns"] = partial(quiet_server, ports=image.ports, memory=12 * MIB, lines=(
            ".:53", "[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b72"
            "9d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908",
            f"CoreDNS-{version}", f"linux/amd64, {go}"), stdout=True)
    elif app == "custom":
        progs["/app"] = partial(quiet_server, ports=image.ports, memory=5 * MIB, lines=image.log_lines)
    elif app in ("liveness", "goproxy"):
        progs[image.entrypoint[0]] = partial(quiet_server, ports=image.ports, memory=3 * MIB)
    if image.repository.endswith("/pause") or app == "pause":
        progs["/pause"] = pause
    wrap = partial(entrypoint_exec, lookup=lookup, options_for=OPTIONS_FOR.get(app or ""))
    for wrapper in ENTRYPOINT_WRAPPERS:
        if image.userland or wrapper in image.entrypoint:
            progs.setdefault(wrapper, wrap)
    if not any(k in progs for k in image.server_binaries) and image.server:
        # the catalogue's other servers (coredns, etcd, flannel, the control plane, users' images)
        quiet = partial(quiet_server, ports=image.ports, handles_stop=image.handles_sigterm,
                        stop_exit_code=image.sigterm_exit_code)
        for name in image.server_binaries | set(image.entrypoint[:1]) | set(image.cmd[:1]):
            progs.setdefault(name, quiet)
    bound: dict[int, Program] = {}  # one binding per program, however many names it answers to
    out: dict[str, Program] = {}
    for name, fn in progs.items():
        b = bound.get(id(fn))
        if b is None:
            b = bound[id(fn)] = _Bound(fn, proc)
        out[name] = b
    return out


class _LineIO:
    """The programs here write whole lines: each ``out(line)`` is one line of the stream."""

    __slots__ = ("raw", "stdin")

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.stdin = getattr(raw, "stdin", "")

    def out(self, line: str) -> None:
        self.raw.out(line + "\n")

    def err(self, line: str) -> None:
        self.raw.err(line + "\n")


class _Bound:
    """A program bound to its container's process state: ``(ctx, argv, io)`` runs
    ``fn(ctx, argv, lines, proc=proc)``. A slotted object rather than a closure: every container
    binds its image's programs, and a closure with its cells is four objects (about 270 bytes, against
    56) — at 150,000 pods, hundreds of megabytes."""

    __slots__ = ("fn", "proc")

    def __init__(self, fn: Callable[..., Any], proc: ProcState) -> None:
        self.fn, self.proc = fn, proc

    def __call__(self, ctx: Any, argv: list[str], io: Any) -> Any:
        return self.fn(ctx, argv, _LineIO(io), proc=self.proc)


#: entrypoint scripts and init wrappers that end in ``exec "$@"``
ENTRYPOINT_WRAPPERS = ("docker-entrypoint.sh", "/docker-entrypoint.sh", "/usr/local/bin/docker-entrypoint.sh",
                       "/entrypoint.sh", "entrypoint.sh", "tini", "/tini", "/usr/bin/tini", "dumb-init",
                       "/usr/bin/dumb-init")


#: docker-library entrypoints that run their server when the first argument is an option
#: (mysql's and postgres' ``if [ "${1:0:1}" = '-' ]; then set -- mysqld "$@"; fi``, redis' ``${1#-}``)
OPTIONS_FOR = {"mysql": "mysqld", "postgres": "postgres", "redis": "redis-server"}


def entrypoint_exec(ctx: Any, argv: list[str], io: Any, proc: ProcState, *,
                    lookup: Callable[[str], Program | None] | None = None,
                    options_for: str | None = None) -> Generator[Any, None, int]:
    rest = argv[1:]
    if rest and rest[0] == "--":
        rest = rest[1:]
    if options_for and rest and rest[0].startswith("-"):
        rest = [options_for, *rest]
    return (yield from exec_argv(ctx, rest, io, lookup or (lambda name: None)))


#: repositories whose images ship procps (``ps``, ``free``) beside GNU coreutils: ubuntu and centos
#: bases, and the buildpack-deps based "full" tags of the language images (``-slim``/``-alpine``
#: ones have none; nor have debian, nginx, httpd: ``ps: command not found`` there, as on a cluster)
PROCPS_REPOS = frozenset({"docker.io/library/ubuntu", "docker.io/library/centos"})
BUILDPACK_REPOS = frozenset({"docker.io/library/perl", "docker.io/library/python", "docker.io/library/node",
                             "docker.io/library/golang"})


def has_procps(image: Image) -> bool:
    """Whether the image's userland has procps' ``ps`` and ``free`` (busybox has its own applets)."""
    if image.userland != "dash":
        return False
    if image.repository in PROCPS_REPOS:
        return True
    return image.repository in BUILDPACK_REPOS and not image.tag.endswith(("slim", "alpine"))


def clear(ctx: Any, argv: list[str], io: Any) -> int:
    """``clear`` (busybox's applet, ncurses-bin's in Debian): home the cursor, erase the screen."""
    io.out("\x1b[H\x1b[J")
    return 0


def image_table(image: Image, proc: ProcState) -> Mapping[str, Program]:
    """Every program a container of ``image`` can run, by name and path — the one table its main
    process, its exec probes, ``kubectl exec`` and the pod shell all look commands up in: its
    userland (busybox's applets, or GNU coreutils with dash and bash, plus procps where the image
    ships it; nothing in a distroless image), ``timeout``, ``clear``, the network tools it ships
    (``net/clients.programs``: nginx has curl but no wget, busybox wget but no curl), and its own
    binaries bound to ``proc``."""
    own: dict[str, Any] = {}
    base = _userland_table(image.userland, has_procps(image), image.ref) if image.userland else {}
    if image.userland and "sleep" not in base:
        own["sleep"] = _Bound(sleep, proc)
    table = ChainMap(own, base)

    def lookup(name: str) -> Any:
        return table.get(name) or table.get(name.rsplit("/", 1)[-1])

    own.update(image_programs(image, proc, lookup))
    return table


@lru_cache(maxsize=128)
def _userland_table(land: str, procps: bool, ref: str) -> dict[str, Program]:
    """What every container of an image shares (none of it bound to a process): its userland's
    programs, procps, its network tools, its shells, ``timeout`` and ``clear`` — built once per image,
    so that a container start adds only its own image programs. Never mutated."""
    from . import coreutils, sh
    from .net import clients

    table: dict[str, Any] = {}
    table.update(coreutils.programs(land))
    if procps:
        table.update(coreutils.PROCPS)
    table.update(clients.programs(ref))
    table.update(sh.programs(land))
    table["timeout"] = sh.timeout_program(land)
    table["clear"] = clear
    return table


def shell_options(argv: list[str]) -> set[str]:
    """``sh -e -x -c …`` / ``bash -ec …``: the set options the shell starts with."""
    out: set[str] = set()
    for a in argv[1:]:
        if not a.startswith("-") or a in ("-", "--"):
            break
        out |= {ch for ch in a[1:] if ch in "euxfv"}
        if "c" in a[1:]:
            break
    return out


def exec_argv(ctx: Any, argv: list[str], io: Streams,
              lookup: Callable[[str], Program | None]) -> Generator[Any, None, int]:
    """``exec "$@"``: run ``argv[0]`` found through ``lookup`` (a path or a name on $PATH)."""
    if not argv:
        return 0
    prog = lookup(argv[0]) or lookup(argv[0].rsplit("/", 1)[-1])
    if prog is None:
        io.err(f"exec: {argv[0]}: not found")
        return 127
    res = prog(ctx, argv, getattr(io, "raw", io))
    if isinstance(res, int):
        return res
    return (yield from res)


def command_line(image: Image, container: dict, env: dict[str, str] | None = None) -> list[str]:
    """What the container runs: ``command`` replaces ENTRYPOINT and drops CMD, ``args`` replaces CMD;
    with ``env`` (the container's variables) the spec's own words get the kubelet's ``$(VAR)``
    expansion (the image's ENTRYPOINT/CMD do not)."""
    from .net.envvars import expand

    command, args = container.get("command"), container.get("args")

    def spec_words(words: Any) -> list[str]:
        return [expand(str(a), env) if env is not None else str(a) for a in list(words or [])]

    if command:
        return spec_words(command) + spec_words(args)
    return [str(a) for a in image.entrypoint] + (spec_words(args) if args is not None else [str(a) for a in image.cmd])


def shell_script(argv: list[str]) -> tuple[bool, str | None]:
    """(is a shell, its ``-c`` script or None): ``sh -c 'x'``, ``/bin/bash -ec 'x'``."""
    if not argv or argv[0].rsplit("/", 1)[-1] not in SHELL_NAMES:
        return False, None
    rest = argv[1:]
    while rest and rest[0].startswith("-") and rest[0] != "-c" and "c" not in rest[0][1:]:
        rest = rest[1:]
    if rest and rest[0].startswith("-") and "c" in rest[0][1:]:
        return True, rest[1] if len(rest) > 1 else ""
    return True, None


def start_error(argv: list[str]) -> str:
    """containerd's StartError message for a command the image does not have."""
    return ("failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create "
            f'failed: unable to start container process: exec: "{argv[0]}": '
            "executable file not found in $PATH: unknown")


def cluster_cpus(cluster: Cluster | None, node: str) -> int:
    if cluster is None:
        return 2
    obj = cluster.store.peek("Node", "", node) or {}
    cpu = str(((obj.get("status") or {}).get("capacity") or {}).get("cpu") or "2")
    return int(cpu) if cpu.isdigit() else 2
