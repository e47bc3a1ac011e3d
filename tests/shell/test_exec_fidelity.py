"""``kubectl exec`` as containerd runs it, through the HTTP contract and through the real kubectl
v1.32 against the REST exec stream: the argv runs with no shell in between, so ``env`` prints the
process environment as the runtime builds it (PATH, HOSTNAME, the image's ENV, the pod's env in
spec order, the service variables, HOME — no SHLVL or PWD, which only a shell exports); the
process's bytes come back as written (``printf abc``: no newline added); ``exec -i`` gives the
process the input to its end; and an exec that writes a file replays the same after a restart
(the terminal's line and the REST stream's journalled ``exec`` operation alike)."""

from __future__ import annotations

import json
import urllib.request

import pytest

from server.sim.clock import DEFAULT_START
from server.web import create_app
from tests.labserver import Lab
from tests.realkubectl import KUBECTL
from tests.serverproc import running_server

MANIFEST = """apiVersion: v1
kind: Service
metadata: {name: web-svc}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
  - name: nginx
    image: nginx:1.14.2
    env:
    - {name: GREETING, value: hello}
    - {name: ZED, value: last}
    - {name: ALPHA, value: $(GREETING)-first}
---
apiVersion: v1
kind: Pod
metadata: {name: bb}
spec:
  containers:
  - {name: bb, image: "busybox:1.36", command: [sleep, "3600"]}
"""
KUBERNETES_VARS = [
    "KUBERNETES_SERVICE_HOST=10.96.0.1", "KUBERNETES_SERVICE_PORT=443", "KUBERNETES_SERVICE_PORT_HTTPS=443",
    "KUBERNETES_PORT=tcp://10.96.0.1:443", "KUBERNETES_PORT_443_TCP=tcp://10.96.0.1:443",
    "KUBERNETES_PORT_443_TCP_PROTO=tcp", "KUBERNETES_PORT_443_TCP_PORT=443", "KUBERNETES_PORT_443_TCP_ADDR=10.96.0.1",
]
PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def web_svc_vars(ip: str) -> list[str]:
    """envvars.FromServices for web-svc (one unnamed TCP port 80), in the kubelet's order."""
    return [f"WEB_SVC_SERVICE_HOST={ip}", "WEB_SVC_SERVICE_PORT=80", f"WEB_SVC_PORT=tcp://{ip}:80",
            f"WEB_SVC_PORT_80_TCP=tcp://{ip}:80", "WEB_SVC_PORT_80_TCP_PROTO=tcp", "WEB_SVC_PORT_80_TCP_PORT=80",
            f"WEB_SVC_PORT_80_TCP_ADDR={ip}"]


class Terminal:
    """kubeplay's terminal through ``/run`` (``stdin`` is the body's), on a sandbox of ``app``."""

    def __init__(self, client, sid: str) -> None:
        self.client, self.base = client, f"/api/sandboxes/{sid}"

    def run(self, command: str, stdin: str | None = None, rc: int = 0) -> str:
        body = {"command": command} if stdin is None else {"command": command, "stdin": stdin}
        r = self.client.post(f"{self.base}/run", json=body)
        assert r.status_code == 200 and r.json["exitCode"] == rc, r.json
        return r.json["output"]

    def service_ip(self, name: str) -> str:
        objs = self.client.get(f"{self.base}/objects").json["objects"]
        return next(o["spec"]["clusterIP"] for o in objs if o["kind"] == "Service" and o["metadata"]["name"] == name)


@pytest.fixture
def make_app(tmp_path):
    apps = []

    def make():
        app = create_app({"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True},
                         seed=7, start=DEFAULT_START)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["kubeplay.journal"].close()


@pytest.fixture
def term(make_app):
    app = make_app()
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    t = Terminal(client, sid)
    t.app = app  # type: ignore[attr-defined]
    r = client.post(f"/api/sandboxes/{sid}/apply", json={"manifest": MANIFEST})
    assert r.json["exitCode"] == 0, r.json
    assert client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 60}).status_code == 200
    t.sid = sid  # type: ignore[attr-defined]
    return t


# -- the process environment -------------------------------------------------------------------
def test_env_of_nginx_is_the_runtimes_not_a_shells(term):
    env = term.run("kubectl exec web -- env").splitlines()
    # containerd: PATH, HOSTNAME, the image's ENV (nginx 1.14.2's Dockerfile), then the kubelet's
    # variables — the pod's env in spec order ($(GREETING) expanded), the service links — then HOME
    assert env == [PATH, "HOSTNAME=web", "NGINX_VERSION=1.14.2-1~stretch", "NJS_VERSION=1.14.2.0.2.6-1~stretch",
                   "GREETING=hello", "ZED=last", "ALPHA=hello-first", *KUBERNETES_VARS,
                   *web_svc_vars(term.service_ip("web-svc")), "HOME=/root"]
    # a terminal adds TERM (before runc's HOME)
    assert term.run("kubectl exec -it web -- env").splitlines()[-2:] == ["TERM=xterm", "HOME=/root"]


