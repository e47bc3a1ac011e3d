"""The kubelet's volume manager (sim/volumes.py): volumes laid out as the kubelet lays them out, seen
through the containers' shells (``kubectl exec``), their updates and the FailedMount messages."""

from __future__ import annotations

import textwrap

import pytest

from server.sim.volumes import serve_file, serve_url


def apply(kubectl, text: str) -> None:
    kubectl("apply -f -", textwrap.dedent(text))


@pytest.fixture
def configured(cluster, kubectl):
    kubectl("create configmap app --from-literal=level=very --from-literal=type=charm")
    kubectl("create secret generic creds --from-literal=username=admin --from-literal=password=s3cr3t")
    apply(kubectl, """
        apiVersion: v1
        kind: Pod
        metadata: {name: vols, labels: {app: vols, tier: web}}
        spec:
          containers:
          - name: main
            image: busybox:1.36
            command: ["sleep", "3600"]
            volumeMounts:
            - {name: cfg, mountPath: /etc/config}
            - {name: one, mountPath: /etc/one}
            - {name: level, mountPath: /level.txt, subPath: level}
            - {name: sec, mountPath: /etc/secret}
            - {name: info, mountPath: /etc/podinfo}
            - {name: scratch, mountPath: /scratch}
            - {name: ram, mountPath: /ram}
          - name: side
            image: nginx:1.27
            volumeMounts:
            - {name: scratch, mountPath: /usr/share/nginx/html}
          volumes:
          - {name: cfg, configMap: {name: app}}
          - name: one
            configMap: {name: app, items: [{key: level, path: nested/lvl, mode: 0600}]}
          - {name: level, configMap: {name: app}}
          - {name: sec, secret: {secretName: creds, defaultMode: 0400}}
          - name: info
            downwardAPI:
              items:
              - {path: labels, fieldRef: {fieldPath: metadata.labels}}
              - {path: name, fieldRef: {fieldPath: metadata.name}}
          - {name: scratch, emptyDir: {}}
          - {name: ram, emptyDir: {medium: Memory, sizeLimit: 64Mi}}
        """)
    cluster.advance(60)
    return cluster


def test_configmap_volume_is_laid_out_as_the_atomic_writer_does(configured, kubectl):
    # (the files hold the values as they are, without a newline: the terminal ends the line)
    assert kubectl("exec vols -c main -- ls /etc/config") == "level\ntype\n"
    listing = kubectl("exec vols -c main -- ls -la /etc/config").splitlines()
    assert listing[0] == "total 12"  # ., .. and the timestamped directory: a 4K block each
    names = [line.split()[-1] if "->" not in line else " ".join(line.split()[-3:]) for line in listing[1:]]
    stamp = names[2]
    assert names[:2] == [".", ".."] and stamp.startswith("..2025_03_03_13_0") and len(stamp.split(".")) == 4
    assert names[3:] == [f"..data -> {stamp}", "level -> ..data/level", "type -> ..data/type"]
    assert listing[1].startswith("drwxrwxrwx ") and listing[5].startswith("lrwxrwxrwx ")
    assert kubectl("exec vols -c main -- cat /etc/config/level") == "very"
    # items: only that key, at its path, with its mode
    assert kubectl("exec vols -c main -- ls /etc/one") == "nested\n"
    assert kubectl("exec vols -c main -- cat /etc/one/nested/lvl") == "very"
    assert kubectl("exec vols -c main -- ls -l /etc/one/..data/nested").splitlines()[1].split()[0] == "-rw-------"
    # a Secret volume: decoded values, defaultMode on every file
    assert kubectl("exec vols -c main -- cat /etc/secret/username") == "admin"
    assert kubectl("exec vols -c main -- ls -lL /etc/secret/password").startswith("-r--------    1 root     root ")
    # ConfigMap/Secret volumes are mounted read-only
    out = kubectl("exec vols -c main -- touch /etc/config/new", rc=1)
    assert out == "touch: /etc/config/new: Read-only file system\ncommand terminated with exit code 1\n"
    # downward API: labels as key="value" lines
    assert kubectl("exec vols -c main -- cat /etc/podinfo/labels") == 'app="vols"\ntier="web"'
    assert kubectl("exec vols -c main -- cat /etc/podinfo/name") == "vols"


def test_updates_reach_the_volume_after_the_kubelets_sync_but_never_a_subpath(configured, kubectl):
    kubectl("patch configmap app -p '{\"data\":{\"level\":\"extreme\"}}'")
    assert kubectl("exec vols -c main -- cat /etc/config/level") == "very"  # not yet
    configured.advance(95)  # the pod's next sync: 60 s plus up to 30 s of jitter
    assert kubectl("exec vols -c main -- cat /etc/config/level") == "extreme"
    assert kubectl("exec vols -c main -- cat /etc/one/nested/lvl") == "extreme"
    assert kubectl("exec vols -c main -- cat /level.txt") == "very"  # a subPath is a bind mount of the old file
    kubectl("label pod vols tier=db --overwrite")
    configured.advance(95)
    assert kubectl("exec vols -c main -- cat /etc/podinfo/labels") == 'app="vols"\ntier="db"'


