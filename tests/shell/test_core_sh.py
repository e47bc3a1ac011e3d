"""The terminals' shells run their lines through server.sim.sh: state carries from line to line,
the language is the whole one (loops, functions, here-documents, redirections into the shell's
files), each shell answers in its own words, and the programs of the pod and workstation shells
(grep, hostname, kubectl …) take part in pipelines."""

from __future__ import annotations

from server.shell.core import MAX_LINE_BUSY, LineResult, Shell
from server.shell.host import HostShell
from server.shell.session import Sessions
from server.sim.sh import BUSY_STEPS


def test_variables_functions_and_the_status_carry_from_line_to_line():
    shell = Shell()
    assert shell.run("x=5; greet() { echo \"hi $1\"; }").output == ""
    assert shell.run("greet $x; false").output == "hi 5\n"
    r = shell.run("echo $?; for i in 1 2 3; do echo -n $i; done; echo")
    assert (r.output, r.exit_code) == ("1\n123\n", 0)


def test_redirections_land_in_the_shell_s_files_and_cat_heredoc_reads_them():
    shell = Shell()
    shell.run("echo one > /tmp/f; echo two >> /tmp/f")
    assert shell.files == {"/tmp/f": "one\ntwo\n"}
    assert shell.run("while read l; do echo \"<$l>\"; done < /tmp/f").output == "<one>\n<two>\n"
    assert shell.run("[ -f /tmp/f ] && echo yes; [ -d /tmp ] && echo dir; echo /tmp/*").output == (
        "yes\ndir\n/tmp/f\n")
    assert shell.run("grep t <<EOF\nalpha\nbeta\nEOF").output == "beta\n"


def test_exit_ends_the_shell_with_its_status():
    r = Shell().run("echo bye; exit 3; echo never")
    assert (r.output, r.exit_code, r.exited) == ("bye\n", 3, True)


def test_the_workstation_speaks_bash_and_pipes_kubectl(cluster):
    host = HostShell(cluster)
    assert host.run_line("nosuch")[:2] == ("bash: nosuch: command not found\n", 127)
    assert host.run_line("if true; then fi")[:2] == ("bash: syntax error near unexpected token `fi'\n", 2)
    out, code, _ = host.run_line("for n in $(kubectl get nodes -o name); do echo \"node: ${n#node/}\"; done")
    assert (out, code) == ("node: master\nnode: node1\nnode: node2\n", 0)
    out, _, _ = host.run_line("kubectl get nodes --no-headers | grep -c Ready")
    assert out == "3\n"


def test_a_busybox_pod_shell_runs_loops_and_keeps_its_cwd(cluster, kubectl):
    host = HostShell(cluster)
    sessions = Sessions(cluster)
    _, code, attach = host.run_line("kubectl run -it bb --image=busybox --restart=Never -- sh")
    assert code == 0
    s = sessions.open(attach)
    run = lambda line: sessions.run(s.id, line)["output"]  # noqa: E731
    assert run("i=0; while [ $i -lt 3 ]; do echo \"$i: $(hostname)\"; i=$((i+1)); done") == "0: bb\n1: bb\n2: bb\n"
    assert run("cd /etc; pwd") == "/etc\n"
    assert s.prompt == "/etc # "
    assert run("cat hostname") == "bb\n"
    assert run("cd /nonexist") == "sh: cd: can't cd to /nonexist: No such file or directory\n"
    assert run("if then") == 'sh: syntax error: unexpected "then"\n'
    assert run("echo ${undefined:-default} $((6*7))") == "default 42\n"


def test_a_line_that_would_run_forever_is_interrupted_as_ctrl_c():
    shell = Shell()
    assert shell.run("while true; do sleep 1; done") == LineResult("^C\n", 130)
    r = shell.run("i=0; while :; do i=$((i+1)); done")
    assert (r.output, r.exit_code) == ("^C\n", 130)
    # it ran MAX_LINE_BUSY × BUSY_STEPS steps (i=0, then two per iteration) before the interruption
    assert shell.run("echo $i").output == f"{MAX_LINE_BUSY * BUSY_STEPS // 2 - 1}\n"
    assert shell.run("sleep 5; echo ok") == LineResult("ok\n", 0)


def test_an_alias_typed_at_the_workstation_applies_from_the_next_line(cluster):
    host = HostShell(cluster)
    assert host.run_line("alias k=kubectl; k get nodes -o name")[:2] == ("bash: k: command not found\n", 127)
    assert host.run_line("k get nodes -o name | head -n 1")[:2] == ("node/master\n", 0)
    assert host.run_line("alias")[0] == "alias k='kubectl'\n"
