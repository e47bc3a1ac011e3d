"""The shell inside a container: what ``kubectl exec`` runs and what ``kubectl run -it … sh`` opens.

Owns: which programs a container has (busybox's applets in busybox/alpine images; a Debian-style
image has ``sh``/``bash`` and, for some, curl — nginx has no ping, wget or nslookup, as on a real
cluster), the container's environment (``cluster.runtime``: what the kubelet started it with,
service variables included, in the kubelet's order), its files (/etc/resolv.conf from the cluster
DNS, /etc/hosts, /etc/hostname, mounted ConfigMap/Secret files the runtime holds), and the
network tools: ``wget``, ``curl``, ``nslookup``, ``ping``, which go through ``netio`` so the
request reaches the simulated pods, their logs and the traffic log. Output is in the tools' own
words (``fmt``).

Containers are found by name in the pod's containers, init containers and ephemeral containers
(``container_spec``, ``container_status``): a ``kubectl debug`` container's shell is its own image's.

Hands off: sessions (``session``) keep one ``PodShell`` per interactive shell; ``kubectl exec``
(``server.kubectl.verbs.exec``) runs one command through ``exec_argv``.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from . import fmt, netio
from .core import Program, Shell
from .fmt import Out

if TYPE_CHECKING:
    from ..sim.cluster import Cluster

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#: images whose userland is busybox (their ``sh`` is busybox ash)
BUSYBOX_REPOS = ("docker.io/library/busybox", "docker.io/library/alpine", "docker.io/curlimages/curl")
#: images that ship curl
CURL_REPOS = ("docker.io/curlimages/curl", "docker.io/library/nginx", "docker.io/jocatalin/kubernetes-bootcamp",
              "docker.io/library/centos", "docker.io/library/wordpress", "gcr.io/kuar-demo/kuard-amd64")
#: images with no shell at all (distroless / scratch): exec of sh fails in the runtime
NO_SHELL_REPOS = ("gcr.io/kuar-demo/kuard-amd64", "registry.k8s.io/pause", "registry.k8s.io/coredns/coredns",
                  "registry.k8s.io/etcd", "registry.k8s.io/kube-apiserver", "registry.k8s.io/kube-controller-manager",
                  "registry.k8s.io/kube-scheduler")
#: an exit status meaning "the runtime refused to start the process" (kubectl prints the error, exit 1)
RUNTIME_ERROR = -1
SHELL_WORDS = ("sh", "/bin/sh", "bash", "/bin/bash", "ash", "/bin/ash", "/usr/bin/bash")


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


def repository(cluster: Cluster, pod: dict, container: str) -> str:
    spec = container_spec(pod, container) or {}
    from ..sim.registry import normalize, split_ref

    return split_ref(normalize(str(spec.get("image") or "")))[0]


def has_shell(cluster: Cluster, pod: dict, container: str, word: str) -> bool:
    repo = repository(cluster, pod, container)
    if repo in NO_SHELL_REPOS:
        return False
    base = word.rsplit("/", 1)[-1]
    if base == "bash":
        return repo not in BUSYBOX_REPOS
    return True


def container_env(cluster: Cluster, pod: dict, container: str) -> dict[str, str]:
    """The environment the container was started with (the kubelet's record in the runtime); for a
    container the runtime has no record of, what the spec alone says."""
    uid = pod["metadata"].get("uid", "")
    inst = cluster.runtime.get(uid, container)
    if inst is not None and inst.env:
        env = dict(inst.env)
    else:
        # no record of the start (the runtime was not told): what the kubelet would have set —
        # HOSTNAME, the spec's values, and the service links of services older than the container
        env = {"PATH": DEFAULT_PATH, "HOSTNAME": hostname_of(pod)}
        for e in (container_spec(pod, container) or {}).get("env") or []:
            if "value" in e:
                env[e["name"]] = str(e.get("value") or "")
        env.update(_service_links(cluster, pod, container))
    env.setdefault("PATH", DEFAULT_PATH)
    env.setdefault("HOSTNAME", hostname_of(pod))
    return env


def _service_links(cluster: Cluster, pod: dict, container: str) -> dict[str, str]:
    try:
        from ..sim.net import envvars
    except ImportError:
        return {}
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


def hostname_of(pod: dict) -> str:
    return (pod.get("spec") or {}).get("hostname") or pod["metadata"]["name"]


class PodShell(Shell):
    def __init__(self, cluster: Cluster, pod: dict, container: str, *, shell: str = "sh", tty: bool = False) -> None:
        super().__init__()
        self.cluster = cluster
        self.namespace = pod["metadata"]["namespace"]
        self.pod_name = pod["metadata"]["name"]
        self.uid = pod["metadata"].get("uid", "")
        self.container = container
        self.repo = repository(cluster, pod, container)
        self.busybox = self.repo in BUSYBOX_REPOS
        self.bash = shell.rsplit("/", 1)[-1] == "bash" and not self.busybox
        self.name = "bash" if self.bash else "sh"
        self.cwd = "/"
        self.env = container_env(cluster, pod, container)
        if tty:
            self.env.setdefault("TERM", "xterm")
        self.env.setdefault("HOME", "/root")
        self.env.setdefault("SHLVL", "1")
        self.env.setdefault("PWD", "/")

    # -- the pod as it is now ----------------------------------------------------------------
    def pod(self) -> dict | None:
        pod = self.cluster.store.peek("Pod", self.namespace, self.pod_name)
        if pod is None or pod["metadata"].get("uid") != self.uid:
            return None
        return pod

    @property
    def prompt(self) -> str:
        if self.busybox:
            return f"{self.cwd} # "
        if self.bash:
            return f"root@{self.env.get('HOSTNAME', self.pod_name)}:{self.cwd}# "
        return "# "

    def not_found(self, word: str) -> Out:
        if self.bash:
            return Out(stderr=f"bash: {word}: command not found\n", code=127)
        if self.busybox:
            return Out(stderr=f"sh: {word}: not found\n", code=127)
        return Out(stderr=f"sh: 1: {word}: not found\n", code=127)  # dash numbers its lines

    def syntax_error(self) -> Out:
        if self.bash:
            return Out(stderr="bash: unexpected EOF while looking for matching quote\n", code=2)
        return super().syntax_error()

    def programs(self) -> dict[str, Program]:
        progs: dict[str, Program] = {
            "env": self.printenv, "printenv": self.printenv, "hostname": self.hostname, "cat": self.cat,
            "ls": self.ls, "pwd": lambda a, s: Out(stdout=self.cwd + "\n"), "cd": self.cd,
            "id": lambda a, s: Out(stdout="uid=0(root) gid=0(root) groups=0(root)" +
                                   (",10(wheel)" if self.busybox else "") + "\n"),
            "whoami": lambda a, s: Out(stdout="root\n"), "sleep": lambda a, s: Out(),
            "uname": self.uname, "clear": lambda a, s: Out(stdout="\x1b[H\x1b[J"),
            "sh": self.subshell, "export": self.export,
        }
        if not self.busybox:
            progs["bash"] = self.subshell
        if self.busybox:
            progs.update({"wget": self.wget, "nslookup": self.nslookup, "ping": self.ping})
        if self.repo in CURL_REPOS:
            progs["curl"] = self.curl
        return progs

    # -- programs ------------------------------------------------------------------------------
    def printenv(self, args: list[str], stdin: str) -> Out:
        if args and not args[0].startswith("-"):
            vals = [self.env[a] for a in args if a in self.env]
            return Out(stdout="".join(v + "\n" for v in vals), code=0 if len(vals) == len(args) else 1)
        return Out(stdout="".join(f"{k}={v}\n" for k, v in self.env.items()))

    def export(self, args: list[str], stdin: str) -> Out:
        for a in args:
            k, eq, v = a.partition("=")
            if eq:
                self.env[k] = v
        return Out()

    def hostname(self, args: list[str], stdin: str) -> Out:
        if args and args[0] in ("-i", "-I"):
            pod = self.pod()
            ip = ((pod or {}).get("status") or {}).get("podIP", "")
            return Out(stdout=f"{ip}\n" if ip else "\n")
        return Out(stdout=self.env.get("HOSTNAME", self.pod_name) + "\n")

    def uname(self, args: list[str], stdin: str) -> Out:
        if "-a" in args:
            return Out(stdout=f"Linux {self.env.get('HOSTNAME', self.pod_name)} 6.8.0-51-generic #52-Ubuntu SMP "
                              "PREEMPT_DYNAMIC Thu Dec  5 13:09:44 UTC 2024 x86_64 GNU/Linux\n")
        return Out(stdout="Linux\n")

    def cd(self, args: list[str], stdin: str) -> Out:
        target = args[0] if args else "/root"
        path = target if target.startswith("/") else (self.cwd.rstrip("/") + "/" + target)
        parts: list[str] = []
        for p in path.split("/"):
            if p in ("", "."):
                continue
            if p == "..":
                if parts:
                    parts.pop()
            else:
                parts.append(p)
        new = "/" + "/".join(parts)
        if new not in self.directories() and not any(f.startswith(new.rstrip("/") + "/") for f in self.all_files()):
            return Out(stderr=f"{self.name}: cd: can't cd to {target}: No such file or directory\n", code=2)
        self.cwd = new
        self.env["PWD"] = new
        return Out()

    def directories(self) -> set[str]:
        return {"/", "/bin", "/dev", "/etc", "/home", "/proc", "/root", "/sys", "/tmp", "/usr", "/var"}

    def all_files(self) -> dict[str, str]:
        """Path → content: the runtime's mounted files, and the files the kubelet writes."""
        pod = self.pod()
        files: dict[str, str] = {}
        hostname = self.env.get("HOSTNAME", self.pod_name)
        files["/etc/hostname"] = hostname + "\n"
        ip = ((pod or {}).get("status") or {}).get("podIP", "")
        files["/etc/hosts"] = ("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost "
                               "ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\n"
                               "fe00::2\tip6-allrouters\n" + (f"{ip}\t{hostname}\n" if ip else ""))
        if pod is not None:
            try:
                files["/etc/resolv.conf"] = netio.resolv_conf(self.cluster, pod)
            except (netio.NoNetwork, AttributeError):
                pass
        inst = self.cluster.runtime.get(self.uid, self.container)
        if inst is not None:
            files.update(inst.files)
        files.update(self.files)
        return files

    def _path(self, name: str) -> str:
        return name if name.startswith("/") else self.cwd.rstrip("/") + "/" + name

    def cat(self, args: list[str], stdin: str) -> Out:
        if not args:
            return Out(stdout=stdin)
        files = self.all_files()
        out, err, code = [], [], 0
        for a in args:
            path = self._path(a)
            if path in files:
                out.append(files[path])
            elif path.rstrip("/") in self.directories() or any(f.startswith(path.rstrip("/") + "/") for f in files):
                err.append("cat: read error: Is a directory\n" if self.busybox else f"cat: {a}: Is a directory\n")
                code = 1
            else:
                err.append(f"cat: can't open '{a}': No such file or directory\n" if self.busybox
                           else f"cat: {a}: No such file or directory\n")
                code = 1
        return Out(stdout="".join(out), stderr="".join(err), code=code)

    def ls(self, args: list[str], stdin: str) -> Out:
        paths = [a for a in args if not a.startswith("-")] or [self.cwd]
        files = self.all_files()
        out, err, code = [], [], 0
        for a in paths:
            path = self._path(a).rstrip("/") or "/"
            if path in files:
                out.append(a + "\n")
                continue
            prefix = "" if path == "/" else path
            names = set()
            for f in files:
                if f.startswith(prefix + "/"):
                    names.add(f[len(prefix) + 1:].split("/", 1)[0])
            if path == "/":
                names |= {d.strip("/") for d in self.directories() if d != "/"}
            if not names and path not in self.directories():
                err.append(f"ls: {a}: No such file or directory\n" if self.busybox
                           else f"ls: cannot access '{a}': No such file or directory\n")
                code = 1 if self.busybox else 2
                continue
            if len(paths) > 1:
                out.append(f"{a}:\n")
            out.append("".join(n + "\n" for n in sorted(n for n in names if not n.startswith("."))))
        return Out(stdout="".join(out), stderr="".join(err), code=code)

    def subshell(self, args: list[str], stdin: str) -> Out:
        rest = list(args)
        while rest and rest[0].startswith("-") and rest[0] != "-c":
            rest = rest[1:]
        if rest and rest[0] == "-c":
            script = rest[1] if len(rest) > 1 else ""
            child = PodShell.__new__(PodShell)
            child.__dict__.update(self.__dict__)
            child.env = dict(self.env)
            r = child.run(script)
            return Out(stdout=r.output, code=r.exit_code)
        return Out()  # no terminal: reads EOF at once

    # -- network tools -------------------------------------------------------------------------
    def _me(self) -> dict | None:
        return self.pod()

    def wget(self, args: list[str], stdin: str) -> Out:
        quiet, output, url_text, spider = False, None, None, False
        i = 0
        while i < len(args):
            a = args[i]
            if a in ("-q", "--quiet"):
                quiet = True
            elif a == "-O" and i + 1 < len(args):
                i += 1
                output = args[i]
            elif a.startswith("-O"):
                output = a[2:]
            elif a.startswith("-qO"):
                quiet, output = True, a[3:] or (args[i + 1] if i + 1 < len(args) else None)
                if not a[3:]:
                    i += 1
            elif a == "--spider":
                spider = True
            elif a.startswith("-T") or a in ("-t",):
                if a in ("-T", "-t"):
                    i += 1
            elif a.startswith("-"):
                pass
            else:
                url_text = a
            i += 1
        if url_text is None:
            return Out(stderr="BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
                              "Usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n"
                              "\t[--post-data STR | --post-file FILE] [-Y on/off]\n"
                              "\t[-P DIR] [-U AGENT] [-T SEC] URL...\n", code=1)
        url = netio.parse_url(url_text)
        if url is None:
            return Out(stderr=f"wget: bad address '{url_text}'\n", code=1)
        if url.scheme not in ("http", "https"):
            return Out(stderr=f"wget: not an http or ftp url: {url_text}\n", code=1)
        try:
            res = netio.resolve(self.cluster, url.host, self._me())
        except netio.NoNetwork:
            return fmt.wget_bad_address(url.host)
        if res.ip is None:
            return fmt.wget_bad_address(url.host)
        head = "" if quiet else fmt.wget_connecting(url.host, res.ip, url.port)
        answer = netio.http(self.cluster, self._me(), url, "HEAD" if spider else "GET")
        if answer.error:
            r = fmt.wget_cant_connect(res.ip, answer.error)
            return Out(stderr=head + r.stderr, code=r.code)
        if answer.status >= 400:
            r = fmt.wget_http_error(answer.status)
            return Out(stderr=head + r.stderr, code=r.code)
        if spider:
            return Out(stderr=head + ("" if quiet else "remote file exists\n"))
        r, saved = fmt.wget_saved(answer.body, output, quiet, url.path.split("?", 1)[0])
        if saved is not None:
            self.files[self._path(saved)] = answer.body
        return Out(stdout=r.stdout, stderr=head + r.stderr, code=0)

    def curl(self, args: list[str], stdin: str) -> Out:
        return curl(self.cluster, self._me(), args)

    def nslookup(self, args: list[str], stdin: str) -> Out:
        names = [a for a in args if not a.startswith("-")]
        qtype = next((a.split("=", 1)[1] for a in args if a.startswith(("-type=", "-query=")) and "=" in a), None)
        if not names:
            return Out(stderr="BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
                              "Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\n"
                              "Query DNS about HOST\n", code=1)
        try:
            text, code = netio.nslookup(self.cluster, names[0], self._me(),
                                        server=names[1] if len(names) > 1 else None, qtype=qtype)
        except netio.NoNetwork:
            return Out(stderr=";; connection timed out; no servers could be reached\n\n", code=1)
        return Out(stdout=text, code=code)

    def ping(self, args: list[str], stdin: str) -> Out:
        return ping(self.cluster, self._me(), args)


# -- tools shared with the workstation ---------------------------------------------------------
def ping(cluster: Cluster, pod: dict | None, args: list[str], *, busybox: bool = True) -> Out:
    count, host = 4, None  # no -c: it pings until Ctrl-C; the terminal shows the first four
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
        return Out(stderr="BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
                          "Usage: ping [OPTIONS] HOST\n", code=1)
    count = max(1, min(count, 100))
    try:
        ip, replies, ttl = netio.ping(cluster, pod, host, count)
    except netio.NoNetwork:
        return fmt.ping_bad_address(host)
    if ip is None:
        return fmt.ping_bad_address(host)
    return fmt.ping_text(host, ip, replies, ttl)


def curl(cluster: Cluster, pod: dict | None, args: list[str]) -> Out:
    silent = show_error = verbose = head = include = fail = False
    method, output, url_text = None, None, None
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("--"):
            name = a[2:]
            if name in ("silent",):
                silent = True
            elif name == "show-error":
                show_error = True
            elif name == "verbose":
                verbose = True
            elif name == "head":
                head = True
            elif name == "include":
                include = True
            elif name == "fail":
                fail = True
            elif name in ("request", "output", "max-time", "connect-timeout", "header", "data", "user-agent"):
                i += 1
                if name == "request" and i < len(args):
                    method = args[i]
                elif name == "output" and i < len(args):
                    output = args[i]
        elif a.startswith("-") and len(a) > 1:
            letters = a[1:]
            for j, ch in enumerate(letters):
                if ch in "XomHdA":
                    value = letters[j + 1:] or (args[i + 1] if i + 1 < len(args) else "")
                    if not letters[j + 1:]:
                        i += 1
                    if ch == "X":
                        method = value
                    elif ch == "o":
                        output = value
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
        return Out(stderr="curl: try 'curl --help' or 'curl --manual' for more information\n", code=2)
    url = netio.parse_url(url_text)
    if url is None:
        return fmt.curl_error(3, "URL rejected: Malformed input to a URL function", silent, show_error)
    if url.scheme not in ("http", "https"):
        return fmt.curl_error(1, f'Protocol "{url.scheme}" not supported', silent, show_error)
    try:
        res = netio.resolve(cluster, url.host, pod)
    except netio.NoNetwork:
        return fmt.curl_error(6, f"Could not resolve host: {url.host}", silent, show_error)
    if res.ip is None:
        return fmt.curl_error(6, f"Could not resolve host: {url.host}", silent, show_error)
    method = method or ("HEAD" if head else "GET")
    answer = netio.http(cluster, pod, url, method, user_agent=f"curl/{fmt.CURL_VERSION}")
    trace = fmt.curl_verbose_request(url.host, res.ip, url.port, method, url.path, url.host_header) if verbose else ""
    if answer.error:
        code, message = fmt.curl_connect_error(url.host, url.port, answer.error, 1 if "refused" in
                                               answer.error.lower() else 3)
        if verbose:
            trace = f"*   Trying {res.ip}:{url.port}...\n* connect to {res.ip} port {url.port} failed: {answer.error}\n"
        r = fmt.curl_error(code, message, silent, show_error)
        return Out(stderr=trace + r.stderr, code=r.code)
    headers = fmt.header_lines(answer.status, answer.headers)
    if verbose:
        trace += "".join(f"< {h}\n" for h in headers) + "< \n"
    if fail and answer.status >= 400:
        r = fmt.curl_error(22, f"The requested URL returned error: {answer.status}", silent, show_error)
        return Out(stderr=trace + r.stderr, code=22)
    body = "" if method == "HEAD" and not head else answer.body
    text = ""
    if head or include:
        text = "".join(h + "\r\n" for h in headers) + "\r\n"
    if not head:
        text += body
    if verbose:
        trace_end = f"* Connection #0 to host {url.host} left intact\n"
        return Out(stdout=text, stderr=trace, code=0) if output else Out(stdout=text + "", stderr=trace + trace_end)
    if output and output != "-":
        return Out()
    return Out(stdout=text)


def exec_argv(cluster: Cluster, pod: dict, container: str, argv: list[str]) -> Out:
    """``kubectl exec POD -- ARGV`` without a terminal: the program runs, its output comes back.
    A shell with no ``-c`` reads EOF from the closed stdin and exits 0 with no output."""
    shell = argv[0] if argv[0] in SHELL_WORDS else "sh"
    sh = PodShell(cluster, pod, container, shell=shell)
    if argv[0] in SHELL_WORDS and not has_shell(cluster, pod, container, argv[0]):
        return runtime_not_found(argv[0])
    prog = sh.lookup(argv[0])
    if prog is None and argv[0] not in SHELL_WORDS:
        return runtime_not_found(argv[0])
    r = sh.run(shlex.join(argv))
    return Out(stdout=r.output, code=r.exit_code)


def runtime_not_found(word: str) -> Out:
    """containerd's answer when the executable does not exist in the image."""
    return Out(stderr=("error: Internal error occurred: error executing command in container: failed to exec in "
                       "container: failed to start exec: OCI runtime exec failed: exec failed: unable to start "
                       f'container process: exec: "{word}": executable file not found in $PATH: unknown\n'),
               code=RUNTIME_ERROR)
