"""The shell inside a container: what ``kubectl exec`` runs and what ``kubectl run -it … sh`` opens.

Owns: the shell process of a container — the shell language is ``server.sim.sh`` (busybox ash
for busybox/alpine images, dash as ``sh`` and bash as ``bash`` in Debian-style ones), run over the
container's own filesystem (``VolumeManager.ensure_fs``: the image's files, the pod's volumes,
``/etc/hosts``…, what the container's main process sees and writes), with the programs the image
has — the very table its own processes use (``programs.image_table``: coreutils in busybox's or
GNU's words, the network tools it ships — nginx has curl but no ping, wget or nslookup, as on a real
cluster —, procps' ``ps`` where the image ships it, its shells, its own binaries); the userland is the registry's (``Image.userland``, read by ``image_userland``). The
environment is the container's (``cluster.runtime``: what the kubelet and containerd started it
with — PATH, HOSTNAME, the image's ENV, the pod's variables, the service links), as a process
exec'd in it gets it (``envvars.exec_env``: TERM with a TTY, HOME last), plus what the shell
exports itself when one runs (``sh.shell_start_env``: PWD, and SHLVL in ash and bash); a program exec'd
directly (``kubectl exec POD -- env``) sees no shell's variables. Virtual time passes while a line
waits (``sleep 5``, a request timing out): the cluster's clock is advanced, up to
``core.MAX_LINE_WAIT`` per line (and ``MAX_LINE_BUSY`` busy stretches), after which the line is
interrupted as Ctrl-C would, as every terminal line is.

Containers are found by name in the pod's containers, init containers and ephemeral containers
(``container_spec``, ``container_status``): a ``kubectl debug`` container's shell is its own image's.

Hands off: sessions (``session``) keep one ``PodShell`` per interactive shell; ``kubectl exec``
(``server.kubectl.verbs.exec``) runs one command through ``exec_argv``; the workstation shell
borrows ``curl`` and ``ping``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..sim import sh
from ..sim.images_fs import BUSYBOX_REPOS, NO_SHELL_REPOS, userland
from . import netio
from .core import MAX_LINE_BUSY, MAX_LINE_WAIT, LineResult
from .fmt import Out

if TYPE_CHECKING:
    from ..sim.cluster import Cluster
    from ..sim.fs import FileSystem

#: an exit status meaning "the runtime refused to start the process" (kubectl prints the error, exit 1)
RUNTIME_ERROR = -1
SHELL_WORDS = ("sh", "/bin/sh", "bash", "/bin/bash", "ash", "/bin/ash", "/usr/bin/bash")

__all__ = ["BUSYBOX_REPOS", "MAX_LINE_WAIT", "NO_SHELL_REPOS", "PodShell", "container_env", "container_spec",
           "container_status", "curl", "exec_argv", "exec_chunks", "exec_streams", "has_shell", "home_of", "image_userland",
           "ping", "runtime_not_found"]

#: where a pod keeps its containers, and their statuses, in the order kubectl's
#: ``podcmd.FindContainerByName`` looks (containers, init containers, ephemeral containers)
CONTAINER_LISTS = (("containers", "containerStatuses"), ("initContainers", "initContainerStatuses"),
                   ("ephemeralContainers", "ephemeralContainerStatuses"))


def container_spec(pod: dict, name: str) -> dict | None:
    """The container called ``name``: a container, an init container or an ephemeral container
    (``kubectl debug``'s, whose shell is its own image's)."""
    spec = pod.get("spec") or {}
    for key, _ in CONTAINER_LISTS:
        for c in spec.get(key) or []:
            if c.get("name") == name:
                return c
    return None


def container_status(pod: dict, name: str) -> dict:
    """The status of the container called ``name``, from whichever of the pod's three status lists
    holds it (``{}`` when none does yet)."""
    status = pod.get("status") or {}
    for _, key in CONTAINER_LISTS:
        for cs in status.get(key) or []:
            if cs.get("name") == name:
                return cs
    return {}


def image_ref(pod: dict, container: str) -> str:
    from ..sim.registry import normalize

    return normalize(str((container_spec(pod, container) or {}).get("image") or ""))


def repository(cluster: Cluster, pod: dict, container: str) -> str:
    from ..sim.registry import split_ref

    return split_ref(image_ref(pod, container))[0]


def image_userland(cluster: Cluster, ref: str) -> str:
    """``busybox``, ``gnu`` or ``none``: the registry's word for the image's userland
    (``Image.userland``), else what its name says (``images_fs.userland``)."""
    from ..sim.registry import split_ref

    img = cluster.registry.resolve(ref) if ref else None
    if img is not None:
        return {"busybox": "busybox", "": "none"}.get(img.userland, "gnu")
    return userland(split_ref(ref)[0]) if ref else "busybox"


def has_shell(cluster: Cluster, pod: dict, container: str, word: str) -> bool:
    land = image_userland(cluster, image_ref(pod, container))
    if land == "none":
        return False
    if word.rsplit("/", 1)[-1] == "bash":
        return land != "busybox"
    return True


def container_env(cluster: Cluster, pod: dict, container: str) -> dict[str, str]:
    """The environment the container was started with (the runtime's record, as the kubelet and
    containerd built it: ``envvars.container_env``); for a container the runtime has no record
    of, what the image and the spec alone say."""
    from ..sim.net import envvars

    uid = pod["metadata"].get("uid", "")
    inst = cluster.runtime.get(uid, container)
    if inst is not None and inst.env:
        return dict(inst.env)
    # no record of the start (the runtime was not told): what containerd would have set — PATH,
    # HOSTNAME, the image's ENV, the spec's values, the links of services older than the container
    ref = image_ref(pod, container)
    img = cluster.registry.resolve(ref) if ref else None
    kubelet = {str(e["name"]): str(e.get("value") or "")
               for e in (container_spec(pod, container) or {}).get("env") or [] if "value" in e}
    for k, v in _service_links(cluster, pod, container).items():
        kubelet.setdefault(k, v)
    return envvars.process_env(img.env if img is not None else (), kubelet, hostname_of(cluster, pod))


def home_of(pod: dict, container: str) -> str:
    """The HOME runc gives the container's processes when nothing set one (``envvars.home_of``)."""
    from ..sim.net import envvars

    return envvars.home_of(pod, container_spec(pod, container) or {})




