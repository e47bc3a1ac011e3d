"""Container filesystems: what a process inside a simulated container reads and writes.

Owns:
- ``Tree``: one directory tree — an image's files (shared by every container of that image and
  never changed), a container's writable root (a copy-on-write view of its image's tree: a
  directory is copied the first time something in it changes, so a container start costs
  nothing and a restart, which gets a fresh view, has lost what the last instance wrote — as the
  overlay upper dir of containerd's snapshotter), or a volume's data (an emptyDir shared by a
  pod's containers, a node's hostPath directories, a PersistentVolume's data). A tree carries
  what ``df``/``mount`` say of its device (``fstype``, ``source``, ``size``).
- ``FileSystem``: one container's view — its root tree plus the mounts the kubelet set up
  (volumes, ``/etc/hosts`` and friends, ``subPath`` bind mounts), with the calls the shell and
  coreutils need: ``read``/``write``/``listdir``/``stat``/``mkdir``/``remove``/``symlink``/
  ``readlink``/``rename``/``mounts``. Paths are absolute (the shell resolves its cwd); symlinks are
  followed as the kernel does (relative targets from the link's directory, ``..`` after the link
  is resolved, at most 40 hops); mount points are crossed; a read-only mount refuses writes.
- ``FsError(errno_name, path)`` whose ``str()`` is the C library's strerror ("No such file or
  directory", "Read-only file system", …), so each tool words its own message around it.

Hands off: what each image holds is ``images_fs``; which trees are mounted where is the volume
manager's (``volumes.py``); the programs that use a FileSystem are ``coreutils`` and the shells.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

STRERROR = {
    "ENOENT": "No such file or directory",
    "EISDIR": "Is a directory",
    "ENOTDIR": "Not a directory",
    "EROFS": "Read-only file system",
    "EEXIST": "File exists",
    "ENOTEMPTY": "Directory not empty",
    "EACCES": "Permission denied",
    "ELOOP": "Symbolic link loop",
    "EINVAL": "Invalid argument",
    "EBUSY": "Resource busy",
    "EXDEV": "Invalid cross-device link",
    "ENOSPC": "No space left on device",
}
MAX_LINKS = 40


class FsError(OSError):
    """A failed filesystem call: ``errno_name`` (``ENOENT``…) and the path it was about."""

    def __init__(self, errno_name: str, path: str = "") -> None:
        super().__init__(STRERROR.get(errno_name, errno_name))
        self.errno_name = errno_name
        self.path = path

    def __str__(self) -> str:
        return STRERROR.get(self.errno_name, self.errno_name)


# -- nodes -------------------------------------------------------------------------------------
@dataclass(slots=True)
class File:
    data: bytes = b""
    mode: int = 0o644
    mtime: float = 0.0
    uid: int = 0
    gid: int = 0


@dataclass(slots=True)
class Link:
    target: str
    mtime: float = 0.0
    uid: int = 0
    gid: int = 0


@dataclass(slots=True)
class Dir:
    entries: dict[str, Node] = field(default_factory=dict)
    mode: int = 0o755
    mtime: float = 0.0
    uid: int = 0
    gid: int = 0
    #: the tree allowed to change this directory in place; another tree copies it first
    owner: object = None


Node = File | Link | Dir


@dataclass(frozen=True, slots=True)
class Stat:
    kind: str  # "file" | "dir" | "link"
    mode: int
    size: int
    mtime: float
    target: str = ""
    uid: int = 0
    gid: int = 0
    #: hard links as ``ls -l``/``stat`` count them (a directory: 2 + its subdirectories)
    nlink: int = 1
    #: 512-byte blocks allocated (``st_blocks``): whole 4K pages for data, none for a tmpfs directory
    blocks: int = 0


def split(path: str) -> list[str]:
    return [p for p in path.split("/") if p and p != "."]


def stat_of(node: Node, fstype: str = "ext4") -> Stat:
    """``stat(2)`` of a node on a filesystem of ``fstype``: ext4 directories are 4096 bytes, tmpfs
    ones 20 bytes per entry (``.`` and ``..`` included) with no blocks, and overlayfs reports one
    link for a directory."""
    if isinstance(node, File):
        return Stat("file", node.mode, len(node.data), node.mtime, uid=node.uid, gid=node.gid,
                    blocks=8 * -(-len(node.data) // 4096))
    if isinstance(node, Link):
        return Stat("link", 0o777, len(node.target), node.mtime, node.target, node.uid, node.gid)
    subdirs = sum(1 for e in node.entries.values() if isinstance(e, Dir))
    if fstype == "tmpfs":
        return Stat("dir", node.mode, 20 * (len(node.entries) + 2), node.mtime, uid=node.uid, gid=node.gid,
                    nlink=2 + subdirs)
    return Stat("dir", node.mode, 4096, node.mtime, uid=node.uid, gid=node.gid,
                nlink=1 if fstype == "overlay" else 2 + subdirs, blocks=8)


class Tree:
    """A directory tree; ``Tree.overlay(base)`` is a copy-on-write view of ``base``."""

    __slots__ = ("root", "fstype", "source", "size", "base_used", "read_only")

    def __init__(self, root: Dir | None = None, *, fstype: str = "ext4", source: str = "/dev/sda1",
                 size: int = 0, read_only: bool = False, base_used: int = 0) -> None:
        self.root = root if root is not None else Dir(owner=self)
        if root is None:
            self.root.owner = self
        self.fstype, self.source, self.size = fstype, source, size
        #: what the device holds besides this tree (the node's own files on its disk), for ``df``
        self.base_used = base_used
        self.read_only = read_only

    @classmethod
    def overlay(cls, base: Tree, **kwargs: object) -> Tree:
        """A writable view of ``base`` that shares its nodes until they change."""
        return cls(base.root, **kwargs)  # type: ignore[arg-type]

    # -- reading ---------------------------------------------------------------------------------
    def node(self, parts: list[str] | tuple[str, ...]) -> Node | None:
        """The node at ``parts`` (no symlinks followed)."""
        node: Node = self.root
        for p in parts:
            if not isinstance(node, Dir):
                return None
            nxt = node.entries.get(p)
            if nxt is None:
                return None
            node = nxt
        return node

    def follow(self, parts: list[str] | tuple[str, ...]) -> Node | None:
        """The node at ``parts`` with the tree's own symlinks followed (relative ones from their
        directory, absolute ones from the tree's root)."""
        queue, out, hops = list(parts), [], 0
        while queue:
            name = queue.pop(0)
            if name == "..":
                if out:
                    out.pop()
                continue
            node = self.node(out + [name])
            if isinstance(node, Link):
                hops += 1
                if hops > MAX_LINKS:
                    return None
                if node.target.startswith("/"):
                    out = []
                queue = split(node.target) + queue
                continue
            if node is None:
                return None
            out.append(name)
        return self.node(out)

    def used(self) -> int:
        """Bytes its files hold (what ``df`` counts as used)."""
        total, stack = 0, [self.root]
        seen: set[int] = set()
        while stack:
            d = stack.pop()
            if id(d) in seen:
                continue
            seen.add(id(d))
            for e in d.entries.values():
                if isinstance(e, File):
                    total += len(e.data)
                elif isinstance(e, Dir):
                    stack.append(e)
        return total

    # -- changing ----------------------------------------------------------------------------------
    def _own(self, d: Dir) -> Dir:
        if d.owner is self:
            return d
        return Dir(dict(d.entries), d.mode, d.mtime, d.uid, d.gid, owner=self)

    def mutable_dir(self, parts: list[str] | tuple[str, ...], path: str = "") -> Dir:
        """The directory at ``parts``, made this tree's own (copied from a shared base on the way)."""
        if self.read_only:
            raise FsError("EROFS", path)
        self.root = self._own(self.root)
        d = self.root
        for p in parts:
            nxt = d.entries.get(p)
            if nxt is None:
                raise FsError("ENOENT", path)
            if not isinstance(nxt, Dir):
                raise FsError("ENOTDIR", path)
            if nxt.owner is not self:
                nxt = d.entries[p] = self._own(nxt)
            d = nxt
        return d

    def put(self, path: str, node: Node, *, parents: bool = True, now: float = 0.0) -> None:
        """Place ``node`` at ``path`` (the volume manager's and the image builder's writes)."""
        parts = split(path)
        if parents:
            self.makedirs(parts[:-1], now=now)
        d = self.mutable_dir(parts[:-1], path)
        d.entries[parts[-1]] = node
        d.mtime = now

    def makedirs(self, parts: list[str], *, mode: int = 0o755, now: float = 0.0) -> Dir:
        d = self.mutable_dir([], "/")
        for p in parts:
            nxt = d.entries.get(p)
            if nxt is None:
                nxt = d.entries[p] = Dir(mode=mode, mtime=now, owner=self)
                d.mtime = now
            elif not isinstance(nxt, Dir):
                raise FsError("ENOTDIR", "/" + "/".join(parts))
            elif nxt.owner is not self:
                nxt = d.entries[p] = self._own(nxt)
            d = nxt
        return d

    def write_file(self, path: str, data: bytes | str, mode: int = 0o644, now: float = 0.0) -> None:
        self.put(path, File(data.encode() if isinstance(data, str) else data, mode, now), now=now)

    def delete(self, path: str, now: float = 0.0) -> None:
        parts = split(path)
        d = self.mutable_dir(parts[:-1], path)
        if d.entries.pop(parts[-1], None) is not None:
            d.mtime = now

    def walk(self) -> Iterator[tuple[str, Node]]:
        """(path, node) of every node under the root, parents first."""
        stack: list[tuple[str, Dir]] = [("", self.root)]
        while stack:
            prefix, d = stack.pop()
            for name in sorted(d.entries):
                node = d.entries[name]
                path = prefix + "/" + name
                yield path, node
                if isinstance(node, Dir):
                    stack.append((path, node))


