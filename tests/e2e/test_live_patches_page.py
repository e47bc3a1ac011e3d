"""Cheap deltas end to end (issue 10): while a Deployment scales to a few hundred pods, the page is sent
merge patches and coalesced batches, and what it ends with is what the server has — every object equal to
``GET …/objects``, and every pod drawn with the STATUS ``kubectl get pods`` prints."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from .helpers import pause, pods

HIDDEN = ("Lease", "Event")


def key_of(obj: dict) -> str:
    meta = obj["metadata"]
    return f"{obj['kind']}/{meta.get('namespace') or ''}/{meta['name']}"


def test_the_page_mirror_equals_the_server_after_a_scale_with_patches(page: Page, server_url: str) -> None:
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda data: frames.append(data)))
    page.reload()  # the socket opens again with the frames observed
    expect(page.locator("body")).to_have_attribute("data-state", "live")
    pause(page)
    sid = page.locator("body").get_attribute("data-sandbox")
    base = f"{server_url}/api/sandboxes/{sid}"

    def post(path: str, body: dict) -> dict:
        r = page.request.post(base + path, data=body)
        assert r.ok, r.text()
        return r.json()

    post("/run", {"command": "kubectl create deployment big --image=nginx --replicas=0"})
    post("/run", {"command": "kubectl scale deployment big --replicas=300"})
    # a second at a time: the pods come 20 a second (the controller's client rate) and each is on
    # the page before its status changes, which then travel as patches
    for _ in range(60):
        post("/clock", {"advance": 1})
    served = page.request.get(base + "/objects").json()
    page.wait_for_function("rv => window.kubeplay.mirror.rv === rv && window.kubeplay.mirror.pending === 0",
                           arg=served["rv"])
    mirror = page.evaluate("() => [...window.kubeplay.mirror.objects.values()]")
    assert {key_of(o): o for o in mirror} == {key_of(o): o for o in served["objects"] if o["kind"] not in HIDDEN}

    # patches were in use: pod status changes came as patches, not whole pods
    events = [e for f in frames if isinstance(f, str) and f.startswith('42["delta"')
              for e in json.loads(f[2:])[1]["events"]]
    assert sum(1 for e in events if e["object"]["kind"] == "Pod" and "patch" in e) >= 300

    # and the canvas's accessible mirror shows each pod as kubectl prints it
    rows = post("/run", {"command": "kubectl get pods --no-headers -l app=big"})["output"].splitlines()
    statuses = {line.split()[0]: line.split()[2] for line in rows}
    assert len(statuses) == 300
    drawn = {}
    for label in [item.get_attribute("aria-label") or "" for item in pods(page, "big-").all()]:
        m = re.match(r"^pod (\S+) (\S+)$", label)
        assert m, label
        drawn[m.group(1)] = m.group(2)
    assert drawn == statuses