def test_env_of_busybox_and_what_a_shell_adds(term):
    ip = term.service_ip("web-svc")
    assert term.run("kubectl exec bb -- env").splitlines() == [PATH, "HOSTNAME=bb", *KUBERNETES_VARS,
                                                               *web_svc_vars(ip), "HOME=/root"]
    # busybox ash exports SHLVL and PWD of its own; nginx's dash only PWD
    assert set(term.run("kubectl exec bb -- sh -c env").splitlines()) - set(term.run("kubectl exec bb -- env")
                                                                              .splitlines()) == {"SHLVL=1", "PWD=/"}
    assert set(term.run("kubectl exec web -- sh -c env").splitlines()) - set(term.run("kubectl exec web -- env")
                                                                              .splitlines()) == {"PWD=/"}
    assert term.run("kubectl exec bb -- printenv SHLVL", rc=1) == "command terminated with exit code 1\n"


def test_the_images_env_reaches_the_main_process(term):
    # what the container's own command sees (the kubelet's record of its start) is the same env
    term.run("kubectl run echoenv --image=nginx:1.17 --restart=Never --command -- "
             "sh -c 'echo $NGINX_VERSION $NJS_VERSION $PKG_RELEASE'")
    term.client.post(f"{term.base}/clock", json={"advance": 60})
    assert term.run("kubectl logs echoenv") == "1.17.10 0.4.0 1~buster\n"


# -- output bytes and input ---------------------------------------------------------------------
def test_output_is_the_process_bytes(term):
    assert term.run("kubectl exec bb -- printf abc") == "abc"
    assert term.run("kubectl exec bb -- printf 'a\\nb'") == "a\nb"
    assert term.run("kubectl exec bb -- sh -c 'printf x; exit 2'", rc=2) == "xcommand terminated with exit code 2\n"


def test_exec_i_hands_the_input_to_the_process(term):
    assert term.run("kubectl exec -i bb -- cat", stdin="one\ntwo") == "one\ntwo"
    assert term.run("kubectl exec -i bb -- wc -l", stdin="a\nb\nc\n").split() == ["3"]
    # without -i the process's stdin is empty
    assert term.run("kubectl exec bb -- cat", stdin="ignored") == ""
    # a lone shell reads its script from the input: constructs over lines work as in a script
    script = "if true; then\n  echo yes\nfi\ncat <<EOF\nhere $HOSTNAME\nEOF\nexit 4\necho never\n"
    assert term.run("kubectl exec -i bb -- sh", stdin=script, rc=4) == \
        "yes\nhere bb\ncommand terminated with exit code 4\n"


def test_an_exec_that_writes_replays_after_a_restart(make_app, term):
    term.run("kubectl exec -i bb -- sh -c 'cat > /tmp/note'", stdin="kept\n")
    term.run("kubectl exec web -- sh -c 'echo changed > /usr/share/nginx/html/index.html'")
    before = term.client.get(f"{term.base}/objects").data
    again = Terminal(make_app().test_client(), term.sid)
    assert again.client.get(f"{term.base}/objects").data == before
    assert again.run("kubectl exec bb -- cat /tmp/note") == "kept\n"
    assert again.run("kubectl exec bb -- wget -qO- http://web-svc") == "changed\n"


def test_the_exec_operation_is_journalled_with_its_input_and_replays(make_app, term):
    sandbox = term.app.extensions["kubeplay.sandboxes"].get(term.sid)
    # a program the image does not have: containerd's refusal, nothing run
    assert sandbox.exec("default", "bb", "bb", ["bash"]) == {"error": (
        "error executing command in container: failed to exec in container: failed to start exec: OCI runtime "
        'exec failed: exec failed: unable to start container process: exec: "bash": executable file not found '
        "in $PATH: unknown")}
    res = sandbox.exec("default", "bb", "bb", ["sh", "-c", "cat > /tmp/from-rest; echo done >&2"], "via rest\n")
    assert res == {"stdout": "", "stderr": "done\n", "exitCode": 0, "output": "done\n"}
    journal = term.app.extensions["kubeplay.journal"]
    assert list(journal.ops(term.sid))[-1] == {
        "op": "exec", "namespace": "default", "pod": "bb", "container": "bb",
        "argv": ["sh", "-c", "cat > /tmp/from-rest; echo done >&2"], "stdin": "via rest\n", "tty": False}
    # the terminal's kubectl exec is that same operation, resolved (pod, default container, -i input)
    term.run("kubectl exec -i pod/web -- tee /tmp/t", stdin="x")
    assert list(journal.ops(term.sid))[-1] == {
        "op": "exec", "namespace": "default", "pod": "web", "container": "nginx", "argv": ["tee", "/tmp/t"],
        "stdin": "x", "tty": False}
    # a line that starts no process (an error here) takes the ordinary path: one journalled run line
    count = journal.count_ops(term.sid)
    assert term.run("kubectl exec nope -- true", rc=1) == 'Error from server (NotFound): pods "nope" not found\n'
    assert list(journal.ops(term.sid))[count:] == [{"op": "run", "command": "kubectl exec nope -- true", "stdin": ""}]
    restarted = Terminal(make_app().test_client(), term.sid)
    assert restarted.run("kubectl exec bb -- cat /tmp/from-rest") == "via rest\n"


