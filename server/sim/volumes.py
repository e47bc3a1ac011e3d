"""The kubelet's volume manager: a pod's volumes as trees, and each container's filesystem.

Owns (pkg/kubelet/volumemanager, pkg/volume/* and the CRI's mounts, as v1.32 lays them out):
- ``mount_error(pod)``: the kubelet's ``FailedMount`` (reason, message) while a volume cannot be
  set up — a missing ConfigMap/Secret (``MountVolume.SetUp failed for volume "config-volume" :
  configmap "special-config" not found``), a key ``items`` names that is not there, a hostPath
  whose ``type`` check fails, a claim that does not exist or is not bound; None when all can be.
- ``container_fs(pod, container_spec, node, image)``: at each container start, a fresh
  copy-on-write root from the image (``images_fs``) with the pod's volumes mounted at their
  ``mountPath`` (``subPath`` a directory or file inside them, ``readOnly``), plus what the kubelet
  and containerd add to every container: ``/etc/hosts`` (the kubelet's managed hosts file),
  ``/etc/hostname``, ``/etc/resolv.conf``, ``/dev/termination-log``, ``/dev`` and ``/dev/shm``
  tmpfs, ``/proc`` and ``/sys``. ``fs(pod_uid, container)`` is the running instance's.
- The volumes: ``emptyDir`` (one tree per pod, shared by its containers; ``medium: Memory`` is a
  tmpfs, ``sizeLimit`` its size), ``configMap``/``secret``/``downwardAPI``/``projected`` written as
  the AtomicWriter does (``..<timestamp>`` directory, ``..data`` symlink to it, each top-level
  name a symlink ``key -> ..data/key``; ``items``/``path``/``mode``, ``defaultMode`` 0644,
  ``optional``; mounted read-only), ``hostPath`` (the node's tree, ``type`` checked and
  ``…OrCreate`` created), ``persistentVolumeClaim`` (the bound PV's data tree, ``volume_tree``: per
  PV, or per node for hostPath/local PVs).
- Updates: the kubelet re-syncs each pod every minute plus up to 30 s of jitter (syncFrequency
  1m, workerResyncIntervalJitterFactor 0.5) and then rewrites its ConfigMap/Secret/downward API
  volumes from the current objects (the Watch change-detection strategy keeps its cache fresh), so
  a change shows up within 60–90 s; a ``subPath`` mount of such a volume is a bind mount of the
  file as it was at the container's start and never changes. Only the syncs that would find
  something to write are run: pods are indexed by the ConfigMaps and Secrets they mount, and an
  event of one (or a change of the labels/annotations a downward API file shows) wakes each pod
  that mounts it at the first of its periodic sync instants from then on; a projected token is
  rewritten at the first sync after 80 % of its lifetime (one timer per pod). A pod whose sources
  do not change costs nothing per period.

Files written on first use: a container start that defers its mounts (every mount point in the
container's own trees, no subPath) also defers writing its new ConfigMap/Secret/downward API/token
volumes — most containers' files are never read. The objects the payloads read are kept as they
were (stored objects never change: references are the snapshot) with the start's instant, and
``_fill`` writes them exactly as they would have been then: before any of the pod's views is first
used, before a later sync writes the volume again, before a start that mounts at once. Token
renewals are booked at the start all the same (the sync timers do not move).

Determinism: nothing here draws on the cluster's RNG (timestamps' suffixes and resync jitter are
derived from the pod's uid), so adding filesystems does not change any other random choice.

Hands off: the kubelet (``kubelet.py``) calls ``container_fs`` at each start (and is to call
``mount_error`` before creating containers); a deleted pod's volumes go on its DELETED event
(``forget``); the shells, coreutils, probes and apps read ``fs`` (``serve_file`` for a web
server's file); storage (PV binding, provisioners) gets data trees from ``volume_tree`` and the
nodes' own from ``node_tree``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, Any

from .controllers import Controller
from .fs import Dir, File, FileSystem, FsError, Link, Mount, Tree, split
from .images_fs import image_tree
from .store import Key, Obj, WatchEvent

if TYPE_CHECKING:
    from .cluster import Cluster

#: the kubelet's periodic pod sync (syncFrequency) and its jitter factor
SYNC_PERIOD = 60.0
SYNC_JITTER = 0.5
GiB = 1 << 30
#: the lab nodes' root disk when the Node object does not say (kubeadm VM images: ~39 GB)
DEFAULT_DISK = 41_555_521_536
#: what the node's own files take on that disk
DISK_USED = 10_956_226_560
DEFAULT_MEMORY = 4 * GiB
SHM_SIZE = 64 << 20
TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
ATOMIC_KINDS = ("configMap", "secret", "downwardAPI", "projected")


class MountError(Exception):
    """A volume that cannot be set up: the kubelet's FailedMount message."""


def _hash(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256(":".join(map(str, parts)).encode()).digest()[:8], "big")



#: the token's sorted compact JSON (one encoder, not one per ``json.dumps`` call)
_COMPACT_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"))


@functools.lru_cache(maxsize=64)
def _jwt_header(kid: str) -> str:
    """The token's first part: the same for every token the sandbox's signing key issues."""
    return base64.urlsafe_b64encode(_COMPACT_JSON.encode({"alg": "RS256", "kid": kid}).encode()).rstrip(b"=").decode()


def _quantity_bytes(text: object) -> int | None:
    return _parsed_bytes(str(text))


@functools.lru_cache(maxsize=1024)
def _parsed_bytes(text: str) -> int | None:
    """A quantity in bytes (the same few node capacities are read at every container start)."""
    from .quantity import Quantity

    try:
        return int(Quantity.parse(text).as_decimal())
    except (ValueError, ArithmeticError):
        return None