def _service_links(cluster: Cluster, pod: dict, container: str) -> dict[str, str]:
    from ..sim.net import envvars

    if (pod.get("spec") or {}).get("enableServiceLinks") is False:
        return {}
    started = ((container_status(pod, container).get("state") or {}).get("running") or {}).get("startedAt", "")
    env = envvars.service_env(cluster, pod["metadata"]["namespace"])
    if not started:
        return dict(env)
    newer = {s["metadata"]["name"].upper().replace("-", "_") + "_"
             for s in cluster.store.scan("Service", pod["metadata"]["namespace"])
             if s["metadata"].get("creationTimestamp", "") > started}
    return {k: v for k, v in env.items()
            if not any(k.startswith((p + "SERVICE_", p + "PORT")) for p in newer)}


def hostname_of(cluster: Cluster, pod: dict) -> str:
    """The container's hostname (``dns.kernel_hostname``: the node's under hostNetwork, the FQDN
    under setHostnameAsFQDN, else the pod's hostname as the kubelet truncates it)."""
    from ..sim.net import dns

    return dns.kernel_hostname(cluster, pod)


def container_fs(cluster: Cluster, pod: dict, container: str) -> FileSystem | None:
    """The running container's filesystem (made on demand if the kubelet has not made one)."""
    try:
        vm: Any = cluster.controller("volume-manager")
    except KeyError:
        return None
    return vm.ensure_fs(pod, container) if hasattr(vm, "ensure_fs") else None


