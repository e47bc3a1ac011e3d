"""Container root filesystems are copy-on-write views of the image's shared tree (fs.Tree.overlay,
images_fs.image_tree): a start shares the image's nodes and owns only the directories on the way to
what it writes (its mount points, then the user's files); a restart starts from the image again; and
the program table of a container shares its image's userland programs."""

from __future__ import annotations

import pytest

from server.kubectl.parse import run
from server.sim.cluster import Cluster
from server.sim.fs import Dir, Tree
from server.sim.images_fs import image_tree


def owned_dirs(tree: Tree) -> list[str]:
    """The directories of ``tree`` that it has copied for itself (the rest are the image's)."""
    out, stack = [], [("", tree.root)]
    while stack:
        path, d = stack.pop()
        if d.owner is tree:
            out.append(path or "/")
        for name, e in d.entries.items():
            if isinstance(e, Dir):
                stack.append((path + "/" + name, e))
    return sorted(out)


@pytest.fixture(scope="module")
def lab():
    c = Cluster(seed=6)
    for name in ("a", "b"):
        c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
                      "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27.4"}]}})
    c.advance(60)
    return c


def root_of(c: Cluster, pod: str) -> Tree:
    uid = c.store.get("Pod", "default", pod)["metadata"]["uid"]
    fs = c.controller("volume-manager").fs(uid, "nginx")
    assert fs is not None
    return fs.root


def test_a_started_container_shares_the_images_files(lab):
    image = image_tree("docker.io/library/nginx", "1.27.4", "dash")
    a, b = root_of(lab, "a"), root_of(lab, "b")
    page = ["usr", "share", "nginx", "html", "index.html"]
    assert a.node(page) is image.node(page) is b.node(page)  # one copy of the page for every container
    # only directories on the way to the kubelet's mount points (/etc/hosts…, the service account's
    # /var/run/secrets/kubernetes.io/serviceaccount) are the container's own, not the image's others
    on_the_way = {"/", "/etc", "/var", "/run", "/run/secrets", "/run/secrets/kubernetes.io",
                  "/run/secrets/kubernetes.io/serviceaccount"}
    assert "/etc" in owned_dirs(a) and set(owned_dirs(a)) <= on_the_way
    assert set(owned_dirs(b)) <= on_the_way


def test_writes_stay_in_the_container_and_a_restart_starts_from_the_image(lab):
    page = "/usr/share/nginx/html/index.html"
    out = run(lab, f"kubectl exec a -- sh -c 'echo mine > {page}; cat {page}'")
    assert out.output == "mine\n"
    assert run(lab, "kubectl exec b -- cat /usr/share/nginx/html/index.html").output.startswith("<!DOCTYPE html>")
    image = image_tree("docker.io/library/nginx", "1.27.4", "dash")
    assert image.node(["usr", "share", "nginx", "html", "index.html"]).data.startswith(b"<!DOCTYPE html>")
    assert "/usr/share/nginx/html" in owned_dirs(root_of(lab, "a"))
    lab.controller("kubelet").kill_container("default", "a", "nginx")
    lab.advance(30)
    assert run(lab, "kubectl exec a -- cat /usr/share/nginx/html/index.html").output.startswith("<!DOCTYPE html>")
    assert "/usr/share/nginx/html" not in owned_dirs(root_of(lab, "a"))


def test_containers_of_an_image_share_its_userland_programs():
    from server.sim.programs import ProcState, image_table
    from server.sim.registry import Registry

    img = Registry().resolve("docker.io/library/nginx:1.27.4")
    one, two = image_table(img, ProcState()), image_table(img, ProcState())
    assert one["timeout"] is two["timeout"] and one["cat"] is two["cat"]  # the userland: built once per image
    assert one["nginx"] is not two["nginx"]  # the image's own programs: bound to each process
    assert one["tini"] is one["/usr/bin/tini"] is one["dumb-init"]  # one binding per program