@dataclass
class PodVolumes:
    """What the volume manager keeps for one pod (by uid)."""

    uid: str
    key: Key
    node: str
    #: the kubelet's per-pod files (etc-hosts, hostname, resolv.conf, termination logs)
    etc: Tree
    #: volume name -> its tree (emptyDir, the atomic-writer volumes)
    trees: dict[str, Tree] = field(default_factory=dict)
    #: atomic volume -> the payload last written (path -> (bytes, mode))
    payloads: dict[str, dict[str, tuple[bytes, int]]] = field(default_factory=dict)
    writes: int = 0
    #: the periodic sync instants: the next one not yet passed, and its index in the sequence
    next_sync: float = 0.0
    syncs: int = 0
    armed: bool = False
    #: the timer of the next sync that has something to do (None when nothing is pending)
    timer: Any = None
    #: the ConfigMaps/Secrets its volumes project, as keys of the volume manager's index
    sources: tuple[Key, ...] = ()
    #: (labels, annotations) as last seen, for a pod whose downward API files show them
    meta_seen: tuple[Any, Any] | None = None
    #: (audience, expirationSeconds) -> when the token manager renews that token
    token_due: dict[tuple[str, int], float] = field(default_factory=dict)
    #: atomic-writer volumes set up at a container start whose files nobody has looked at yet:
    #: (the pod as it was, the volume, its tree, the instant, the objects its payload reads as they
    #: were then), written by ``_fill`` exactly as they would have been then
    pending: list[tuple[Obj, dict, Tree, float, dict[Key, Obj | None]]] = field(default_factory=list)