class PodShell:
    """One shell process in a container: ``run(line)`` for an interactive line, ``ctx`` its state."""

    def __init__(self, cluster: Cluster, pod: dict, container: str, *, shell: str = "sh", tty: bool = False) -> None:
        self.cluster = cluster
        self.namespace = pod["metadata"]["namespace"]
        self.pod_name = pod["metadata"]["name"]
        self.uid = pod["metadata"].get("uid", "")
        self.container = container
        self.image = image_ref(pod, container)
        self.repo = repository(cluster, pod, container)
        self.userland = image_userland(cluster, self.image)
        self.busybox = self.userland == "busybox"
        self.bash = shell.rsplit("/", 1)[-1] == "bash" and not self.busybox
        self.name = "bash" if self.bash else "sh"
        self.dialect = "busybox" if self.busybox else "bash" if self.bash else "dash"
        self.fs = container_fs(cluster, pod, container)
        spec = container_spec(pod, container) or {}
        from ..sim.net.envvars import exec_env

        #: what the runtime gives a process exec'd in the container (no shell's own variables)
        self.process_env = exec_env(container_env(cluster, pod, container), tty=tty, home=home_of(pod, container))
        cwd = str(spec.get("workingDir") or "/")
        env = self.shell_env(cwd)
        from ..sim.net.proxy import Source

        self.ctx = sh.ShContext(env=env, cwd=cwd, fs=self.fs, lookup=self.lookup, now=cluster.clock.now,
                                hostname=env.get("HOSTNAME") or hostname_of(cluster, pod), ps=self.processes,
                                dialect=self.dialect, source=Source.pod(self.namespace, self.pod_name),
                                cluster=cluster, argv0=self.name, mode="interactive")
        self.ctx.tty = tty  # ls lays out columns on a terminal
        self._programs = self._table()

    # -- state -------------------------------------------------------------------------------------
    def shell_env(self, cwd: str) -> dict[str, str]:
        """The process environment plus what this shell exports itself when it starts."""
        return sh.shell_start_env(self.dialect, self.process_env, cwd)

    @property
    def env(self) -> dict[str, str]:
        return self.ctx.env

    @property
    def cwd(self) -> str:
        return self.ctx.cwd

    def pod(self) -> dict | None:
        pod = self.cluster.store.peek("Pod", self.namespace, self.pod_name)
        if pod is None or pod["metadata"].get("uid") != self.uid:
            return None
        return pod

    @property
    def prompt(self) -> str:
        cwd = self.cwd
        home = self.env.get("HOME", "/root")
        shown = "~" + cwd[len(home):] if cwd == home or cwd.startswith(home + "/") else cwd
        if self.busybox:
            return f"{shown} # "
        if self.bash:
            return f"root@{self.env.get('HOSTNAME', self.pod_name)}:{shown}# "
        return "# "

    def processes(self) -> list[tuple[int, str, list[str]]]:
        """The container's processes as ``ps`` lists them: its main process and this shell."""
        from ..sim.programs import command_line
        from ..sim.registry import Image

        pod = self.pod() or {"spec": {}}
        spec = container_spec(pod, self.container) or {}
        img = (self.cluster.registry.resolve(self.image) if self.image else None) or Image("", "", 0)
        inst = self.cluster.runtime.get(self.uid, self.container)
        argv = command_line(img, spec, dict(inst.env) if inst is not None and inst.env else None)
        return [(1, "root", argv or [self.name]), (7, "root", [self.name])]

    # -- programs ------------------------------------------------------------------------------------
    def _table(self) -> dict[str, Any]:
        """The programs the container has: the very table its own processes use
        (``programs.image_table``: userland, procps where shipped, network tools, shells, the
        image's binaries); for an image the registry cannot name (a pod whose pull failed has no
        running shell) the table of an image with this name and userland and no binaries of its own.
        The programs are bound to the container's main process state (``runtime.Instance.proc``, as
        the kubelet's exec probes are): they share its cgroup and reach what it serves (mysqld's
        accounts behind the container's socket); a fresh state when no main process runs."""
        from ..sim.programs import ProcState, image_table
        from ..sim.registry import Image, split_ref

        img = self.cluster.registry.resolve(self.image) if self.image else None
        if img is None:
            repo, tag = split_ref(self.image) if self.image else ("", "")
            img = Image(repo, tag, 0, server=False, userland={"busybox": "busybox", "none": ""}.get(self.userland, "dash"))
        inst = self.cluster.runtime.get(self.uid, self.container)
        state = inst.proc if inst is not None and isinstance(inst.proc, ProcState) else ProcState()
        return dict(image_table(img, state))

    def lookup(self, name: str) -> Any:
        """A command word (``cat``, ``/bin/cat``) → the program, if the image has it."""
        prog = self._programs.get(name)
        if prog is None and "/" in name:
            path = name
            if self.fs is not None:
                try:
                    path = self.fs.realpath(self.ctx.resolve(name))
                except OSError:
                    return None
                if not self.fs.isfile(path):
                    return None
            prog = self._programs.get(posixpath.basename(path)) or self._programs.get(posixpath.basename(name))
        return prog

    # -- running -------------------------------------------------------------------------------------
    def _waiter(self) -> Callable[[sh.Sleep], None]:
        waited = [0.0]

        def on_sleep(item: sh.Sleep) -> None:
            if not isinstance(item, sh.Busy):
                waited[0] += item.seconds
                if waited[0] > MAX_LINE_WAIT:
                    raise sh.Interrupt()
            if item.seconds > 0:
                self.cluster.advance(item.seconds)

        return on_sleep

    def run(self, line: str) -> LineResult:
        """One line typed at the prompt: its output (stdout and stderr as they came) and status."""
        chunks: list[str] = []
        io = sh.Streams("", chunks.append, chunks.append)
        try:
            status = sh.drive(sh.run_line(line, self.ctx, io), self._waiter(), max_busy=MAX_LINE_BUSY)
        except sh.ShellExit as e:
            return LineResult("".join(chunks), e.code, exited=True)
        if status == 130 and self.ctx.status != 130:
            chunks.append("^C\n")  # interrupted: it would have run on until Ctrl-C
        return LineResult("".join(chunks), status)

    def run_argv(self, argv: list[str], stdin: str = "") -> tuple[list[tuple[int, str]], int]:
        """``argv`` run as the container's runtime execs it (no shell unless argv[0] is one: the
        program gets the process environment as it is, a shell adds its own variables): what it
        wrote, in order, as (1 stdout | 2 stderr, text), and its status (``RUNTIME_ERROR`` when
        the image has no such program). ``stdin`` is all of its input: its reads return EOF at
        its end (an ``exec -i`` without a TTY streams the client's input until it closes)."""
        chunks: list[tuple[int, str]] = []
        io = sh.Streams(stdin, lambda t: chunks.append((1, t)), lambda t: chunks.append((2, t)))
        prog = self.lookup(argv[0])
        if prog is None:
            return [], RUNTIME_ERROR
        self.ctx.env = dict(self.process_env)  # a shell argv adds its own variables as it starts
        self.ctx.mode = "-c"
        result = prog(self.ctx, argv, io)
        if not isinstance(result, int):
            result = sh.drive(result, self._waiter(), max_busy=MAX_LINE_BUSY)
        return chunks, int(result or 0)


