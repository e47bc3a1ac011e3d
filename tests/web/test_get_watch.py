"""``kubectl get -w`` in kubeplay's terminal prints what the real kubectl's watch prints.

A real server and sandbox (clock paused); a pod whose image is still pulling; the real kubectl
v1.32 watching the sandbox's pods over its API; then kubeplay's terminal runs the same ``get -w``
for a few simulated seconds (``watchSeconds``), which moves the clock for both. The rows after
the first list must be the same, columns included (kubectl's tabwriter remembers widths across
flushes) — all but AGE: the real client ages a row by its own wall clock as the event arrives,
and the whole run takes a fraction of a wall-clock second. Skipped where no kubectl is installed.
"""

from __future__ import annotations

import os
import subprocess
import threading

import pytest

from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed: this test compares with the real one")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        lab.clock(paused=True)
        yield lab


def without_age(text: str) -> list[str]:
    """Each line without its last column (AGE), trailing blanks kept as printed before it."""
    return [line.rsplit(" ", 1)[0] if " " in line else line for line in text.splitlines()]


def watch_both(lab, args: list[str], pod: str, rows_before: int, seconds: float = 12) -> tuple[list[str], list[str]]:
    """The rows the real watch and kubeplay's print after their first lists."""
    proc = subprocess.Popen([KUBECTL, "--kubeconfig", str(lab.kubeconfig), "--cache-dir", str(lab.home / "cache"),
                             "get", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "HOME": str(lab.home)})
    lines: list[str] = []
    grew = threading.Condition()

    def read() -> None:
        for line in proc.stdout:
            with grew:
                lines.append(line.rstrip("\n"))
                grew.notify_all()

    def wait_for(n: int, timeout: float = 30) -> bool:
        with grew:
            return grew.wait_for(lambda: len(lines) >= n, timeout)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert wait_for(rows_before), lines  # its first list is out
        first = len(lines)
        # kubectl opens its watch after printing the first list: a change it prints says it is open
        for mark in range(30):
            lab.engine(f"kubectl label pod {pod} mark={mark} --overwrite")
            if wait_for(len(lines) + 1, timeout=1):
                break
        # a loaded machine may print a label's row after the next label went out: each label it
        # watched prints one row, so wait for the rest of them before the rows to compare begin
        wait_for(first + mark + 1, timeout=10)
        synced = len(lines)
        ours = without_age(lab.request("POST", f"/api/sandboxes/{lab.sid}/run",
                                       {"command": "kubectl get " + " ".join(args), "watchSeconds": seconds})["output"])
        wait_for(synced + len(ours) - first, timeout=15)  # the same events reach the real watch
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
        reader.join(10)
    return without_age("\n".join(lines[synced:])), ours[first:]


def test_rows_as_a_pod_starts(lab):
    lab.engine("kubectl run watched --image=nginx")
    theirs, ours = watch_both(lab, ["pods", "-w"], "watched", rows_before=2)
    assert ours and ours[-1].split()[:3] == ["watched", "1/1", "Running"]
    assert theirs == ours


def test_names_as_a_pod_runs_to_completion(lab):
    lab.engine("kubectl run third --image=busybox --restart=Never -- sleep 5")
    theirs, ours = watch_both(lab, ["pods", "third", "-w", "-o", "name"], "third", rows_before=1, seconds=40)
    assert ours and set(ours) == {"pod/third"}
    assert theirs == ours


def test_rows_with_watch_events_for_one_pod(lab):
    lab.engine("kubectl run second --image=httpd")
    theirs, ours = watch_both(lab, ["pods", "second", "-w", "--output-watch-events"], "second", rows_before=2)
    assert ours and ours[-1].split()[:4] == ["MODIFIED", "second", "1/1", "Running"]
    assert theirs == ours