class VolumeManager(Controller):
    name = "volume-manager"
    watches: tuple[str, ...] = ("Pod", "ConfigMap", "Secret")

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self._pods: dict[str, PodVolumes] = {}
        self._by_key: dict[Key, str] = {}
        self._nodes: dict[str, Tree] = {}
        self._pv: dict[tuple[str, str], Tree] = {}
        #: (pod uid, container) -> (its filesystem, the runtime instance it was made for lazily or None)
        self._fs: dict[tuple[str, str], tuple[FileSystem, object]] = {}
        #: (pod uid, audience, expirationSeconds) -> (issued at, the token): what the token manager holds
        self._tokens: dict[tuple[str, str, int], tuple[int, bytes]] = {}
        #: pod uid -> the containers with a filesystem in ``_fs`` (so that forgetting a pod costs its
        #: own entries, not a scan of every pod's)
        self._fs_names: dict[str, set[str]] = {}
        #: (kind, namespace, name) of a ConfigMap/Secret -> the uids of the pods whose volumes project it
        self._mounted_by: dict[Key, set[str]] = {}
        #: (kind, namespace, name) -> (resourceVersion, its keys' bytes): decoded once, shared by the pods
        self._decoded: dict[Key, tuple[Any, dict[str, bytes]]] = {}

    # -- the control loop: pod syncs that have something to write -----------------------------------
    def on_event(self, event: WatchEvent) -> None:
        kind = event.obj["kind"]
        if kind != "Pod":
            if event.type == "DELETED":
                self._decoded.pop(event.key, None)
            uids = self._mounted_by.get(event.key)
            if uids:
                now = self.clock.now()
                for uid in sorted(uids):
                    pv = self._pods.get(uid)
                    if pv is not None:
                        self._wake(pv, self._sync_from(pv, now))
            return
        uid = self._by_key.get(event.key)
        if uid is None:
            return
        if event.type == "DELETED":
            self.enqueue(event.key)
            return
        pv = self._pods.get(uid)
        if pv is not None and pv.meta_seen is not None and event.obj["metadata"].get("uid") == uid:
            meta = event.obj["metadata"]
            seen = (meta.get("labels"), meta.get("annotations"))
            if seen != pv.meta_seen:
                pv.meta_seen = seen
                self._wake(pv, self._sync_from(pv, self.clock.now()))

    def reconcile(self, key: Key) -> None:
        uid = self._by_key.get(key)
        if uid is None:
            return
        pod = self.store.peek(*key)
        if pod is None or pod["metadata"].get("uid") != uid:
            self.forget(uid)
            return
        pv = self._pods[uid]
        if not pv.armed:
            return
        now = self.clock.now()
        while pv.next_sync <= now:  # this sync, and the ones before it that had nothing to do
            pv.syncs += 1
            pv.next_sync += self._period(pv.uid, pv.syncs)
        self._refresh(pod, pv)
        self._wake_for_tokens(pv)

    def _period(self, uid: str, n: int) -> float:
        """The pause before the pod's ``n``-th periodic sync (syncFrequency plus its jitter)."""
        # _hash(uid, n) written out: a pod's start walks ~40 of these to its token's renewal
        h = int.from_bytes(hashlib.sha256(f"{uid}:{n}".encode()).digest()[:8], "big")
        return SYNC_PERIOD * (1 + SYNC_JITTER * (h % 1000) / 1000)

    def _sync_from(self, pv: PodVolumes, t: float) -> float:
        """The first of the pod's periodic sync instants at or after ``t`` (the instants already past
        are dropped for good: at most one step per period the pod has lived, as the old eager syncs)."""
        now = self.clock.now()
        while pv.next_sync < now:
            pv.syncs += 1
            pv.next_sync += self._period(pv.uid, pv.syncs)
        when, n = pv.next_sync, pv.syncs
        while when < t:
            n += 1
            when += self._period(pv.uid, n)
        return when

    def _wake(self, pv: PodVolumes, when: float) -> None:
        """Sync the pod at ``when`` (one of its periodic instants), unless a sync is due before."""
        timer = pv.timer
        if timer is not None and not timer.cancelled:
            if timer.when <= when:
                return
            timer.cancel()
        key = pv.key

        def fire() -> None:
            pv.timer = None
            self.enqueue(key)

        pv.timer = self.clock.call_at(when, fire)

    def _wake_for_tokens(self, pv: PodVolumes) -> None:
        if pv.token_due:
            self._wake(pv, self._sync_from(pv, min(pv.token_due.values())))

    def _arm(self, pod: Obj, pv: PodVolumes) -> None:
        """At the pod's first container start: its periodic sync instants begin, its sources are
        indexed, its tokens' renewals scheduled."""
        if pv.armed:
            return
        vols = (pod.get("spec") or {}).get("volumes") or []
        if not any(k in v for v in vols for k in ATOMIC_KINDS):
            return
        pv.armed = True
        pv.next_sync = self.clock.now() + self._period(pv.uid, 0)
        ns = pod["metadata"].get("namespace") or "default"
        sources: list[Key] = []
        shows_meta = False
        for vol in vols:
            srcs = (vol.get("projected") or {}).get("sources") or [] if "projected" in vol else [vol]
            for src in srcs:
                if "configMap" in src:
                    sources.append(("ConfigMap", ns, (src["configMap"] or {}).get("name", "")))
                elif "secret" in src:
                    sec = src["secret"] or {}
                    sources.append(("Secret", ns, sec.get("secretName", sec.get("name", ""))))
                elif "downwardAPI" in src:
                    shows_meta = shows_meta or any(
                        str((it.get("fieldRef") or {}).get("fieldPath", "")).startswith(
                            ("metadata.labels", "metadata.annotations"))
                        for it in (src["downwardAPI"] or {}).get("items") or [])
        pv.sources = tuple(dict.fromkeys(sources))
        for k in pv.sources:
            self._mounted_by.setdefault(k, set()).add(pv.uid)
        if shows_meta:
            meta = pod["metadata"]
            pv.meta_seen = (meta.get("labels"), meta.get("annotations"))
        self._wake_for_tokens(pv)

    def forget(self, pod_uid: str) -> None:
        """The pod is gone: its volumes (not its PVs' data, nor the node's files) go with it."""
        pv = self._pods.pop(pod_uid, None)
        if pv is not None:
            if self._by_key.get(pv.key) == pod_uid:
                del self._by_key[pv.key]
            if pv.timer is not None:
                pv.timer.cancel()
            for k in pv.sources:
                uids = self._mounted_by.get(k)
                if uids is not None:
                    uids.discard(pod_uid)
                    if not uids:
                        del self._mounted_by[k]
            for aud, seconds in pv.token_due:
                self._tokens.pop((pod_uid, aud, seconds), None)
        for container in self._fs_names.pop(pod_uid, ()):
            self._fs.pop((pod_uid, container), None)

    # -- trees that outlive pods ---------------------------------------------------------------------
    def node_tree(self, node: str) -> Tree:
        """The node's own filesystem (what hostPath volumes and hostPath PVs see)."""
        tree = self._nodes.get(node)
        if tree is None:
            tree = self._nodes[node] = Tree(fstype="ext4", source="/dev/sda1", size=self._disk(node),
                                            base_used=DISK_USED)
            for d in ("bin", "boot", "etc", "home", "mnt", "opt", "root", "run", "srv", "tmp", "usr", "var/lib",
                      "var/log", "var/lib/kubelet"):
                tree.makedirs(split(d), now=0.0)
            tree.write_file("/etc/hostname", node + "\n")
        return tree

    def volume_tree(self, pv_name: str, node: str | None = None) -> Tree:
        """A PersistentVolume's data. hostPath and local PVs keep theirs on a node (``node``): for a
        hostPath PV that is the node's own tree (the data under ``spec.hostPath.path``)."""
        pv = self.store.peek("PersistentVolume", "", pv_name) or {}
        spec = pv.get("spec") or {}
        if "hostPath" in spec and node:
            return self.node_tree(node)
        key = (pv_name, node or "" if "local" in spec else "")
        tree = self._pv.get(key)
        if tree is None:
            size = _quantity_bytes((spec.get("capacity") or {}).get("storage", "")) or 10 * GiB
            tree = self._pv[key] = Tree(fstype="ext4", source="/dev/sda1" if "local" in spec else "/dev/sdb",
                                        size=size)
        return tree

    def _node_obj(self, node: str) -> Obj:
        return self.store.peek("Node", "", node) or {}

    def _disk(self, node: str) -> int:
        cap = (self._node_obj(node).get("status") or {}).get("capacity") or {}
        return _quantity_bytes(cap.get("ephemeral-storage", "")) or DEFAULT_DISK

    def _memory(self, node: str) -> int:
        cap = (self._node_obj(node).get("status") or {}).get("capacity") or {}
        return _quantity_bytes(cap.get("memory", "")) or DEFAULT_MEMORY

    # -- can the volumes be set up? ------------------------------------------------------------------
    def mount_error(self, pod: Obj) -> tuple[str, str] | None:
        """(reason, message) of the kubelet's FailedMount event, or None when every volume can be
        set up."""
        for vol in (pod.get("spec") or {}).get("volumes") or []:
            try:
                self._check(pod, vol)
            except MountError as e:
                return "FailedMount", str(e)
        return None

    def _check(self, pod: Obj, vol: dict) -> None:
        name = vol.get("name", "")
        ns = pod["metadata"].get("namespace") or "default"
        failed = f'MountVolume.SetUp failed for volume "{name}" : '
        if "configMap" in vol or "secret" in vol:
            self._source_payload(ns, vol, failed)
        elif "projected" in vol:
            for src in (vol["projected"] or {}).get("sources") or []:
                if "configMap" in src or "secret" in src:
                    self._source_payload(ns, src, failed)
        elif "hostPath" in vol:
            node = (pod.get("spec") or {}).get("nodeName") or ""
            self._host_path_check(node, vol["hostPath"] or {}, failed, create=False)
        elif "persistentVolumeClaim" in vol:
            claim = (vol["persistentVolumeClaim"] or {}).get("claimName", "")
            pvc = self.store.peek("PersistentVolumeClaim", ns, claim)
            if pvc is None:
                raise MountError(f'Unable to attach or mount volumes: unmounted volumes=[{name}], unattached '
                                 f'volumes=[{name}]: error processing PVC {ns}/{claim}: persistentvolumeclaim '
                                 f'"{claim}" not found')
            if (pvc.get("status") or {}).get("phase") != "Bound" or not (pvc.get("spec") or {}).get("volumeName"):
                raise MountError(f'Unable to attach or mount volumes: unmounted volumes=[{name}], unattached '
                                 f'volumes=[{name}]: error processing PVC {ns}/{claim}: PVC is not bound')

    def _source_payload(self, ns: str, vol: dict, failed: str) -> dict[str, tuple[bytes, int]] | None:
        """The files a configMap/secret source projects (path -> (data, mode)); None for an absent
        optional one; raises MountError as the kubelet's plugins word it."""
        if "configMap" in vol:
            src, kind, word = vol["configMap"] or {}, "ConfigMap", "configmap"
            obj_name = src.get("name", "")
        else:
            src, kind, word = vol["secret"] or {}, "Secret", "secret"
            obj_name = src.get("secretName", src.get("name", ""))
        obj = self.store.peek(kind, ns, obj_name)
        optional = bool(src.get("optional"))
        if obj is None:
            if optional:
                return None
            raise MountError(f'{failed}{word} "{obj_name}" not found')
        data = self._source_data(kind, obj)
        default = src.get("defaultMode")
        default = 0o644 if default is None else int(default)
        out: dict[str, tuple[bytes, int]] = {}
        items = src.get("items")
        if items:
            for it in items:
                k = it.get("key", "")
                if k not in data:
                    if optional:
                        continue
                    what = "configmap references non-existent config key" if kind == "ConfigMap" else \
                        "references non-existent secret key"
                    raise MountError(f"{failed}{what}: {k}")
                mode = it.get("mode")
                out[it.get("path") or k] = (data[k], default if mode is None else int(mode))
        else:
            for k, v in data.items():
                out[k] = (v, default)
        return out

    def _source_data(self, kind: str, obj: Obj) -> dict[str, bytes]:
        """A ConfigMap's or Secret's keys as the bytes the files hold, decoded once per resourceVersion
        and shared by every pod that projects it (never mutated)."""
        meta = obj["metadata"]
        key: Key = (kind, meta.get("namespace") or "", meta.get("name") or "")
        rv = meta.get("resourceVersion")
        hit = self._decoded.get(key)
        if hit is not None and hit[0] == rv and rv is not None:
            return hit[1]
        data: dict[str, bytes] = {}
        if kind == "ConfigMap":
            for k, v in (obj.get("data") or {}).items():
                data[k] = str(v).encode()
            for k, v in (obj.get("binaryData") or {}).items():
                data[k] = _b64(v)
        else:
            for k, v in (obj.get("data") or {}).items():
                data[k] = _b64(v)
        self._decoded[key] = (rv, data)
        return data

    def _host_path_check(self, node: str, hp: dict, failed: str, *, create: bool) -> None:
        path = hp.get("path", "")
        kind = hp.get("type") or ""
        tree = self.node_tree(node)
        n = tree.node(split(path))
        while isinstance(n, Link):  # the node's own symlinks (/var/run -> /run …)
            target = n.target if n.target.startswith("/") else "/".join(split(path)[:-1] + [n.target])
            n = tree.node(split(target))
        if kind == "DirectoryOrCreate" and n is None:
            if create:
                tree.makedirs(split(path), now=self.clock.now())
            return
        if kind == "FileOrCreate" and n is None:
            if create:
                tree.write_file(path, b"", now=self.clock.now())
            return
        checks = {"Directory": (Dir, "a directory"), "File": (File, "a file"),
                  "DirectoryOrCreate": (Dir, "a directory"), "FileOrCreate": (File, "a file")}
        if kind in checks:
            cls, what = checks[kind]
            if not isinstance(n, cls):
                raise MountError(f"{failed}hostPath type check failed: {path} is not {what}")
        elif kind in ("Socket", "CharDevice", "BlockDevice"):
            what = {"Socket": "a socket file", "CharDevice": "a character device", "BlockDevice": "a block device"}
            raise MountError(f"{failed}hostPath type check failed: {path} is not {what[kind]}")
        elif n is None and create:
            # type "" (no check): the runtime creates a missing directory to bind-mount it
            tree.makedirs(split(path), now=self.clock.now())

    # -- setting volumes up --------------------------------------------------------------------------
    def _state(self, pod: Obj) -> PodVolumes:
        meta = pod["metadata"]
        uid = meta.get("uid", "")
        pv = self._pods.get(uid)
        if pv is None:
            key: Key = ("Pod", meta.get("namespace") or "", meta["name"])
            node = (pod.get("spec") or {}).get("nodeName") or ""
            etc = Tree(fstype="ext4", source="/dev/sda1", size=self._disk(node) if node else DEFAULT_DISK,
                       base_used=DISK_USED)
            pv = self._pods[uid] = PodVolumes(uid, key, node, etc)
            old = self._by_key.get(key)
            if old is not None and old != uid:
                self.forget(old)
            self._by_key[key] = uid
        return pv

    def _volume(self, pod: Obj, pv: PodVolumes, vol: dict,
                unwritten: list[tuple[dict, Tree]] | None = None) -> tuple[Tree, tuple[str, ...]]:
        """The tree a volume's mounts come from and where inside it. A new atomic-writer volume's
        files are written now, or left to the caller in ``unwritten`` when it passes one."""
        name = vol.get("name", "")
        if "hostPath" in vol:
            hp = vol["hostPath"] or {}
            self._host_path_check(pv.node, hp, "", create=True)
            return self.node_tree(pv.node), tuple(split(hp.get("path", "")))
        if "persistentVolumeClaim" in vol:
            ns = pod["metadata"].get("namespace") or "default"
            claim = (vol["persistentVolumeClaim"] or {}).get("claimName", "")
            pvc = self.store.peek("PersistentVolumeClaim", ns, claim) or {}
            pv_name = (pvc.get("spec") or {}).get("volumeName") or ""
            pv_obj = self.store.peek("PersistentVolume", "", pv_name) or {}
            pv_spec = pv_obj.get("spec") or {}
            tree = self.volume_tree(pv_name, pv.node)
            if "hostPath" in pv_spec:
                path = (pv_spec["hostPath"] or {}).get("path", "")
                if tree.node(split(path)) is None:
                    tree.makedirs(split(path), now=self.clock.now())
                return tree, tuple(split(path))
            return tree, ()
        tree = pv.trees.get(name)
        if tree is None:
            if "emptyDir" in vol:
                ed = vol["emptyDir"] or {}
                memory = ed.get("medium") == "Memory"
                limit = _quantity_bytes(ed["sizeLimit"]) if ed.get("sizeLimit") else None
                if memory:
                    tree = Tree(fstype="tmpfs", source="tmpfs", size=limit or self._memory(pv.node))
                else:
                    tree = Tree(fstype="ext4", source="/dev/sda1", size=self._disk(pv.node), base_used=DISK_USED)
                tree.root.mode = 0o1777 if memory else 0o777
            else:
                memory = "secret" in vol or "projected" in vol
                tree = Tree(fstype="tmpfs" if memory else "ext4", source="tmpfs" if memory else "/dev/sda1",
                            size=self._memory(pv.node) if memory else self._disk(pv.node),
                            base_used=0 if memory else DISK_USED)
                tree.root.mode = 0o1777 if memory else 0o777
            pv.trees[name] = tree
            if any(k in vol for k in ATOMIC_KINDS):
                if unwritten is not None:
                    unwritten.append((vol, tree))
                else:
                    self._write_atomic(pod, pv, vol, tree)
        return tree, ()

    def _payload(self, pod: Obj, vol: dict) -> dict[str, tuple[bytes, int]]:
        ns = pod["metadata"].get("namespace") or "default"
        if "configMap" in vol or "secret" in vol:
            return self._source_payload(ns, vol, "") or {}
        if "downwardAPI" in vol:
            src = vol["downwardAPI"] or {}
            return self._downward(pod, src.get("items") or [], src.get("defaultMode"))
        out: dict[str, tuple[bytes, int]] = {}
        proj = vol.get("projected") or {}
        default = proj.get("defaultMode")
        default = 0o644 if default is None else int(default)
        for src in proj.get("sources") or []:
            if "serviceAccountToken" in src:
                sat = src["serviceAccountToken"] or {}
                out[sat.get("path") or "token"] = (self._token(pod, sat), default)
            elif "downwardAPI" in src:
                out.update(self._downward(pod, (src["downwardAPI"] or {}).get("items") or [], default))
            elif "configMap" in src or "secret" in src:
                inner = dict(src)
                key = "configMap" if "configMap" in src else "secret"
                inner[key] = dict(src[key] or {}, defaultMode=default)
                if key == "secret":
                    inner[key].setdefault("secretName", inner[key].get("name", ""))
                out.update(self._source_payload(ns, inner, "") or {})
        return out

    def _downward(self, pod: Obj, items: list[dict], default_mode: object) -> dict[str, tuple[bytes, int]]:
        from .golang import quote

        meta, spec = pod["metadata"], pod.get("spec") or {}
        default = 0o644 if default_mode is None else int(default_mode)  # type: ignore[call-overload]
        out: dict[str, tuple[bytes, int]] = {}
        for it in items:
            mode = it.get("mode")
            text = ""
            if "fieldRef" in it:
                path = (it["fieldRef"] or {}).get("fieldPath", "")
                if path in ("metadata.labels", "metadata.annotations"):
                    m = meta.get(path.split(".")[1]) or {}
                    text = "\n".join(f"{k}={quote(str(m[k]))}" for k in sorted(m))
                elif path.startswith(("metadata.labels[", "metadata.annotations[")):
                    which, _, rest = path[len("metadata."):].partition("[")
                    text = str((meta.get(which) or {}).get(rest.rstrip("]").strip("'\""), ""))
                else:
                    status = pod.get("status") or {}
                    text = str({"metadata.name": meta.get("name"), "metadata.namespace": meta.get("namespace"),
                                "metadata.uid": meta.get("uid"), "spec.nodeName": spec.get("nodeName"),
                                "spec.serviceAccountName": spec.get("serviceAccountName"),
                                "status.podIP": status.get("podIP"), "status.hostIP": status.get("hostIP"),
                                }.get(path) or "")
            elif "resourceFieldRef" in it:
                text = self._resource(pod, it["resourceFieldRef"] or {})
            out[it.get("path", "")] = (text.encode(), default if mode is None else int(mode))
        return out

    def _resource(self, pod: Obj, ref: dict) -> str:
        """A container's request/limit in units of ``divisor``, rounded up (resource.ExtractResourceValueByContainerName;
        an unset limit is the node's allocatable)."""
        spec = pod.get("spec") or {}
        cname = ref.get("containerName") or ((spec.get("containers") or [{}])[0].get("name"))
        container = next((c for c in spec.get("containers") or [] if c.get("name") == cname), {})
        kind, _, what = (ref.get("resource") or "").partition(".")
        value = ((container.get("resources") or {}).get(kind) or {}).get(what)
        if value is None:
            alloc = (self._node_obj(spec.get("nodeName") or "").get("status") or {}).get("allocatable") or {}
            value = alloc.get(what, "0") if kind == "limits" else "0"
        from .quantity import Quantity

        try:
            amount = Quantity.parse(str(value)).as_decimal()
            divisor = Quantity.parse(str(ref.get("divisor") or "1")).as_decimal()
        except (ValueError, ArithmeticError):
            return "0"
        if divisor == 0:
            divisor = Decimal(1)
        return str(int((amount / divisor).to_integral_value(rounding=ROUND_CEILING)))

    def _token(self, pod: Obj, sat: dict) -> bytes:
        """A bound service account token, JWT-shaped, as the kubelet's TokenRequest gets it. The
        kubelet's token manager keeps a token until 80 % of its lifetime (at most 24 h) has passed
        (``requiresRefresh``), so a pod's sync reuses it until then."""
        meta = pod["metadata"]
        seconds = int(sat.get("expirationSeconds") or 3607)
        uid, aud = meta.get("uid") or "", sat.get("audience") or ""
        key = (uid, aud, seconds)
        cached = self._tokens.get(key)
        now = int(self.clock.now())
        if cached is not None and now < cached[0] + min(0.8 * seconds, 86400):
            return cached[1]
        token = self._issue_token(pod, sat, now, seconds).encode()
        self._tokens[key] = (now, token)
        pv = self._pods.get(uid)
        if pv is not None:
            pv.token_due[(aud, seconds)] = now + min(0.8 * seconds, 86400)
        return token

    def _issue_token(self, pod: Obj, sat: dict, now: int, seconds: int) -> str:
        from .tokens import ISSUER, key_id

        meta, spec = pod["metadata"], pod.get("spec") or {}
        ns, sa = meta.get("namespace") or "default", spec.get("serviceAccountName") or "default"
        node = self._node_obj(spec.get("nodeName") or "")
        account = self.store.peek("ServiceAccount", ns, sa) or {"metadata": {}}
        claims = {"aud": [sat["audience"]] if sat.get("audience") else [ISSUER], "exp": now + seconds, "iat": now,
                  "iss": ISSUER, "jti": f"{_hash(meta.get('uid'), 'jti'):016x}",
                  "kubernetes.io": {"namespace": ns,
                                    "node": {"name": spec.get("nodeName") or "",
                                             "uid": (node.get("metadata") or {}).get("uid", "")},
                                    "pod": {"name": meta.get("name"), "uid": meta.get("uid")},
                                    "serviceaccount": {"name": sa, "uid": account["metadata"].get("uid", "")},
                                    "warnafter": now + 3600},
                  "nbf": now, "sub": f"system:serviceaccount:{ns}:{sa}"}

        def b64(b: bytes) -> str:
            return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

        sig = b"".join(hashlib.sha256(f"{meta.get('uid')}:{now}:{i}".encode()).digest() for i in range(8))
        return ".".join((_jwt_header(key_id(self)), b64(_COMPACT_JSON.encode(claims).encode()), b64(sig)))

    def _write_atomic(self, pod: Obj, pv: PodVolumes, vol: dict, tree: Tree) -> None:
        """AtomicWriter.Write: a new ``..<timestamp>`` directory with the payload, ``..data``
        pointed at it, the user-visible links made (and the stale ones removed), the old
        directory removed. Nothing happens when the payload is unchanged."""
        name = vol.get("name", "")
        try:
            payload = self._payload(pod, vol)
        except MountError:
            return  # the source went away: the kubelet keeps the last contents
        old = pv.payloads.get(name)
        if old == payload:
            return
        now = self.clock.now()
        pv.writes += 1
        stamp = datetime.fromtimestamp(now, UTC).strftime("%Y_%m_%d_%H_%M_%S")
        ts_dir = f"..{stamp}.{_hash(pv.uid, name, pv.writes) % 4_294_967_295}"
        root = tree.mutable_dir([], "/")
        previous = root.entries.get("..data")
        tree.put(ts_dir, Dir(mode=0o755, mtime=now, owner=tree), now=now)
        for path, (data, mode) in sorted(payload.items()):
            parts = split(path)
            tree.makedirs([ts_dir] + parts[:-1], now=now)
            tree.put("/".join([ts_dir] + parts), File(data, mode, now), now=now)
        root = tree.mutable_dir([], "/")
        root.entries["..data"] = Link(ts_dir, now)
        top = {split(p)[0] for p in payload}
        old_top = {split(p)[0] for p in old or {}}
        for t in sorted(top - old_top):
            root.entries[t] = Link(f"..data/{t}", now)
        for t in old_top - top:
            root.entries.pop(t, None)
        if isinstance(previous, Link):
            root.entries.pop(previous.target, None)
        root.mtime = now
        pv.payloads[name] = payload

    def _refresh(self, pod: Obj, pv: PodVolumes) -> None:
        self._fill(pv)  # what the container start wrote comes first
        for vol in (pod.get("spec") or {}).get("volumes") or []:
            tree = pv.trees.get(vol.get("name", ""))
            if tree is not None and any(k in vol for k in ATOMIC_KINDS):
                self._write_atomic(pod, pv, vol, tree)

    # -- a container's filesystem ---------------------------------------------------------------------
    def container_fs(self, pod: Obj, container_spec: dict, node: str | None = None, image: Any = None) -> FileSystem:
        """A fresh filesystem for a container that is starting: the image's files (copy-on-write)
        with the pod's volumes mounted. Remembered as the running instance's (``fs``)."""
        fs = self._build(pod, container_spec, node, image)
        uid, name = pod["metadata"].get("uid", ""), container_spec.get("name", "")
        self._fs[(uid, name)] = (fs, None)
        self._fs_names.setdefault(uid, set()).add(name)
        return fs

    def fs(self, pod_uid: str, container_name: str) -> FileSystem | None:
        """The running container instance's filesystem (None before it started)."""
        entry = self._fs.get((pod_uid, container_name))
        if entry is None:
            return None
        fs, instance = entry
        if instance is not None and self.cluster.runtime.get(pod_uid, container_name) is not instance:
            return None  # made on demand for an instance that has since been replaced
        return fs

    def ensure_fs(self, pod: Obj, container_name: str) -> FileSystem:
        """The container's filesystem, made on demand when the kubelet has not made one at its
        start (tied to the runtime's current instance, so a restart still starts afresh)."""
        uid = pod["metadata"].get("uid", "")
        fs = self.fs(uid, container_name)
        if fs is not None:
            return fs
        spec = _container(pod, container_name) or {"name": container_name}
        fs = self._build(pod, spec, None, None)
        self._fs[(uid, container_name)] = (fs, self.cluster.runtime.get(uid, container_name) or object())
        self._fs_names.setdefault(uid, set()).add(container_name)
        return fs

    def _build(self, pod: Obj, container_spec: dict, node: str | None, image: Any) -> FileSystem:
        from .registry import normalize, split_ref

        land = None
        if image is not None and hasattr(image, "repository"):
            repo, tag, land = image.repository, image.tag, getattr(image, "userland", None)
        else:
            ref = normalize(str(image or container_spec.get("image") or "busybox"))
            repo, tag = split_ref(ref)
            known = self.cluster.registry.resolve(ref)
            land = getattr(known, "userland", None) if known is not None else None
        pv = self._state(pod)
        if node:
            pv.node = node
        now = self.clock.now
        disk = self._disk(pv.node) if pv.node else DEFAULT_DISK
        root = Tree.overlay(image_tree(repo, tag, land), fstype="overlay", source="overlay", size=disk,
                            base_used=DISK_USED)
        fs = _VolumesFileSystem(root, clock=now, fill=lambda: self._fill(pv))
        first = [Mount(path, tree, read_only=ro) for path, tree, ro in _pseudo_filesystems()]
        mounts: list[Mount] = []
        #: whether every mount point will lie in this container's own trees (its root, its /dev),
        #: where nobody else can tell when it was made: then the mounts are made on first use
        private = True
        spec = pod.get("spec") or {}
        vols = {v.get("name"): v for v in spec.get("volumes") or []}
        volume_mounts = container_spec.get("volumeMounts") or []
        #: new atomic-writer volumes: written when the files are first used, unless a subPath
        #: into one is bind-mounted now (then everything is done now, as it always was)
        unwritten: list[tuple[dict, Tree]] | None = None if any(vm.get("subPath") for vm in volume_mounts) else []
        for vm in volume_mounts:
            vol = vols.get(vm.get("name"))
            if vol is None:
                continue
            try:
                tree, sub = self._volume(pod, pv, vol, unwritten)
            except (FsError, MountError):
                continue
            atomic = any(k in vol for k in ATOMIC_KINDS)
            ro = bool(vm.get("readOnly")) or atomic
            sub_path = vm.get("subPath") or ""
            if sub_path:
                if atomic:
                    tree, sub = _snapshot(tree, sub_path)
                else:
                    private = False  # a directory or file of a shared volume: mounted now, as it is now
                    sub = sub + tuple(split(sub_path))
                    if tree.node(sub) is None:  # the kubelet creates a missing subPath as a directory
                        try:
                            tree.makedirs(list(sub), now=now())
                        except FsError:
                            pass
            mounts.append(Mount(vm.get("mountPath", ""), tree, sub, read_only=ro))
        etc = pv.etc
        self._etc_files(pod, pv)
        cname = container_spec.get("name", "")
        log = f"termination-log-{cname}"
        etc.write_file(log, b"", mode=0o666, now=now())
        mounts.append(Mount("/etc/hosts", etc, ("etc-hosts",)))
        mounts.append(Mount("/dev/termination-log", etc, (log,)))
        mounts.append(Mount("/etc/hostname", etc, ("hostname",)))
        mounts.append(Mount("/etc/resolv.conf", etc, ("resolv.conf",)))
        shm = Tree(fstype="tmpfs", source="shm", size=SHM_SIZE)
        mounts.append(Mount("/dev/shm", shm))
        # the OCI spec's mounts are sorted by depth (containerd's sortMounts: a stable sort)
        ordered = first + sorted(mounts, key=lambda m: len(split(m.path)))
        if private and not _nested(mounts):
            if unwritten:
                self._defer_writes(pod, pv, unwritten)
            fs.defer(ordered, now())
        else:
            self._fill(pv)
            for vol, tree in unwritten or ():
                self._write_atomic(pod, pv, vol, tree)
            for m in ordered:
                fs.mount(m)
        self._arm(pod, pv)
        return fs

    # -- atomic-writer volumes written on first use ------------------------------------------------
    def _defer_writes(self, pod: Obj, pv: PodVolumes, unwritten: list[tuple[dict, Tree]]) -> None:
        """Leave the new volumes' files to ``_fill``: keep the objects their payloads read (stored
        objects never change: the references are the snapshot) and book the tokens' renewals now,
        as issuing them would (``_arm`` times the pod's syncs by them)."""
        at = self.clock.now()
        meta, spec = pod["metadata"], pod.get("spec") or {}
        ns = meta.get("namespace") or "default"
        uid = meta.get("uid") or ""
        keys: list[Key] = [("Node", "", spec.get("nodeName") or ""),
                           ("ServiceAccount", ns, spec.get("serviceAccountName") or "default"),
                           ("Namespace", "", "kube-system")]
        for vol, _tree in unwritten:
            projected = "projected" in vol
            srcs = (vol.get("projected") or {}).get("sources") or [] if projected else [vol]
            #: a projected configMap/secret source that cannot be read stops the payload there
            #: (MountError): the tokens after it are not issued, so not booked either
            readable = True
            for src in srcs:
                if "configMap" in src or "secret" in src:
                    if "configMap" in src:
                        keys.append(("ConfigMap", ns, (src["configMap"] or {}).get("name", "")))
                    else:
                        sec = src["secret"] or {}
                        keys.append(("Secret", ns, sec.get("secretName", sec.get("name", ""))))
                    if projected and readable:
                        readable = self._projected_readable(ns, vol, src)
                elif "serviceAccountToken" in src and readable:
                    sat = src["serviceAccountToken"] or {}
                    seconds = int(sat.get("expirationSeconds") or 3607)
                    aud = sat.get("audience") or ""
                    cached = self._tokens.get((uid, aud, seconds))
                    if cached is None or not int(at) < cached[0] + min(0.8 * seconds, 86400):
                        pv.token_due[(aud, seconds)] = int(at) + min(0.8 * seconds, 86400)
        seen = {k: self.store.peek(*k) for k in keys}
        for vol, tree in unwritten:
            pv.pending.append((pod, vol, tree, at, seen))

    def _projected_readable(self, ns: str, vol: dict, src: dict) -> bool:
        """Whether ``_payload`` gets past this configMap/secret source of a projected volume."""
        proj = vol.get("projected") or {}
        default = proj.get("defaultMode")
        key = "configMap" if "configMap" in src else "secret"
        inner = dict(src)
        inner[key] = dict(src[key] or {}, defaultMode=0o644 if default is None else int(default))
        if key == "secret":
            inner[key].setdefault("secretName", inner[key].get("name", ""))
        try:
            self._source_payload(ns, inner, "")
        except MountError:
            return False
        return True

    def _fill(self, pv: PodVolumes) -> None:
        """Write the deferred volumes' files as of their instant, from the objects as they were."""
        if not pv.pending:
            return
        pending, pv.pending = pv.pending, []
        store, clock = self.store, self.clock
        try:
            for pod, vol, tree, at, seen in pending:
                self.store = _Seen(seen, store)  # type: ignore[assignment]
                self.clock = _Instant(at)  # type: ignore[assignment]
                self._write_atomic(pod, pv, vol, tree)
        finally:
            self.store, self.clock = store, clock

    def _etc_files(self, pod: Obj, pv: PodVolumes) -> None:
        etc = pv.etc
        if etc.node(["etc-hosts"]) is not None and _has_ip_line(etc):
            return
        from .net import dns

        status = pod.get("status") or {}
        ip = status.get("podIP") or self._kubelet_ip(pv.uid)
        now = self.clock.now()
        if ip and not status.get("podIP"):  # the sandbox has its IP before the pod status says so
            pod = dict(pod, status=dict(status, podIP=ip))
        etc.write_file("etc-hosts", dns.etc_hosts(self.cluster, pod), now=now)
        etc.write_file("hostname", dns.kernel_hostname(self.cluster, pod) + "\n", now=now)
        try:
            etc.write_file("resolv.conf", dns.resolv_conf(self.cluster, pod), now=now)
        except Exception:  # noqa: BLE001 - a pod the DNS model cannot place still gets its files
            etc.write_file("resolv.conf", "", now=now)

    def _kubelet_ip(self, uid: str) -> str:
        try:
            rt = self.cluster.controller("kubelet").pods.get(uid)  # type: ignore[attr-defined]
        except KeyError:
            return ""
        return (getattr(rt, "ip", "") or "") if rt is not None else ""

    def refresh_hosts(self, pod: Obj) -> None:
        """Write the pod's hosts file again once its IP is known (the sandbox's IP comes first on a
        real node; here the pod status may trail the first container start)."""
        pv = self._pods.get(pod["metadata"].get("uid", ""))
        if pv is not None and not _has_ip_line(pv.etc):
            self._etc_files(pod, pv)


