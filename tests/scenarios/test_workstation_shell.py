"""The workstation's shell as tutorials use it, through the HTTP contract the terminal panel uses
(``/run`` with ``watchSeconds`` for a command that keeps printing, ``/edits/<id>`` for the editor):
shell variables from kubectl's go-templates, ``curl`` of a NodePort, here-documents piped and
written to files, ``ls``/``cat`` of the workspace, pipes into grep/awk/jq/xargs/base64, loops of
``kubectl exec``, ``watch``, ``history``, ``vi`` — and a restart that rebuilds the same files and
the same cluster from the journal."""

from __future__ import annotations

import pytest

from server.sim.clock import DEFAULT_START
from server.web import create_app

PODS = """cat <<EOF | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: web-0
  labels: {app: web}
spec:
  containers:
  - name: c
    image: busybox:1.36
    command: ["sleep", "3600"]
---
apiVersion: v1
kind: Pod
metadata:
  name: web-1
  labels: {app: web}
spec:
  containers:
  - name: c
    image: busybox:1.36
    command: ["sleep", "3600"]
EOF"""

POD_FILE = """cat > pod.yaml <<EOF
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
def lab(tmp_path):
    apps = []

    def make():
        app = create_app({"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True},
                         seed=7, start=DEFAULT_START)
        apps.append(app)
        return app.test_client()

    yield make
    for app in apps:
        app.extensions["kubeplay.journal"].close()


def _runner(client, sid):
    def run(line: str, rc: int | None = 0, **extra) -> str:
        r = client.post(f"/api/sandboxes/{sid}/run", json={"command": line, **extra})
        assert r.status_code == 200, r.json
        if rc is not None:
            assert r.json["exitCode"] == rc, r.json
        return r.json["output"]

    return run


def test_a_tutorial_session_on_the_workstation(lab):
    client = lab()
    sid = client.post("/api/sandboxes").json["id"]
    run = _runner(client, sid)
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})

    # the bootcamp: a NodePort read into a variable, then curl from outside the cluster
    run("kubectl create deployment kubernetes-bootcamp --image=jocatalin/kubernetes-bootcamp:v1")
    run("kubectl expose deployment/kubernetes-bootcamp --type=NodePort --port 8080")
    run("kubectl rollout status deployment/kubernetes-bootcamp", watchSeconds=120)
    assert run("export NODE_PORT=$(kubectl get services/kubernetes-bootcamp "
               "-o go-template='{{(index .spec.ports 0).nodePort}}')") == ""
    port = run("echo NODE_PORT=$NODE_PORT").strip().split("=")[1]
    assert port.isdigit() and 30000 <= int(port) <= 32767
    run("export NODE_IP=$(kubectl get node node1 -o jsonpath='{.status.addresses[0].address}')")
    answer = run("curl $NODE_IP:$NODE_PORT")
    assert answer.startswith("Hello Kubernetes bootcamp! | Running on: kubernetes-bootcamp-")

    # a here-document piped into kubectl; grep, awk and a loop of kubectl exec
    assert run(PODS) == "pod/web-0 created\npod/web-1 created\n"
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 30})
    listed = run("kubectl get pods | grep web")
    assert [ln.split()[0] for ln in listed.splitlines()] == ["web-0", "web-1"]
    assert run("kubectl get pods | grep web | awk '{print $1 \":\" $3}'") == "web-0:Running\nweb-1:Running\n"
    assert run("for i in 0 1; do kubectl exec \"web-$i\" -- sh -c 'hostname'; done") == "web-0\nweb-1\n"
    assert run("kubectl get pods -l app=web -o json | jq -r '.items[] | select(.status.phase == \"Running\") "
               "| .metadata.name'") == "web-0\nweb-1\n"

    # a Secret's field decoded
    run("kubectl create secret generic db --from-literal=password='s3cr3t!'")
    assert run("kubectl get secret db -o jsonpath='{.data.password}' | base64 --decode") == "s3cr3t!"

    # a file written with a here-document, applied, listed
    assert run(POD_FILE) == ""
    assert run("kubectl apply -f pod.yaml") == "pod/solo created\n"
    assert "pod.yaml" in run("ls").split()
    assert run("grep -c image pod.yaml") == "1\n"
    assert run("sed -n 's/^  name: //p' pod.yaml") == "solo\n"

    # watch prints a frame per interval of the cluster's clock; the HTTP contract's watchSeconds ends it
    frames = run("watch -n 5 kubectl get pods", watchSeconds=12)
    screens = frames.split("\x1b[H\x1b[J")[1:]
    assert len(screens) >= 2
    for screen in screens:
        title, blank, header = screen.split("\n")[:3]
        assert title.startswith("Every 5.0s: kubectl get pods") and "workstation: " in title and len(title) == 80
        assert blank == "" and header.split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]

    # the delete of every pod by name, through xargs
    deleted = run("kubectl get pods -o name | grep web | xargs -n1 kubectl delete")
    assert deleted == 'pod "web-0" deleted\npod "web-1" deleted\n'
    assert "web-" not in run("kubectl get pods")

    hist = run("history")
    numbered = [ln for ln in hist.splitlines() if ln[:5].strip().isdigit() and ln[5:7] == "  "]
    assert numbered[0] == "    1  kubectl create deployment kubernetes-bootcamp " \
                          "--image=jocatalin/kubernetes-bootcamp:v1"
    assert [int(ln[:5]) for ln in numbered] == list(range(1, len(numbered) + 1))
    assert numbered[-1].endswith("  history")
    assert "    9  kubectl get pods | grep web\n" in hist


def test_vi_opens_the_editor_on_a_workspace_file_and_saves_it(lab):
    client = lab()
    sid = client.post("/api/sandboxes").json["id"]
    run = _runner(client, sid)
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": "vi notes.txt"}).json
    assert r["exitCode"] == 0 and r["edit"]["file"] == "notes.txt" and r["edit"]["text"] == ""
    assert r["edit"]["editor"] == "vi"
    done = client.post(f"/api/sandboxes/{sid}/edits/{r['edit']['id']}", json={"text": "hello\n"}).json
    assert done["exitCode"] == 0
    assert run("cat notes.txt") == "hello\n"
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": "vim notes.txt"}).json
    assert r["edit"]["text"] == "hello\n"


def test_a_restarted_sandbox_has_the_same_files_and_cluster(lab):
    client = lab()
    sid = client.post("/api/sandboxes").json["id"]
    run = _runner(client, sid)
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    run(POD_FILE)
    run("mkdir -p work/sub && echo one > work/sub/a.txt && echo two >> work/sub/a.txt")
    run("cd work")
    run("sed -i 's/one/uno/' sub/a.txt")
    run("cd ..")
    run("kubectl apply -f pod.yaml")
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": "nano work/b.txt"}).json
    client.post(f"/api/sandboxes/{sid}/edits/{r['edit']['id']}", json={"text": "saved in the editor\n"})
    run("rm pod.yaml")
    before_ls = run("ls -R work")
    before_objects = client.get(f"/api/sandboxes/{sid}/objects").data

    again = lab()  # a new server over the same data directory: the journal replays
    run2 = _runner(again, sid)
    assert again.get(f"/api/sandboxes/{sid}/objects").data == before_objects
    assert run2("ls -R work") == before_ls
    assert run2("cat work/sub/a.txt work/b.txt") == "uno\ntwo\nsaved in the editor\n"
    assert run2("cat pod.yaml", rc=1) == "cat: pod.yaml: No such file or directory\n"
