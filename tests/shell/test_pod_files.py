"""The pod shell's file commands over the container's filesystem: what ``kubectl exec -it … sh``
users type (cd and the prompt, redirections, mkdir/rm/ls/cat in busybox's or GNU's words, ps, id,
hostname -f, date, df) and ``kubectl cp`` into a volume."""

from __future__ import annotations

import textwrap
import time

from server.shell.host import HostShell
from server.shell.session import Sessions


def session(cluster, line: str):
    host = HostShell(cluster)
    sessions = Sessions(cluster)
    out, code, attach = host.run_line(line)
    assert code == 0, out
    s = sessions.open(attach)
    assert s is not None
    return lambda text: sessions.run(s.id, text), s


def test_busybox_shell_files(cluster, kubectl):
    run, s = session(cluster, "kubectl run -it bb --image=busybox:1.36 --restart=Never -- sh")
    assert run("cd /tmp && mkdir -p a/b/c && echo hello > a/b/c/f && cat a/b/c/f")["output"] == "hello\n"
    assert s.prompt == "/tmp # "
    assert run("cd")["output"] == "" and s.prompt == "~ # "  # $HOME is /root
    assert run("cd /tmp; echo more >> a/b/c/f; wc -l a/b/c/f")["output"] == "2 a/b/c/f\n"
    assert run("ls a/b/c")["output"] == "f\n"
    assert run("mkdir a")["output"] == "mkdir: can't create directory 'a': File exists\n"
    assert run("rm a")["output"] == "rm: 'a' is a directory\n"
    assert run("rm -rf a; ls a")["output"] == "ls: a: No such file or directory\n"
    assert run("cat /etc/hostname")["output"] == "bb\n"
    assert run("id")["output"] == "uid=0(root) gid=0(root) groups=0(root),10(wheel)\n"
    # the virtual clock's time, as busybox date prints it
    assert run("date")["output"] == time.strftime("%a %b %e %H:%M:%S UTC %Y\n", time.gmtime(cluster.clock.now()))
    ps = run("ps")["output"].splitlines()
    assert ps[0] == "PID   USER     TIME  COMMAND" and ps[1] == "    1 root      0:00 sh"
    assert ps[-1].endswith(" root      0:00 ps")
    out = run("ls -l /etc/passwd")["output"]
    assert out.startswith("-rw-r--r--    1 root     root           340 ") and out.endswith(" /etc/passwd\n")


def test_debian_shell_words_and_columns(cluster, kubectl):
    kubectl("run ng --image=nginx:1.27")
    cluster.advance(30)
    run, s = session(cluster, "kubectl exec -it ng -- bash")
    assert s.prompt == "root@ng:/# "
    assert run("cat /nope")["output"] == "cat: /nope: No such file or directory\n"
    assert run("ls /nope")["output"] == "ls: cannot access '/nope': No such file or directory\n"
    assert run("ls /nope")["exitCode"] == 2
    assert run("mkdir /tmp/x /tmp/x")["output"] == "mkdir: cannot create directory '/tmp/x': File exists\n"
    assert run("ls /usr/share/nginx/html")["output"] == "50x.html  index.html\n"  # a terminal: columns
    assert run("ps")["output"] == "bash: ps: command not found\n"  # nginx's image has no procps
    assert run("id")["output"] == "uid=0(root) gid=0(root) groups=0(root)\n"
    # what the container's nginx serves is the file in that container's filesystem
    run("echo '<h1>edited</h1>' > /usr/share/nginx/html/index.html")
    assert run("cat /usr/share/nginx/html/index.html")["output"] == "<h1>edited</h1>\n"
    assert run("cd /etc/nginx; pwd")["output"] == "/etc/nginx\n" and s.prompt == "root@ng:/etc/nginx# "


