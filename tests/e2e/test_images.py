"""The learner's own images on the page: a pod stuck pulling an image kubeplay's simulated
registry lacks says so in its panel, in one kubeplay line with a button; the dialog it opens
publishes the image, and the pod pulls it, runs it and logs what the dialog said. The Add-ons
menu opens the same dialog, and a name the registry cannot take is refused at its field."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import advance, details, pause, pods, run

pytestmark = pytest.mark.e2e


def test_a_pod_waiting_for_an_unknown_image_offers_to_add_it(page: Page) -> None:
    pause(page)
    run(page, "kubectl run shop --image=acme/shop:v2 --port=8080")
    advance(page, 20)
    expect(pods(page, "shop", "ImagePullBackOff")).to_have_count(1)

    details(pods(page, "shop")).click()
    panel = page.get_by_role("dialog", name="Pod shop")
    note = panel.get_by_role("note")
    expect(note).to_contain_text('kubeplay: the simulated registry has no image "acme/shop:v2"')
    note.get_by_role("button", name="Add image acme/shop:v2 to the registry").click()

    dialog = page.get_by_role("dialog", name="Add an image to the registry")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Name")).to_have_value("acme/shop")
    expect(dialog.get_by_label("Tag")).to_have_value("v2")
    expect(dialog.get_by_label("Port")).to_be_focused()
    dialog.get_by_label("Port").fill("8080")
    expect(dialog.get_by_label("Logs at start")).to_have_value("listening on :8080")
    dialog.get_by_label("Answers on /").fill("Welcome to the shop\n")
    dialog.get_by_label("Logs at start").fill("shop v2 starting\nlistening on :8080")
    dialog.get_by_role("button", name="Add image").click()
    expect(dialog).to_be_hidden()
    # the pod panel stays open, and says the kubelet will find the image at its next pull
    expect(panel.get_by_role("note")).to_have_text(
        "kubeplay: the registry has acme/shop:v2 now; the kubelet pulls it again when its back-off ends.")

    advance(page, 60)
    expect(pods(page, "shop", "Running")).to_have_count(1)
    expect(panel.get_by_role("note")).to_have_count(0)
    out = run(page, "kubectl logs shop")
    expect(out).to_contain_text(re.compile(r"\$ kubectl logs shop\s+shop v2 starting\s+listening on :8080"))


def test_the_add_ons_menu_adds_an_image_and_a_bad_name_is_refused_at_its_field(page: Page) -> None:
    pause(page)
    page.get_by_role("button", name="Add-ons").click()
    page.get_by_role("menu", name="Add-ons").get_by_role("menuitem", name="Add an image…").click()
    dialog = page.get_by_role("dialog", name="Add an image to the registry")
    name = dialog.get_by_label("Name")
    expect(name).to_be_focused()
    name.fill("Acme/Hello")
    dialog.get_by_role("button", name="Add image").click()
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description(re.compile(
        r'name: Invalid value: "Acme/Hello": repository name must be lowercase'))
    expect(dialog).to_be_visible()

    name.fill("acme/hello")
    dialog.get_by_label("Answers on /").fill("hi there\n")
    dialog.get_by_role("button", name="Add image").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Add-ons")).to_be_focused()

    run(page, "kubectl run hello --image=acme/hello")
    advance(page, 30)
    expect(pods(page, "hello", "Running")).to_have_count(1)
    out = run(page, "kubectl describe pod hello")
    expect(out).to_contain_text('Successfully pulled image "acme/hello"')


def test_escape_closes_the_dialog_and_nothing_is_added(page: Page) -> None:
    pause(page)
    page.get_by_role("button", name="Add-ons").click()
    page.get_by_role("menuitem", name="Add an image…").click()
    dialog = page.get_by_role("dialog", name="Add an image to the registry")
    dialog.get_by_label("Name").fill("acme/never")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    run(page, "kubectl run never --image=acme/never")
    advance(page, 20)
    expect(pods(page, "never", "ImagePullBackOff")).to_have_count(1)
