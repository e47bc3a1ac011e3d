"""A container's ConfigMap, Secret and token files are written when first looked at (most never are),
yet read exactly as the kubelet wrote them at the container's start: the ConfigMap's data of then,
the token issued then, the AtomicWriter's ``..<timestamp>`` directory of then (sim/volumes.py
``_defer_writes``/``_fill``); a later change still arrives with the kubelet's next sync."""

from __future__ import annotations

import base64
import json
import textwrap
from datetime import UTC, datetime

from server.sim.clock import parse_time

SA = "/var/run/secrets/kubernetes.io/serviceaccount"


def apply(kubectl, text: str) -> None:
    kubectl("apply -f -", textwrap.dedent(text))


def claims(token: str) -> dict:
    body = token.strip().split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_files_first_read_later_are_those_of_the_container_start(cluster, kubectl):
    kubectl("create configmap a --from-literal=level=one")
    apply(kubectl, """
        apiVersion: v1
        kind: Pod
        metadata: {name: late-reader}
        spec:
          containers:
          - name: main
            image: busybox:1.36
            command: ["sleep", "36000"]
            volumeMounts: [{name: cfg, mountPath: /etc/config}]
          volumes:
          - {name: cfg, configMap: {name: a}}
        """)
    cluster.advance(20)
    pod = cluster.store.peek("Pod", "default", "late-reader")
    started = parse_time(pod["status"]["containerStatuses"][0]["state"]["running"]["startedAt"])
    # nothing has read the container's files yet; the ConfigMap changes and time goes by (less than
    # the kubelet's sync delay, 60 s at the least)
    kubectl("patch configmap a -p '{\"data\":{\"level\":\"two\"}}'")
    cluster.advance(40)
    assert kubectl("exec late-reader -- cat /etc/config/level") == "one"
    stamp = datetime.fromtimestamp(started, UTC).strftime("%Y_%m_%d_%H_%M_%S")
    assert [n for n in kubectl("exec late-reader -- ls -a /etc/config").split() if n.startswith("..2")][0] \
        .startswith(f"..{stamp}.")
    token = claims(kubectl(f"exec late-reader -- cat {SA}/token"))
    assert token["iat"] == int(started) and token["exp"] == int(started) + 3607
    assert token["kubernetes.io"]["pod"]["name"] == "late-reader"
    assert kubectl(f"exec late-reader -- cat {SA}/namespace") == "default"
    cluster.advance(91)  # the kubelet's sync after the change
    assert kubectl("exec late-reader -- cat /etc/config/level") == "two"

