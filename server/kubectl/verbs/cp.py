"""kubectl cp: files between the workstation (``cluster.workspace``) and a container's filesystem.

Owns: ``kubectl cp SRC DEST [-c CONTAINER] [--no-preserve] [--retries N]`` where one side is
``[NAMESPACE/]POD:PATH`` and the other a workstation path, as k8s.io/kubectl pkg/cmd/cp (v1.32)
does it — through ``tar`` run in the container:

- upload: ``test -d DEST`` decides whether the file lands inside DEST; then ``tar -xmf - -C DIR``
  unpacks it there (a directory that does not exist fails in the image's tar's words: GNU tar on
  Debian-style images, busybox tar on busybox/alpine);
- download: ``tar cf - PATH`` (an absolute PATH makes tar say it removes the leading ``/``;
  kubectl prints the container's stderr on its stdout); a missing PATH fails with tar's message and
  ``command terminated with exit code N``; directories come back with their files.

The container's files are its filesystem (``server.sim.fs``, from the volume manager): an upload
writes into the running instance's root or the volume mounted there, so a later ``exec … cat``
reads it, a file written into an emptyDir is seen by the pod's other containers, and a restarted
container has lost what went into its root, as on a real node; a read-only mount (a ConfigMap
volume) refuses it in tar's words. Images without a userland (distroless) cannot run tar:
containerd's exec error.

Also owns where the workstation's files are: ``HOME`` and ``workspace_key`` (a typed path → the
workspace key), which ``kustomize`` shares.
"""

from __future__ import annotations

import posixpath

from ...shell.pod import container_fs, image_ref, image_userland, runtime_not_found
from ...sim.api import not_found
from ...sim.fs import FsError
from ...sim.resources import BY_KIND
from ..parse import Flag, Invocation, KubectlError, Result, command
from .exec import _require_running, container_names, pick_container

#: the workstation shell's $HOME: relative paths are relative to it
HOME = "/home/user"
SPEC_FORMAT = "error: filespec must match the canonical format: [[namespace/]pod:]file/path"


def workspace_key(path: str) -> str:
    """The workspace key of a workstation path: relative to $HOME, normalised ("." for $HOME)."""
    path = posixpath.normpath(path)
    if path == HOME:
        return "."
    if path.startswith(HOME + "/"):
        return path[len(HOME) + 1:]
    return path.lstrip("/") if path.startswith("/") else path


def _spec(arg: str) -> tuple[str, str, str]:
    """(namespace, pod, path) of a file spec; pod "" for a local path (``extractFileSpec``)."""
    i = arg.find(":")
    if i == 0:
        raise KubectlError(SPEC_FORMAT)
    if i < 0:
        return "", "", arg
    pod, path = arg[:i], arg[i + 1:]
    pieces = pod.split("/")
    if len(pieces) == 1:
        return "", pieces[0], path
    if len(pieces) == 2:
        return pieces[0], pieces[1], path
    raise KubectlError(SPEC_FORMAT)


def _local_files(workspace: dict[str, str], path: str) -> dict[str, str] | None:
    """key → text of a workstation file, or of every file under a directory; None if neither."""
    key = workspace_key(path)
    if key in workspace:
        return {key: workspace[key]}
    prefix = "" if key == "." else key.rstrip("/") + "/"
    inside = {k: v for k, v in workspace.items() if k.startswith(prefix)}
    return inside or None


class _Container:
    """The filesystem of one running container (``shell.pod.container_fs``: what its processes see)."""

    def __init__(self, inv: Invocation, namespace: str, pod_name: str) -> None:
        ns = namespace or inv.namespace
        pod = inv.cluster.store.get("Pod", ns, pod_name)
        if pod is None:
            raise not_found(BY_KIND["Pod"], pod_name)
        name, note = pick_container(pod, inv.flags.get("container") or "")
        if name not in container_names(pod):
            raise KubectlError(f'{note}error: unable to upgrade connection: container not found ("{name}")')
        _require_running(pod, name, note, "exec into")
        self.note = note
        self.cluster = inv.cluster
        self.pod = pod
        self.name = name
        land = image_userland(inv.cluster, image_ref(pod, name))
        self.has_tar = land != "none"
        self.busybox = land == "busybox"
        self.fs = container_fs(inv.cluster, pod, name)

    def is_dir(self, path: str) -> bool:
        return self.fs is not None and self.fs.isdir(posixpath.normpath(path) if path else "/")

    def files(self, path: str) -> dict[str, bytes] | None:
        """Every file under ``path`` (a file: itself) by its path relative to ``path`` ("" for the
        file itself); None when nothing is there."""
        if self.fs is None:
            return None
        try:
            found = self.fs.files_under(path)
        except FsError:
            return None
        base = self.fs.realpath(path).rstrip("/")
        return {p[len(base) + 1:] if p != base else "": data for p, data in found.items()}

    def write(self, path: str, text: str) -> FsError | None:
        if self.fs is None:
            return FsError("EROFS", path)
        try:
            parent = posixpath.dirname(path)
            if not self.fs.isdir(parent):
                self.fs.mkdir(parent, parents=True)
            self.fs.write(path, text.encode())
        except FsError as e:
            return e
        return None