def test_empty_dir_is_shared_and_outlives_a_container_restart(configured, kubectl):
    kubectl("exec vols -c main -- sh -c 'echo hello from main > /scratch/index.html; echo gone > /tmp/x'")
    assert kubectl("exec vols -c side -- cat /usr/share/nginx/html/index.html") == "hello from main\n"
    uid = configured.store.get("Pod", "default", "vols")["metadata"]["uid"]
    assert serve_file(configured, uid, "side", "/usr/share/nginx/html/index.html") == b"hello from main\n"
    assert serve_url(configured, uid, "side", "/usr/share/nginx/html", "/?x=1") == b"hello from main\n"
    assert serve_url(configured, uid, "side", "/usr/share/nginx/html", "/50x.html") is None  # hidden by the mount
    configured.controller("kubelet").kill_container("default", "vols", "main")
    configured.advance(30)
    assert kubectl("exec vols -c main -- cat /scratch/index.html") == "hello from main\n"
    assert kubectl("exec vols -c main -- cat /tmp/x", rc=1).startswith("cat: can't open '/tmp/x': No such file")
    df = kubectl("exec vols -c main -- df -h").splitlines()
    assert df[0] == "Filesystem                Size      Used Available Use% Mounted on"
    assert "tmpfs                    64.0M         0     64.0M   0% /ram" in df
    assert any(line.startswith("overlay ") and line.endswith(" /") for line in df)
    assert any(line.startswith("/dev/sda1 ") and line.endswith(" /etc/hosts") for line in df)


def test_host_path_is_the_nodes_filesystem(cluster, kubectl):
    for name, node in (("a", "node1"), ("b", "node1"), ("c", "node2")):
        apply(kubectl, f"""
            apiVersion: v1
            kind: Pod
            metadata: {{name: {name}}}
            spec:
              nodeName: {node}
              containers:
              - {{name: c, image: busybox, command: [sleep, "3600"], volumeMounts: [{{name: h, mountPath: /host}}]}}
              volumes:
              - {{name: h, hostPath: {{path: /data/shared, type: DirectoryOrCreate}}}}
            """)
    cluster.advance(60)
    kubectl("exec a -- sh -c 'echo on node1 > /host/f'")
    assert kubectl("exec b -- cat /host/f") == "on node1\n"
    assert kubectl("exec c -- ls /host") == ""  # node2 has a directory of its own
    vm = cluster.controller("volume-manager")
    assert vm.node_tree("node1").node(["data", "shared", "f"]) is not None


def test_mount_errors_are_the_kubelets_words(cluster, kubectl):
    apply(kubectl, """
        apiVersion: v1
        kind: Pod
        metadata: {name: broken}
        spec:
          containers: [{name: c, image: busybox, volumeMounts: [{name: config-volume, mountPath: /etc/config}]}]
          volumes: [{name: config-volume, configMap: {name: special-config}}]
        """)
    vm = cluster.controller("volume-manager")
    pod = cluster.store.get("Pod", "default", "broken")
    assert vm.mount_error(pod) == ("FailedMount", 'MountVolume.SetUp failed for volume "config-volume" : '
                                                  'configmap "special-config" not found')
    kubectl("create configmap special-config --from-literal=a=b")
    assert vm.mount_error(pod) is None
    pod["spec"]["volumes"] = [{"name": "s", "secret": {"secretName": "nope"}},
                              {"name": "k", "configMap": {"name": "special-config", "items": [{"key": "x", "path": "x"}]}}]
    assert vm.mount_error(pod) == ("FailedMount", 'MountVolume.SetUp failed for volume "s" : secret "nope" not found')
    pod["spec"]["volumes"][0]["secret"]["optional"] = True
    assert vm.mount_error(pod) == ("FailedMount", 'MountVolume.SetUp failed for volume "k" : configmap references '
                                                  "non-existent config key: x")
    pod["spec"]["nodeName"] = "node1"
    pod["spec"]["volumes"] = [{"name": "h", "hostPath": {"path": "/nope", "type": "Directory"}}]
    assert vm.mount_error(pod) == ("FailedMount", 'MountVolume.SetUp failed for volume "h" : hostPath type check '
                                                  "failed: /nope is not a directory")