_DEV: Tree | None = None
_SHARED: list[tuple[str, Tree, bool]] = []


def _pseudo_filesystems() -> list[tuple[str, Tree, bool]]:
    """What containerd mounts in every container before the pod's mounts (the OCI default spec):
    /proc, a /dev tmpfs (a fresh copy of the device nodes each time), /dev/pts, /dev/mqueue, /sys
    and its cgroup2 — the read-only or never-written ones shared by every container."""
    global _DEV
    if _DEV is None:
        dev = Tree(fstype="tmpfs", source="tmpfs", size=64 << 20)
        for name in ("null", "zero", "random", "urandom", "full", "tty"):
            dev.write_file(name, b"", mode=0o666)
        for link, target in (("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2"),
                             ("stdin", "/proc/self/fd/0"), ("fd", "/proc/self/fd")):
            dev.put(link, Link(target))
        for d in ("shm", "pts", "mqueue"):
            dev.makedirs([d])
        _freeze_tree(dev.root)
        sys_tree = Tree(fstype="sysfs", source="sysfs")
        sys_tree.makedirs(["fs", "cgroup"])
        sys_tree.read_only = True
        _SHARED.extend([("/proc", Tree(fstype="proc", source="proc", read_only=True), False),
                        ("/dev/pts", Tree(fstype="devpts", source="devpts", read_only=True), False),
                        ("/dev/mqueue", Tree(fstype="mqueue", source="mqueue", read_only=True), False),
                        ("/sys", sys_tree, True),
                        ("/sys/fs/cgroup", Tree(fstype="cgroup2", source="cgroup", read_only=True), True)])
        _DEV = dev
    dev_view = Tree.overlay(_DEV, fstype="tmpfs", source="tmpfs", size=64 << 20)
    return [_SHARED[0], ("/dev", dev_view, False), *_SHARED[1:]]


