"""The workstation's files: one sim/fs.FileSystem, ``/home/user`` its home, that the ``$`` prompt's
programs read and write and that kubectl reads (``kubectl apply -f x.yaml``, ``cp``, ``kustomize``).

Owns: ``workstation_fs(files, clock) -> FileSystem`` (the tree a sandbox starts with: the example
manifests under ``$HOME`` by relative path, each bare file name a symlink to its one example —
``sandbox.workspace_files`` decides which — plus ``/tmp`` and the few system directories a Debian
workstation has) and ``Workspace``, the ``cluster.workspace`` mapping kubectl has always used (key:
a path relative to ``$HOME``, as ``kubectl.verbs.cp.workspace_key`` makes it; value: the text) as a
view of that tree, so the shell and kubectl see the same files: what ``cat > pod.yaml <<EOF`` wrote
is what ``kubectl apply -f pod.yaml`` reads, and what ``kubectl cp`` wrote is what ``ls`` lists.

A key of an absolute path outside ``$HOME`` (``workspace_key('/tmp/x')`` is ``tmp/x``) is read from
``$HOME/tmp/x`` if that exists, else from ``/tmp/x``; it is written under ``/`` when its first
directory exists there and not in ``$HOME`` (``/tmp/kubectl-edit-….yaml`` lands in ``/tmp``).

Hands off: the tree's nodes and errors are ``server.sim.fs``'s; journalling what writes is the
sandbox's (``host.stateful`` says which lines can).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator, MutableMapping

from ..sim.fs import FileSystem, FsError, Tree

HOME = "/home/user"
SYSTEM_DIRS = ("/tmp", "/etc", "/usr/bin", "/usr/local/bin", "/bin", "/var/tmp")


def workstation_fs(files: dict[str, str], clock: Callable[[], float] | None = None) -> FileSystem:
    """A new workstation tree holding ``files`` (``cluster.workspace``'s keys) under ``$HOME``."""
    fs = FileSystem(Tree(), clock=clock)
    for d in (HOME, *SYSTEM_DIRS):
        fs.mkdir(d, parents=True)
    fs.chmod("/tmp", 0o1777)
    nested = {k.rsplit("/", 1)[-1]: k for k in files if "/" in k}
    for key in sorted(files, key=lambda k: ("/" not in k, k)):
        text = files[key]
        path = posixpath.join(HOME, posixpath.normpath(key))
        target = nested.get(key) if "/" not in key else None
        if target is not None and files.get(target) == text:
            fs.symlink(target, path)
            continue
        fs.mkdir(posixpath.dirname(path), parents=True)
        fs.write(path, text)
    return fs


class Workspace(MutableMapping[str, str]):
    """``cluster.workspace``: the workstation's files by path relative to ``$HOME`` (text)."""

    def __init__(self, fs: FileSystem) -> None:
        self.fs = fs

    def _path(self, key: str, writing: bool = False) -> str:
        key = posixpath.normpath(key.lstrip("/"))
        home = posixpath.normpath(posixpath.join(HOME, key))
        outside = "/" + key
        first = "/" + key.split("/", 1)[0]
        if writing:
            if "/" in key and self.fs.isdir(first) and not self.fs.exists(posixpath.join(HOME, key.split("/", 1)[0])):
                return outside
            return home
        if not self.fs.isfile(home) and self.fs.isfile(outside):
            return outside
        return home

    def __getitem__(self, key: str) -> str:
        path = self._path(key)
        if not self.fs.isfile(path):
            raise KeyError(key)
        return self.fs.read(path).decode("utf-8", "replace")

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.fs.isfile(self._path(key))

    def __setitem__(self, key: str, text: str) -> None:
        path = self._path(key, writing=True)
        self.fs.mkdir(posixpath.dirname(path), parents=True)
        self.fs.write(path, text)

    def __delitem__(self, key: str) -> None:
        try:
            self.fs.remove(self._path(key))
        except FsError as e:
            raise KeyError(key) from e

    def __iter__(self) -> Iterator[str]:
        prefix = HOME + "/"
        for path in sorted(self.fs.files_under(HOME)):
            yield path[len(prefix):]
        # symlinked names (the examples' bare names) are files too
        stack = [HOME]
        while stack:
            d = stack.pop()
            for name in self.fs.listdir(d):
                p = posixpath.join(d, name)
                if self.fs.islink(p) and self.fs.isfile(p):
                    yield p[len(prefix):]
                elif self.fs.isdir(p) and not self.fs.islink(p):
                    stack.append(p)

    def __len__(self) -> int:
        return sum(1 for _ in self)