# -- the REST exec stream, with the real kubectl ---------------------------------------------------
needs_kubectl = pytest.mark.skipif(not KUBECTL, reason="no real kubectl v1.32 here")


def _sandbox(port: int) -> str:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/sandboxes", data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())["id"]


@needs_kubectl
def test_real_kubectl_exec_through_the_stream_and_its_replay(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    with running_server(data, mode="eventlet") as (port, _log):
        lab = Lab(port, _sandbox(port), tmp_path_factory.mktemp("home"))
        lab.kubectl("apply", "-f", "-", stdin=MANIFEST)
        lab.clock(advance=60)
        # the server-side text is the same through both doors
        env = lab.kubectl("exec", "web", "--", "env").stdout
        assert env == lab.engine("kubectl exec web -- env")
        assert "NGINX_VERSION=1.14.2-1~stretch\n" in env and "SHLVL" not in env and "PWD" not in env
        assert lab.kubectl("exec", "bb", "--", "printf", "abc").stdout == "abc"
        # exec -i without a TTY: the whole input, to its end, is the process's
        done = lab.kubectl("exec", "-i", "bb", "--", "sh", stdin="if true; then\n  echo yes\nfi\nexit 3\n",
                           check=False)
        assert (done.stdout, done.stderr, done.returncode) == ("yes\n", "command terminated with exit code 3\n", 3)
        assert lab.kubectl("exec", "-i", "bb", "--", "sh", "-c", "cat > /tmp/streamed", stdin="over the wire\n"
                           ).returncode == 0
        sid, home = lab.sid, lab.home
    # a new server process over the same data directory replays the journalled exec
    with running_server(data, mode="eventlet") as (port, _log):
        again = Lab(port, sid, home)
        assert again.engine("kubectl exec bb -- cat /tmp/streamed") == "over the wire\n"
        assert again.kubectl("exec", "bb", "--", "cat", "/tmp/streamed").stdout == "over the wire\n"


def test_port_forward_dials_the_pods_own_loopback(term):
    """The runtime dials localhost inside the pod's network namespace: the route the pod's own
    ``curl localhost`` takes, which no NetworkPolicy sees (a deny-all ingress policy refuses the
    pod's address from another pod, not its loopback), the app logging 127.0.0.1 as the client."""
    deny = ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-all}\n"
            "spec: {podSelector: {}, policyTypes: [Ingress]}\n")
    assert term.client.post(f"{term.base}/apply", json={"manifest": deny}).json["exitCode"] == 0
    assert "timed out" in term.run("kubectl exec bb -- wget -qO- -T 2 http://web-svc", rc=1)
    sandbox = term.app.extensions["kubeplay.sandboxes"].get(term.sid)
    assert sandbox.portforward("default", "web", 80) == {}
    res = sandbox.portforward("default", "web", 80, {"method": "GET", "path": "/", "host": "localhost:8080",
                                                     "userAgent": "curl/8.5.0"})
    assert res["status"] == 200 and "Welcome to nginx!" in res["body"]
    assert term.run("kubectl logs web --tail=1").startswith('127.0.0.1 - - [')
    assert sandbox.portforward("default", "web", 81) == {"error": "Connection refused"}


def test_home_follows_the_user_runc_runs_as(term):
    # uid 1000 has no entry in busybox's /etc/passwd: runc's default home is /
    pod = ("apiVersion: v1\nkind: Pod\nmetadata: {name: nobody}\nspec:\n  securityContext: {runAsUser: 1000}\n"
           "  containers:\n  - {name: c, image: 'busybox:1.36', command: [sleep, '3600']}\n")
    assert term.client.post(f"{term.base}/apply", json={"manifest": pod}).json["exitCode"] == 0
    term.client.post(f"{term.base}/clock", json={"advance": 30})
    assert term.run("kubectl exec nobody -- env").splitlines()[-1] == "HOME=/"
    # root (no runAsUser): /root
    assert term.run("kubectl exec web -- printenv HOME") == "/root\n"