def _abs_remote(path: str) -> str:
    """The path tar sees: relative paths are relative to the container's working directory (/)."""
    return posixpath.normpath(path if path.startswith("/") else "/" + path)


@command("cp", flags=[Flag("container", "c", "str", ""), Flag("no-preserve"), Flag("retries", kind="int", default=0)])
def cp(inv: Invocation) -> Result:
    if len(inv.args) != 2:
        raise KubectlError("error: source and destination are required")
    src_ns, src_pod, src = _spec(inv.args[0])
    dst_ns, dst_pod, dst = _spec(inv.args[1])
    if src_pod and dst_pod:
        raise KubectlError("error: one of src or dest must be a local file specification")
    if not src or not dst:
        raise KubectlError("error: filepath can not be empty")
    if src_pod:
        return _download(inv, src_ns, src_pod, src, dst)
    if dst_pod:
        return _upload(inv, src, dst_ns, dst_pod, dst)
    raise KubectlError("error: one of src or dest must be a remote file specification")


def _upload(inv: Invocation, src: str, ns: str, pod: str, dst: str) -> Result:
    workspace = inv.cluster.workspace
    local = _local_files(workspace, src)
    if local is None:
        raise KubectlError(f"error: {src} doesn't exist in local filesystem")
    c = _Container(inv, ns, pod)
    if not c.has_tar:
        return Result(c.note + runtime_not_found("tar").stderr, 1)
    target = _abs_remote(dst)
    if c.is_dir(target):
        target = posixpath.join(target, posixpath.basename(posixpath.normpath(src)))
    directory = posixpath.dirname(target)
    if not c.is_dir(directory):
        if c.busybox:
            msg, code = f"tar: can't change directory to '{directory}': No such file or directory\n", 1
        else:
            msg, code = (f"tar: {directory}: Cannot open: No such file or directory\n"
                         "tar: Error is not recoverable: exiting now\n"), 2
        return Result(f"{c.note}{msg}command terminated with exit code {code}", code)
    src_key = workspace_key(src)
    for key, text in local.items():
        rel = "" if key == src_key else key[len(src_key.rstrip("/")) + 1:] if src_key != "." else key
        dest = posixpath.join(target, rel) if rel else target
        err = c.write(dest, text)
        if err is not None:
            member = dest.lstrip("/")
            if c.busybox:
                msg, code = f"tar: can't open '{member}': {err}\n", 1
            else:
                msg, code = (f"tar: {member}: Cannot open: {err}\n"
                             "tar: Exiting with failure status due to previous errors\n"), 2
            return Result(f"{c.note}{msg}command terminated with exit code {code}", code)
    return Result(c.note)


def _download(inv: Invocation, ns: str, pod: str, src: str, dst: str) -> Result:
    c = _Container(inv, ns, pod)
    if not c.has_tar:
        return Result(c.note + runtime_not_found("tar").stderr, 1)
    path = _abs_remote(src)
    # tar strips the leading "/" of absolute member names and says so (on stderr, which kubectl
    # copies to its stdout)
    notice = ""
    if src.startswith("/"):
        notice = ("tar: removing leading '/' from member names\n" if c.busybox
                  else "tar: Removing leading `/' from member names\n")
    found = c.files(path)
    if found is None:
        if c.busybox:
            msg, code = f"tar: {src}: No such file or directory\n", 1
        else:
            msg, code = (f"{notice}tar: {src}: Cannot stat: No such file or directory\n"
                         "tar: Exiting with failure status due to previous errors\n"), 2
        return Result(f"{c.note}{msg}command terminated with exit code {code}", code)
    single = "" in found
    workspace = inv.cluster.workspace
    dest = workspace_key(dst)
    if single and (dest == "." or _local_files(workspace, dst) is not None and dest not in workspace):
        # the archive's one member is the destination itself: os.Create on a directory
        return Result(f"{c.note}{notice}error: open {dst}: is a directory", 1)
    for rel, data in found.items():
        key = posixpath.normpath(posixpath.join(dest, rel)) if rel else dest
        workspace[key] = data.decode("utf-8", "replace")
    return Result(c.note + notice)
