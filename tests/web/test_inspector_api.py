"""The inspector's read-only routes (``GET …/objects/<kind>/<ns>/<name>/<view>``, ``GET …/events``):
the very text the terminal's kubectl prints for the same line, nothing journalled, a followed log
through the terminal's stream mechanism, and every wrong request refused with its field."""

from __future__ import annotations

import json

import pytest

from server.kubectl import printers

from .conftest import events_named
from .test_terminal_streams import socket_id


def run(client, sid, command):
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": command})
    assert r.status_code == 200, r.json
    return r.json


@pytest.fixture
def web(client, sid):
    """A running nginx pod ``web`` and a Service ``web`` in default, the clock paused."""
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    assert run(client, sid, "kubectl run web --image=nginx --labels=app=web")["exitCode"] == 0
    assert run(client, sid, "kubectl expose pod web --port=80")["exitCode"] == 0
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 30})
    return "web"


@pytest.mark.parametrize(("path", "line"), [
    ("pod/default/web/yaml", "kubectl get pod web -n default -o yaml"),
    ("pod/default/web/describe", "kubectl describe pod web -n default"),
    ("pod/default/web/logs", "kubectl logs web -n default"),
    ("pod/default/web/events", "kubectl events --for pod/web -n default"),
    ("service/default/web/describe", "kubectl describe service web -n default"),
    ("node/-/node1/describe", "kubectl describe node node1"),
    ("node/-/node1/yaml", "kubectl get node node1 -o yaml"),
])
def test_each_view_is_what_the_terminal_prints_for_its_line(client, sid, web, path, line):
    r = client.get(f"/api/sandboxes/{sid}/objects/{path}")
    assert r.status_code == 200
    typed = run(client, sid, line)
    assert r.json == {"command": line, "output": typed["output"], "exitCode": typed["exitCode"]}
    assert r.json["exitCode"] == 0 and r.json["output"]


def test_the_views_show_the_object(client, sid, web):
    base = f"/api/sandboxes/{sid}/objects/pod/default/web"
    assert "  name: web\n" in client.get(f"{base}/yaml").json["output"]
    assert client.get(f"{base}/describe").json["output"].startswith("Name:             web\n")
    events = client.get(f"{base}/events").json["output"]
    assert events.splitlines()[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert "Scheduled" in events and "Pod/web" in events


def test_reading_journals_nothing_and_changes_nothing(app, client, sid, sandbox, web):
    journal = app.extensions["kubeplay.journal"]
    before, rv, now = journal.count_ops(sid), sandbox.cluster.store.rv, sandbox.cluster.clock.now()
    for view in ("yaml", "describe", "logs", "events"):
        assert client.get(f"/api/sandboxes/{sid}/objects/pod/default/web/{view}").status_code == 200
    assert client.get(f"/api/sandboxes/{sid}/events").status_code == 200
    assert (journal.count_ops(sid), sandbox.cluster.store.rv, sandbox.cluster.clock.now()) == (before, rv, now)
    assert "kubectl get pod web" not in run(client, sid, "history")["output"]  # not the user's history


def test_a_missing_object_is_kubectls_not_found(client, sid):
    r = client.get(f"/api/sandboxes/{sid}/objects/pod/default/nope/yaml")
    assert r.status_code == 200
    assert r.json["exitCode"] == 1
    assert r.json["output"] == 'Error from server (NotFound): pods "nope" not found\n'


def test_the_timeline_is_kubectl_events_of_every_namespace_or_one_object(client, sid, web):
    everything = client.get(f"/api/sandboxes/{sid}/events").json
    assert everything["command"] == "kubectl events -A"
    assert everything["output"] == run(client, sid, "kubectl events -A")["output"]
    assert everything["output"].splitlines()[0].split()[:3] == ["NAMESPACE", "LAST", "SEEN"]
    one = client.get(f"/api/sandboxes/{sid}/events?for=pod/web&namespace=default").json
    assert one["command"] == "kubectl events -n default --for pod/web"
    assert one["output"] == run(client, sid, one["command"])["output"]
    rows = one["output"].splitlines()[1:]
    assert rows and all("Pod/web" in row for row in rows)
    assert len(rows) < len(everything["output"].splitlines()) - 1
    # the OBJECT column's spelling (Pod/web) is kubectl's --for too
    typed = client.get(f"/api/sandboxes/{sid}/events?for=Pod/web&namespace=default").json
    assert typed["output"] == one["output"]


def test_the_timelines_newest_rows_are_the_whole_tables_last_lines(client, sid, web):
    """``?last=N`` (the page's Events region): the header and the last N lines of the very table the
    terminal prints — its columns as wide as over ALL its rows — and how many rows that table has."""
    # old events whose every cell is its column's widest: they sort first, outside the newest rows
    assert run(client, sid, "kubectl create namespace a-namespace-with-a-rather-long-name")["exitCode"] == 0
    for namespace in ("default", "a-namespace-with-a-rather-long-name"):
        old = {"apiVersion": "v1", "kind": "Event", "type": "Warning", "reason": "AReasonLongerThanAnyOther",
               "metadata": {"name": "old.1", "namespace": namespace},
               "involvedObject": {"kind": "ConfigMap", "name": "an-object-with-a-name-longer-than-the-pods",
                                  "namespace": namespace},
               "message": "long ago", "count": 5, "firstTimestamp": "2025-03-01T13:00:00Z",
               "lastTimestamp": "2025-03-03T12:50:00Z"}  # LAST SEEN "10m (x5 over 2d)"
        applied = client.post(f"/api/sandboxes/{sid}/apply", json={"manifest": json.dumps(old)}).json
        assert applied["exitCode"] == 0, applied
    # and many newer ones, several a second (ties that sort.Sort orders its own way)
    assert run(client, sid, "kubectl create deployment many --image=nginx --replicas=12")["exitCode"] == 0
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 20})
    for namespace, line in (("", "kubectl events -A"), ("default", "kubectl events -n default")):
        whole = run(client, sid, line)["output"].splitlines(keepends=True)
        assert len(whole) > 40 and "AReasonLongerThanAnyOther" in whole[1] + whole[2]
        for last in (1, 17, 40, len(whole) - 1, len(whole) + 5):
            got = client.get(f"/api/sandboxes/{sid}/events?last={last}&namespace={namespace}").json
            assert got == {"command": line, "exitCode": 0, "rows": len(whole) - 1,
                           "output": whole[0] + "".join(whole[1:][-last:])}
    # the widths are the whole table's, not the newest rows' own
    newest = client.get(f"/api/sandboxes/{sid}/events?last=17").json["output"]
    assert printers.tabwrite([line.split("   ") for line in newest.splitlines()]) != newest
    # one object's, and no events at all
    one = client.get(f"/api/sandboxes/{sid}/events?for=pod/web&namespace=default&last=2").json
    whole = run(client, sid, "kubectl events -n default --for pod/web")["output"].splitlines(keepends=True)
    assert one["rows"] == len(whole) - 1 > 2 and one["output"] == whole[0] + "".join(whole[-2:])
    none = client.get(f"/api/sandboxes/{sid}/events?namespace=kube-public&last=5").json
    assert none == {"command": "kubectl events -n kube-public", "exitCode": 0, "rows": 0,
                    "output": "No events found in kube-public namespace.\n"}


