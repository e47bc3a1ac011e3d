"""Relations drawn (issue 10): the "config and storage" chips — a ConfigMap or Secret with the pods
that use it, a PersistentVolumeClaim bound to its PersistentVolume, an HPA with kubectl's TARGETS and
its target, an Ingress with the Services it routes to — reached by their accessible names; hovering a
chip or a pod highlights its relations and a pod's owner chain on the canvas's overlay; a chip opens
the inspector. relations.js's pure parts run under node (relations.test.mjs).

The clock is paused and moved only by the page's step buttons, so every run sees the same cluster.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import advance, api, pause, pods, run
from tests.nodetests import run_node_tests

pytestmark = pytest.mark.e2e
HERE = Path(__file__).resolve().parent

PV_TUTORIAL = """\
apiVersion: v1
kind: PersistentVolume
metadata:
  name: task-pv-volume
  labels:
    type: local
spec:
  storageClassName: manual
  capacity:
    storage: 10Gi
  accessModes:
    - ReadWriteOnce
  hostPath:
    path: "/mnt/data"
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: task-pv-claim
spec:
  storageClassName: manual
  accessModes:
    - ReadWriteOnce
  resources:
    requests:
      storage: 3Gi
---
apiVersion: v1
kind: Pod
metadata:
  name: task-pv-pod
spec:
  volumes:
    - name: task-pv-storage
      persistentVolumeClaim:
        claimName: task-pv-claim
  containers:
    - name: task-pv-container
      image: nginx
      ports:
        - containerPort: 80
          name: "http-server"
      volumeMounts:
        - mountPath: "/usr/share/nginx/html"
          name: task-pv-storage
"""

READER = """\
apiVersion: v1
kind: Pod
metadata:
  name: reader
spec:
  containers:
    - name: reader
      image: nginx
      env:
        - name: THREADS
          valueFrom:
            configMapKeyRef:
              name: sample-configmap
              key: thread
"""

INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: example-ingress
spec:
  ingressClassName: nginx
  rules:
    - host: hello-world.example
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 8080
"""


def test_the_relations_pure_parts() -> None:
    run_node_tests(HERE / "relations.test.mjs", 5)


def apply(page: Page, manifest: str) -> None:
    """``kubectl apply -f -`` through the page's sandbox (the editor's route)."""
    res = page.request.post(api(page, "/apply"), data={"manifest": manifest})
    assert res.ok and res.json()["exitCode"] == 0, res.text()


def overlay(page: Page):
    return page.locator("canvas.netfx")


def chip(page: Page, name: str | re.Pattern[str]):
    return page.get_by_role("group", name="Config and storage").get_by_role("button", name=name)


def test_configmap_and_secret_chips_name_the_pods_using_them(page: Page) -> None:
    pause(page)
    # the default cluster's own objects (kube-root-ca.crt, kube-system's) are not in the band
    expect(page.get_by_role("group", name="Config and storage")).to_be_hidden()
    run(page, "kubectl apply -f configmap-sample.yml")
    cm = chip(page, "configmap sample-configmap, used by no pod")
    expect(cm).to_be_visible()
    run(page, "kubectl apply -f pod-configmap-volume.yml")
    cm = chip(page, "configmap sample-configmap, used by 1 pod")
    expect(cm).to_be_visible()
    run(page, "kubectl apply -f secret-sample.yml")
    run(page, "kubectl apply -f pod-secret-env.yml")
    secret = chip(page, "secret sample-db-auth, used by 1 pod")
    expect(secret).to_be_visible()
    expect(page.get_by_role("group", name="Config and storage").get_by_role("button")).to_have_count(2)

    # hovering the chip highlights it and its pod on the overlay
    cm.hover()
    expect(overlay(page)).to_have_attribute("data-rel-chips", "ConfigMap/default/sample-configmap")
    expect(overlay(page)).to_have_attribute("data-rel-pods", "1")
    # hovering the pod highlights the Secret it reads its environment from
    advance(page, 30)
    pods(page, "sample-secret-env", "Running").hover()
    expect(overlay(page)).to_have_attribute("data-rel-chips", "Secret/default/sample-db-auth")

    # a second pod reading the ConfigMap: the name follows
    apply(page, READER)
    expect(chip(page, "configmap sample-configmap, used by 2 pods")).to_be_visible()

    # Enter on a chip opens the inspector on that object, with kubectl's YAML of it
    chip(page, "configmap sample-configmap, used by 2 pods").focus()
    page.keyboard.press("Enter")
    inspector = page.get_by_role("region", name="Inspector")
    expect(inspector).to_be_visible()
    expect(inspector.locator(".insp-command")).to_have_text("$ kubectl get configmap sample-configmap -n default -o yaml")
    expect(inspector.locator(".insp-yaml")).to_have_value(re.compile(r"name: sample-configmap"))


