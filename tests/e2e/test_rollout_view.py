"""A rollout read at a glance: after ``kubectl set image`` the Deployment's old and new ReplicaSets
stand side by side, each named with its revision and image, with the rolling-update budget the
deployment controller resolves and a DESIRED/CURRENT/READY/UP-TO-DATE chart recorded over virtual time.

The clock is paused and moved only by the page's step buttons, so every run sees the same history.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import advance, pause, pods, run

pytestmark = pytest.mark.e2e


def test_set_image_shows_old_and_new_replicasets_with_revision_and_image(page: Page) -> None:
    pause(page)
    run(page, "kubectl create deployment web --image=nginx:1.14.2 --replicas=3")
    advance(page, 30)
    expect(pods(page, "web-", "Running")).to_have_count(3)
    # one ReplicaSet: no rollout card yet
    expect(page.get_by_role("region", name="rollout of deployment web")).to_have_count(0)

    out = run(page, "kubectl set image deployment/web nginx=nginx:1.16.1")
    expect(out).to_contain_text("deployment.apps/web image updated")
    card = page.get_by_role("region", name="rollout of deployment web")
    old = card.get_by_role("group", name=re.compile(r"^replicaset web-[a-z0-9]+, revision 1, nginx:1\.14\.2$"))
    new = card.get_by_role("group", name=re.compile(r"^replicaset web-[a-z0-9]+, revision 2, nginx:1\.16\.1$"))
    expect(old).to_be_visible()
    expect(new).to_be_visible()
    # 3 replicas, 25 % each way: surge rounds up to 1, unavailable down to 0
    expect(card).to_contain_text("maxSurge 1, maxUnavailable 0: at most 4 pods, at least 3 available")
    # side by side, the new one on the right
    ob, nb = old.bounding_box(), new.bounding_box()
    assert ob and nb and ob["x"] + ob["width"] <= nb["x"] and abs(ob["y"] - nb["y"]) < 2

    # the names are the ReplicaSets kubectl lists, revision by revision
    listed = run(page, "kubectl get rs -l app=web --no-headers -o 'custom-columns=NAME:.metadata.name,"
                 "REV:.metadata.annotations.deployment\\.kubernetes\\.io/revision'")
    lines = [line.split() for line in listed.inner_text().splitlines() if line.startswith("web-")]
    by_rev = {rev: name for name, rev in lines}
    assert set(by_rev) == {"1", "2"}, lines
    expect(old).to_have_accessible_name(f"replicaset {by_rev['1']}, revision 1, nginx:1.14.2")
    expect(new).to_have_accessible_name(f"replicaset {by_rev['2']}, revision 2, nginx:1.16.1")

    advance(page, 60)
    expect(pods(page, "web-", "Running")).to_have_count(3)
    expect(new).to_contain_text("3/3 ready")
    expect(old).to_contain_text("0/0 ready")
    expect(card).to_contain_text("UP-TO-DATE 3")
    # the chart drew the rollout's history: the UP-TO-DATE line moved over time
    points = card.locator("polyline").nth(3).get_attribute("points") or ""
    ys = {p.split(",")[1] for p in points.split()}
    assert len(ys) > 1, points
    if os.environ.get("KUBEPLAY_SCREENSHOTS"):
        page.screenshot(path=str(Path(os.environ["KUBEPLAY_SCREENSHOTS"]) / "rollout.png"))
