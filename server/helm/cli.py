"""The ``helm`` program of the workstation: helm v3.16's commands, flags, outputs and errors (cmd/helm).

Owns: ``helm(cluster, args, stdin, *, fs, env, cwd) -> Out`` — ``repo add|list|update|remove``,
``search repo``, ``install``, ``upgrade [--install]``, ``rollback``, ``uninstall``, ``list``,
``status``, ``get values|manifest|notes|all``, ``template``, ``history``, ``show
values|chart|readme|all``, ``create`` (helm's starter chart, installable as ``./NAME``), ``version``,
``env``; the global ``-n/--namespace``; cobra's flag
forms (``--f=v``, ``--f v``, ``-n v``, ``-nv``). Outputs follow cmd/helm: the status block
(``NAME:`` ``LAST DEPLOYED:`` (time.ANSIC) ``NAMESPACE:`` ``STATUS:`` ``REVISION:``, ``TEST SUITE:
None`` when the chart has no test hooks — a test hook that never ran prints nothing —, ``NOTES:``
trimmed), uitable's tables (every cell padded to its column, columns joined by a tab, search's
descriptions cut at 50 with ``...``), ``WARNING: This chart is deprecated`` on stderr, errors as
``Error: …`` on stderr with status 1, install's wrapped in ``INSTALLATION FAILED: `` and upgrade's
in ``UPGRADE FAILED: ``.

State: the repositories file and index cache live in the shell's files under ``$HOME`` (as helm
keeps them), the releases in the cluster as Secrets (``storage``). ``--generate-name`` is
``CHART-<unix seconds of the virtual clock>``; random values (``randAlphaNum``) come from the
cluster's seeded RNG, so a replayed sandbox renders the same names and passwords.

Hands off: charts to ``repo``/``chart``, rendering to ``render``, objects to ``kube``, releases to
``storage``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..kubectl.printers import to_yaml
from ..sim.api import ApiError
from ..sim.clock import parse_go_duration
from ..sim.net.clients import Out
from . import kube, repo, storage
from .chart import Chart, ValuesError, coalesce, load_fs, merge_user_values, parse_set, read_values
from .render import RenderError, render

if TYPE_CHECKING:
    from ..sim.cluster import Cluster

STARTER_DIR = Path(__file__).resolve().parent / "starter"
#: the files ``helm create`` writes, in create.go's order
STARTER_FILES = ("Chart.yaml", "values.yaml", ".helmignore", "templates/ingress.yaml", "templates/deployment.yaml",
                 "templates/service.yaml", "templates/serviceaccount.yaml", "templates/hpa.yaml",
                 "templates/NOTES.txt", "templates/_helpers.tpl", "templates/tests/test-connection.yaml")
VERSION = "v3.16.4"
GIT_COMMIT = "7877b45b63f95635153b29a42c0c2f4273ec45ca"
GO_VERSION = "go1.22.7"
RELEASE_NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
MAX_RELEASE_NAME = 53
SEARCH_MAX_COL = 50

#: flags that take a value (the rest are booleans), by every spelling
_VALUE_FLAGS = {"-n", "--namespace", "-f", "--values", "--set", "--set-string", "--set-file", "--version",
                "-o", "--output", "--description", "--timeout", "--kube-context", "--kubeconfig",
                "--max-col-width", "--name-template", "--revision", "--cascade", "--repository-config",
                "--repository-cache", "--max", "--username", "--password", "--post-renderer", "--kube-version",
                "-s", "--show-only", "--time-format", "-r", "--filter", "--labels", "-l", "--api-versions"}
_BOOL_FLAGS = {"--generate-name", "-g", "-a", "--create-namespace", "--install", "-i", "--all", "-A", "--all-namespaces",
               "--debug", "--dry-run", "--wait", "--atomic", "--force", "--keep-history", "--short", "-q",
               "--reuse-values", "--reset-values", "--no-hooks", "--devel", "--force-update", "--skip-crds",
               "--include-crds", "--hide-notes", "--deployed", "--failed", "--uninstalled", "--superseded",
               "--pending", "--uninstalling", "--help", "-h", "--allow-deprecated-repos", "--fail-on-no-result",
               "--versions", "-m", "--show-resources", "--show-desc", "--replace", "--no-headers", "--date",
               "--reverse", "--skip-tests", "--validate", "--is-upgrade", "--wait-for-jobs", "--cleanup-on-fail",
               "--dependency-update", "--render-subchart-notes", "--disable-openapi-validation", "--reset-then-reuse-values",
               "--take-ownership", "--plain-http", "--insecure-skip-tls-verify", "--pass-credentials",
               "--no-update", "--logs"}
_ALIASES = {"-n": "--namespace", "-f": "--values", "-o": "--output", "-g": "--generate-name", "-i": "--install",
            "-A": "--all-namespaces", "-q": "--short", "-h": "--help", "-s": "--show-only", "-r": "--filter",
            "-l": "--labels", "-m": "--superseded", "-a": "--all"}


class HelmError(Exception):
    """``Error: MESSAGE`` on stderr, exit status 1."""


@dataclass
class Args:
    positional: list[str] = field(default_factory=list)
    flags: dict[str, list[str]] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return name in self.flags

    def value(self, name: str, default: str = "") -> str:
        vals = self.flags.get(name)
        return vals[-1] if vals else default

    def values(self, name: str) -> list[str]:
        return self.flags.get(name, [])


def parse_args(argv: list[str], bool_flags: frozenset[str] = frozenset()) -> Args:
    out = Args()
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            out.positional.extend(argv[i + 1:])
            break
        if a.startswith("--") and "=" in a:
            name, value = a.split("=", 1)
            out.flags.setdefault(_ALIASES.get(name, name), []).append(value)
        elif a in _BOOL_FLAGS or a in bool_flags:
            out.flags.setdefault(_ALIASES.get(a, a), []).append("true")
        elif a in _VALUE_FLAGS:
            if i + 1 >= len(argv):
                raise HelmError(f"flag needs an argument: {a!r} in {a}" if a.startswith("--") else
                                f"flag needs an argument: {a[1:]!r} in {a}")
            out.flags.setdefault(_ALIASES.get(a, a), []).append(argv[i + 1])
            i += 1
        elif len(a) > 2 and a[0] == "-" and a[1] != "-" and a[:2] in _VALUE_FLAGS:
            out.flags.setdefault(_ALIASES.get(a[:2], a[:2]), []).append(a[2:])
        elif a.startswith("-") and a != "-":
            raise HelmError(f"unknown flag: {a.split('=')[0]}" if a.startswith("--") else
                            f"unknown shorthand flag: {a[1]!r} in {a}")
        else:
            out.positional.append(a)
        i += 1
    return out


def uitable(rows: list[list[str]], max_col: int = 0) -> str:
    """gosuri/uitable as helm uses it: every cell padded (or cut with ``...``) to its column's width,
    cells joined by a tab, lines by newlines; then output.EncodeTable's final newline."""
    def cut(s: str, width: int) -> str:
        if len(s) <= width:
            return s.ljust(width)
        out, w = [], 0
        for ch in s:
            out.append(ch)
            if w + 1 >= width - 3:
                break
            w += 1
        return "".join(out) + "..."

    widths: list[int] = []
    for row in rows:
        for i, cell in enumerate(row):
            w = min(len(cell), max_col) if max_col else len(cell)
            if i >= len(widths):
                widths.append(0)
            widths[i] = max(widths[i], w)
    lines = ["\t".join(cut(c, widths[i]) for i, c in enumerate(row)) for row in rows]
    return "\n".join(lines) + "\n"