def test_hostname_f_of_a_statefulset_pod(cluster, kubectl):
    kubectl("apply -f -", textwrap.dedent("""
        apiVersion: v1
        kind: Service
        metadata: {name: nginx}
        spec: {clusterIP: None, selector: {app: nginx}, ports: [{port: 80}]}
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: web}
        spec:
          serviceName: nginx
          replicas: 1
          selector: {matchLabels: {app: nginx}}
          template:
            metadata: {labels: {app: nginx}}
            spec: {containers: [{name: bb, image: busybox, command: [sleep, "3600"]}]}
        """))
    cluster.advance(60)
    assert kubectl("exec web-0 -- hostname") == "web-0\n"
    assert kubectl("exec web-0 -- hostname -f") == "web-0.nginx.default.svc.cluster.local\n"
    hosts = kubectl("exec web-0 -- cat /etc/hosts")
    assert hosts.startswith("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n")
    assert hosts.rstrip("\n").splitlines()[-1].endswith("\tweb-0.nginx.default.svc.cluster.local\tweb-0")
    kubectl("run plain --image=busybox -- sleep 3600")
    cluster.advance(30)
    assert kubectl("exec plain -- hostname -f") == "plain\n"


def test_cp_into_a_shared_volume(cluster, kubectl):
    kubectl("apply -f -", textwrap.dedent("""
        apiVersion: v1
        kind: Pod
        metadata: {name: two}
        spec:
          containers:
          - {name: web, image: nginx, volumeMounts: [{name: html, mountPath: /usr/share/nginx/html}]}
          - {name: tools, image: busybox, command: [sleep, "3600"], volumeMounts: [{name: html, mountPath: /pages}]}
          volumes: [{name: html, emptyDir: {}}]
        """))
    cluster.advance(60)
    cluster.workspace["index.html"] = "<h1>copied</h1>\n"
    assert kubectl("cp index.html two:/pages/index.html -c tools") == ""
    assert kubectl("exec two -c web -- cat /usr/share/nginx/html/index.html") == "<h1>copied</h1>\n"
    # an emptyDir starts empty: the image's welcome page is hidden under the mount
    assert kubectl("exec two -c web -- ls /usr/share/nginx/html") == "index.html\n"
    assert kubectl("cp two:/usr/share/nginx/html/index.html back.html -c web") == \
        "tar: Removing leading `/' from member names\n"
    assert cluster.workspace["back.html"] == "<h1>copied</h1>\n"


def test_tar_is_what_kubectl_cp_runs_in_the_container(cluster, kubectl):
    import io
    import tarfile

    from server.shell.pod import exec_streams

    kubectl("run bb --image=busybox --restart=Never -- sleep 3600")
    cluster.advance(30)
    kubectl("exec bb -- sh -c 'mkdir -p /tmp/site/css; echo hi > /tmp/site/index.html; echo x > /tmp/site/css/a'")
    pod = cluster.store.get("Pod", "default", "bb")
    out, err, code = exec_streams(cluster, pod, "bb", ["tar", "cf", "-", "/tmp/site"])
    assert (err, code) == ("tar: removing leading '/' from member names\n", 0)
    archive = tarfile.open(fileobj=io.BytesIO(out.encode("latin-1")))
    assert sorted(m.name for m in archive.getmembers()) == ["tmp/site", "tmp/site/css", "tmp/site/css/a",
                                                            "tmp/site/index.html"]
    assert archive.extractfile("tmp/site/index.html").read() == b"hi\n"
    # and back in, unpacked where kubectl cp points tar (-C)
    assert exec_streams(cluster, pod, "bb", ["tar", "xmf", "-", "-C", "/root"], stdin=out) == ("", "", 0)
    assert kubectl("exec bb -- cat /root/tmp/site/css/a") == "x\n"
    assert exec_streams(cluster, pod, "bb", ["tar", "cf", "-", "/nope"])[1:] == \
        ("tar: removing leading '/' from member names\ntar: /nope: No such file or directory\n", 1)