class _VolumesFileSystem(FileSystem):
    """A container's view whose pod may have volume files still to write (``VolumeManager._fill``):
    they are written before its deferred mounts are made, i.e. before anything reads it."""

    def __init__(self, root: Tree, *, clock: Any, fill: Any) -> None:
        super().__init__(root, clock=clock)
        self._fill = fill

    def _settle(self) -> None:
        if self._pending is not None:
            self._fill()
        super()._settle()


class _Seen:
    """The store as a deferred write's payload reads it: the objects kept at its instant."""

    __slots__ = ("seen", "store")

    def __init__(self, seen: dict[Key, Obj | None], store: Any) -> None:
        self.seen, self.store = seen, store

    def peek(self, kind: str, namespace: str, name: str) -> Obj | None:
        key = (kind, namespace or "", name)
        return self.seen[key] if key in self.seen else self.store.peek(kind, namespace, name)


class _Instant:
    """The clock of a deferred write: its instant."""

    __slots__ = ("at",)

    def __init__(self, at: float) -> None:
        self.at = at

    def now(self) -> float:
        return self.at


def _nested(mounts: list[Mount]) -> bool:
    """Whether a mount point lies inside another of these mounts (then it is made in that volume,
    which the pod's other containers see at once)."""
    paths = {tuple(split(m.path)) for m in mounts}
    return any(p[:n] in paths for p in paths for n in range(1, len(p)))