class Helm:
    def __init__(self, cluster: Cluster, fs: Any, env: dict[str, str], cwd: str, stdin: str) -> None:
        self.cluster = cluster
        self.fs = fs
        self.env = env
        self.cwd = cwd
        self.stdin = stdin
        self.out: list[str] = []
        self.err: list[str] = []
        home = env.get("HOME", "/root")
        self.repo_file = env.get("HELM_REPOSITORY_CONFIG") or f"{home}/.config/helm/repositories.yaml"
        self.repo_cache = env.get("HELM_REPOSITORY_CACHE") or f"{home}/.cache/helm/repository"
        self.namespace = "default"
        #: the running command's flags
        self.args = Args()

    # -- files -----------------------------------------------------------------------------------
    def _path(self, path: str) -> str:
        """``path`` made absolute against the shell's working directory, normalised."""
        import posixpath

        return posixpath.normpath(posixpath.join(self.cwd or "/", path))

    def read_file(self, path: str) -> str | None:
        try:
            return self.fs.read(self._path(path)).decode()
        except Exception:  # noqa: BLE001 - any filesystem error is "no such file" to the caller
            pass
        workspace = self.cluster.workspace
        for p in (path, path.lstrip("./"), f"lessons/{path}"):
            if p in workspace:
                return workspace[p]
        return None

    def write_file(self, path: str, text: str) -> None:
        """Write one of helm's own files, its directories made first (``mkdir -p``, as helm's MkdirAll)."""
        mkdir = getattr(self.fs, "mkdir", None)
        if callable(mkdir):
            try:
                mkdir(path.rsplit("/", 1)[0], parents=True)
            except Exception:  # noqa: BLE001 - a file system without directories, or one that exists
                pass
        self.fs.write(path, text.encode())

    def repos(self) -> repo.RepoFile:
        text = self.read_file(self.repo_file)
        return repo.RepoFile.parse(text) if text else repo.RepoFile()

    def print(self, text: str) -> None:
        self.out.append(text)

    def warning(self, text: str) -> None:
        self.err.append(f"WARNING: {text}\n")

    # -- entry -----------------------------------------------------------------------------------
    def run(self, argv: list[str]) -> int:
        commands: dict[str, Callable[[list[str]], None]] = {
            "repo": self.cmd_repo, "search": self.cmd_search, "install": self.cmd_install,
            "upgrade": self.cmd_upgrade, "rollback": self.cmd_rollback, "uninstall": self.cmd_uninstall,
            "delete": self.cmd_uninstall, "del": self.cmd_uninstall, "un": self.cmd_uninstall,
            "list": self.cmd_list, "ls": self.cmd_list, "status": self.cmd_status, "get": self.cmd_get,
            "template": self.cmd_template, "history": self.cmd_history, "hist": self.cmd_history,
            "show": self.cmd_show, "inspect": self.cmd_show, "version": self.cmd_version, "env": self.cmd_env,
            "create": self.cmd_create, "test": self.cmd_test}
        try:
            # the global namespace flag may come anywhere
            rest: list[str] = []
            explicit_ns = False
            i = 0
            while i < len(argv):
                a = argv[i]
                if a in ("-n", "--namespace") and i + 1 < len(argv):
                    self.namespace, explicit_ns = argv[i + 1], True
                    i += 2
                    continue
                if a.startswith("--namespace="):
                    self.namespace, explicit_ns = a.split("=", 1)[1], True
                elif a.startswith("-n") and len(a) > 2 and not a.startswith("--"):
                    self.namespace, explicit_ns = a[2:], True
                else:
                    rest.append(a)
                i += 1
            if not explicit_ns:
                self.namespace = self.env.get("HELM_NAMESPACE") or self.kube_namespace(rest)
            words = [a for a in rest if not a.startswith("-")]
            if not words:
                self.print(USAGE)
                return 0
            cmd = words[0]
            if cmd not in commands:
                raise HelmError(f'unknown command "{cmd}" for "helm"\nRun \'helm --help\' for usage.')
            if "--help" in rest or "-h" in rest:
                self.print(f"Usage:\n  helm {COMMAND_USAGE.get(cmd, cmd + ' [flags]')}\n\n"
                           "kubeplay's helm: see https://helm.sh/docs/helm/helm_" + cmd + "/ for every flag.\n")
                return 0
            rest.remove(cmd)
            commands[cmd](rest)
            return 0
        except HelmError as e:
            self.err.append(f"Error: {e}\n")
            return 1

    def kube_namespace(self, argv: list[str]) -> str:
        """settings.Namespace(): the kubeconfig's current context's namespace (``--kube-context``,
        ``--kubeconfig``/``$KUBECONFIG`` honoured), ``default`` when it names none."""
        from ..kubectl.kubeconfig import current_namespace

        def flag(name: str) -> str | None:
            for i, a in enumerate(argv):
                if a == name and i + 1 < len(argv):
                    return argv[i + 1]
                if a.startswith(name + "="):
                    return a.split("=", 1)[1]
            return None

        path = flag("--kubeconfig") or self.env.get("KUBECONFIG") or None
        return current_namespace(self.cluster, flag("--kube-context"), path)

    # -- repositories ----------------------------------------------------------------------------
    def cmd_repo(self, argv: list[str]) -> None:
        a = parse_args(argv)
        if not a.positional:
            raise HelmError('"helm repo" requires at least 1 argument\n\nUsage:  helm repo [command]')
        sub, args = a.positional[0], a.positional[1:]
        if sub == "add":
            if len(args) != 2:
                raise HelmError('"helm repo add" requires 2 arguments\n\nUsage:  helm repo add [NAME] [URL] '
                                "[flags]")
            self.repo_add(args[0], args[1], a.has("--force-update"), a.has("--allow-deprecated-repos"))
        elif sub in ("list", "ls"):
            f = self.repos()
            if not f.entries:
                raise HelmError("no repositories to show")
            self.print(uitable([["NAME", "URL"], *[[e.name, e.url] for e in f.entries]]))
        elif sub in ("update", "up"):
            self.repo_update(args)
        elif sub in ("remove", "rm"):
            f = self.repos()
            if not args:
                raise HelmError('"helm repo remove" requires at least 1 argument\n\nUsage:  helm repo remove '
                                "[REPO1 [REPO2 ...]] [flags]")
            for name in args:
                if not f.remove(name):
                    raise HelmError(f"no repo named {name!r} found".replace("'", '"'))
                self.write_file(self.repo_file, f.dump())
                self.print(f'"{name}" has been removed from your repositories\n')
        elif sub == "index":
            raise HelmError("kubeplay's workstation has no chart directories to index")
        else:
            raise HelmError(f'unknown command "{sub}" for "helm repo"')

    def repo_add(self, name: str, url: str, force: bool, allow_deprecated: bool) -> None:
        if not allow_deprecated:
            for old, new in repo.DEPRECATED.items():
                if old in url:
                    raise HelmError(f'repo "{url}" is no longer available; try "{new}" instead')
        f = self.repos()
        if "/" in name:
            raise HelmError(f"repository name ({name}) contains '/', please specify a different name without '/'")
        existing = f.get(name)
        if not force and existing is not None:
            if existing.url != url:
                raise HelmError(f"repository name ({name}) already exists, please specify a different name")
            self.print(f'"{name}" already exists with the same configuration, skipping\n')
            return
        if not repo.reachable(url):
            raise HelmError(f'looks like "{url}" is not a valid chart repository or cannot be reached: '
                            f"{repo.fetch_error(url)}")
        self.write_file(f"{self.repo_cache}/{name}-index.yaml", repo.index_yaml(url))
        self.write_file(f"{self.repo_cache}/{name}-charts.txt", "".join(f"{c}\n" for c in repo.charts(url)))
        f.update(repo.Entry(name, url))
        self.write_file(self.repo_file, f.dump())
        self.print(f'"{name}" has been added to your repositories\n')

    def repo_update(self, names: list[str]) -> None:
        f = self.repos()
        if not f.entries:
            raise HelmError("no repositories found. You must add one before updating")
        entries = f.entries
        if names:
            entries = [e for e in f.entries if e.name in names]
            missing = [n for n in names if f.get(n) is None]
            if missing:
                raise HelmError(f"no repositories found matching '{', '.join(missing)}'.  Nothing will be updated")
        self.print("Hang tight while we grab the latest from your chart repositories...\n")
        failed = []
        for e in entries:
            if repo.reachable(e.url):
                self.write_file(f"{self.repo_cache}/{e.name}-index.yaml", repo.index_yaml(e.url))
                self.print(f'...Successfully got an update from the "{e.name}" chart repository\n')
            else:
                failed.append(e.url)
                self.print(f'...Unable to get an update from the "{e.name}" chart repository ({e.url}):\n'
                           f"\tlooks like \"{e.url}\" is not a valid chart repository or cannot be reached: "
                           f"{repo.fetch_error(e.url)}\n")
        if failed:
            raise HelmError(f"Failed to update the following repositories: [{' '.join(failed)}]")
        self.print("Update Complete. \u2388Happy Helming!\u2388\n")

    def cmd_search(self, argv: list[str]) -> None:
        a = parse_args(argv)
        if not a.positional or a.positional[0] not in ("repo", "hub"):
            raise HelmError('"helm search" requires a subcommand: repo or hub')
        if a.positional[0] == "hub":
            raise HelmError('failed to search the Artifact Hub: Get "https://hub.helm.sh/api/chartsvc/v1/charts/'
                            'search": dial tcp: lookup hub.helm.sh on 127.0.0.53:53: no such host')
        f = self.repos()
        if not f.entries:
            raise HelmError("no repositories configured")
        keyword = " ".join(a.positional[1:]).lower()
        scored = []
        for e in f.entries:
            for name, c in repo.charts(e.url).items():
                full = f"{e.name}/{name}"
                # cmd/helm/search: NAME \v REPO/NAME \v DESCRIPTION \v KEYWORDS; the score is how many
                # fields come before the match (a match in the name beats one in the description)
                line = "\v".join([name, full, str(c.metadata.get("description", "")),
                                   " ".join(str(k) for k in c.metadata.get("keywords") or [])]).lower()
                at = line.find(keyword) if keyword else 0
                if at != -1:
                    scored.append((line[:at].count("\v"), full, c))
        scored.sort(key=lambda r: (r[0], r[1]))
        results = [(full, c) for _, full, c in scored]
        if not results:
            if a.has("--fail-on-no-result"):
                raise HelmError("no results found")
            self.print("No results found\n")
            return
        width = int(a.value("--max-col-width", str(SEARCH_MAX_COL)) or SEARCH_MAX_COL)
        rows = [["NAME", "CHART VERSION", "APP VERSION", "DESCRIPTION"]]
        rows += [[n, c.version, c.app_version, " ".join(str(c.metadata.get("description", "")).split())]
                 for n, c in results]
        self.print(uitable(rows, width))

    # -- values ----------------------------------------------------------------------------------
    def user_values(self, a: Args) -> dict[str, Any]:
        vals: dict[str, Any] = {}
        for path in a.values("--values"):
            text = self.stdin if path == "-" else self.read_file(path)
            if text is None:
                raise HelmError(f"open {path}: no such file or directory")
            try:
                vals = merge_user_values(vals, read_values(text))
            except ValuesError as e:
                raise HelmError(f"failed to parse {path}: {e}") from None
        try:
            for expr in a.values("--set"):
                parse_set(expr, vals)
            for expr in a.values("--set-string"):
                parse_set(expr, vals, string=True)
        except ValuesError as e:
            raise HelmError(str(e)) from None
        return vals

    # -- install ---------------------------------------------------------------------------------
    def name_and_chart(self, a: Args, default_name: str = "") -> tuple[str, str]:
        args = a.positional
        if not args:
            raise HelmError('"helm install" requires at least 1 argument\n\nUsage:  helm install [NAME] [CHART] '
                            "[flags]")
        if len(args) > 2:
            raise HelmError(f"expected at most two arguments, unexpected arguments: {', '.join(args[2:])}")
        if len(args) == 2:
            if a.has("--generate-name"):
                raise HelmError("cannot set --generate-name and also specify a name")
            return args[0], args[1]
        if default_name:
            return default_name, args[0]
        if not a.has("--generate-name"):
            raise HelmError("must either provide a name or specify --generate-name")
        base = args[0].rstrip("/").rsplit("/", 1)[-1] or "chart"
        base = base.split(".", 1)[0] or "chart"
        return f"{base}-{int(self.cluster.clock.now())}", args[0]

    def locate(self, ref: str) -> Chart:
        """LocateChart: a chart directory on the workstation first (``./mychart``, ``mychart``), then
        ``REPO/CHART`` from the repositories."""
        path = self._path(ref.rstrip("/") or "/")
        isdir = getattr(self.fs, "isdir", None)
        if callable(isdir) and isdir(path):
            try:
                return load_fs(self.fs, path)
            except ValuesError as e:
                raise HelmError(f"{e}") from None
        try:
            return repo.locate(ref, self.repos())
        except repo.RepoError as e:
            raise HelmError(str(e)) from None

    def cmd_create(self, argv: list[str]) -> None:
        """``helm create NAME``: helm's starter chart (pkg/chartutil/create.go) in ``./NAME``."""
        a = parse_args(argv)
        if len(a.positional) != 1:
            raise HelmError('"helm create" requires 1 argument\n\nUsage:  helm create NAME [flags]')
        name = a.positional[0].rstrip("/")
        base = name.rsplit("/", 1)[-1]
        if not re.fullmatch(r"[a-zA-Z0-9._-]+", base) or len(base) > 250:
            raise HelmError('chart name must match the regular expression "^[a-zA-Z0-9._-]+$"')
        self.print(f"Creating {name}\n")
        root = self._path(name)
        for rel in STARTER_FILES:
            text = (STARTER_DIR / rel).read_text()
            text = text.replace("%s", base) if rel in ("Chart.yaml", "values.yaml") else \
                text.replace("<CHARTNAME>", base)
            path = f"{root}/{rel}"
            if self.read_file(path) is not None:
                self.warning(f'File "{path}" already exists. Overwriting.')
            self.write_file(path, text)
        mkdir = getattr(self.fs, "mkdir", None)
        if callable(mkdir):
            try:
                mkdir(f"{root}/charts", parents=True)
            except Exception:  # noqa: BLE001 - it exists, or a file system without directories
                pass

    def render_release(self, chart: Chart, name: str, namespace: str, config: dict[str, Any], revision: int,
                       upgrade: bool) -> Any:
        values = coalesce(chart.values, config)
        rel = {"Name": name, "Namespace": namespace, "Revision": revision, "IsInstall": not upgrade,
               "IsUpgrade": upgrade, "Service": "Helm"}
        try:
            return render(chart, values, rel, rng=self.cluster.clock.rng, lookup=self.lookup)
        except RenderError as e:
            raise HelmError(str(e)) from None

    def lookup(self, api_version: str, kind: str, namespace: str, name: str) -> dict[str, Any]:
        """helm's ``lookup`` against the cluster: one object, a list, or an empty map."""
        from ..sim.resources import BY_KIND

        r = BY_KIND.get(kind)
        if r is None:
            return {}
        ns = namespace if r.namespaced else ""
        if name:
            obj = self.cluster.store.get(kind, ns, name)
            return copy.deepcopy(obj) if obj is not None else {}
        items = self.cluster.store.list(kind, ns if ns else None)
        return {"apiVersion": "v1", "kind": f"{kind}List", "items": items, "metadata": {}}

    def check_name(self, name: str) -> None:
        if not RELEASE_NAME_RE.match(name) or len(name) > MAX_RELEASE_NAME:
            raise HelmError(f'release name "{name}": invalid release name, must match regex '
                            f"{RELEASE_NAME_RE.pattern} and the length must not be longer than 53")

    def cmd_install(self, argv: list[str]) -> None:
        a = parse_args(argv)
        self.timeout(a)
        try:
            rel = self.install(a)
        except HelmError as e:
            raise HelmError(f"INSTALLATION FAILED: {e}") from None
        self.print_status(rel, hide_notes=a.has("--hide-notes"))

    def install(self, a: Args, name_chart: tuple[str, str] | None = None) -> storage.Release:
        name, ref = name_chart or self.name_and_chart(a)
        chart = self.locate(ref)
        config = self.user_values(a)
        if chart.metadata.get("deprecated"):
            self.warning("This chart is deprecated")
        ns = self.namespace
        self.check_name(name)
        if a.has("--dry-run"):
            return self._dry_run(chart, name, ns, config)
        if storage.history(self.cluster, name, ns):
            last = storage.history(self.cluster, name, ns)[-1]
            if not (a.has("--replace") and last.status in ("uninstalled", "failed")):
                raise HelmError("cannot re-use a name that is still in use")
        rendered = self.render_release(chart, name, ns, config, 1, False)
        now = self.cluster.clock.now()
        rel = storage.Release(name, ns, 1, chart, config, first_deployed=now, last_deployed=now,
                              notes=rendered.notes, manifest=rendered.manifest,
                              hooks=[h.to_json() for h in rendered.hooks])
        try:
            objs = kube.build(rel.manifest, name, ns)
        except kube.KubeError as e:
            raise HelmError(str(e)) from None
        conflict = kube.conflicts(self.cluster, objs, name, ns)
        if conflict:
            raise HelmError(f"Unable to continue with install: {conflict}")
        if a.has("--create-namespace"):
            try:
                kube.ensure_namespace(self.cluster, ns)
            except kube.KubeError as e:
                raise HelmError(str(e)) from None
        rel.status, rel.description = "pending-install", "Initial install underway"
        try:
            storage.create(self.cluster, rel)
        except ApiError as e:
            raise HelmError(f"create: failed to create: {e.message}") from None
        try:
            hooks = not a.has("--no-hooks")
            if hooks and (failure := self.exec_hooks(rel, "pre-install", self.timeout(a))):
                raise kube.KubeError(f"failed pre-install: {failure}")
            kube.create(self.cluster, objs)
            self.wait(a, objs)
            if hooks and (failure := self.exec_hooks(rel, "post-install", self.timeout(a))):
                raise kube.KubeError(f"failed post-install: {failure}")
        except kube.KubeError as e:
            rel.status, rel.description = "failed", f'Release "{name}" failed: {e}'
            storage.update(self.cluster, rel)
            if a.has("--atomic"):
                # install.go failRelease: the atomic install is uninstalled again
                kube.delete(self.cluster, [o for o in objs if o not in kube.kept(objs)])
                storage.delete(self.cluster, rel)
                raise HelmError(f"release {name} failed, and has been uninstalled due to atomic being set: "
                                f"{e}") from None
            raise HelmError(str(e)) from None
        rel.status, rel.description = "deployed", a.value("--description") or "Install complete"
        storage.update(self.cluster, rel)
        return rel

    def wait(self, a: Args, objs: list[dict[str, Any]]) -> None:
        """``--wait``/``--atomic``: the virtual clock runs until the objects are ready (or ``--timeout``)."""
        if not (a.has("--wait") or a.has("--atomic")):
            return
        if not kube.wait(self.cluster, objs, self.timeout(a)):
            raise kube.KubeError("context deadline exceeded")

    @staticmethod
    def timeout(a: Args) -> float:
        """``--timeout`` (a Go duration, 5m0s by default), checked as cobra parses flags: before anything runs."""
        try:
            return parse_go_duration(a.value("--timeout", "5m0s"))
        except ValueError as e:
            raise HelmError(f'invalid argument "{a.value("--timeout")}" for "--timeout" flag: {e}') from None

    def _dry_run(self, chart: Chart, name: str, ns: str, config: dict[str, Any]) -> storage.Release:
        rendered = self.render_release(chart, name, ns, config, 1, False)
        now = self.cluster.clock.now()
        return storage.Release(name, ns, 1, chart, config, status="pending-install", description="Dry run complete",
                               first_deployed=now, last_deployed=now, notes=rendered.notes,
                               manifest=rendered.manifest, hooks=[h.to_json() for h in rendered.hooks])

    def print_status(self, rel: storage.Release, hide_notes: bool = False, show_desc: bool = False,
                     show_metadata: bool = False, debug: bool = False) -> None:
        """cmd/helm/status.go's statusPrinter.WriteTable."""
        lines = [f"NAME: {rel.name}\n"]
        if rel.last_deployed:
            lines.append(f"LAST DEPLOYED: {storage.go_ansic(rel.last_deployed)}\n")
        lines += [f"NAMESPACE: {rel.namespace}\n", f"STATUS: {rel.status}\n", f"REVISION: {rel.version}\n"]
        if show_metadata:
            lines += [f"CHART: {rel.chart.name}\n", f"VERSION: {rel.chart.version}\n",
                      f"APP_VERSION: {rel.chart.app_version}\n"]
        if show_desc:
            lines.append(f"DESCRIPTION: {rel.description}\n")
        tests = [h for h in rel.hooks if "test" in (h.get("events") or [])]
        if not tests:
            lines.append("TEST SUITE: None\n")
        else:
            for h in tests:
                run = h.get("last_run") or {}
                if not run.get("started_at"):
                    continue
                lines.append(f"TEST SUITE:     {h['name']}\n"
                             f"Last Started:   {storage.go_ansic(storage.parse_time(run['started_at']))}\n"
                             f"Last Completed: {storage.go_ansic(storage.parse_time(run.get('completed_at', '')))}\n"
                             f"Phase:          {run.get('phase', '')}\n")
        if debug:
            lines.append("USER-SUPPLIED VALUES:\n" + _encode(rel.config or None, "yaml") + "\n")
            lines.append("COMPUTED VALUES:\n" + _encode(coalesce(rel.chart.values, rel.config), "yaml") + "\n")
        if rel.description.lower() == "dry run complete" or debug:
            lines.append("HOOKS:\n")
            for h in rel.hooks:
                lines.append(f"---\n# Source: {h['path']}\n{h['manifest']}\n")
            lines.append(f"MANIFEST:\n{rel.manifest}\n")
        if not hide_notes and rel.notes:
            lines.append(f"NOTES:\n{rel.notes.strip()}\n")
        self.print("".join(lines))

    # -- upgrade, rollback, uninstall ------------------------------------------------------------
    def cmd_upgrade(self, argv: list[str]) -> None:
        a = self.args = parse_args(argv)
        self.timeout(a)
        if len(a.positional) != 2:
            raise HelmError('"helm upgrade" requires 2 arguments\n\nUsage:  helm upgrade [RELEASE] [CHART] '
                            "[flags]")
        name, ref = a.positional
        history = storage.history(self.cluster, name, self.namespace)
        if a.has("--install") and not history:
            self.print(f'Release "{name}" does not exist. Installing it now.\n')
            try:
                rel = self.install(a, (name, ref))
            except HelmError as e:
                raise HelmError(f"INSTALLATION FAILED: {e}") from None
            self.print_status(rel, hide_notes=a.has("--hide-notes"))
            return
        try:
            rel = self.upgrade(a, name, ref, history)
        except HelmError as e:
            raise HelmError(f"UPGRADE FAILED: {e}") from None
        self.print(f'Release "{name}" has been upgraded. Happy Helming!\n')
        self.print_status(rel, hide_notes=a.has("--hide-notes"))

    def upgrade(self, a: Args, name: str, ref: str, history: list[storage.Release]) -> storage.Release:
        self.check_name(name)
        deployed = [r for r in history if r.status == "deployed"]
        if not history or not deployed and history[-1].status not in ("failed", "superseded"):
            raise HelmError(f'"{name}" has no deployed releases')
        chart = self.locate(ref)
        config = self.user_values(a)
        if chart.metadata.get("deprecated"):
            self.warning("This chart is deprecated")
        current = deployed[-1] if deployed else history[-1]
        latest = history[-1]
        if a.has("--reuse-values"):
            config = merge_user_values(current.config, config)
        elif not config and not a.has("--reset-values"):
            config = dict(current.config)
        revision = latest.version + 1
        rendered = self.render_release(chart, name, self.namespace, config, revision, True)
        return self._deploy(current, revision, chart, config, ("pending-upgrade", "Preparing upgrade",
                            a.value("--description") or "Upgrade complete"),
                            rendered.manifest, rendered.notes, [h.to_json() for h in rendered.hooks])

    def _deploy(self, current: storage.Release, revision: int, chart: Chart, config: dict[str, Any],
                words: tuple[str, str, str], manifest: str, notes: str, hooks: list[dict]) -> storage.Release:
        """A new revision over ``current`` (upgrade, rollback): stored pending, the objects updated,
        ``current`` superseded, the new one deployed — or failed, with helm's description."""
        name, ns = current.name, current.namespace
        pending, pending_desc, done_desc = words
        now = self.cluster.clock.now()
        rel = storage.Release(name, ns, revision, chart, config, status=pending, description=pending_desc,
                              first_deployed=current.first_deployed, last_deployed=now, notes=notes,
                              manifest=manifest, hooks=hooks)
        try:
            original = kube.build(current.manifest, name, ns)
            target = kube.build(rel.manifest, name, ns)
        except kube.KubeError as e:
            raise HelmError(str(e)) from None
        storage.create(self.cluster, rel)
        event = "rollback" if pending == "pending-rollback" else "upgrade"
        hooks, timeout = not self.args.has("--no-hooks"), self.timeout(self.args)
        try:
            if hooks and (failure := self.exec_hooks(rel, f"pre-{event}", timeout)):
                raise kube.KubeError(f"pre-{event} hooks failed: {failure}")
            kube.update(self.cluster, original, target)
            self.wait(self.args, target)
            if hooks and (failure := self.exec_hooks(rel, f"post-{event}", timeout)):
                raise kube.KubeError(f"post-{event} hooks failed: {failure}")
        except kube.KubeError as e:
            rel.status, rel.description = "failed", f'Upgrade "{name}" failed: {e}'
            storage.update(self.cluster, rel)
            raise HelmError(str(e)) from None
        # the superseded revisions keep their descriptions (upgrade.go, rollback.go: "supersede all
        # previous deployments")
        for old in storage.history(self.cluster, name, ns):
            if old.version != revision and (old.status == "deployed" or old.version == current.version):
                old.status = "superseded"
                storage.update(self.cluster, old)
        rel.status, rel.description = "deployed", done_desc
        storage.update(self.cluster, rel)
        return rel

    def cmd_rollback(self, argv: list[str]) -> None:
        a = self.args = parse_args(argv)
        if not a.positional:
            raise HelmError('"helm rollback" requires at least 1 argument\n\nUsage:  helm rollback <RELEASE> '
                            "[REVISION] [flags]")
        name = a.positional[0]
        history = storage.history(self.cluster, name, self.namespace)
        if not history:
            raise HelmError("release: not found")
        if len(a.positional) > 1:
            try:
                target_rev = int(a.positional[1])
            except ValueError:
                raise HelmError(f'could not convert revision to a number: strconv.Atoi: parsing '
                                f'"{a.positional[1]}": invalid syntax') from None
        else:
            target_rev = history[-1].version - 1
        target = next((r for r in history if r.version == target_rev), None)
        if target is None:
            raise HelmError(f"release has no {target_rev} version")
        deployed = [r for r in history if r.status == "deployed"]
        current = deployed[-1] if deployed else history[-1]
        # the target revision's manifest is applied as stored, not rendered again (action/rollback.go)
        self._deploy(current, history[-1].version + 1, target.chart, target.config,
                     ("pending-rollback", f"Rollback to {target_rev}", f"Rollback to {target_rev}"),
                     target.manifest, target.notes, target.hooks)
        self.print("Rollback was a success! Happy Helming!\n")

    def cmd_uninstall(self, argv: list[str]) -> None:
        a = parse_args(argv)
        if not a.positional:
            raise HelmError('"helm uninstall" requires at least 1 argument\n\nUsage:  helm uninstall RELEASE_NAME '
                            "[...] [flags]")
        for name in a.positional:
            history = storage.history(self.cluster, name, self.namespace)
            if not history:
                raise HelmError(f"uninstall: Release not loaded: {name}: release: not found")
            rel = history[-1]
            if rel.status == "uninstalled":
                if a.has("--keep-history"):
                    raise HelmError(f'the release named "{name}" is already deleted')
                for r in history:
                    storage.delete(self.cluster, r)
                self.print(f'release "{name}" uninstalled\n')
                continue
            rel.status, rel.description = "uninstalling", "Deletion in progress (or silently failed)"
            rel.deleted = self.cluster.clock.now()
            storage.update(self.cluster, rel)
            try:
                objs = kube.build(rel.manifest, name, self.namespace)
            except kube.KubeError:
                objs = []
            hooks, timeout = not a.has("--no-hooks"), self.timeout(a)
            if hooks and (failure := self.exec_hooks(rel, "pre-delete", timeout)):
                raise HelmError(failure)
            keep = kube.kept(objs)
            errors = kube.delete(self.cluster, [o for o in objs if o not in keep])
            if hooks and (failure := self.exec_hooks(rel, "post-delete", timeout)):
                raise HelmError(failure)
            rel.status, rel.description = "uninstalled", a.value("--description") or "Uninstallation complete"
            if a.has("--keep-history"):
                storage.update(self.cluster, rel)
            else:
                for r in history:
                    storage.delete(self.cluster, r)
            if errors:
                raise HelmError(f"uninstallation completed with {len(errors)} error(s): {'; '.join(errors)}")
            if keep:
                self.print("These resources were kept due to the resource policy:\n"
                           + "".join(f"[{o['kind']}] {o['metadata'].get('name', '')}\n" for o in keep) + "\n")
            self.print(f'release "{name}" uninstalled\n')

    # -- reading ---------------------------------------------------------------------------------
    def cmd_list(self, argv: list[str]) -> None:
        a = parse_args(argv)
        ns = None if a.has("--all-namespaces") else self.namespace
        latest: dict[tuple[str, str], storage.Release] = {}
        for rel in storage.releases(self.cluster, ns):
            latest[(rel.namespace, rel.name)] = rel
        states = {s for s in ("deployed", "failed", "uninstalled", "superseded", "uninstalling")
                  if a.has(f"--{s}")} | ({"pending-install", "pending-upgrade", "pending-rollback"}
                                          if a.has("--pending") else set())
        if a.has("--all"):
            states = set()
        elif not states:
            states = {"deployed", "failed"}
        rels = sorted((r for r in latest.values() if not states or r.status in states), key=lambda r: r.name)
        if a.has("--filter"):
            rx = re.compile(a.value("--filter"))
            rels = [r for r in rels if rx.search(r.name)]
        if a.has("--reverse"):
            rels.reverse()
        if a.has("--short"):
            self.print("".join(f"{r.name}\n" for r in rels))
            return
        if a.value("--output") in ("json", "yaml"):
            items = [{"name": r.name, "namespace": r.namespace, "revision": str(r.version),
                      "updated": storage.go_time_string(r.last_deployed), "status": r.status,
                      "chart": f"{r.chart.name}-{r.chart.version}", "app_version": r.chart.app_version}
                     for r in rels]
            self.print(_encode(items, a.value("--output")))
            return
        rows = [] if a.has("--no-headers") else [["NAME", "NAMESPACE", "REVISION", "UPDATED", "STATUS", "CHART",
                                                    "APP VERSION"]]
        rows += [[r.name, r.namespace, str(r.version), storage.go_time_string(r.last_deployed) if r.last_deployed
                  else "-", r.status, f"{r.chart.name}-{r.chart.version}", r.chart.app_version] for r in rels]
        self.print(uitable(rows) if rows else "\n")

    def _release(self, name: str, revision: str = "") -> storage.Release:
        history = storage.history(self.cluster, name, self.namespace)
        if revision:
            history = [r for r in history if str(r.version) == revision]
        if not history:
            raise HelmError("release: not found")
        return history[-1]

    def cmd_status(self, argv: list[str]) -> None:
        a = parse_args(argv)
        if len(a.positional) != 1:
            raise HelmError('"helm status" requires 1 argument\n\nUsage:  helm status RELEASE_NAME [flags]')
        rel = self._release(a.positional[0], a.value("--revision"))
        if a.value("--output") in ("json", "yaml"):
            self.print(_encode(rel.to_json(), a.value("--output")))
            return
        self.print_status(rel, hide_notes=False, show_desc=a.has("--show-desc"))

    def cmd_get(self, argv: list[str]) -> None:
        a = parse_args(argv)
        if len(a.positional) < 2:
            raise HelmError('"helm get" requires a subcommand (all, hooks, manifest, metadata, notes, values) and '
                            "a release name")
        sub, name = a.positional[0], a.positional[1]
        rel = self._release(name, a.value("--revision"))
        if sub == "values":
            if a.has("--all"):
                self.print("COMPUTED VALUES:\n" + _encode(coalesce(rel.chart.values, rel.config), "yaml"))
            else:
                self.print("USER-SUPPLIED VALUES:\n" + _encode(rel.config or None, "yaml"))
        elif sub == "manifest":
            self.print(rel.manifest + "\n")
        elif sub == "notes":
            if rel.notes:
                self.print(f"NOTES:\n{rel.notes}\n")
        elif sub == "hooks":
            self.print("".join(f"---\n# Source: {h['path']}\n{h['manifest']}\n" for h in rel.hooks))
        elif sub == "metadata":
            self.print(f"NAME: {rel.name}\nCHART: {rel.chart.name}\nVERSION: {rel.chart.version}\n"
                       f"APP_VERSION: {rel.chart.app_version}\nNAMESPACE: {rel.namespace}\n"
                       f"REVISION: {rel.version}\nSTATUS: {rel.status}\n"
                       f"DEPLOYED_AT: {storage.go_time_json(rel.last_deployed).replace('Z', '+00:00')}\n")
        elif sub == "all":
            # get_all.go: the status block with the chart's metadata and the debug sections
            self.print_status(rel, show_metadata=True, debug=True)
        else:
            raise HelmError(f'unknown command "{sub}" for "helm get"')

    def exec_hooks(self, rel: storage.Release, event: str, timeout: float) -> str:
        """hooks.go execHook: the release's hooks of ``event`` in weight order — each one's objects
        deleted first under ``before-hook-creation`` (the default), created without ownership
        metadata, run on the virtual clock until they complete; ``last_run`` recorded in the release.
        The failure message, or "" when every hook succeeded."""
        hooks = sorted((h for h in rel.hooks if event in (h.get("events") or [])), key=lambda h: h.get("weight", 0))
        for h in hooks:
            objs = kube.build(h["manifest"], rel.name, rel.namespace, own=False)
            policies = h.get("delete_policies") or ["before-hook-creation"]
            if "before-hook-creation" in policies:
                kube.delete_and_wait(self.cluster, objs, timeout)
            h["last_run"] = {"started_at": storage.go_time_json(self.cluster.clock.now()), "completed_at": "",
                             "phase": "Running"}
            storage.update(self.cluster, rel)
            try:
                kube.create(self.cluster, objs)
            except kube.KubeError as e:
                h["last_run"].update(completed_at=storage.go_time_json(self.cluster.clock.now()), phase="Failed")
                return f"warning: Hook {event} {h['path']} failed: {e}"
            phase = kube.run_to_completion(self.cluster, objs[0], timeout) if objs else "Succeeded"
            h["last_run"]["completed_at"] = storage.go_time_json(self.cluster.clock.now())
            if phase != "Succeeded":
                h["last_run"]["phase"] = "Failed"
                if "hook-failed" in policies:
                    kube.delete_and_wait(self.cluster, objs, timeout)
                what = f"{objs[0]['kind'].lower()} {h['name']} failed" if phase == "Failed" else \
                    "timed out waiting for the condition"
                return f"1 error occurred:\n\t* {what}\n\n"
            h["last_run"]["phase"] = "Succeeded"
        for h in reversed(hooks):
            if "hook-succeeded" in (h.get("delete_policies") or []):
                kube.delete_and_wait(self.cluster, kube.build(h["manifest"], rel.name, rel.namespace, own=False),
                                     timeout)
        return ""

    def cmd_test(self, argv: list[str]) -> None:
        """``helm test NAME``: the release's test hooks run (release_testing.go)."""
        a = parse_args(argv)
        if len(a.positional) != 1:
            raise HelmError('"helm test" requires 1 argument\n\nUsage:  helm test [RELEASE] [flags]')
        timeout = self.timeout(a)
        rel = self._release(a.positional[0])
        failure = self.exec_hooks(rel, "test", timeout)
        storage.update(self.cluster, rel)
        self.print_status(rel, hide_notes=a.has("--hide-notes"))
        if a.has("--logs"):
            from ..kubectl import run as kubectl_run

            self.print("\n")
            for h in sorted(rel.hooks, key=lambda h: h.get("weight", 0)):
                if "test" in (h.get("events") or []):
                    logs = kubectl_run(self.cluster, f"kubectl logs {h['name']} -n {rel.namespace}")
                    self.print(f"POD LOGS: {h['name']}\n{logs.output}\n")
        if failure:
            raise HelmError(failure)

    def cmd_history(self, argv: list[str]) -> None:
        a = parse_args(argv)
        if len(a.positional) != 1:
            raise HelmError('"helm history" requires 1 argument\n\nUsage:  helm history RELEASE_NAME [flags]')
        history = storage.history(self.cluster, a.positional[0], self.namespace)
        if not history:
            raise HelmError("release: not found")
        limit = int(a.value("--max", "256") or 256)
        history = history[-limit:]
        rows = [["REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"]]
        rows += [[str(r.version), storage.go_ansic(r.last_deployed), r.status, f"{r.chart.name}-{r.chart.version}",
                  r.chart.app_version, r.description] for r in history]
        self.print(uitable(rows))

    def cmd_template(self, argv: list[str]) -> None:
        a = parse_args(argv)
        try:
            name, ref = self.name_and_chart(a, default_name="release-name" if len(a.positional) == 1
                                            and not a.has("--generate-name") else "")
            chart = self.locate(ref)
            config = self.user_values(a)
            if chart.metadata.get("deprecated"):
                self.warning("This chart is deprecated")
            self.check_name(name)
            rendered = self.render_release(chart, name, self.namespace, config, 1, a.has("--is-upgrade"))
        except HelmError as e:
            raise HelmError(f"INSTALLATION FAILED: {e}") from None
        text = rendered.manifest.strip() + "\n"
        if not a.has("--no-hooks"):
            for h in rendered.hooks:
                if a.has("--skip-tests") and "test" in h.events:
                    continue
                text += f"---\n# Source: {h.path}\n{h.manifest}\n"
        only = a.values("--show-only")
        if only:
            docs = [d for d in text.split("---\n") if d.strip()]
            picked = [d for d in docs if any(d.startswith(f"# Source: {chart.name}/{o}\n") for o in only)]
            if not picked:
                raise HelmError(f"could not find template {only[0]} in chart")
            self.print("".join(f"---\n{d.rstrip()}\n" for d in picked))
            return
        self.print(text)

    def cmd_show(self, argv: list[str]) -> None:
        a = parse_args(argv)
        if len(a.positional) != 2:
            raise HelmError('"helm show" requires a subcommand (all, chart, crds, readme, values) and a chart')
        sub, ref = a.positional
        chart = self.locate(ref)
        if sub == "values":
            self.print(chart.values_text)
        elif sub == "chart":
            self.print(to_yaml(chart.metadata_json()))
        elif sub == "readme":
            self.print(chart.files.get("README.md", ""))
        elif sub == "crds":
            self.print("")
        elif sub == "all":
            self.print(to_yaml(chart.metadata_json()) + "---\n" + chart.values_text + "\n---\n"
                       + chart.files.get("README.md", "") + "\n")
        else:
            raise HelmError(f'unknown command "{sub}" for "helm show"')

    def cmd_version(self, argv: list[str]) -> None:
        a = parse_args(argv, frozenset({"--short"}))
        if a.has("--short"):
            self.print(f"{VERSION}+g{GIT_COMMIT[:7]}\n")
            return
        self.print(f'version.BuildInfo{{Version:"{VERSION}", GitCommit:"{GIT_COMMIT}", GitTreeState:"clean", '
                   f'GoVersion:"{GO_VERSION}"}}\n')

    def cmd_env(self, argv: list[str]) -> None:
        home = self.env.get("HOME", "/root")
        env = {"HELM_BIN": "helm", "HELM_CACHE_HOME": f"{home}/.cache/helm",
               "HELM_CONFIG_HOME": f"{home}/.config/helm", "HELM_DATA_HOME": f"{home}/.local/share/helm",
               "HELM_DEBUG": "false", "HELM_KUBECONTEXT": "", "HELM_NAMESPACE": self.namespace,
               "HELM_MAX_HISTORY": "10", "HELM_PLUGINS": f"{home}/.local/share/helm/plugins",
               "HELM_REGISTRY_CONFIG": f"{home}/.config/helm/registry/config.json",
               "HELM_REPOSITORY_CACHE": self.repo_cache, "HELM_REPOSITORY_CONFIG": self.repo_file}
        self.print("".join(f'{k}="{v}"\n' for k, v in sorted(env.items())))


