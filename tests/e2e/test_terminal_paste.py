"""A tutorial's ``cat <<EOF | kubectl apply -f -`` block pasted into the terminal panel runs as one
command once its terminator line arrives, as bash runs it — the lines in between shown after bash's
``> `` continuation prompt — and its Deployment's pods appear on the canvas as the clock runs.

The decision "is this a whole command yet" (static/src/continuation.js) is checked against bash
itself: ``bash -n`` reports an incomplete text as an unexpected end of file (or a here-document
delimited by end-of-file), which is when an interactive bash shows ``> `` and waits."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from playwright.sync_api import Page, expect

from .helpers import advance, pause, pods

ROOT = Path(__file__).resolve().parents[2]

BLOCK = """cat <<EOF | kubectl apply -f -
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
EOF
"""


def paste(page: Page, text: str) -> None:
    """What a browser delivers for Ctrl-V into the focused prompt: one paste event with the text."""
    box = page.get_by_role("textbox", name="kubectl command")
    box.focus()
    box.evaluate("""(el, text) => {
        const data = new DataTransfer();
        data.setData('text/plain', text);
        el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""", text)


def test_a_pasted_here_document_block_runs_once_and_its_pods_appear_on_the_canvas(page: Page) -> None:
    pause(page)
    out = page.get_by_role("log", name="Terminal output")
    paste(page, BLOCK)
    # the whole block is echoed as bash echoes it, the first line after `$ `, the others after `> `
    echoed = "$ " + BLOCK.rstrip("\n").replace("\n", "\n> ")
    expect(out).to_contain_text(echoed)
    expect(out).to_contain_text("deployment.apps/web created")
    expect(out).to_have_attribute("aria-busy", "false")
    text = out.inner_text()
    assert text.count("deployment.apps/web created") == 1, text  # one command, run once
    assert "command not found" not in text and "error" not in text.lower(), text
    assert page.locator("form .prompt").inner_text() == "$"  # back at the workstation's prompt

    canvas = page.get_by_label("Cluster nodes and pods")  # the canvas's accessible mirror
    expect(pods(canvas, "web-")).to_have_count(2)
    advance(page, 30)
    expect(pods(canvas, "web-", "Running")).to_have_count(2)

    # ↑ brings the whole block back as one history entry; Enter runs it again, whole
    box = page.get_by_role("textbox", name="kubectl command")
    box.press("ArrowUp")
    box.press("Enter")
    expect(out).to_contain_text("deployment.apps/web unchanged")
    assert out.inner_text().count(echoed) == 2


def test_an_unfinished_block_waits_at_the_continuation_prompt_until_its_terminator(page: Page) -> None:
    pause(page)
    out = page.get_by_role("log", name="Terminal output")
    box = page.get_by_role("textbox", name="kubectl command")
    prompt = page.locator("form .prompt")
    head, _, rest = BLOCK.partition("kind: Deployment\n")
    paste(page, head)  # the copy stopped half-way: nothing runs yet
    expect(prompt).to_have_text(">")
    expect(out).to_contain_text("> apiVersion: apps/v1")
    paste(page, "kind: Deployment\n" + rest.removesuffix("EOF\n") + "EOF")  # the last line stays on the prompt
    expect(box).to_have_value("EOF")
    assert "created" not in out.inner_text()
    box.press("Enter")
    expect(out).to_contain_text("deployment.apps/web created")
    expect(prompt).to_have_text("$")

    # Ctrl-C at `> ` drops the unfinished command, as in bash
    box.fill("for i in 1 2; do")
    box.press("Enter")
    expect(prompt).to_have_text(">")
    box.fill("echo $i")
    box.press("Control+c")
    expect(out).to_contain_text("$ for i in 1 2; do\n> echo $i^C")
    expect(prompt).to_have_text("$")
    box.fill("echo done")
    box.press("Enter")
    expect(out).to_contain_text(re.compile(r"\$ echo done\ndone\n"))


SAMPLES = [
    "echo hi", 'echo "abc', "echo 'abc", "echo 'it''s'", 'echo "a\\"b"', "echo `date",
    "cat <<EOF | kubectl apply -f -\nkind: Pod", "cat <<EOF | kubectl apply -f -\nkind: Pod\nEOF",
    "cat <<'EOF'\n$HOME\nEOF", "cat <<-EOF\n\tx\n\tEOF", "cat <<-EOF\n\tx\n  EOF", "cat <<< word",
    "cat <<A <<B\na\nA\nb", "cat <<A <<B\na\nA\nb\nB", "cat <<EOF\n\nEOF",
    "for i in 1 2; do", "for i in 1 2; do echo $i; done", "for i in 1 2\ndo\necho $i\ndone",
    "while true; do :; done", "if true; then", "if true; then echo $(date) fi", "if true; then echo; fi",
    "case x in a) echo a;; esac", "case x in", "f() {", "f() { echo; }", "{ echo a; }", "{ echo a;",
    "( echo a", "( echo a )", "echo $(date", "echo $(( 1 + 2 ))", "echo ${HOME}", "echo a |", "echo a &&",
    "echo a ||", "echo a | grep a", "echo a # it's a comment", "echo a#'b", "kubectl get pods | grep web",
    "echo done", "echo if", "echo {",
]


def test_whether_a_command_is_whole_is_what_bash_decides() -> None:
    node, bash = shutil.which("node"), shutil.which("bash")
    assert node and bash
    check = ("import { incomplete } from './static/src/continuation.js';"
             "console.log(JSON.stringify(JSON.parse(process.argv[1]).map((s) => incomplete(s))));")
    proc = subprocess.run([node, "--input-type=module", "-e", check, json.dumps(SAMPLES)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    ours = dict(zip(SAMPLES, json.loads(proc.stdout), strict=True))
    for text in SAMPLES:
        r = subprocess.run([bash, "-n", "-c", text], capture_output=True, text=True, timeout=10)
        waits = bool(re.search(r"unexpected end of file|unexpected EOF|delimited by end-of-file", r.stderr))
        assert bool(ours[text]) == waits, (text, ours[text], r.stderr)
    # a trailing backslash joins the next line (bash -n cannot show it: there is no next line)
    assert [ours.get(t) for t in SAMPLES if t == "echo a |"] == ["line"]
    proc = subprocess.run([node, "--input-type=module", "-e", check, json.dumps(["echo a \\", "echo a \\\\"])],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert json.loads(proc.stdout) == ["line", ""]