def test_a_claim_bound_to_its_volume_and_the_pod_using_it(page: Page) -> None:
    pause(page)
    apply(page, PV_TUTORIAL)
    advance(page, 10)
    out = run(page, "kubectl get pvc task-pv-claim")
    expect(out).to_contain_text(re.compile(r"task-pv-claim\s+Bound\s+task-pv-volume\s+10Gi"))
    claim = chip(page, "persistentvolumeclaim task-pv-claim, Bound to task-pv-volume, used by 1 pod")
    volume = chip(page, "persistentvolume task-pv-volume, Bound to default/task-pv-claim")
    expect(claim).to_be_visible()
    expect(volume).to_be_visible()
    # the claim and its volume stand side by side, under the hubs and above the nodes
    cb, vb = claim.bounding_box(), volume.bounding_box()
    assert cb and vb and abs(cb["y"] - vb["y"]) < 2 and cb["x"] < vb["x"]
    node1 = page.get_by_role("group", name=re.compile(r"^node master, ")).bounding_box()
    assert node1 and cb["y"] + cb["height"] <= node1["y"]
    # hovering the volume highlights its claim and the claim's pod
    volume.hover()
    expect(overlay(page)).to_have_attribute(
        "data-rel-chips", "PersistentVolume//task-pv-volume PersistentVolumeClaim/default/task-pv-claim")
    expect(overlay(page)).to_have_attribute("data-rel-pods", "1")


def test_an_hpa_chip_shows_kubectls_targets_and_its_target_and_pods_show_their_owner_chain(page: Page) -> None:
    pause(page)
    # metrics-server gives the HPA its current CPU (the walkthrough's cluster has it)
    assert page.request.post(api(page, "/addons/metrics-server"), data={"enabled": True}).ok
    run(page, "kubectl apply -f https://k8s.io/examples/application/php-apache.yaml")
    run(page, "kubectl autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10")
    advance(page, 120)
    expect(pods(page, "php-apache-", "Running")).to_have_count(1)
    hpa = chip(page, re.compile(r"^horizontalpodautoscaler php-apache, cpu: \d+%\/50%, \d+\/\d+ replicas, "
                                r"target deployment php-apache$"))
    expect(hpa).to_be_visible()
    # its metric is kubectl's TARGETS, and its replicas kubectl's REPLICAS
    row = run(page, "kubectl get hpa php-apache --no-headers").inner_text().splitlines()[-1].split()
    name = hpa.get_attribute("aria-label") or ""
    assert row[2] == "cpu:" and f", cpu: {row[3]}, " in name, (row, name)
    assert f", {row[-2]}/" in name, (row, name)

    # hovering a pod of the Deployment names its owner chain and highlights the HPA scaling it
    rs = run(page, "kubectl get rs -l run=php-apache --no-headers -o custom-columns=N:.metadata.name")
    rs_name = rs.inner_text().splitlines()[-1].strip()
    pods(page, "php-apache-", "Running").hover()
    expect(overlay(page)).to_have_attribute("data-rel-chain", f"Deployment php-apache › ReplicaSet {rs_name}")
    expect(overlay(page)).to_have_attribute("data-rel-chips", "HorizontalPodAutoscaler/default/php-apache")
    hpa.hover()
    expect(overlay(page)).to_have_attribute("data-rel-pods", "1")
    expect(overlay(page)).to_have_attribute("data-rel-chain", "")


def test_an_ingress_chip_routes_to_its_service_and_stands_under_its_hub(page: Page) -> None:
    pause(page)
    page.get_by_role("button", name="Add-ons").click()
    page.get_by_role("menu", name="Add-ons").get_by_role("menuitemcheckbox", name="ingress").click()
    page.keyboard.press("Escape")
    run(page, "kubectl create deployment web --image=gcr.io/google-samples/hello-app:1.0")
    run(page, "kubectl expose deployment web --type=NodePort --port=8080")
    advance(page, 60)
    expect(pods(page, "ingress-nginx-controller-", "Running")).to_have_count(1)
    apply(page, INGRESS)
    ing = chip(page, "ingress example-ingress, routes to service web")
    expect(ing).to_be_visible()
    hub = page.get_by_role("group", name=re.compile(r"^service web NodePort "))
    ib, hb = ing.bounding_box(), hub.bounding_box()
    assert ib and hb and abs(ib["x"] - hb["x"]) < 2 and ib["y"] > hb["y"] + hb["height"] - 1
    # the add-on's own objects (its ConfigMaps, its admission Secret) stay out of the band
    expect(page.get_by_role("group", name="Config and storage").get_by_role("button")).to_have_count(1)
