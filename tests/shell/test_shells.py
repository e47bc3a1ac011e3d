"""The pod shell and the workstation shell: grammar, programs per image, the network tools'
words, and interactive sessions (exit, --rm, a pod going away)."""

from __future__ import annotations

from server.shell.host import HostShell, stateful
from server.shell.session import Sessions


def start(cluster, kubectl, *lines: str, wait: float = 30) -> None:
    for line in lines:
        kubectl(line)
    cluster.advance(wait)


def open_shell(cluster, line: str):
    host = HostShell(cluster)
    sessions = Sessions(cluster)
    out, code, attach = host.run_line(line)
    assert code == 0, out
    session = sessions.open(attach)
    assert session is not None
    return sessions, session, out


def test_busybox_session_grammar_and_exit_with_rm(cluster, kubectl):
    sessions, s, out = open_shell(cluster, "kubectl run -it bb --image=busybox --restart=Never --rm -- sh")
    assert out == "If you don't see a command prompt, try pressing enter.\n" and s.prompt == "/ # "
    run = lambda line: sessions.run(s.id, line)  # noqa: E731
    assert run("echo a && false || echo b; echo $?") == {"output": "a\nb\n0\n", "exitCode": 0,
                                                        "session": s.describe()}
    assert run("frobnicate")["output"] == "sh: frobnicate: not found\n"
    assert run("frobnicate")["exitCode"] == 127
    assert run("hostname")["output"] == "bb\n"
    assert run("env | grep -c KUBERNETES_SERVICE_HOST")["output"] == "1\n"
    assert run("cat /nope")["output"] == "cat: can't open '/nope': No such file or directory\n"
    assert "nameserver 10.96.0.10" in run("cat /etc/resolv.conf")["output"]
    assert run("exit 0") == {"output": 'pod "bb" deleted\n', "exitCode": 0, "session": None}
    assert s.id not in sessions
    cluster.advance(5)
    assert kubectl("get pods bb", rc=1) == 'Error from server (NotFound): pods "bb" not found\n'


def test_exit_without_rm_completes_the_pod_and_always_restarts(cluster, kubectl):
    sessions, s, _ = open_shell(cluster, "kubectl run -it once --image=busybox --restart=Never -- sh")
    assert sessions.run(s.id, "exit 3")["output"] == "pod default/once terminated (Error)\n"
    sessions, s, _ = open_shell(cluster, "kubectl run -it again --image=busybox -- sh")
    out = sessions.run(s.id, "exit")["output"]
    assert out == ("Session ended, resume using 'kubectl attach again -c again -i -t' command when the pod is "
                   "running\n")
    cluster.advance(15)
    assert kubectl("get pods").count("Error") == 1  # once; again restarted
    assert "again   1/1     Running   1 (" in kubectl("get pods")


def test_exec_session_ends_when_its_pod_goes(cluster, kubectl):
    start(cluster, kubectl, "apply -f step09-deploy.yml")
    pod = kubectl("get pods -o name").split()[0].split("/")[1]
    sessions, s, out = open_shell(cluster, f"kubectl exec -it {pod} -- bash")
    assert s.prompt == f"root@{pod}:/# " and out == ""
    assert sessions.run(s.id, "wget x")["output"] == "bash: wget: command not found\n"
    assert sessions.run(s.id, "exit 2")["output"] == "command terminated with exit code 2\n"
    sessions, s, _ = open_shell(cluster, f"kubectl exec -it {pod} -- sh")
    assert s.prompt == "# "
    assert sessions.run(s.id, "nope")["output"] == "sh: 1: nope: not found\n"  # dash
    kubectl(f"delete pod {pod} --grace-period=1")
    cluster.advance(5)
    assert sessions.run(s.id, "ls") == {"output": "command terminated with exit code 137\n", "exitCode": 137,
                                        "session": None}


def test_workstation_shell(cluster, kubectl):
    host = HostShell(cluster)
    assert host.run_line("telnet example.com")[:2] == ("bash: telnet: command not found\n", 127)
    out, code, _ = host.run_line("ls")
    assert code == 0 and {"lessons", "seeds"} <= set(out.split())
    out, code, _ = host.run_line("kubectl get nodes | grep -c Ready")
    assert (out, code) == ("3\n", 0)
    out, code, _ = host.run_line("curl -s 10.96.0.10")  # cluster IPs do not route from outside
    assert code == 28 and out == ""
    assert host.run_line("curl http://nowhere.invalid")[:2] == ("curl: (6) Could not resolve host: nowhere.invalid\n", 6)
    assert stateful("kubectl get pods") and stateful("echo x; curl a") and not stateful("help")


def test_nginx_has_curl_but_no_ping(cluster, kubectl):
    start(cluster, kubectl, "apply -f step09-deploy.yml", "apply -f step09-svc.yml")
    pod = kubectl("get pods -o name").split()[0].split("/")[1]
    out = kubectl(f"exec {pod} -- curl -sI web-service")
    assert out.startswith("HTTP/1.1 200 OK\r\nServer: nginx/")
    assert kubectl(f"exec {pod} -- curl -s http://web-service:81", rc=28) == "command terminated with exit code 28\n"
    out = kubectl(f"exec {pod} -- ping web-service", rc=1)
    assert 'exec: "ping": executable file not found in $PATH' in out
