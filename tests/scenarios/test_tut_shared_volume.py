"""kubernetes.io "Communicate Between Containers in the Same Pod Using a Shared Volume" (v1.32), typed
as the page says, through the HTTP contract: the two-container pod whose debian container writes
``index.html`` into an emptyDir and exits, while nginx serves that volume; ``curl localhost`` in the
nginx container (the pod's containers share one network namespace) answers with the debian
container's line, as the page shows. (The page's ``apt-get install curl procps`` is not needed:
kubeplay's nginx image ships curl, as the real one does.)"""

from __future__ import annotations

from tests.scenarios.volterm import term  # noqa: F401  (the fixture)

# https://k8s.io/examples/pods/two-container-pod.yaml
TWO_CONTAINER_POD = """apiVersion: v1
kind: Pod
metadata:
  name: two-containers
spec:

  restartPolicy: Never

  volumes:
  - name: shared-data
    emptyDir: {}

  containers:

  - name: nginx-container
    image: nginx
    volumeMounts:
    - name: shared-data
      mountPath: /usr/share/nginx/html

  - name: debian-container
    image: debian
    volumeMounts:
    - name: shared-data
      mountPath: /pod-data
    command: ["/bin/sh"]
    args: ["-c", "echo Hello from the debian container > /pod-data/index.html"]
"""


def statuses(yaml: str) -> dict[str, str]:
    """Each container's entry of ``status.containerStatuses`` in ``-o yaml``, by name, in order."""
    block = yaml[yaml.index("  containerStatuses:\n"):]
    block = block[:block.index("\n  hostIP: ")]
    out = {}
    for entry in block.split("\n  - containerID: ")[1:]:
        name = next(line.split(": ", 1)[1] for line in entry.splitlines() if line.startswith("    name: "))
        out[name] = entry
    return out


def start(term) -> dict[str, str]:  # noqa: F811
    assert term.run("kubectl apply -f -", stdin=TWO_CONTAINER_POD) == "pod/two-containers created\n"
    term.advance(30)
    return statuses(term.run("kubectl get pod two-containers --output=yaml"))


def test_two_containers_share_a_volume_and_localhost(term):  # noqa: F811
    # the page's output: the debian container has terminated, nginx runs on
    found = start(term)
    debian, nginx = found["debian-container"], found["nginx-container"]
    assert "    state:\n      terminated:\n" in debian
    assert "        exitCode: 0\n" in debian and "        reason: Completed\n" in debian
    assert "    state:\n      running:\n" in nginx
    assert term.run("kubectl get pod two-containers").splitlines()[1].split()[1:3] == ["1/2", "NotReady"]
    term.run("kubectl exec -it two-containers -c nginx-container -- /bin/bash")
    assert term.session is not None and term.prompt == "root@two-containers:/# "
    assert term.run("cat /usr/share/nginx/html/index.html") == "Hello from the debian container\n"
    assert term.run("curl localhost:8080", rc=7) == (
        "curl: (7) Failed to connect to localhost port 8080 after 0 ms: Couldn't connect to server\n")
    # the page's answer: nginx serves what the debian container wrote
    assert term.run("curl localhost") == "Hello from the debian container\n"
    term.run("exit")
    assert term.session is None
    # nginx logged the request made inside its own pod from the loopback (curl 8 tries ::1 first, which
    # kubeplay does not model yet: it comes from 127.0.0.1)
    log = term.run("kubectl logs two-containers -c nginx-container --tail=1")
    assert log.split(" ", 1)[0] in ("127.0.0.1", "::1")
    assert log.endswith('"GET / HTTP/1.1" 200 32 "-" "curl/8.11.1" "-"\n')


def test_container_statuses_come_sorted_by_name(term):  # noqa: F811
    assert list(start(term)) == ["debian-container", "nginx-container"]
