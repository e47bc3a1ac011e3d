"""Chart repositories: kubeplay's offline ones and the workstation's repositories file (pkg/repo).

Owns: ``KNOWN`` (the URLs kubeplay answers — ``https://charts.helm.sh/stable``, the former stable
repository, and ``https://charts.bitnami.com/bitnami`` — each a directory of plain chart
directories under ``charts/``, packaged in memory), ``charts(url)`` (a repository's charts by
name), ``index_yaml(name, url)`` (the index.yaml helm caches), ``RepoFile`` (helm's
``repositories.yaml`` in ``$HOME/.config/helm``, read and written through the shell's files) and
``locate(ref, repos)`` (``REPO/CHART`` → the chart, with helm's errors: ``repo X not found``,
``chart "Y" matching  not found in X index. (try 'helm repo update'): no chart name found``,
``non-absolute URLs should be in form of repo_name/path_to_chart, got: Y``).

Hands off: the chart's contents to ``chart``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..kubectl.printers import to_yaml
from .chart import Chart, load_dir

CHARTS_DIR = Path(__file__).resolve().parent / "charts"
#: repository URL → the directory of its charts (a URL with or without a trailing slash)
KNOWN = {"https://charts.helm.sh/stable": CHARTS_DIR / "stable",
         "https://charts.bitnami.com/bitnami": CHARTS_DIR / "bitnami"}
#: cmd/helm/repo_add.go deprecatedRepos: the old Google storage URLs of the stable repositories
DEPRECATED = {"//kubernetes-charts.storage.googleapis.com": "https://charts.helm.sh/stable",
              "//kubernetes-charts-incubator.storage.googleapis.com": "https://charts.helm.sh/incubator"}
#: when the offline repositories were "generated" (index.yaml's timestamp)
INDEX_GENERATED = "2024-11-13T19:24:44.513Z"


class RepoError(Exception):
    """helm's message for a repository or chart reference it cannot use."""


def _key(url: str) -> str:
    return url.rstrip("/")


@cache
def charts(url: str) -> dict[str, Chart]:
    """The charts of a known repository, by name ({} for an unknown URL)."""
    root = KNOWN.get(_key(url))
    if root is None or not root.is_dir():
        return {}
    return {d.name: load_dir(d) for d in sorted(root.iterdir()) if (d / "Chart.yaml").is_file()}


def reachable(url: str) -> bool:
    return _key(url) in KNOWN


def fetch_error(url: str) -> str:
    """What Go's HTTP client says when index.yaml cannot be fetched from ``url`` (no such host offline)."""
    host = url.split("//", 1)[-1].split("/", 1)[0]
    if "://" not in url:
        return f"could not find protocol handler for: {url.split(':', 1)[0] if ':' in url else ''}"
    index = url.rstrip("/") + "/index.yaml"
    return f'Get "{index}": dial tcp: lookup {host.split(":")[0]} on 127.0.0.53:53: no such host'


def digest(chart: Chart) -> str:
    h = hashlib.sha256()
    for path, text in sorted({**chart.files, **chart.templates}.items()):
        h.update(path.encode() + b"\0" + text.encode())
    return h.hexdigest()


def index_yaml(url: str) -> str:
    """The repository's index.yaml (repo.IndexFile as helm caches it)."""
    entries: dict[str, Any] = {}
    for name, c in charts(url).items():
        entry = {**c.metadata_json(), "created": INDEX_GENERATED, "digest": digest(c),
                 "urls": [f"{_key(url)}/{name}-{c.version}.tgz"]}
        entries[name] = [entry]
    return to_yaml({"apiVersion": "v1", "entries": entries, "generated": INDEX_GENERATED})


@dataclass
class Entry:
    name: str
    url: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "url": self.url, "username": "", "password": "", "certFile": "",
                "keyFile": "", "caFile": "", "insecure_skip_tls_verify": False, "pass_credentials_all": False}


class RepoFile:
    """helm's repositories.yaml (repo.File)."""

    def __init__(self, entries: list[Entry] | None = None, generated: str = "0001-01-01T00:00:00Z") -> None:
        self.entries = entries or []
        self.generated = generated

    @classmethod
    def parse(cls, text: str) -> RepoFile:
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError:
            data = {}
        entries = [Entry(str(e.get("name", "")), str(e.get("url", "")))
                   for e in data.get("repositories") or [] if isinstance(e, dict)]
        return cls(entries, str(data.get("generated", "0001-01-01T00:00:00Z")))

    def dump(self) -> str:
        return to_yaml({"apiVersion": "", "generated": self.generated,
                        "repositories": [e.to_json() for e in self.entries]})

    def get(self, name: str) -> Entry | None:
        return next((e for e in self.entries if e.name == name), None)

    def update(self, entry: Entry) -> None:
        for i, e in enumerate(self.entries):
            if e.name == entry.name:
                self.entries[i] = entry
                return
        self.entries.append(entry)

    def remove(self, name: str) -> bool:
        before = len(self.entries)
        self.entries = [e for e in self.entries if e.name != name]
        return len(self.entries) != before


def locate(ref: str, repos: RepoFile) -> Chart:
    """LocateChart for ``REPO/CHART`` (kubeplay has no chart directories or URLs of the user's)."""
    if ref.startswith((".", "/")):
        raise RepoError(f'path "{ref}" not found')
    if "://" in ref:
        raise RepoError(f"failed to fetch {ref} : 404 Not Found")
    if "/" not in ref:
        raise RepoError(f"non-absolute URLs should be in form of repo_name/path_to_chart, got: {ref}")
    repo_name, chart_name = ref.split("/", 1)
    entry = repos.get(repo_name)
    if entry is None:
        raise RepoError(f"repo {repo_name} not found")
    chart = charts(entry.url).get(chart_name)
    if chart is None:
        raise RepoError(f"chart \"{chart_name}\" matching  not found in {repo_name} index. "
                        "(try 'helm repo update'): no chart name found")
    return chart