def _freeze_tree(d: Dir) -> None:
    d.owner = None
    for e in d.entries.values():
        if isinstance(e, Dir):
            _freeze_tree(e)


def _has_ip_line(etc: Tree) -> bool:
    node = etc.node(["etc-hosts"])
    return isinstance(node, File) and node.data.count(b"\n") > 7


def _container(pod: Obj, name: str) -> dict | None:
    spec = pod.get("spec") or {}
    for key in ("containers", "initContainers", "ephemeralContainers"):
        for c in spec.get(key) or []:
            if c.get("name") == name:
                return c
    return None


def _snapshot(tree: Tree, sub_path: str) -> tuple[Tree, tuple[str, ...]]:
    """A subPath into an atomic-writer volume: the node the path resolves to now (following the
    volume's ``key -> ..data/key`` links), bind-mounted as it is: later writes to the volume make
    new nodes, so this one never changes."""
    node = tree.follow(split(sub_path))
    snap = Tree(fstype=tree.fstype, source=tree.source, size=tree.size, read_only=True)
    if node is None:
        node = Dir()
    snap.root.entries["x"] = node
    return snap, ("x",)


def _b64(value: object) -> bytes:
    try:
        return base64.b64decode(str(value))
    except (ValueError, TypeError):
        return str(value).encode()


