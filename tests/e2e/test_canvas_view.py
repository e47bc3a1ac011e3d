"""The canvas covers only the part of the cluster in view (canvas.js `placeArea`): its bitmap is as big
as the stage and a margin, however tall the layout, and scrolling shows what a fresh paint of the
same place shows — the part both places share is shifted, the strips that come into view are painted.
The cluster is a Deployment of 150 pods on the default lab in a small window, so the layout is several
times taller than the stage; pixels are compared from Playwright's screenshots of the stage, with the
page's animations off (prefers-reduced-motion), so every picture is of things at rest."""

from __future__ import annotations

import struct
import zlib

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import api, pause, pods

pytestmark = pytest.mark.e2e

WEB = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 150
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: c
        image: nginx
"""


def pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """A screenshot's RGB(A) rows (8-bit, not interlaced: what Chromium writes)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, data, width, height, bpp = 8, b"", 0, 0, 4
    while pos < len(png):
        (n,) = struct.unpack(">I", png[pos:pos + 4])
        kind, body = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and body[12] == 0, "8-bit, not interlaced"
            bpp = {2: 3, 6: 4}[colour]
        elif kind == b"IDAT":
            data += body
    raw = zlib.decompress(data)
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    at = 0
    for _ in range(height):
        kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        at += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, rows


def worst_difference(a: bytes, b: bytes) -> int:
    """The largest difference of one colour channel between two screenshots of the same size."""
    wa, ha, ra = pixels(a)
    wb, hb, rb = pixels(b)
    assert (wa, ha) == (wb, hb)
    return max(max(abs(x - y) for x, y in zip(r1, r2, strict=True)) for r1, r2 in zip(ra, rb, strict=True))


def frames(page: Page, n: int = 3) -> None:
    """Let the page draw `n` frames (the canvas paints in animation frames)."""
    page.evaluate("n => new Promise((done) => { const f = () => (--n ? requestAnimationFrame(f) : done()); "
                  "requestAnimationFrame(f); })", n)


def scroll(page: Page, top: int) -> None:
    page.locator("#stage").evaluate("(stage, top) => { stage.scrollTop = top; }", top)
    frames(page)


def painted_whole(page: Page) -> bytes:
    """A screenshot of the stage where it is, the canvas painted whole: a jump further than the canvas
    is tall shares nothing with the place before, so it paints the canvas whole (there and back)."""
    stage = page.locator("#stage")
    size = stage.evaluate("s => ({view: s.clientHeight, layout: s.scrollHeight})")
    height = page.locator("#canvas").evaluate("c => c.getBoundingClientRect().height")
    top = stage.evaluate("s => s.scrollTop")
    away = 0 if top > height else size["layout"] - size["view"]
    assert abs(away - top) > height, (top, away, height)
    scroll(page, away)
    scroll(page, top)
    return stage.screenshot()


def tall_cluster(page: Page) -> None:
    """The web Deployment's 150 pods Running in a small window: a layout several times the stage."""
    page.set_viewport_size({"width": 560, "height": 600})
    pause(page)
    res = page.request.post(api(page, "/apply"), data={"manifest": WEB}, timeout=60_000)
    assert res.ok and res.json()["exitCode"] == 0, res.text()
    # 20 pods a second from the controller's client, then their image pulls and starts
    assert page.request.post(api(page, "/clock"), data={"advance": 180}, timeout=60_000).ok
    expect(pods(page, "web-", "Running")).to_have_count(150)


