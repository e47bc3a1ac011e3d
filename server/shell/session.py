"""Interactive sessions: the shells ``kubectl run -it`` and ``kubectl exec -it`` open in a pod.

Owns: ``Attach`` (what a kubectl command asks for: which container, which shell, whether the
shell is the container's main process and whether the pod goes with it, ``--rm``), and
``Sessions``, one per sandbox: ids (``s1``, ``s2``… — a counter, so replaying the journal gives
the same ids), each session's ``PodShell``, running a line in it, ``exit`` and what kubectl
prints when the session ends, and ending sessions whose pod or container went away.

The shell a ``kubectl run -it … sh`` attaches to *is* the container's process: ``exit`` ends it,
so the container terminates (Completed, or restarted under ``restartPolicy: Always``), and
``--rm`` then deletes the pod. An ``exec -it`` shell is a second process: ``exit`` only ends it.

Hands off: the sandbox journals every line it passes here (``server.sandbox``); the container's
exit goes to the kubelet, the pod's deletion to the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .pod import PodShell, container_status

if TYPE_CHECKING:
    from ..sim.cluster import Cluster


def reattach_note(pod: str, container: str, *, ephemeral: bool) -> str:
    """attach.go's reattachMessage: how to come back to a raw TTY session whose container goes on
    (``kubectl debug``'s note for an ephemeral container, which is never restarted)."""
    if ephemeral:
        return (f"Session ended, the ephemeral container will not be restarted but may be reattached using "
                f"'kubectl attach {pod} -c {container} -i -t' if it is still running\n")
    return f"Session ended, resume using 'kubectl attach {pod} -c {container} -i -t' command when the pod is running\n"


@dataclass(frozen=True)
class Attach:
    namespace: str
    pod: str
    container: str
    shell: str = "sh"
    tty: bool = True
    #: the shell is the container's main process (kubectl run/attach), not an exec'd one
    main: bool = False
    #: delete the pod when the session ends (kubectl run --rm)
    remove: bool = False


@dataclass
class Session:
    id: str
    attach: Attach
    shell: PodShell
    uid: str
    container_id: str

    @property
    def prompt(self) -> str:
        return self.shell.prompt

    def describe(self) -> dict:
        return {"id": self.id, "prompt": self.prompt, "pod": self.attach.pod, "namespace": self.attach.namespace,
                "container": self.attach.container}


def container_running(pod: dict, name: str) -> bool:
    """The container (a container, an init or an ephemeral one) is running."""
    return "running" in (container_status(pod, name).get("state") or {})


class Sessions:
    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self._next = 1
        self._open: dict[str, Session] = {}

    def __contains__(self, sid: str) -> bool:
        return sid in self._open

    def get(self, sid: str) -> Session | None:
        return self._open.get(sid)

    def all(self) -> list[Session]:
        return list(self._open.values())

    def open(self, attach: Attach) -> Session | None:
        pod = self.cluster.store.peek("Pod", attach.namespace, attach.pod)
        if pod is None or not container_running(pod, attach.container):
            return None
        sid = f"s{self._next}"
        self._next += 1
        shell = PodShell(self.cluster, pod, attach.container, shell=attach.shell, tty=attach.tty)
        session = Session(sid, attach, shell, pod["metadata"]["uid"],
                          container_status(pod, attach.container).get("containerID", ""))
        self._open[sid] = session
        return session

    def alive(self, session: Session) -> bool:
        pod = self.cluster.store.peek("Pod", session.attach.namespace, session.attach.pod)
        if pod is None or pod["metadata"].get("uid") != session.uid:
            return False
        cs = container_status(pod, session.attach.container)
        return "running" in (cs.get("state") or {}) and cs.get("containerID", "") == session.container_id

    def run(self, sid: str, line: str, raw: bool = True) -> dict:
        """One line typed in session ``sid``: ``{"output", "exitCode", "session"}`` where session is
        the session's description while it stays open, else None. ``raw``: the input is a terminal
        (kubectl's "Session ended" notes are only for one)."""
        session = self._open.get(sid)
        if session is None:
            return {"output": f"error: no session {sid!r} (it has ended)\n", "exitCode": 1, "session": None}
        if not self.alive(session):
            del self._open[sid]
            return {"output": "command terminated with exit code 137\n", "exitCode": 137, "session": None}
        r = session.shell.run(line)
        if not r.exited:
            return {"output": r.output, "exitCode": r.exit_code, "session": session.describe()}
        del self._open[sid]
        return {"output": r.output + self._ended(session, r.exit_code, raw), "exitCode": r.exit_code, "session": None}

    def reap(self) -> list[str]:
        """End the sessions whose pod or container went away; their ids."""
        gone = [sid for sid, s in self._open.items() if not self.alive(s)]
        for sid in gone:
            del self._open[sid]
        return gone

    # -- the end of a session ------------------------------------------------------------------
    def _ended(self, session: Session, code: int, raw: bool = True) -> str:
        a = session.attach
        if not a.main:
            return f"command terminated with exit code {code}\n" if code else ""
        self._container_exited(a, code)
        pod = self.cluster.store.peek("Pod", a.namespace, a.pod)
        text = ""
        if a.remove:
            if pod is not None:
                self.cluster.api.delete("Pod", a.namespace, a.pod)
                self.cluster.settle()
            return f'pod "{a.pod}" deleted\n'
        spec = (pod or {}).get("spec") or {}
        if any(c.get("name") == a.container for c in spec.get("ephemeralContainers") or []):
            # kubectl debug's own note: an ephemeral container is never restarted
            return reattach_note(a.pod, a.container, ephemeral=True) if raw and a.tty else ""
        policy = spec.get("restartPolicy", "Always")
        if raw and a.tty and (policy == "Always" or (policy == "OnFailure" and code != 0)):
            text = reattach_note(a.pod, a.container, ephemeral=False)
        elif code != 0:
            text = f"pod {a.namespace}/{a.pod} terminated (Error)\n"
        return text

    def _container_exited(self, a: Attach, code: int) -> None:
        """The shell was the container's process: it has exited with ``code``."""
        kubelet = self.cluster.controller("kubelet")
        rt = getattr(kubelet, "by_key", {}).get(("Pod", a.namespace, a.pod))
        c = rt.ctr(a.container) if rt is not None else None
        if c is None or c.state != "running":
            return
        # the kubelet's own exit path (as kill_container uses), with the shell's status
        kubelet._exited(rt, c, code)  # type: ignore[attr-defined]
        kubelet.enqueue(rt.key)
        self.cluster.settle()
