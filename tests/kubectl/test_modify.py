"""kubectl patch, replace, diff and edit, compared with the real kubectl v1.32 against our own API.

patch/replace/diff: the real binary works on deployment web1 while the engine runs the same lines on
web2 (created alike), so every output and exit code must match with the name swapped (uids,
resourceVersions, timestamps and diff's temp dirs are per object or per run, and normalised).
edit: the real kubectl runs with KUBE_EDITOR set to a script that keeps a copy of the file it was
given and edits it; the engine's EditRequest must open the same text, and finish_edit with the same
edit must answer what kubectl printed.
"""

from __future__ import annotations

import os
import re
import shlex
import stat

import pytest

from server.kubectl import run
from server.kubectl.verbs.modify import EditResult, finish_edit, unified_diff
from server.sim.cluster import Cluster
from server.sim.patch import merge_patch_between
from tests.realkubectl import KUBECTL

MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: W
  labels:
    app: W
spec:
  replicas: REPL
  selector:
    matchLabels:
      app: W
  template:
    metadata:
      labels:
        app: W
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
"""

PATCH_LINES = [
    "patch deploy W -p '{\"spec\":{\"replicas\":3}}'",
    "patch deploy W -p '{\"spec\":{\"replicas\":3}}'",
    "patch deployment/W --type merge -p '{\"metadata\":{\"labels\":{\"x\":\"z\"}}}'",
    "patch deploy W --type json -p '[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":2}]'",
    "patch deploy W --type json -p '[{\"op\":\"remove\",\"path\":\"/spec/nope\"}]'",
    "patch deploy W --type json -p '[{\"op\":\"remove\",\"path\":\"/spec/nope\"}]' --dry-run=client",
    "patch deploy W --type merge -p 'spec: {replicas: 4}' --dry-run=client",
    "patch deploy W --type merge -p 'spec: {replicas: 4}' --dry-run=server",
    "patch deploy W --type merge -p 'spec: {replicas: 4}' --dry-run=server -o name",
    "patch deploy W --type=foo -p '{}'",
    "patch deploy W",
    "patch deploy W -p '{}' --patch-file x",
    "patch deploy W -p '{}' --local",
    "patch deploy W -p '{\"spec\":{\"replicas\":-1}}'",
    "patch deploy W --subresource=scale -p '{\"spec\":{\"replicas\":2}}'",
    "patch deploy W --subresource=foo -p '{}'",
    "patch deploy W --subresource=status --type=merge -p '{\"status\":{\"replicas\":1}}'",
    "patch deploy nope -p '{}'",
    "patch deploy -p '{}'",
    "patch -p '{}'",
    "patch deploy W -p '{bad'",
    "patch deploy W -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.25\"}]}}}}'",
    "patch deploy W --type merge -p '{\"spec\":{\"replicas\":1}}' -o yaml",
]

# (command line, replicas in the manifest given on stdin)
FILE_STEPS = [("diff -f -", "2"), ("apply -f -", "1"), ("diff -f -", "1"), ("diff -f -", "3"), ("replace -f -", "2"),
              ("replace -f -", "2"), ("replace -f - --dry-run=client", "5"),
              ("replace -f - --dry-run=server -o name", "5"), ("replace -f - --grace-period=3", "2"),
              ("replace", "2"), ("replace -f - --force", "4"), ("replace -f - --save-config", "4"),
              ("diff -f -", "4"), ("diff -f -", "-1"), ("diff", "1")]


def normalise(text: str) -> str:
    text = re.sub(r"/tmp/(LIVE|MERGED)-\d+", r"/tmp/\1-N", text)
    # the real binary is installed as kubectl.1.32: its temp files are named after it
    text = re.sub(r"/tmp/kubectl(\.1\.32)?-edit-\d+\.", "/tmp/kubectl-edit-N.", text)
    text = re.sub(r"\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \+0000", "\tSTAMP", text)
    text = re.sub(r"uid: .*", "uid: U", text)
    text = re.sub(r"resourceVersion: .*", "resourceVersion: R", text)
    return re.sub(r'"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"', "TIME", text)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if KUBECTL is None:
        pytest.skip("the real kubectl v1.32 is not installed")
    from tests.labserver import lab_server

    with lab_server(tmp_path_factory) as lab:
        # the clock waits between commands: each pair of lines (the real kubectl's, the terminal's) sees
        # its object at the same point of its rollout, however long the other line took on a busy machine
        lab.clock(paused=True)
        yield lab


def engine_run(lab, line: str, stdin: str = "") -> tuple[str, int]:
    answer = lab.request("POST", f"/api/sandboxes/{lab.sid}/run", {"command": "kubectl " + line, "stdin": stdin})
    return answer["output"], answer["exitCode"]


def real_run(lab, line: str, stdin: str | None = None) -> tuple[str, int]:
    real = lab.kubectl(*shlex.split(line), stdin=stdin, check=False)
    out = real.stdout + real.stderr
    return (out if not out or out.endswith("\n") else out + "\n"), real.returncode


def test_patch_lines_match_real_kubectl(lab):
    for name in ("pweb1", "pweb2"):
        engine_run(lab, f"create deployment {name} --image=nginx")
    for line in PATCH_LINES:
        want, code = real_run(lab, line.replace("W", "pweb1"))
        out, got_code = engine_run(lab, line.replace("W", "pweb2"))
        if "-o yaml" in line:  # each deployment's rollout status is its own
            out, want = out.split("\nstatus:")[0], want.split("\nstatus:")[0]
        assert (normalise(out), got_code) == (normalise(want.replace("pweb1", "pweb2")), code), line


def test_replace_and_diff_match_real_kubectl(lab):
    for line, replicas in FILE_STEPS:
        # the controller manager's client bucket refilled (30 requests, 20 a second): with the clock
        # paused, what earlier lines spent would leave the second Deployment's pods to come later
        lab.clock(advance=2)
        want, code = real_run(lab, line, MANIFEST.replace("W", "fweb1").replace("REPL", replicas))
        out, got_code = engine_run(lab, line, MANIFEST.replace("W", "fweb2").replace("REPL", replicas))
        assert (normalise(out), got_code) == (normalise(want.replace("fweb1", "fweb2")), code), (line, replicas)


def _editor(tmp_path, script: str) -> dict:
    path = tmp_path / "editor.sh"
    path.write_text("#!/bin/sh\nset -e\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return {"KUBE_EDITOR": str(path), "EDITOR": str(path)}


def _engine_edit(line: str, name: str = "eweb2"):
    c = Cluster(seed=1)
    run(c, f"kubectl create deployment {name} --image=nginx")
    result = run(c, "kubectl " + line)
    assert isinstance(result, EditResult) and result.edit is not None
    return c, result.edit


def _head(text: str) -> str:
    """The opened file up to the object's status (status reflects each cluster's own progress)."""
    return normalise(text.split("\nstatus:")[0])


def test_edit_opens_what_kubectl_opens_and_saves_as_it_does(lab, tmp_path):
    engine_run(lab, "create deployment eweb1 --image=nginx")
    env = _editor(tmp_path, f'cp "$1" {tmp_path}/opened\nsed -i "s/replicas: 1/replicas: 3/" "$1"\n')
    real = lab.kubectl("edit", "deploy/eweb1", env=env, check=False)
    opened = (tmp_path / "opened").read_text()
    c, request = _engine_edit("edit deploy/eweb2")
    assert _head(request.text) == _head(opened.replace("eweb1", "eweb2"))
    edited = request.text.replace("replicas: 1", "replicas: 3")
    result = finish_edit(c, request, edited)
    assert (result.output, result.exit_code) == ((real.stdout + real.stderr).replace("eweb1", "eweb2"),
                                                 real.returncode)
    assert c.store.get("Deployment", "default", "eweb2")["spec"]["replicas"] == 3


def test_edit_without_changes_is_cancelled_as_kubectl_says(lab, tmp_path):
    env = _editor(tmp_path, "true\n")
    real = lab.kubectl("edit", "deploy/eweb1", env=env, check=False)
    c, request = _engine_edit("edit deploy/eweb2")
    result = finish_edit(c, request, request.text)
    assert (result.output, result.exit_code) == (real.stdout + real.stderr, real.returncode)
    env = _editor(tmp_path, 'printf "# nothing\\n" > "$1"\n')
    real = lab.kubectl("edit", "deploy/eweb1", env=env, check=False)
    first = finish_edit(c, request, "# nothing\n")
    assert isinstance(first, EditResult) and first.edit is not None
    second = finish_edit(c, first.edit, "# nothing\n")
    assert normalise(first.output + second.output) == normalise((real.stdout + real.stderr).replace("eweb1", "eweb2"))
    assert second.exit_code == real.returncode


def test_an_invalid_edit_reopens_with_the_error_and_then_gives_up(lab, tmp_path):
    # first pass: replicas -1; kubectl re-opens the file; second pass: saved unchanged
    env = _editor(tmp_path, f'n=$(ls {tmp_path} | grep -c "^pass" || true)\ncp "$1" {tmp_path}/pass$n\n'
                            'if [ "$n" = 0 ]; then sed -i "s/replicas: [0-9]*/replicas: -1/" "$1"; fi\n')
    engine_run(lab, "create deployment iweb1 --image=nginx")
    real = lab.kubectl("edit", "deploy/iweb1", env=env, check=False)
    reopened = (tmp_path / "pass1").read_text()
    c, request = _engine_edit("edit deploy/iweb2", "iweb2")
    first = finish_edit(c, request, re.sub(r"replicas: \d+", "replicas: -1", request.text))
    assert isinstance(first, EditResult) and first.edit is not None
    assert _head(first.edit.text) == _head(reopened.replace("iweb1", "iweb2"))
    second = finish_edit(c, first.edit, re.sub(r"replicas: \d+", "replicas: -1", first.edit.text))
    assert normalise(first.output + second.output) == normalise((real.stdout + real.stderr).replace("iweb1", "iweb2"))
    assert second.exit_code == real.returncode == 1


def test_edit_of_a_missing_object_and_a_bad_format():
    c = Cluster(seed=1)
    assert run(c, "kubectl edit deploy nope").output == 'Error from server (NotFound): deployments.apps "nope" not found\n'
    assert run(c, "kubectl edit deploy nope").exit_code == 1


def test_a_syntax_error_reopens_the_file_with_the_error_on_top():
    c, request = _engine_edit("edit deploy/eweb2")
    result = finish_edit(c, request, request.text.replace("kind: Deployment", "kind: [Deployment"))
    assert isinstance(result, EditResult) and result.edit is not None
    assert result.edit.text.splitlines()[4].startswith("# The edited file had a syntax error: ")
    assert "kind: [Deployment" in result.edit.text


def test_merge_patch_between_turns_old_into_new():
    old = {"a": 1, "b": {"c": 2, "d": 3}, "l": [1, 2]}
    new = {"b": {"c": 2, "d": 4}, "l": [2], "e": 5}
    assert merge_patch_between(old, new) == {"a": None, "b": {"d": 4}, "l": [2], "e": 5}


def test_unified_diff_header_and_hunks(tmp_path):
    import subprocess

    old, new = "a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nD\ne\nf\ng\nh\ni\n"
    (tmp_path / "old").write_text(old)
    (tmp_path / "new").write_text(new)
    if not os.path.exists("/usr/bin/diff"):
        pytest.skip("no GNU diff to compare with")
    real = subprocess.run(["diff", "-u", "-N", str(tmp_path / "old"), str(tmp_path / "new")], capture_output=True,
                          text=True).stdout
    ours = unified_diff(old, new, str(tmp_path / "old"), str(tmp_path / "new"), "STAMP")
    strip = re.compile(r"\t.*$", re.M)
    assert strip.sub("", ours.split("\n", 1)[1]) == strip.sub("", real)


def test_the_copy_kubectl_keeps_can_be_replaced_by_force():
    c = Cluster(seed=1)
    run(c, "kubectl run p --image=nginx")
    c.advance(10)
    request = run(c, "kubectl edit pod p").edit
    edited = request.text.replace("restartPolicy: Always", "restartPolicy: Never")
    first = finish_edit(c, request, edited)
    assert first.output == 'error: pods "p" is invalid\n'
    second = finish_edit(c, first.edit, first.edit.text)
    assert second.exit_code == 1
    assert f'A copy of your changes has been stored to "{request.file}"' in second.output
    out = run(c, f"kubectl replace --force -f {request.file}")
    assert out.output == 'pod "p" deleted\npod/p replaced\n'
    assert c.store.get("Pod", "default", "p")["spec"]["restartPolicy"] == "Never"
