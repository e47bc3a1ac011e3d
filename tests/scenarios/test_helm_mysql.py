"""The seeds' helm session, typed unchanged into the terminal panel (through the HTTP contract the
panel uses: ``/run`` and ``/clock``): add the stable repository, install stable/mysql with a
generated name, wait for its pod, read the generated root password from its Secret, list the
release and uninstall it.

The expected texts are helm v3's (cmd/helm/status.go's block, list.go's uitable) and the
stable/mysql 1.6.9 chart's NOTES.txt rendered for its default values, as a real cluster shows
them. The seed runs on minikube, whose storage-provisioner add-on gives the chart's PVC a volume:
the kubeadm lab switches that add-on on first."""

from __future__ import annotations

import base64
import re
from datetime import datetime

import pytest

from server.sim.clock import DEFAULT_START
from server.web import create_app

NOTES = """\
NOTES:
MySQL can be accessed via port 3306 on the following DNS name from within your cluster:
{name}.default.svc.cluster.local

To get your root password run:

    MYSQL_ROOT_PASSWORD=$(kubectl get secret --namespace default {name} -o jsonpath="{{.data.mysql-root-password}}" \
| base64 --decode; echo)

To connect to your database:

1. Run an Ubuntu pod that you can use as a client:

    kubectl run -i --tty ubuntu --image=ubuntu:16.04 --restart=Never -- bash -il

2. Install the mysql client:

    $ apt-get update && apt-get install mysql-client -y

3. Connect using the mysql cli, then provide your password:
    $ mysql -h {name} -p

To connect to your database directly from outside the K8s cluster:
    MYSQL_HOST=127.0.0.1
    MYSQL_PORT=3306

    # Execute the following command to route the connection:
    kubectl port-forward svc/{name} 3306

    mysql -h ${{MYSQL_HOST}} -P${{MYSQL_PORT}} -u root -p${{MYSQL_ROOT_PASSWORD}}
"""


@pytest.fixture
def lab(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True},
                     seed=7, start=DEFAULT_START)
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    api = f"/api/sandboxes/{sid}"

    class Lab:
        def run(self, line: str, rc: int = 0) -> str:
            r = client.post(f"{api}/run", json={"command": line})
            assert r.status_code == 200, r.json
            assert r.json["exitCode"] == rc, r.json
            return r.json["output"]

        def clock(self, **body) -> dict:
            return client.post(f"{api}/clock", json=body).json

        def addon(self, name: str) -> None:
            assert client.post(f"{api}/addons/{name}", json={"enabled": True}).status_code == 200

    client.post(f"{api}/clock", json={"paused": True})
    yield Lab()
    app.extensions["kubeplay.journal"].close()


def _install(lab) -> str:
    lab.addon("storage-provisioner")
    lab.clock(advance=10)
    assert lab.run("helm repo add stable https://charts.helm.sh/stable") == \
        '"stable" has been added to your repositories\n'
    now = lab.clock(paused=True)["now"]
    out = lab.run("helm install stable/mysql --generate-name")
    name = f"mysql-{int(datetime.fromisoformat(now).timestamp())}"
    m = re.match(r"WARNING: This chart is deprecated\nNAME: (\S+)\nLAST DEPLOYED: (.+)\n", out)
    assert m and m[1] == name, out
    # time.ANSIC of the virtual clock: "Mon Jan _2 15:04:05 2006"
    assert re.fullmatch(r"[A-Z][a-z]{2} [A-Z][a-z]{2} [ 123]\d \d\d:\d\d:\d\d \d{4}", m[2])
    # the chart's only test hook has never run: no TEST SUITE line at all
    assert out[m.end():] == "NAMESPACE: default\nSTATUS: deployed\nREVISION: 1\n" + NOTES.format(name=name)
    return name


def test_the_seed_helm_mysql_session(lab):
    name = _install(lab)
    secrets = lab.run("kubectl get secrets")
    assert re.search(rf"^{name} +Opaque +2 +\d+s$", secrets, re.M), secrets
    assert re.search(rf"^sh\.helm\.release\.v1\.{name}\.v1 +helm\.sh/release\.v1 +1 +\d+s$", secrets, re.M)

    password = lab.run(f'kubectl get secret --namespace default {name} -o jsonpath="{{.data.mysql-root-password}}"'
                       " | base64 --decode; echo")
    assert re.fullmatch(r"[A-Za-z0-9]{10}\n", password), password
    stored = lab.run(f"kubectl get secret {name} -o jsonpath='{{.data.mysql-root-password}}'")
    assert base64.b64decode(stored).decode() + "\n" == password

    listed = lab.run("helm list").splitlines()
    assert [c.strip() for c in listed[0].split("\t")] == ["NAME", "NAMESPACE", "REVISION", "UPDATED", "STATUS",
                                                          "CHART", "APP VERSION"]
    row = [c.strip() for c in listed[1].split("\t")]
    assert row[:3] == [name, "default", "1"] and row[4:] == ["deployed", "mysql-1.6.9", "5.7.30"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC", row[3])
    # uitable: every cell padded to its column, tab-separated
    assert len(listed[0].split("\t")[0]) == len(listed[1].split("\t")[0]) == len(name)

    assert lab.run(f"helm uninstall {name}") == f'release "{name}" uninstalled\n'
    assert lab.run("helm list") == "NAME\tNAMESPACE\tREVISION\tUPDATED\tSTATUS\tCHART\tAPP VERSION\n"
    lab.clock(advance=60)
    left = lab.run("kubectl get secrets,deployments,services,pvc")
    assert name not in left, left


def test_the_seed_mysql_pod_runs(lab):
    name = _install(lab)
    lab.clock(advance=120)
    pods = lab.run("kubectl get pods")
    assert re.search(rf"^{name}-[a-z0-9]+-[a-z0-9]{{5}} +\d/1 +Running +0 +", pods, re.M), pods
    # its probes (``mysqladmin ping -u root -p${MYSQL_ROOT_PASSWORD}``) pass: the pod is ready
    assert re.search(rf"^{name}-[a-z0-9]+-[a-z0-9]{{5}} +1/1 +Running +0 +", pods, re.M), pods
    logs = lab.run(f"kubectl logs deploy/{name}")
    assert "[Note] [Entrypoint]: Entrypoint script for MySQL Server 5.7.30-1debian10 started." in logs
    assert re.search(r"Z 0 \[Note\] mysqld: ready for connections\.\nVersion: '5\.7\.30'  socket: "
                     r"'/var/run/mysqld/mysqld\.sock'  port: 3306  MySQL Community Server \(GPL\)\n", logs), logs
    # the NOTES' password, then the server answers a client in its container with it (and only with it)
    password = lab.run(f'kubectl get secret --namespace default {name} -o jsonpath="{{.data.mysql-root-password}}"'
                       " | base64 --decode").strip()
    assert lab.run(f"kubectl exec deploy/{name} -c {name} -- mysql -uroot -p{password} -e 'SELECT 1'") == \
        "mysql: [Warning] Using a password on the command line interface can be insecure.\n1\n1\n"
    denied = lab.run(f"kubectl exec deploy/{name} -c {name} -- mysql -uroot -pwrong -e 'SELECT 1'", rc=1)
    assert "ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: YES)\n" in denied
