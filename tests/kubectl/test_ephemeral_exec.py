"""exec, attach and the pod shell reach ephemeral containers (``kubectl debug``'s), by name, with
their own image's shell; kubectl's default-container note lists them as ``(ephem)``
(``podcmd.FindOrDefaultContainerByName``: containers, ephemeral containers, init containers)."""

from __future__ import annotations

import pytest

from server.kubectl import run
from server.shell.pod import PodShell, container_spec, container_status
from server.sim.cluster import Cluster


@pytest.fixture(scope="module")
def debugged():
    c = Cluster(seed=1)
    assert run(c, "kubectl run web --image=nginx").exit_code == 0
    c.advance(30)
    assert run(c, "kubectl debug web --image=busybox -c dbg").exit_code == 0
    c.advance(10)
    return c


def test_the_debug_container_is_found_and_running(debugged):
    pod = debugged.store.peek("Pod", "default", "web")
    assert container_spec(pod, "dbg")["image"] == "busybox"
    assert "running" in container_status(pod, "dbg")["state"]
    assert container_status(pod, "web")["name"] == "web"
    assert container_spec(pod, "nope") is None and container_status(pod, "nope") == {}


def test_exec_runs_in_the_debug_container_with_busybox(debugged):
    # the image's own tree: docker-library busybox's glibc rootfs (its libraries in /lib, /lib64)
    # plus the runtime's /proc and /sys
    out = run(debugged, "kubectl exec web -c dbg -- ls /")
    assert out.exit_code == 0 and out.output.split() == ["bin", "dev", "etc", "home", "lib", "lib64", "proc", "root",
                                                         "sys", "tmp", "usr", "var"]
    # busybox's ls words a missing file its own way; nginx's own container is Debian's coreutils
    assert run(debugged, "kubectl exec web -c dbg -- ls /nope").output == (
        "ls: /nope: No such file or directory\ncommand terminated with exit code 1\n")
    assert run(debugged, "kubectl exec web -c web -- ls /nope").output == (
        "ls: cannot access '/nope': No such file or directory\ncommand terminated with exit code 2\n")


def test_the_default_container_note_lists_ephemeral_ones(debugged):
    out = run(debugged, "kubectl exec web -- true")
    assert out.output == 'Defaulted container "web" out of: web, dbg (ephem)\n'
    assert run(debugged, "kubectl exec web -q -- true").output == ""


def test_an_interactive_shell_in_the_debug_container_is_busybox(debugged):
    opened = run(debugged, "kubectl exec -it web -c dbg -- sh")
    assert opened.exit_code == 0 and opened.attach.container == "dbg"
    pod = debugged.store.peek("Pod", "default", "web")
    shell = PodShell(debugged, pod, "dbg", shell="sh", tty=True)
    main = PodShell(debugged, pod, "web", shell="sh", tty=True)
    assert shell.busybox and not main.busybox
    assert shell.prompt == "/ # " and shell.prompt != main.prompt


def test_attach_reaches_the_debug_containers_shell(debugged):
    out = run(debugged, "kubectl attach -it web -c dbg")
    assert out.exit_code == 0 and out.attach.container == "dbg" and out.attach.main


def test_an_unknown_container_is_still_refused(debugged):
    out = run(debugged, "kubectl exec web -c nope -- ls")
    assert (out.output, out.exit_code) == ('error: unable to upgrade connection: container not found ("nope")\n', 1)
