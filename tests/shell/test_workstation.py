"""The workstation's shell (server/shell/host.py): its files (a sim FileSystem under /home/user that
kubectl reads as ``cluster.workspace``), which lines are journalled, GNU xargs' behaviour checked
against the real one, ``history``, ``watch``, ``vi``, ``sleep`` on the cluster's clock."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from server.shell.host import HostShell, stateful
from server.shell.watch import WatchArgs, parse_args, title_line
from server.sim import xargs
from tests.sim.toolcmp import ours, real

POD = """cat > pod.yaml <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: solo
spec:
  containers:
  - name: nginx
    image: nginx:1.25
EOF"""


@pytest.fixture
def host(cluster):
    cluster.workspace = {"lessons/step08-pod.yml": "kind: Pod\n", "step08-pod.yml": "kind: Pod\n",
                         "k8s.io/a.yaml": "a\n", "seeds/a.yaml": "b\n"}
    return HostShell(cluster)


def line(host, text):
    out, code, _ = host.run_line(text)
    return out, code


@pytest.mark.parametrize("text,journalled", [
    ("kubectl get pods", True), ("cat > x.yaml <<EOF\na\nEOF", True), ("echo hi >> notes", True),
    ("mkdir d", True), ("rm -f x", True), ("touch f", True), ("X=1", True), ("export A=b", True), ("cd /tmp", True),
    ("echo $(kubectl get pods -o name)", True), ("for i in 1 2; do echo $i; done", True), ("f() { echo; }", True),
    ("watch kubectl get pods", True), ("vi pod.yaml", True), ("sleep 5", True), ("$CMD", True),
    ("ls -l", False), ("cat pod.yaml | grep name", False), ("echo x > /dev/null", False), ("help", False),
    ("history", False), ("grep x f 2>&1 | wc -l", False), ("jq . f", False), ("echo 'unterminated", False),
])
def test_journalled_lines_are_the_ones_that_can_change_something(text, journalled):
    assert stateful(text) is journalled


def test_the_workspace_is_one_tree_for_the_shell_and_kubectl(host, cluster):
    assert line(host, "ls") == ("k8s.io\nlessons\nseeds\nstep08-pod.yml\n", 0)
    assert line(host, "readlink step08-pod.yml") == ("lessons/step08-pod.yml\n", 0)
    assert line(host, "pwd; echo $HOME") == ("/home/user\n/home/user\n", 0)
    assert line(host, POD) == ("", 0)
    assert line(host, "kubectl apply -f pod.yaml") == ("pod/solo created\n", 0)
    assert line(host, "kubectl apply -f ./pod.yaml") == ("pod/solo unchanged\n", 0)
    assert cluster.workspace["pod.yaml"].startswith("apiVersion: v1\n")
    cluster.workspace["copied.txt"] = "from kubectl cp\n"  # what kubectl cp POD:/f copied.txt writes
    assert line(host, "cat copied.txt") == ("from kubectl cp\n", 0)
    cluster.workspace["tmp/kubectl-edit-1.yaml"] = "x\n"  # kubectl edit's copy of a failed save
    assert line(host, "cat /tmp/kubectl-edit-1.yaml") == ("x\n", 0)
    assert cluster.workspace["tmp/kubectl-edit-1.yaml"] == "x\n"
    assert line(host, "mkdir -p a/b && echo hi > a/b/c.txt && cd a && cat b/c.txt && pwd") == ("hi\n/home/user/a\n", 0)
    assert "a/b/c.txt" in set(cluster.workspace)
    assert line(host, "rm b/c.txt; cat b/c.txt") == ("cat: b/c.txt: No such file or directory\n", 1)


def test_gnu_programs_on_the_workstation(host):
    assert line(host, "ls nothing") == ("ls: cannot access 'nothing': No such file or directory\n", 2)
    assert line(host, "cat nothing") == ("cat: nothing: No such file or directory\n", 1)
    assert line(host, "printf 'b\\na\\nb\\n' | sort | uniq -c") == ("      1 a\n      2 b\n", 0)
    assert line(host, "echo a:b:c | cut -d: -f2 | tr a-z A-Z") == ("B\n", 0)
    assert line(host, "echo hi | tee out.txt; cat out.txt") == ("hi\nhi\n", 0)
    assert line(host, "echo -n secret | base64 | base64 --decode") == ("secret", 0)
    assert line(host, "hostname") == ("workstation\n", 0)
    assert line(host, "nosuch") == ("bash: nosuch: command not found\n", 127)


def test_sleep_runs_the_cluster_clock(host, cluster):
    before = cluster.clock.now()
    assert line(host, "sleep 5") == ("", 0)
    assert cluster.clock.now() == before + 5
    assert line(host, "date +%s") == (f"{int(before + 5)}\n", 0)


def test_history_numbers_the_lines_as_bash_does(host):
    for text in ("echo one", "echo one", " echo hidden", "ls"):
        line(host, text)
    assert line(host, "history") == ("    1  echo one\n    2  ls\n    3  history\n", 0)
    assert line(host, "history 2") == ("    3  history\n    4  history 2\n", 0)
    assert line(host, "history -c") == ("", 0)
    assert line(host, "history") == ("    1  history\n", 0)
    assert line(host, "history x")[1] == 1


def test_watch_paints_one_frame_without_a_follower(host):
    out, code = line(host, "watch -n 5 echo hi")
    assert code == 0 and out.startswith("\x1b[H\x1b[J")
    title, blank, body = out[len("\x1b[H\x1b[J"):].split("\n", 2)
    assert title.startswith("Every 5.0s: echo hi ") and title.endswith(" 2025") and len(title) == 80
    assert (blank, body) == ("", "hi\n")
    assert line(host, "watch -t echo hi") == ("\x1b[H\x1b[Jhi\n", 0)
    assert host.stream is None  # only a follower (the page, watchSeconds) keeps it going


def test_watch_follows_the_clock(host, cluster):
    host.run_line("watch -n 2 date +%s", follow=True)
    stream = host.stream
    assert stream is not None and stream.poll() == ""
    cluster.advance(2)
    frame = stream.poll()
    assert frame.endswith(f"\n\n{int(cluster.clock.now())}\n")
    assert stream.poll() == "" and stream.stop() == "" and stream.done
    host.run_line("watch -n 2 date; echo after", follow=True)
    assert host.stream is None  # a watch inside a longer line paints once


def test_watch_arguments():
    assert parse_args(["watch", "-n", "1.5", "kubectl", "get", "pods"]) == WatchArgs(1.5, ["kubectl", "get", "pods"])
    assert parse_args(["watch", "-n0.05", "-t", "ls"]) == WatchArgs(0.1, ["ls"], title=False)
    assert parse_args(["watch", "-q", "ls"]).startswith("watch: invalid option -- 'q'\n")
    assert parse_args(["watch"]).startswith("Usage:\n watch [options] command\n")
    assert title_line(2.0, "x", "h", 0.0) == "Every 2.0s: x" + " " * 40 + "h: Thu Jan  1 00:00:00 1970"


def test_vi_asks_the_page_for_its_editor(host):
    assert line(host, "vi pod.yaml") == ("", 0)
    edit = host.edit
    assert edit is not None and (edit.file, edit.text) == ("pod.yaml", "")
    assert edit.finish("kind: Pod\n").exit_code == 0
    assert line(host, "cat pod.yaml") == ("kind: Pod\n", 0)
    assert line(host, "vi lessons") == ('"lessons" is a directory\n', 1)


XARGS_CASES = [
    (["xargs", "-n1", "echo", "x"], "a b\nc\n"), (["xargs", "echo"], "a  'b c' \"d\\\" e\"\n"),
    (["xargs", "-I", "{}", "echo", "[{}]"], "  a b\nc\n"), (["xargs", "-0", "echo"], "a b\0c\0"),
    (["xargs", "-r", "echo", "x"], ""), (["xargs", "echo", "x"], ""), (["xargs", "echo"], "it's\n"),
    (["xargs", "-n", "0"], "a\n"), (["xargs", "-t", "-n2", "echo"], "a b c\n"), (["xargs", "nosuchcmd"], "a\n"),
    (["xargs", "false"], "a\n"), (["xargs", "-L1", "echo"], "a b\nc d\n"), (["xargs", "-q"], ""),
]
GNU_XARGS = shutil.which("xargs") is not None and "GNU findutils" in subprocess.run(
    ["xargs", "--version"], capture_output=True, text=True).stdout


@pytest.mark.skipif(not GNU_XARGS, reason="GNU xargs is not installed")
@pytest.mark.parametrize("argv,text", XARGS_CASES)
def test_xargs_matches_gnu_findutils(argv, text, tmp_path):
    assert ours(xargs.program("gnu"), argv, text) == real(argv, text, tmp=tmp_path)


def test_xargs_runs_the_shells_programs(host, cluster):
    line(host, "kubectl create deployment web --image=nginx --replicas=2")
    cluster.advance(30)
    out, code = line(host, "kubectl get pods -o name | xargs -n1 kubectl delete --wait=false")
    assert code == 0 and out.count(" deleted\n") == 2


@pytest.mark.skipif(shutil.which("busybox") is None, reason="busybox is not installed")
@pytest.mark.parametrize("argv,text", [(["xargs", "echo"], "a 'b\n"), (["xargs", "nosuch"], "a\n"),
                                       (["xargs", "-n1", "echo"], "a b\n"), (["xargs", "echo"], "")])
def test_xargs_busybox_dialect(argv, text, tmp_path):
    assert ours(xargs.program("busybox"), argv, text) == real([shutil.which("busybox"), *argv], text, tmp=tmp_path)
