"""Service environment variables (pkg/kubelet/envvars) and the rest of a container's env as the
kubelet builds it when it creates the container: only Services that exist at that moment, the
kubernetes Service always, enableServiceLinks honoured, ConfigMap/Secret references resolved or
the pod held in CreateContainerConfigError."""

from __future__ import annotations

from server.sim.admission import parse_manifests
from server.sim.cluster import Cluster
from server.sim.net.envvars import service_env


def apply(cluster: Cluster, text: str) -> None:
    for doc in parse_manifests(text, "x.yml"):
        cluster.api.apply(doc)
    cluster.settle()


def env_of(cluster: Cluster, pod: str, container: str | None = None) -> dict[str, str]:
    obj = cluster.store.get("Pod", "default", pod)
    assert obj is not None
    name = container or obj["spec"]["containers"][0]["name"]
    inst = cluster.runtime.get(obj["metadata"]["uid"], name)
    assert inst is not None, "container never started"
    return inst.env


def bare_pod(name: str, extra: str = "") -> str:
    return (f"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n{extra}"
            "  containers:\n  - name: box\n    image: busybox\n    command: [sleep, '3600']\n")


def test_the_seven_web_service_variables_of_scenario_c(cluster: Cluster, kubectl) -> None:
    kubectl("apply -f lessons/step09-deploy.yml")
    kubectl("apply -f lessons/step09-svc.yml")
    ip = cluster.store.get("Service", "default", "web-service")["spec"]["clusterIP"]
    apply(cluster, bare_pod("busybox"))
    cluster.advance(60)
    env = env_of(cluster, "busybox")
    web = {k: v for k, v in env.items() if k.startswith("WEB_SERVICE")}
    assert web == {
        "WEB_SERVICE_SERVICE_HOST": ip,
        "WEB_SERVICE_SERVICE_PORT": "80",
        "WEB_SERVICE_PORT": f"tcp://{ip}:80",
        "WEB_SERVICE_PORT_80_TCP": f"tcp://{ip}:80",
        "WEB_SERVICE_PORT_80_TCP_PROTO": "tcp",
        "WEB_SERVICE_PORT_80_TCP_PORT": "80",
        "WEB_SERVICE_PORT_80_TCP_ADDR": ip,
    }
    assert env["KUBERNETES_SERVICE_HOST"] == "10.96.0.1" and env["KUBERNETES_SERVICE_PORT_HTTPS"] == "443"
    assert env["KUBERNETES_PORT_443_TCP"] == "tcp://10.96.0.1:443"
    assert env["HOSTNAME"] == "busybox"


def test_a_pod_started_before_the_service_does_not_get_its_variables(cluster: Cluster, kubectl) -> None:
    apply(cluster, bare_pod("early"))
    cluster.advance(60)
    kubectl("apply -f lessons/step09-svc.yml")
    apply(cluster, bare_pod("late"))
    cluster.advance(60)
    assert not any(k.startswith("WEB_SERVICE") for k in env_of(cluster, "early"))
    assert "WEB_SERVICE_SERVICE_HOST" in env_of(cluster, "late")


def test_named_ports_headless_and_external_name(cluster: Cluster, kubectl) -> None:
    kubectl("apply -f seeds/svc-clusterip.yml")
    kubectl("apply -f lessons/step09-svc-headless.yml")
    kubectl("apply -f lessons/step09-svc-ext-dns.yml")
    env = service_env(cluster, "default")
    ip = cluster.store.get("Service", "default", "sample-clusterip")["spec"]["clusterIP"]
    assert env["SAMPLE_CLUSTERIP_SERVICE_PORT"] == "8080"
    assert env["SAMPLE_CLUSTERIP_SERVICE_PORT_HTTP_PORT"] == "8080"
    assert env["SAMPLE_CLUSTERIP_PORT_8080_TCP_ADDR"] == ip
    assert not any(k.startswith(("SERVER1_", "YAHOO_")) for k in env)  # headless and ExternalName: none
    # other namespaces see only default/kubernetes
    assert sorted({k.split("_")[0] for k in service_env(cluster, "kube-system")}) == ["KUBE", "KUBERNETES"]
    assert {k.split("_")[0] for k in service_env(cluster, "kube-public")} == {"KUBERNETES"}


def test_enable_service_links_false(cluster: Cluster, kubectl) -> None:
    kubectl("apply -f lessons/step09-svc.yml")
    apply(cluster, bare_pod("quiet", "  enableServiceLinks: false\n"))
    cluster.advance(60)
    env = env_of(cluster, "quiet")
    assert not any(k.startswith("WEB_SERVICE") for k in env)
    assert env["KUBERNETES_SERVICE_HOST"] == "10.96.0.1"


def test_configmap_and_secret_references(cluster: Cluster, kubectl) -> None:
    kubectl("apply -f seeds/secret-sample.yml")
    kubectl("apply -f seeds/configmap-sample.yml")
    kubectl("apply -f seeds/pod-secret-env.yml")
    kubectl("apply -f seeds/pod-configmap-env.yml")
    cluster.advance(90)
    secret_env = env_of(cluster, "sample-secret-env")
    assert secret_env["username"] == "root" and secret_env["password"] == "rootpassword"  # base64-decoded
    assert env_of(cluster, "sample-configmap-single-env")["CONNECTION_MAX"] == "100"


def test_missing_configmap_holds_the_container_until_it_appears(cluster: Cluster, kubectl) -> None:
    apply(cluster, "apiVersion: v1\nkind: Pod\nmetadata: {name: needs-cm}\nspec:\n  containers:\n"
                   "  - name: box\n    image: busybox\n    command: [sleep, '3600']\n    env:\n"
                   "    - name: GREETING\n      valueFrom: {configMapKeyRef: {name: greet, key: hello}}\n"
                   "    - name: SAY\n      value: $(GREETING) world $$(GREETING)\n"
                   "    - name: ME\n      valueFrom: {fieldRef: {fieldPath: metadata.name}}\n")
    cluster.advance(60)
    pod = cluster.store.get("Pod", "default", "needs-cm")
    waiting = pod["status"]["containerStatuses"][0]["state"]["waiting"]
    assert waiting == {"reason": "CreateContainerConfigError", "message": 'configmap "greet" not found'}
    assert "CreateContainerConfigError" in kubectl("get pod needs-cm")
    assert 'Error: configmap "greet" not found' in kubectl("describe pod needs-cm")
    apply(cluster, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: greet}\ndata: {other: x}\n")
    cluster.advance(20)
    pod = cluster.store.get("Pod", "default", "needs-cm")
    assert pod["status"]["containerStatuses"][0]["state"]["waiting"]["message"] == \
        "couldn't find key hello in ConfigMap default/greet"
    apply(cluster, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: greet}\ndata: {hello: hi}\n")
    cluster.advance(20)
    pod = cluster.store.get("Pod", "default", "needs-cm")
    assert "running" in pod["status"]["containerStatuses"][0]["state"]
    env = env_of(cluster, "needs-cm")
    assert env["GREETING"] == "hi" and env["SAY"] == "hi world $(GREETING)" and env["ME"] == "needs-cm"