@dataclass(slots=True)
class Mount:
    """``tree`` (from ``sub`` inside it) mounted at ``path`` of a container's view."""

    path: str
    tree: Tree
    sub: tuple[str, ...] = ()
    read_only: bool = False
    #: what ``mount``/``df`` print for it (a volume's device, or the node's disk for bind mounts)
    fstype: str = ""
    source: str = ""
    options: str = ""

    @property
    def device_type(self) -> str:
        return self.fstype or self.tree.fstype

    @property
    def device(self) -> str:
        return self.source or self.tree.source


class FileSystem:
    """One container's view: a root tree and its mounts.

    The mounts a container starts with may be ``defer``-red: they are made the first time the view
    is used (most containers' files are never looked at), exactly as they would have been at their
    instant — the mount points made in the container's own root then carry that instant's time.
    """

    def __init__(self, root: Tree, mounts: list[Mount] | None = None, *,
                 clock: Callable[[], float] | None = None) -> None:
        self._root = root
        self._table: dict[tuple[str, ...], Mount] = {}
        self._clock = clock or (lambda: 0.0)
        #: mounts still to be made, and the instant they belong to (``defer``)
        self._pending: tuple[list[Mount], float] | None = None
        for m in mounts or []:
            self.mount(m)

    def now(self) -> float:
        return self._clock()

    def defer(self, mounts: list[Mount], at: float) -> None:
        """Make ``mounts`` (in this order, after any already deferred) when the view is first used,
        as ``mount`` would have made them at ``at``. Only for mounts whose mount points lie in trees
        of this view's own (its root, its ``/dev``): nothing else can tell when they were made."""
        if self._pending is not None:
            self._pending[0].extend(mounts)
        else:
            self._pending = (list(mounts), at)

    def _settle(self) -> None:
        pending, self._pending = self._pending, None
        if pending is None:
            return
        mounts, at = pending
        clock, self._clock = self._clock, lambda: at
        try:
            for m in mounts:
                self.mount(m)
        finally:
            self._clock = clock

    @property
    def root(self) -> Tree:
        if self._pending is not None:
            self._settle()
        return self._root

    @property
    def _mounts(self) -> dict[tuple[str, ...], Mount]:
        if self._pending is not None:
            self._settle()
        return self._table

    def mount(self, m: Mount) -> None:
        """Mount ``m``; its mount point is created in what lies beneath if missing, with the
        symlinks on the way followed inside the container's view (as runc's securejoin does: a
        mount at ``/var/run/secrets/…`` of a Debian image lands under ``/run``)."""
        parts = split(m.path)
        if parts:
            parent = self._resolve_existing(parts[:-1])
            parts = parent + parts[-1:]
            if self._node(parts) is None:
                try:
                    tree, inside = self._tree_at(parent)
                    d = tree.makedirs(inside, now=self.now())
                    node = m.tree.node(m.sub)
                    d.entries[parts[-1]] = File() if isinstance(node, File) else Dir(mtime=self.now(), owner=tree)
                except FsError:
                    pass  # beneath a read-only mount: the mount still shows
        m.path = "/" + "/".join(parts)
        self._mounts[tuple(parts)] = m

    def _resolve_existing(self, parts: list[str]) -> list[str]:
        """``parts`` canonical as far as they exist (their symlinks followed), the missing rest as
        written: where ``mkdir -p`` would create them (``/var/run/secrets/x`` of a Debian image,
        whose ``/var/run`` links to ``/run``, is ``/run/secrets/x``)."""
        for n in range(len(parts), 0, -1):
            try:
                return self.resolve("/" + "/".join(parts[:n])) + parts[n:]
            except FsError:
                continue
        return list(parts)

    def mounts(self) -> list[Mount]:
        """The container's mounts in the order they were made (the root first)."""
        return [Mount("/", self.root)] + list(self._mounts.values())

    # -- resolution --------------------------------------------------------------------------------
    def _owner(self, parts: list[str]) -> tuple[Mount | None, Tree]:
        mounts = self._mounts
        for n in range(len(parts), 0, -1):
            m = mounts.get(tuple(parts[:n]))
            if m is not None:
                return m, m.tree
        return None, self._root

    def _tree_at(self, parts: list[str]) -> tuple[Tree, list[str]]:
        """The tree holding canonical ``parts`` and the path inside it; raises EROFS for a ro mount."""
        m, tree = self._owner(parts)
        if m is None:
            return tree, parts
        if m.read_only:
            raise FsError("EROFS", "/" + "/".join(parts))
        return tree, list(m.sub) + parts[len(split(m.path)):]

    def _node(self, parts: list[str]) -> Node | None:
        m, tree = self._owner(parts)
        if m is None:
            return tree.node(parts)
        return tree.node(list(m.sub) + parts[len(split(m.path)):])

    def resolve(self, path: str, follow: bool = True) -> list[str]:
        """The canonical parts of ``path`` (every symlink in it followed; the last one only with
        ``follow``). Raises ENOENT/ENOTDIR for a missing or non-directory component on the way."""
        out: list[str] = []
        queue = path.split("/")
        hops = 0
        i = 0
        while i < len(queue):
            name = queue[i]
            i += 1
            if name in ("", "."):
                continue
            if name == "..":
                if out:
                    out.pop()
                continue
            last = all(q in ("", ".") for q in queue[i:])
            cand = out + [name]
            node = self._node(cand)
            if node is None:
                if last:
                    return cand
                raise FsError("ENOENT", path)
            if isinstance(node, Link) and (follow or not last):
                hops += 1
                if hops > MAX_LINKS:
                    raise FsError("ELOOP", path)
                if node.target.startswith("/"):
                    out = []
                queue = node.target.split("/") + queue[i:]
                i = 0
                continue
            if not last and not isinstance(node, Dir):
                raise FsError("ENOTDIR", path)
            out = cand
        return out

    def lookup(self, path: str, follow: bool = True) -> Node | None:
        try:
            return self._node(self.resolve(path, follow))
        except FsError:
            return None

    # -- reading -----------------------------------------------------------------------------------
    def exists(self, path: str) -> bool:
        return self.lookup(path) is not None

    def isdir(self, path: str) -> bool:
        return isinstance(self.lookup(path), Dir)

    def isfile(self, path: str) -> bool:
        return isinstance(self.lookup(path), File)

    def islink(self, path: str) -> bool:
        return isinstance(self.lookup(path, follow=False), Link)

    def _get(self, path: str, follow: bool = True) -> Node:
        node = self._node(self.resolve(path, follow))
        if node is None:
            raise FsError("ENOENT", path)
        return node

    def read(self, path: str) -> bytes:
        node = self._get(path)
        if isinstance(node, Dir):
            raise FsError("EISDIR", path)
        assert isinstance(node, File)
        return node.data

    def read_text(self, path: str) -> str:
        return self.read(path).decode("utf-8", "replace")

    def listdir(self, path: str) -> list[str]:
        """The names in a directory, sorted by byte value (as ``ls`` in the C locale)."""
        node = self._get(path)
        if not isinstance(node, Dir):
            raise FsError("ENOTDIR", path)
        parts = self.resolve(path)
        names = set(node.entries)
        # mount points show even where the tree under them has no entry
        n = len(parts)
        names.update(k[n] for k in self._mounts if len(k) == n + 1 and list(k[:n]) == parts)
        return sorted(names)

    def _fstype(self, parts: list[str]) -> str:
        m, tree = self._owner(parts)
        if m is not None and m.sub and len(parts) == len(split(m.path)):
            return m.device_type  # a bind-mounted file or directory: its own device's
        return m.device_type if m is not None else tree.fstype

    def stat(self, path: str) -> Stat:
        parts = self.resolve(path)
        node = self._node(parts)
        if node is None:
            raise FsError("ENOENT", path)
        return stat_of(node, self._fstype(parts))

    def lstat(self, path: str) -> Stat:
        parts = self.resolve(path, follow=False)
        node = self._node(parts)
        if node is None:
            raise FsError("ENOENT", path)
        return stat_of(node, self._fstype(parts))

    def readlink(self, path: str) -> str:
        node = self._get(path, follow=False)
        if not isinstance(node, Link):
            raise FsError("EINVAL", path)
        return node.target

    def realpath(self, path: str) -> str:
        return "/" + "/".join(self.resolve(path))

    # -- writing -----------------------------------------------------------------------------------
    def _parent(self, path: str, follow: bool = True) -> tuple[Dir, str, list[str]]:
        """The (own, writable) directory that holds ``path``'s last component, that name, and the
        canonical parts."""
        parts = self.resolve(path, follow)
        if not parts:
            raise FsError("EBUSY", path)
        if tuple(parts) in self._mounts:
            m = self._mounts[tuple(parts)]
            if m.read_only:
                raise FsError("EROFS", path)
            raise FsError("EBUSY", path)
        parent = self._node(parts[:-1])
        if parent is None:
            raise FsError("ENOENT", path)
        if not isinstance(parent, Dir):
            raise FsError("ENOTDIR", path)
        tree, inside = self._tree_at(parts[:-1])
        return tree.mutable_dir(inside, path), parts[-1], parts

    def write(self, path: str, data: bytes | str, append: bool = False, mode: int | None = None) -> None:
        data = data.encode() if isinstance(data, str) else data
        parts = self.resolve(path)
        if parts == ["dev", "null"]:
            return
        existing = self._node(parts) if parts else None
        if isinstance(existing, Dir):
            raise FsError("EISDIR", path)
        if tuple(parts) in self._mounts:  # a file bind mount (/etc/hosts, a subPath): written in place
            m = self._mounts[tuple(parts)]
            if m.read_only:
                raise FsError("EROFS", path)
            assert isinstance(existing, File)
            existing.data = existing.data + data if append else data
            existing.mtime = self.now()
            return
        d, name, _ = self._parent(path)
        old = d.entries.get(name)
        now = self.now()
        if isinstance(old, File):
            d.entries[name] = File(old.data + data if append else data, old.mode if mode is None else mode, now,
                                   old.uid, old.gid)
        else:
            d.entries[name] = File(data, 0o644 if mode is None else mode, now)
            d.mtime = now

    def mkdir(self, path: str, parents: bool = False, mode: int = 0o755) -> None:
        if parents:
            parts = split(path)
            for n in range(1, len(parts) + 1):
                sub = "/" + "/".join(parts[:n])
                node = self.lookup(sub)
                if isinstance(node, Dir):
                    continue
                if node is not None:
                    raise FsError("ENOTDIR" if n < len(parts) else "EEXIST", sub)
                self.mkdir(sub, mode=mode)
            return
        d, name, _ = self._parent(path, follow=False)
        if name in d.entries:
            raise FsError("EEXIST", path)
        now = self.now()
        tree_owner = d.owner
        d.entries[name] = Dir(mode=mode, mtime=now, owner=tree_owner)
        d.mtime = now

    def symlink(self, target: str, path: str) -> None:
        d, name, _ = self._parent(path, follow=False)
        if name in d.entries:
            raise FsError("EEXIST", path)
        d.entries[name] = Link(target, self.now())
        d.mtime = self.now()

    def remove(self, path: str, recursive: bool = False) -> None:
        """unlink/rmdir; ``recursive`` removes a directory with what it holds (``rm -r``)."""
        d, name, parts = self._parent(path, follow=False)
        node = d.entries.get(name)
        if node is None:
            raise FsError("ENOENT", path)
        if isinstance(node, Dir):
            inner = [k for k in self._mounts if len(k) > len(parts) and list(k[:len(parts)]) == parts]
            if inner:
                raise FsError("EBUSY", path)
            if node.entries and not recursive:
                raise FsError("ENOTEMPTY", path)
        del d.entries[name]
        d.mtime = self.now()

    def rename(self, src: str, dst: str) -> None:
        sd, sname, sparts = self._parent(src, follow=False)
        node = sd.entries.get(sname)
        if node is None:
            raise FsError("ENOENT", src)
        if isinstance(self.lookup(dst), Dir):
            dst = dst.rstrip("/") + "/" + sname
        dd, dname, dparts = self._parent(dst, follow=False)
        if self._owner(sparts[:-1])[1] is not self._owner(dparts[:-1])[1]:
            raise FsError("EXDEV", dst)
        del sd.entries[sname]
        dd.entries[dname] = node
        sd.mtime = dd.mtime = self.now()

    def chmod(self, path: str, mode: int) -> None:
        d, name, _ = self._parent(path)
        node = d.entries.get(name)
        if node is None:
            raise FsError("ENOENT", path)
        if isinstance(node, File):
            d.entries[name] = File(node.data, mode, node.mtime, node.uid, node.gid)
        elif isinstance(node, Dir):
            own = node if node.owner is d.owner else Dir(dict(node.entries), mode, node.mtime, node.uid, node.gid,
                                                          owner=d.owner)
            own.mode = mode
            d.entries[name] = own

    def touch(self, path: str) -> None:
        """Create an empty file, or bump an existing one's mtime."""
        node = self.lookup(path)
        if node is None:
            self.write(path, b"")
            return
        d, name, _ = self._parent(path)
        cur = d.entries.get(name)
        now = self.now()
        if isinstance(cur, File):
            d.entries[name] = File(cur.data, cur.mode, now, cur.uid, cur.gid)
        elif isinstance(cur, Dir):
            own = cur if cur.owner is d.owner else Dir(dict(cur.entries), cur.mode, now, cur.uid, cur.gid,
                                                        owner=d.owner)
            own.mtime = now
            d.entries[name] = own

    def files_under(self, path: str) -> dict[str, bytes]:
        """Every regular file under ``path`` (a file: itself), by absolute path; symlinks to files
        are followed, as ``tar`` with ``-h`` … and ``kubectl cp`` of a ConfigMap volume show them."""
        node = self.lookup(path)
        if node is None:
            raise FsError("ENOENT", path)
        base = self.realpath(path)
        if isinstance(node, File):
            return {base: node.data}
        out: dict[str, bytes] = {}
        stack = [base]
        while stack:
            d = stack.pop()
            for name in self.listdir(d):
                p = posixpath.join(d, name)
                n = self.lookup(p, follow=False)
                if isinstance(n, Dir):
                    stack.append(p)
                elif isinstance(n, File):
                    out[p] = n.data
        return out
