"""The container filesystem through the real kubectl v1.32 against our API: ``exec`` (the WebSocket
exec stream) reads the volumes' files, and ``describe pod`` — the real binary's rendering of our
pod — lists the mounts; kubeplay's own terminal prints the same."""

from __future__ import annotations

import pytest

from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

pytestmark = pytest.mark.skipif(not KUBECTL, reason="no real kubectl v1.32 here")

MANIFEST = """apiVersion: v1
kind: ConfigMap
metadata: {name: special-config}
data: {SPECIAL_LEVEL: very, SPECIAL_TYPE: charm}
---
apiVersion: v1
kind: Pod
metadata: {name: cm-pod}
spec:
  containers:
  - name: c
    image: busybox
    command: [sleep, "3600"]
    volumeMounts:
    - {name: config-volume, mountPath: /etc/config}
    - {name: cache, mountPath: /cache}
  volumes:
  - {name: config-volume, configMap: {name: special-config}}
  - {name: cache, emptyDir: {}}
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        lab.kubectl("apply", "-f", "-", stdin=MANIFEST)
        lab.clock(advance=60)
        yield lab


def test_exec_reads_the_volume_files(lab):
    assert lab.kubectl("exec", "cm-pod", "--", "ls", "/etc/config").stdout == "SPECIAL_LEVEL\nSPECIAL_TYPE\n"
    assert lab.kubectl("exec", "cm-pod", "--", "cat", "/etc/config/SPECIAL_LEVEL").stdout.rstrip("\n") == "very"
    lab.kubectl("exec", "cm-pod", "--", "sh", "-c", "echo kept > /cache/f")
    assert lab.kubectl("exec", "cm-pod", "--", "cat", "/cache/f").stdout == "kept\n"
    failed = lab.kubectl("exec", "cm-pod", "--", "cat", "/etc/config/nope", check=False)
    assert failed.returncode == 1
    assert (failed.stdout + failed.stderr).startswith("cat: can't open '/etc/config/nope': No such file or directory\n")
    assert lab.engine("kubectl exec cm-pod -- cat /cache/f") == "kept\n"


def test_exec_stream_sends_the_bytes_as_written(lab):
    assert lab.kubectl("exec", "cm-pod", "--", "cat", "/etc/config/SPECIAL_LEVEL").stdout == "very"
    failed = lab.kubectl("exec", "cm-pod", "--", "cat", "/etc/config/nope", check=False)
    assert failed.stderr == ("cat: can't open '/etc/config/nope': No such file or directory\n"
                             "command terminated with exit code 1\n")


def test_describe_lists_the_mounts(lab):
    out = lab.kubectl("describe", "pod", "cm-pod").stdout
    assert "    Mounts:\n      /cache from cache (rw)\n      /etc/config from config-volume (rw)\n" in out
    assert "    Mounts:\n      /cache from cache (rw)\n      /etc/config from config-volume (rw)\n" in \
        lab.engine("kubectl describe pod cm-pod")


def test_cp_from_the_pod_with_the_real_kubectl(lab, tmp_path):
    """The real kubectl cp runs ``tar cf - PATH`` in the container over exec and unpacks the archive."""
    lab.kubectl("exec", "cm-pod", "--", "sh", "-c", "mkdir -p /cache/site/css && echo '<h1>hi</h1>' > "
                "/cache/site/index.html && echo 'body{}' > /cache/site/css/a.css")
    one = tmp_path / "level.txt"
    lab.kubectl("cp", "cm-pod:/etc/config/..data/SPECIAL_LEVEL", str(one))
    assert one.read_text() == "very"
    lab.kubectl("cp", "cm-pod:/cache/site", str(tmp_path / "site"))
    assert (tmp_path / "site" / "index.html").read_text() == "<h1>hi</h1>\n"
    assert (tmp_path / "site" / "css" / "a.css").read_text() == "body{}\n"