COMMAND_USAGE = {
    "install": "install [NAME] [CHART] [flags]", "upgrade": "upgrade [RELEASE] [CHART] [flags]",
    "rollback": "rollback <RELEASE> [REVISION] [flags]", "uninstall": "uninstall RELEASE_NAME [...] [flags]",
    "list": "list [flags]", "status": "status RELEASE_NAME [flags]", "get": "get [command]",
    "template": "template [NAME] [CHART] [flags]", "history": "history RELEASE_NAME [flags]",
    "show": "show [command]", "repo": "repo [command]", "create": "create NAME [flags]",
    "test": "test [RELEASE] [flags]", "search": "search [command]", "version": "version [flags]",
}


def _encode(v: Any, fmt: str) -> str:
    if fmt == "json":
        import json

        return json.dumps(v, separators=(",", ":")) + "\n"
    if v is None:
        return "null\n"
    return to_yaml(v)


USAGE = """The Kubernetes package manager

Common actions for Helm:

- helm search:    search for charts
- helm pull:      download a chart to your local directory to view
- helm install:   upload the chart to Kubernetes
- helm list:      list releases of charts

Usage:
  helm [command]

Available Commands:
  get         download extended information of a named release
  history     fetch release history
  install     install a chart
  list        list releases
  repo        add, list, remove, update, and index chart repositories
  rollback    roll back a release to a previous revision
  search      search for a keyword in charts
  show        show information of a chart
  status      display the status of the named release
  template    locally render templates
  uninstall   uninstall a release
  upgrade     upgrade a release
  version     print the client version information

Use "helm [command] --help" for more information about a command.
"""


def helm(cluster: Cluster, args: list[str], stdin: str, *, fs: Any, env: dict[str, str], cwd: str) -> Out:
    """Run ``helm ARGS`` on the workstation: its stdout, stderr and exit status."""
    h = Helm(cluster, fs, env, cwd, stdin)
    try:
        code = h.run(args)
    finally:
        # the controllers react before the prompt returns, as after a kubectl command (parse.run)
        cluster.settle()
    return Out(stdout="".join(h.out), stderr="".join(h.err), code=code)