# -- tools shared with the workstation ---------------------------------------------------------
def _tool(cluster: Cluster, pod: dict | None, name: str, args: list[str]) -> Out:
    clients = netio.clients()
    prog = {**clients.BUSYBOX_TOOLS, "curl": clients.curl}[name]
    return netio.run(cluster, pod, prog, [name, *args])


def ping(cluster: Cluster, pod: dict | None, args: list[str], *, busybox: bool = True) -> Out:
    return _tool(cluster, pod, "ping", args)


def curl(cluster: Cluster, pod: dict | None, args: list[str]) -> Out:
    return _tool(cluster, pod, "curl", args)


def exec_argv(cluster: Cluster, pod: dict, container: str, argv: list[str], stdin: str = "", *,
              tty: bool = False) -> Out:
    """``kubectl exec POD -- ARGV``: the program runs as the runtime execs it (no shell unless
    ARGV is one), ``stdin`` as its input (``exec -i``; empty without), and its output comes back
    as the terminal shows it (stdout and stderr in the order written, byte for byte). A shell with
    no ``-c`` reads its script from the input, to its end."""
    chunks, code = exec_chunks(cluster, pod, container, argv, stdin, tty=tty)
    if code == RUNTIME_ERROR:
        return runtime_not_found(argv[0])
    return Out(stdout="".join(t for _, t in chunks), code=code)


def exec_streams(cluster: Cluster, pod: dict, container: str, argv: list[str], stdin: str = "", *,
                 tty: bool = False) -> tuple[str, str, int]:
    """``exec`` as the REST API's exec stream carries it: stdout and stderr apart (``kubectl cp``
    reads a tar archive from stdout while tar's notes go to stderr; with a TTY both are the
    terminal's, on stdout), the input given, the status (``RUNTIME_ERROR`` when the image has no
    such program: ``runtime_not_found`` has the text)."""
    chunks, code = exec_chunks(cluster, pod, container, argv, stdin, tty=tty)
    if code == RUNTIME_ERROR:
        return "", runtime_not_found(argv[0]).stderr, RUNTIME_ERROR
    if tty:
        return "".join(t for _, t in chunks), "", code
    return "".join(t for n, t in chunks if n == 1), "".join(t for n, t in chunks if n == 2), code


def exec_chunks(cluster: Cluster, pod: dict, container: str, argv: list[str], stdin: str = "", *,
                tty: bool = False) -> tuple[list[tuple[int, str]], int]:
    """The exec'd process's writes in order, as (1 stdout | 2 stderr, text), and its status
    (``RUNTIME_ERROR`` when the image has no such program)."""
    if argv[0] in SHELL_WORDS and not has_shell(cluster, pod, container, argv[0]):
        return [], RUNTIME_ERROR
    shell = argv[0] if argv[0] in SHELL_WORDS else "sh"
    return PodShell(cluster, pod, container, shell=shell, tty=tty).run_argv(argv, stdin)


def runtime_not_found(word: str) -> Out:
    """containerd's answer when the executable does not exist in the image."""
    return Out(stderr=("error: Internal error occurred: error executing command in container: failed to exec in "
                       "container: failed to start exec: OCI runtime exec failed: exec failed: unable to start "
                       f'container process: exec: "{word}": executable file not found in $PATH: unknown\n'),
               code=RUNTIME_ERROR)