def _container_view(cluster: Cluster, pod_uid: str, container: str) -> FileSystem | None:
    try:
        vm = cluster.controller("volume-manager")
    except KeyError:
        return None
    return vm.fs(pod_uid, container) if isinstance(vm, VolumeManager) else None


def serve_file(cluster: Cluster, pod_uid: str, container: str, path: str) -> bytes | None:
    """The bytes of ``path`` in a running container's filesystem (what its web server would send:
    nginx's ``/usr/share/nginx/html/index.html`` as that container has it now), or None when the
    container has no filesystem here or the path is not a readable file."""
    fs = _container_view(cluster, pod_uid, container)
    if fs is None:
        return None
    try:
        return fs.read(path)
    except FsError:
        return None


def serve_url(cluster: Cluster, pod_uid: str, container: str, root: str, url_path: str,
              index: tuple[str, ...] = ("index.html", "index.htm")) -> bytes | None:
    """What a static web server rooted at ``root`` sends for ``url_path`` from the container's
    files (nginx's ``root /usr/share/nginx/html; index index.html index.htm;``, httpd's
    ``DocumentRoot``): the file, or a directory's first index file; None for a 404."""
    path = url_path.split("?", 1)[0].split("#", 1)[0] or "/"
    full = root.rstrip("/") + "/" + path.lstrip("/")
    body = serve_file(cluster, pod_uid, container, full)
    if body is not None:
        return body
    fs = _container_view(cluster, pod_uid, container)
    if fs is None or not fs.isdir(full):
        return None
    for name in index:
        body = serve_file(cluster, pod_uid, container, full.rstrip("/") + "/" + name)
        if body is not None:
            return body
    return None
