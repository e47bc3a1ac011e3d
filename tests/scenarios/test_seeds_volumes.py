"""The seeds' volume sessions (scenario E of ../shared/manifests/README.md), through the HTTP
contract: a Secret volume with ``items`` (``cat /config/username.txt``), a ConfigMap volume (one
file per key), an emptyDir that outlives a container restart while the container's own files do
not, and a hostPath ``DirectoryOrCreate`` that is the node's directory."""

from __future__ import annotations

from tests.scenarios.volterm import term  # noqa: F401  (the fixture)


def test_secret_and_configmap_volumes(term):  # noqa: F811
    assert term.run("kubectl apply -f seeds/secret-sample.yml") == "secret/sample-db-auth created\n"
    assert term.run("kubectl apply -f seeds/pod-secret-volume.yml") == "pod/sample-secret-single-volume created\n"
    assert term.run("kubectl apply -f seeds/configmap-sample.yml") == "configmap/sample-configmap created\n"
    assert term.run("kubectl apply -f seeds/pod-configmap-volume.yml") == \
        "pod/sample-configmap-multi-volume created\n"
    term.advance(60)
    # items: only the username key, as username.txt; base64-decoded
    assert term.run("kubectl exec sample-secret-single-volume -- ls /config") == "username.txt\n"
    assert term.run("kubectl exec sample-secret-single-volume -- cat /config/username.txt") == "root"
    assert term.run("kubectl exec sample-secret-single-volume -- cat /config/password", rc=1) == \
        "cat: /config/password: No such file or directory\ncommand terminated with exit code 1\n"
    assert term.run("kubectl exec sample-configmap-multi-volume -- ls /config") == \
        "connection.max\nconnection.min\nnginx.conf\nsample.properties\nthread\n"
    assert term.run("kubectl exec sample-configmap-multi-volume -- cat /config/sample.properties") == \
        "property.1=value-1\nproperty.2=value-2\nproperty.3=value-3\n"
    assert term.run("kubectl exec sample-configmap-multi-volume -- cat /config/thread") == "16"
    described = term.run("kubectl describe pod sample-configmap-multi-volume")
    assert "    Mounts:\n      /config from config-volume (rw)\n" in described


def test_empty_dir_and_host_path(term):  # noqa: F811
    assert term.run("kubectl apply -f seeds/pod-emptydir.yml") == "pod/sample-emptydir created\n"
    assert term.run("kubectl apply -f seeds/pod-hostpath.yml") == "pod/sample-hostpath created\n"
    term.advance(60)
    term.run("kubectl exec sample-emptydir -- sh -c 'echo cached > /cache/data; echo mine > /tmp/data'")
    term.kill("sample-emptydir", "nginx-container")
    term.advance(30)
    row = term.run("kubectl get pod sample-emptydir").splitlines()[1].split()
    assert row[:4] == ["sample-emptydir", "1/1", "Running", "1"]
    assert term.run("kubectl exec sample-emptydir -- cat /cache/data") == "cached\n"
    assert term.run("kubectl exec sample-emptydir -- cat /tmp/data", rc=1) == \
        "cat: /tmp/data: No such file or directory\ncommand terminated with exit code 1\n"

    # the node's /data, created by the kubelet (DirectoryOrCreate), on the node's disk
    assert term.run("kubectl exec sample-hostpath -- ls /srv") == ""
    df = term.run("kubectl exec sample-hostpath -- df /srv").splitlines()
    assert df[0].split() == ["Filesystem", "1K-blocks", "Used", "Available", "Use%", "Mounted", "on"]
    assert df[1].startswith("/dev/sda1 ") and df[1].endswith(" /srv")
    term.run("kubectl exec sample-hostpath -- sh -c 'date > /srv/stamp'")
    node = term.run("kubectl get pod sample-hostpath -o jsonpath='{.spec.nodeName}'").strip()
    term.run("kubectl delete pod sample-hostpath --now")
    term.advance(5)
    # the same pod pinned to the same node (the editor's copy of the seed with a nodeName) finds
    # the file the first pod left in the node's /data
    manifest = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: sample-hostpath\nspec:\n  containers:\n"
                "  - image: nginx:1.12\n    name: nginx-container\n    volumeMounts:\n    - mountPath: /srv\n"
                "      name: hostpath-sample\n  volumes:\n  - name: hostpath-sample\n    hostPath:\n"
                "      path: /data\n      type: DirectoryOrCreate\n")
    term.apply(manifest.replace("spec:\n", f"spec:\n  nodeName: {node}\n", 1))
    term.advance(30)
    assert term.run("kubectl exec sample-hostpath -- ls /srv") == "stamp\n"