def test_projected_service_account_volume(cluster, kubectl):
    """The kube-api-access volume as the ServiceAccount admission plugin writes it into a pod."""
    apply(kubectl, """
        apiVersion: v1
        kind: Pod
        metadata: {name: sa}
        spec:
          containers:
          - name: c
            image: busybox
            command: [sleep, "3600"]
            volumeMounts:
            - {name: kube-api-access-x7k2p, mountPath: /var/run/secrets/kubernetes.io/serviceaccount, readOnly: true}
          volumes:
          - name: kube-api-access-x7k2p
            projected:
              defaultMode: 420
              sources:
              - serviceAccountToken: {expirationSeconds: 3607, path: token}
              - configMap: {name: kube-root-ca.crt, items: [{key: ca.crt, path: ca.crt}]}
              - downwardAPI: {items: [{path: namespace, fieldRef: {apiVersion: v1, fieldPath: metadata.namespace}}]}
        """)
    cluster.advance(60)
    sa = "/var/run/secrets/kubernetes.io/serviceaccount"
    assert kubectl(f"exec sa -- ls {sa}") == "ca.crt\nnamespace\ntoken\n"
    assert kubectl(f"exec sa -- cat {sa}/namespace") == "default"
    assert kubectl(f"exec sa -- cat {sa}/ca.crt").startswith("-----BEGIN CERTIFICATE-----\n")
    token = kubectl(f"exec sa -- cat {sa}/token").strip()
    assert token.count(".") == 2 and token.startswith("eyJ")  # a JWT: base64url JSON header
    df = kubectl(f"exec sa -- df {sa}").splitlines()
    assert df[1].startswith("tmpfs ") and df[1].endswith(f" {sa}")
    assert f"      {sa} from kube-api-access-x7k2p (ro)\n" in kubectl("describe pod sa")


def test_a_claims_data_is_the_bound_volumes(cluster, kubectl):
    """A hostPath PV keeps its data in the node's directory: what a pod writes through the claim is
    there for the next pod on that node, after the first one is gone."""
    apply(kubectl, """
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: task-pv-volume, labels: {type: local}}
        spec:
          storageClassName: manual
          capacity: {storage: 10Gi}
          accessModes: [ReadWriteOnce]
          hostPath: {path: /mnt/data}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: task-pv-claim}
        spec:
          storageClassName: manual
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 3Gi}}
        """)
    cluster.advance(5)
    assert kubectl("get pvc task-pv-claim -o jsonpath='{.status.phase}'") == "Bound"
    vm = cluster.controller("volume-manager")
    vm.node_tree("node1").write_file("/mnt/data/index.html", "Hello from Kubernetes storage\n")
    pod = """
        apiVersion: v1
        kind: Pod
        metadata: {{name: {name}}}
        spec:
          nodeName: node1
          volumes: [{{name: task-pv-storage, persistentVolumeClaim: {{claimName: task-pv-claim}}}}]
          containers:
          - name: task-pv-container
            image: nginx
            volumeMounts: [{{mountPath: /usr/share/nginx/html, name: task-pv-storage}}]
        """
    apply(kubectl, pod.format(name="task-pv-pod"))
    cluster.advance(30)
    assert kubectl("exec task-pv-pod -- cat /usr/share/nginx/html/index.html") == "Hello from Kubernetes storage\n"
    kubectl("exec task-pv-pod -- sh -c 'echo written by the pod > /usr/share/nginx/html/note'")
    kubectl("delete pod task-pv-pod --now")
    cluster.advance(10)
    apply(kubectl, pod.format(name="again"))
    cluster.advance(30)
    assert kubectl("exec again -- cat /usr/share/nginx/html/note") == "written by the pod\n"
    assert vm.node_tree("node1").node(["mnt", "data", "note"]) is not None


def test_downward_api_resources_in_their_divisors(cluster, kubectl):
    """kubernetes.io's dapi-volume-resources: a container's requests and limits as files."""
    apply(kubectl, """
        apiVersion: v1
        kind: Pod
        metadata: {name: kubernetes-downwardapi-volume-example-2}
        spec:
          containers:
          - name: client-container
            image: registry.k8s.io/busybox:1.27.2
            command: [sh, -c, "sleep 3600"]
            resources:
              requests: {memory: 32Mi, cpu: 125m}
              limits: {memory: 64Mi, cpu: 250m}
            volumeMounts: [{name: podinfo, mountPath: /etc/podinfo}]
          volumes:
          - name: podinfo
            downwardAPI:
              items:
              - path: cpu_limit
                resourceFieldRef: {containerName: client-container, resource: limits.cpu, divisor: 1m}
              - path: cpu_request
                resourceFieldRef: {containerName: client-container, resource: requests.cpu, divisor: 1m}
              - path: mem_limit
                resourceFieldRef: {containerName: client-container, resource: limits.memory, divisor: 1Mi}
              - path: mem_request
                resourceFieldRef: {containerName: client-container, resource: requests.memory, divisor: 1Mi}
        """)
    cluster.advance(60)
    pod = "kubernetes-downwardapi-volume-example-2"
    assert kubectl(f"exec {pod} -- cat /etc/podinfo/cpu_limit") == "250"
    assert kubectl(f"exec {pod} -- cat /etc/podinfo/cpu_request") == "125"
    assert kubectl(f"exec {pod} -- cat /etc/podinfo/mem_limit") == "64"
    assert kubectl(f"exec {pod} -- cat /etc/podinfo/mem_request") == "32"
    ip = cluster.store.get("Pod", "default", pod)["status"]["podIP"]
    assert kubectl(f"exec {pod} -- hostname -i") == f"{ip}\n"
