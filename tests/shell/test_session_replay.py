"""Shell lines are journalled: a restarted server replays them to the same objects, and a session
that was open goes on answering under the same id."""

from __future__ import annotations

from server.sim.clock import DEFAULT_START
from server.web import create_app


def test_sessions_replay_after_restart(tmp_path):
    cfg = {"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True}
    apps = [create_app(cfg, seed=7, start=DEFAULT_START)]
    client = apps[0].test_client()
    sid = client.post("/api/sandboxes").json["id"]
    api = f"/api/sandboxes/{sid}"

    def run(c, line, session=None):
        body = {"command": line} if session is None else {"command": line, "session": session}
        return c.post(f"{api}/run", json=body).json

    run(client, "kubectl apply -f step09-deploy.yml")
    run(client, "kubectl apply -f step09-svc-np.yml")
    client.post(f"{api}/clock", json={"advance": 30})
    first = run(client, "kubectl run -it a --image=busybox --restart=Never --rm -- sh")["session"]
    for _ in range(5):
        assert "nginx" in run(client, "wget -qO- web-service-np", first["id"])["output"]
    assert run(client, "exit", first["id"])["session"] is None
    second = run(client, "kubectl run -it b --image=busybox --restart=Never -- sh")["session"]
    assert second["id"] != first["id"] and second["prompt"] == "/ # "
    run(client, "wget -qO- web-service-np", second["id"])
    node_ip = run(client, "kubectl get nodes -o wide")["output"].splitlines()[1].split()[5]
    port = run(client, "kubectl get svc web-service-np")["output"].split(":")[1].split("/")[0]
    assert "nginx" in run(client, f"curl -s {node_ip}:{port}")["output"]
    # names drawn after the requests (which draw endpoints from the seeded RNG) must match too
    run(client, "kubectl create deployment later --image=nginx --replicas=3")
    client.post(f"{api}/clock", json={"advance": 5})
    before = client.get(f"{api}/objects").data

    apps.append(create_app(cfg, seed=7, start=DEFAULT_START))
    again = apps[1].test_client()
    assert again.get(f"{api}/objects").data == before
    # the open session survived the restart: same id, same pod
    out = run(again, "hostname", second["id"])
    assert out["output"] == "b\n" and out["session"]["id"] == second["id"]
    for app in apps:
        app.extensions["kubeplay.journal"].close()