def test_a_followed_log_streams_over_the_socket_until_stopped(app, client, socket, sid, sandbox, hub, web):
    socket.emit("join", {"sandbox": sid}, callback=True)
    ip = sandbox.cluster.store.get("Pod", "default", "web")["status"]["podIP"]
    follow = socket_id(app, socket)
    r = client.get(f"/api/sandboxes/{sid}/objects/pod/default/web/logs?follow={follow}&container=web")
    assert r.json["command"] == "kubectl logs web -n default -c web -f"
    stream = r.json["stream"]["id"]
    socket.get_received()
    client.post(f"/api/sandboxes/{sid}/traffic", json={"from": {"node": "node1"}, "to": f"{ip}:80"})
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 1})
    got = events_named(socket.get_received(), "stream")
    assert [m["id"] for m in got] == [stream]
    assert got[0]["output"].count('"GET / HTTP/1.1" 200') == 1 and not got[0]["done"]
    stop = client.post(f"/api/sandboxes/{sid}/streams/{stream}/stop")
    assert stop.status_code == 200 and stop.json["exitCode"] == 130
    assert not sandbox.terminal_streams


@pytest.mark.parametrize(("path", "status", "field"), [
    ("objects/pod/default/--all/yaml", 400, "name"),
    ("objects/pod/default/web%20x/yaml", 400, "name"),
    ("objects/Pod;rm/default/web/yaml", 400, "kind"),
    ("objects/-pod/default/web/yaml", 400, "kind"),
    ("objects/pod/-n/web/yaml", 400, "namespace"),
    ("objects/pod/default/web/logs?container=-f", 400, "container"),
    ("objects/pod/default/web/yaml?follow=abc", 400, "follow"),
    ("objects/pod/default/web/exec", 404, None),
    ("events?for=pod", 400, "for"),
    ("events?namespace=A%20B", 400, "namespace"),
    ("events?last=0", 400, "last"),
    ("events?last=-3", 400, "last"),
    ("events?last=%C2%B2", 400, "last"),
])
def test_wrong_requests_are_refused(client, sid, path, status, field):
    r = client.get(f"/api/sandboxes/{sid}/{path}")
    assert r.status_code == status
    assert r.json.get("field") == field and r.json["error"]


def test_an_unknown_sandbox_is_404(client):
    assert client.get("/api/sandboxes/nope/objects/pod/default/web/yaml").status_code == 404
    assert client.get("/api/sandboxes/nope/events").status_code == 404


def test_the_timeline_read_again_after_events_change_is_what_a_first_read_makes(client, sid, sandbox, web):
    """The events' facts are kept from one read to the next (kubectl/verbs/events.py ``_facts``): after
    new events, a repeated one (a new object under the same name, its count and last time moved) and
    a deleted one, a read equals the read of a process that kept nothing."""
    from server.kubectl.verbs import events as kubectl_events

    def read(namespace):
        return client.get(f"/api/sandboxes/{sid}/events?last=25&namespace={namespace}").json

    def same_as_a_first_read():
        kept = {ns: read(ns) for ns in ("", "default")}
        kubectl_events._FACTS.clear()
        assert kept == {ns: read(ns) for ns in ("", "default")}
        return kept

    cluster = sandbox.cluster
    default = cluster.store.get("Namespace", "", "default")
    assert run(client, sid, "kubectl create deployment churn --image=nginx --replicas=3")["exitCode"] == 0
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 20})
    cluster.recorder.event(default, "Normal", "Repeated", "again and again", "test")
    same_as_a_first_read()
    for count in (2, 3):
        client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 9})
        cluster.recorder.event(default, "Normal", "Repeated", "again and again", "test")
        assert f"(x{count} over" in same_as_a_first_read()["default"]["output"]
    name = next(e["metadata"]["name"] for e in cluster.store.scan("Event", "default")
                if e["reason"] == "Repeated")
    assert run(client, sid, f"kubectl delete event {name}")["exitCode"] == 0
    assert "Repeated" not in same_as_a_first_read()["default"]["output"]