def test_the_canvas_covers_the_view_and_scrolling_shows_what_a_fresh_paint_shows(page: Page) -> None:
    # no animation (canvas.js reads the preference when it loads): what is drawn is where things are
    page.emulate_media(reduced_motion="reduce")
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-state", "live")
    tall_cluster(page)
    frames(page)

    stage = page.locator("#stage")
    size = stage.evaluate("s => ({view: s.clientHeight, layout: s.scrollHeight})")
    # (its size in CSS px at zoom 1: the page draws it on an OffscreenCanvas, whose bitmap the
    # element's own width and height attributes do not follow)
    bitmap = page.locator("#canvas").evaluate("c => ({height: c.getBoundingClientRect().height})")
    assert size["layout"] > size["view"] + 2 * 160 + 100, size  # the layout is much taller than the view
    # the canvas is the view and its margin (160 px each side), not the layout
    assert bitmap["height"] <= size["view"] + 2 * 160 + 1, (bitmap, size)

    # What a pod, a node or a label was would show as a difference of tens of levels; edges drawn in
    # another paint may differ by a level or two of anti-aliasing.
    # Down in steps: each keeps part of the canvas and paints the strip that comes in at its foot (the
    # last one holds all of the view: a step of 300 px is more than the margin).
    for top in (150, 400, 700):
        scroll(page, top)
    down = stage.screenshot()
    differ = worst_difference(down, painted_whole(page))
    assert differ <= 4, f"scrolled down, the canvas differs from a whole paint by {differ} levels"
    # on, then up by 300 px: the strip comes in at the top (and holds most of the view)
    for top in (750, 450):
        scroll(page, top)
    up = stage.screenshot()
    differ = worst_difference(up, painted_whole(page))
    assert differ <= 4, f"scrolled up, the canvas differs from a whole paint by {differ} levels"
    # and the pictures are of the cluster, not blank: they differ from each other
    differ = worst_difference(down, up)
    assert differ > 40, "the two places look alike"


def flights(page: Page) -> int:
    return int(page.locator("canvas.motion").get_attribute("data-flights") or 0)


def come_to_rest(page: Page, after: int) -> None:
    """Waits until sprites have flown since `after` flights and none flies any more, and checks that
    the motion layer then shows nothing: with the cluster canvas and the network overlay hidden, the
    stage looks the same with the motion layer and without it. (The page draws on OffscreenCanvases,
    whose pixels a script of the page cannot read back: the screenshots are what is seen.)"""
    page.wait_for_function("n => Number(document.querySelector('canvas.motion').dataset.flights || 0) > n", arg=after)
    expect(page.locator("canvas.motion")).to_have_attribute("data-flying", "0")
    frames(page)
    stage = page.locator("#stage")
    hide = "sel => { for (const c of document.querySelectorAll(sel)) c.style.visibility = 'hidden'; }"
    page.evaluate(hide, "#canvas, canvas.netfx")
    frames(page)
    with_layer = stage.screenshot()
    page.evaluate(hide, "canvas.motion")
    frames(page)
    without = stage.screenshot()
    page.evaluate("() => { for (const c of document.querySelectorAll('#world canvas')) c.style.visibility = ''; }")
    frames(page)
    # (a sprite left on it is tens of levels; blending a cleared layer may round a level)
    differ = worst_difference(with_layer, without)
    assert differ <= 4, f"the motion layer still shows sprites at rest ({differ} levels)"


def test_pods_fly_on_the_motion_layer_and_land_on_the_canvas_as_a_fresh_paint_draws_them(page: Page) -> None:
    """With the page's animations on, pods that appear grow (and fly from the tray to their nodes),
    and pods that go fade out, on a layer of their own (canvas.js `paintMotion`): the canvas paints
    the spot a sprite leaves and the one where it rests. Once all are at rest, the stage shows what
    a whole paint of the same place makes — no pod left behind where it was, none
    missing where it landed. At the foot of the layout, where the pods are."""
    tall_cluster(page)
    come_to_rest(page, 0)
    stage = page.locator("#stage")

    def scale(replicas: int, wait: int) -> bytes:
        before = flights(page)
        stage.evaluate("s => { s.scrollTop = s.scrollHeight; }")
        frames(page)
        manifest = WEB.replace("replicas: 150", f"replicas: {replicas}")
        res = page.request.post(api(page, "/apply"), data={"manifest": manifest}, timeout=60_000)
        assert res.ok and res.json()["exitCode"] == 0, res.text()
        assert page.request.post(api(page, "/clock"), data={"advance": wait}, timeout=60_000).ok
        expect(pods(page, "web-", "Running")).to_have_count(replicas)
        expect(pods(page, "web-")).to_have_count(replicas)
        come_to_rest(page, before)
        frames(page)
        shot = stage.screenshot()
        differ = worst_difference(shot, painted_whole(page))
        assert differ <= 4, f"at {replicas} replicas, the canvas differs from a whole paint by {differ} levels"
        return shot

    # fewer replicas: the pods go Terminating, then fade away as their objects are deleted; then
    # more: new pods grow where they are scheduled
    fewer = scale(100, 60)
    more = scale(150, 180)
    assert worst_difference(fewer, more) > 40, "the foot of the cluster looks the same with 100 pods and with 150"
