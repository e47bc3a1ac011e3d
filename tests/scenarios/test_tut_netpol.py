"""kubernetes.io "Declare Network Policy" (tasks/administer-cluster/declare-network-policy), typed as
the page gives it, through the HTTP contract: an nginx Deployment and Service, a busybox:1.28 shell
that reaches it, the ``access-nginx`` policy (only pods labelled ``access=true`` may connect), the
unlabelled shell's request dropped (``wget: download timed out``, as on a cluster whose CNI
enforces policies) and the labelled one's answered."""

from __future__ import annotations

import pytest

from server.sim.clock import DEFAULT_START
from server.web import create_app

POLICY = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: access-nginx
spec:
  podSelector:
    matchLabels:
      app: nginx
  ingress:
  - from:
    - podSelector:
        matchLabels:
          access: "true"
"""


@pytest.fixture
def term(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True},
                     seed=7, start=DEFAULT_START)
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    base = f"/api/sandboxes/{sid}"

    class Term:
        session: str | None = None

        def run(self, line: str, rc: int | None = 0, stdin: str | None = None) -> str:
            body: dict = {"command": line}
            if stdin is not None:
                body["stdin"] = stdin
            if self.session:
                body["session"] = self.session
            r = client.post(f"{base}/run", json=body)
            assert r.status_code == 200, r.json
            if "session" in r.json:
                self.session = r.json["session"]["id"] if r.json["session"] else None
            if rc is not None:
                assert r.json["exitCode"] == rc, r.json
            return r.json["output"]

        def advance(self, seconds: float) -> None:
            assert client.post(f"{base}/clock", json={"advance": seconds}).status_code == 200

    client.post(f"{base}/clock", json={"paused": True})
    yield Term()
    app.extensions["kubeplay.journal"].close()


def test_declare_network_policy(term):
    assert term.run("kubectl create deployment nginx --image=nginx") == "deployment.apps/nginx created\n"
    assert term.run("kubectl expose deployment nginx --port=80") == "service/nginx exposed\n"
    term.advance(60)
    listing = term.run("kubectl get svc,pod")
    svc_line = next(line for line in listing.splitlines() if line.startswith("service/nginx "))
    ip = svc_line.split()[2]
    assert "pod/nginx-" in listing and "Running" in listing

    # before any policy: the request is answered
    assert term.run("kubectl run busybox --rm -ti --image=busybox:1.28 -- /bin/sh") == \
        "If you don't see a command prompt, try pressing enter.\n"
    assert term.run("wget --spider --timeout=1 nginx") == f"Connecting to nginx ({ip}:80)\nremote file exists\n"
    assert term.run("exit") == 'pod "busybox" deleted\n'
    term.advance(5)

    assert term.run("kubectl apply -f -", stdin=POLICY) == "networkpolicy.networking.k8s.io/access-nginx created\n"
    assert term.run("kubectl get networkpolicy").splitlines() == [
        "NAME           POD-SELECTOR   AGE", "access-nginx   app=nginx      0s"]

    # without the label: the policy drops the connection and wget gives up after its timeout
    term.run("kubectl run busybox --rm -ti --image=busybox:1.28 -- /bin/sh")
    assert term.run("wget --spider --timeout=1 nginx", rc=1) == \
        f"Connecting to nginx ({ip}:80)\nwget: download timed out\n"
    assert term.run("exit", rc=1) == 'pod "busybox" deleted\n'
    term.advance(5)

    # with access=true: allowed again
    term.run('kubectl run busybox --rm -ti --labels="access=true" --image=busybox:1.28 -- /bin/sh')
    assert term.run("wget --spider --timeout=1 nginx") == f"Connecting to nginx ({ip}:80)\nremote file exists\n"
    assert term.run("exit") == 'pod "busybox" deleted\n'


def test_the_policy_described(term):
    term.run("kubectl apply -f -", stdin=POLICY)
    described = term.run("kubectl describe networkpolicy access-nginx")
    assert "  PodSelector:     app=nginx\n  Allowing ingress traffic:\n    To Port: <any> (traffic allowed to all ports)\n" \
           "    From:\n      PodSelector: access=true\n  Not affecting egress traffic\n  Policy Types: Ingress\n" \
           in described
