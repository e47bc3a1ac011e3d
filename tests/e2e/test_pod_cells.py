"""Every pod named, typed and in kubectl's own status words (issue 10).

The page draws each pod from the cells the server's kubectl printers computed, so what the canvas
says and what `kubectl get pods` prints in the page's terminal are the same words. The clock is
paused first and moved only by the page's step buttons; waits are on the page's state.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import advance, api, details, node, pause, pods, run

pytestmark = pytest.mark.e2e


def kubectl_row(page: Page, name: str) -> dict[str, str]:
    """`kubectl get pod NAME -o wide` typed into the page's terminal, as {COLUMN: cell}."""
    out = run(page, f"kubectl get pod {name} -o wide").inner_text()
    lines = out[out.rindex(f"$ kubectl get pod {name} -o wide"):].splitlines()[1:]
    header = next(line for line in lines if line.startswith("NAME "))
    row = next(line for line in lines if line.startswith(f"{name} "))
    columns = list(re.finditer(r"\S+(?: \S+)*", header))
    starts = [m.start() for m in columns]
    cells = [row[a:b].strip() for a, b in zip(starts, starts[1:] + [len(row)], strict=True)]
    return dict(zip((m.group() for m in columns), cells, strict=True))


def settle_on(page: Page, name: str, status: str, *, step: int = 10, limit: int = 120) -> None:
    """Step the clock until the canvas shows pod ``name`` in ``status`` (a crash loop passes
    through Error and Running on its way)."""
    item = pods(page, name, status)
    for _ in range(limit // step):
        if item.count() == 1:
            return
        advance(page, step)
    expect(item).to_have_count(1)


def test_crash_loop_and_image_pull_back_off_look_different_and_read_as_kubectl(page: Page) -> None:
    pause(page)
    run(page, 'kubectl run crash --image=busybox --restart=Always -- sh -c "exit 1"')
    run(page, "kubectl run noimage --image=acme/does-not-exist:v9")
    settle_on(page, "noimage", "ImagePullBackOff")
    settle_on(page, "crash", "CrashLoopBackOff")

    crash, noimage = pods(page, "crash", "CrashLoopBackOff"), pods(page, "noimage", "ImagePullBackOff")
    expect(crash).to_have_attribute("data-glyph", "crashloop")
    expect(noimage).to_have_attribute("data-glyph", "imagepull")
    expect(crash).to_have_accessible_description(re.compile(r"^CrashLoopBackOff: .*keeps crashing.*Owner none \(bare pod\), ready 0/1$"))
    expect(noimage).to_have_accessible_description(re.compile(r"^ErrImagePull / ImagePullBackOff: the image cannot be pulled"))
    # the same words as kubectl's, because they are kubectl's
    assert kubectl_row(page, "crash")["STATUS"] == "CrashLoopBackOff"
    assert kubectl_row(page, "noimage")["STATUS"] == "ImagePullBackOff"

    # the legend names both, each with its meaning
    page.get_by_text("Legend", exact=True).click()
    legend = page.get_by_role("list", name="Pod statuses")
    expect(legend.get_by_role("listitem").filter(has_text="CrashLoopBackOff — ")).to_have_count(1)
    expect(legend.get_by_role("listitem").filter(has_text="ImagePullBackOff — ")).to_have_count(1)


def test_the_tooltip_on_focus_shows_kubectls_cells_owner_and_the_back_off_countdown(page: Page) -> None:
    pause(page)
    run(page, 'kubectl run crash --image=busybox --restart=Always -- sh -c "exit 1"')
    settle_on(page, "crash", "CrashLoopBackOff")
    row = kubectl_row(page, "crash")
    details(pods(page, "crash")).focus()
    tip = page.get_by_role("tooltip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("Pod:crash")
    expect(tip).to_contain_text(re.compile(r"Status:CrashLoopBackOff, restarting in \d+s"))
    expect(tip).to_contain_text(f"Ready:{row['READY']}")
    expect(tip).to_contain_text(f"Restarts:{row['RESTARTS']}")
    expect(tip).to_contain_text(f"Node:{row['NODE']}")
    expect(tip).to_contain_text(f"IP:{row['IP']}")
    expect(tip).to_contain_text("Owner:none (bare pod)")
    expect(tip).to_contain_text(f"Age:{row['AGE']}")
    # it describes the focused pod for a screen reader, and Escape dismisses it
    expect(details(pods(page, "crash"))).to_have_accessible_description(re.compile(r"^Pod: crash Status: CrashLoopBackOff, restarting in \d+s Ready: 0/1 "))
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()


def test_nodes_sort_naturally_and_owner_kinds_show(page: Page) -> None:
    pause(page)
    for name in ("node10", "node3"):
        assert page.request.post(api(page, "/nodes"), data={"name": name}).status == 201
    groups = page.get_by_role("group", name=re.compile(r"^node "))
    expect(groups).to_have_count(5)  # both joins have reached the page (each its own delta)
    labels = [g.get_attribute("aria-label") or "" for g in groups.all()]
    assert [label.split(",")[0] for label in labels] == ["node master", "node node1", "node node2", "node node3",
                                                         "node node10"]

    run(page, 'kubectl create job hello --image=busybox -- sh -c "echo hi"')
    advance(page, 10)
    job_pod = pods(page, "hello-")
    expect(job_pod).to_have_accessible_description(re.compile(r"Owner Job hello, ready \d/1$"))
    proxy = pods(node(page, "node1"), "kube-proxy-")
    expect(proxy).to_have_accessible_description(re.compile(r"^Running: .*Owner DaemonSet kube-proxy, ready 1/1$"))
    # the tooltip says the same on hover
    proxy.hover()
    expect(page.get_by_role("tooltip")).to_contain_text("Owner:DaemonSet kube-proxy")
