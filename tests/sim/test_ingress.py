"""Ingress through the ingress-nginx add-on (server/sim/net/ingress.py, controllers/ingress.py):
host and path matching as ingress-nginx builds its servers, the default backend, 503 without
endpoints, curl's -H/--resolve reaching it from the workstation and from a pod, the status sync;
and the networking tables and field errors as the real kubectl v1.32 prints them for our objects."""

from __future__ import annotations

import re

import pytest

from server.sim.cluster import Cluster
from server.sim.net import clients, ingress
from server.sim.net.proxy import Source
from tests.labserver import lab_server


def _ingress(name: str, spec: dict, ns: str = "default") -> dict:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": name, "namespace": ns},
            "spec": {"ingressClassName": "nginx", **spec}}


def _path(path: str, svc: str, kind: str = "Prefix", port: int = 80) -> dict:
    return {"path": path, "pathType": kind, "backend": {"service": {"name": svc, "port": {"number": port}}}}


@pytest.fixture(scope="module")
def lab():
    c = Cluster(seed=5)
    c.set_addon("ingress", True)
    # as the tutorials say: wait for the controller, whose admission webhook checks every Ingress
    c.advance(90)
    for name in ("web", "api", "cats"):
        c.api.create({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": "default"},
                      "spec": {"replicas": 1, "selector": {"matchLabels": {"app": name}},
                               "template": {"metadata": {"labels": {"app": name}},
                                            "spec": {"containers": [{"name": name, "image": "nginx"}]}}}})
        c.api.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "default"},
                      "spec": {"selector": {"app": name}, "ports": [{"port": 80}]}})
    c.api.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "empty", "namespace": "default"},
                  "spec": {"selector": {"app": "nothing"}, "ports": [{"port": 80}]}})
    c.api.create(_ingress("site", {"rules": [
        {"host": "site.example", "http": {"paths": [_path("/", "web"), _path("/api", "api"),
                                                    _path("/api/v1/exact", "cats", "Exact")]}},
        {"host": "*.wild.example", "http": {"paths": [_path("/", "cats")]}},
        {"host": "down.example", "http": {"paths": [_path("/", "empty")]}}]}))
    c.advance(120)
    return c


def routed_to(c: Cluster, host: str, path: str) -> str | None:
    hit = ingress.match(c, host, path)
    return None if hit is None else hit.backend["service"]["name"]


def test_host_and_path_matching(lab):
    assert routed_to(lab, "site.example", "/") == "web"
    assert routed_to(lab, "site.example:31000", "/index.html") == "web"
    assert routed_to(lab, "site.example", "/api") == "api"
    assert routed_to(lab, "site.example", "/api/users") == "api"
    assert routed_to(lab, "site.example", "/apiary") == "web"  # Prefix matches whole path elements
    assert routed_to(lab, "site.example", "/api/v1/exact") == "cats"
    assert routed_to(lab, "site.example", "/api/v1/exact/more") == "api"
    assert routed_to(lab, "a.wild.example", "/") == "cats"
    assert routed_to(lab, "a.b.wild.example", "/") is None  # a wildcard covers one label
    assert routed_to(lab, "other.example", "/") is None
    # a host's server only has its own locations: no fall-through to other hosts' rules
    assert routed_to(lab, "down.example", "/api") == "empty"


def test_rewrite_target_and_default_backends(lab):
    lab.api.create({**_ingress("rewrite", {"rules": [{"host": "rw.example", "http": {"paths": [
        _path("/something(/|$)(.*)", "api", "ImplementationSpecific")]}}]}),
        "metadata": {"name": "rewrite", "namespace": "default",
                     "annotations": {"nginx.ingress.kubernetes.io/rewrite-target": "/$2"}}})
    lab.api.create(_ingress("fallback", {"defaultBackend": {"service": {"name": "cats", "port": {"number": 80}}},
                                         "rules": [{"host": "fb.example", "http": {"paths": [_path("/web", "web")]}}]}))
    try:
        hit = ingress.match(lab, "rw.example", "/SOMETHING/new/page?x=1")
        assert (hit.backend["service"]["name"], hit.path) == ("api", "/new/page?x=1")
        assert ingress.match(lab, "rw.example", "/something").path == "/"
        assert ingress.match(lab, "rw.example", "/other") is None
        assert routed_to(lab, "fb.example", "/web/x") == "web"
        assert routed_to(lab, "fb.example", "/elsewhere") == "cats"  # the Ingress's own defaultBackend
        # an Ingress's defaultBackend covers its own hosts; only one without rules takes the catch-all
        assert routed_to(lab, "unknown.example", "/") is None
        lab.api.create(_ingress("catch-all", {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}))
        assert routed_to(lab, "unknown.example", "/") == "web"
        lab.api.delete("Ingress", "default", "catch-all")
    finally:
        lab.api.delete("Ingress", "default", "rewrite")
        lab.api.delete("Ingress", "default", "fallback")


def curl(c: Cluster, source: Source, *args: str) -> clients.Out:
    return clients.run_sync(clients.curl, clients.Context(c, source), ["curl", *args])


def controller_port(c: Cluster) -> int:
    return c.store.peek("Service", "ingress-nginx", "ingress-nginx-controller")["spec"]["ports"][0]["nodePort"]


def node_ip(c: Cluster, node: str = "node2") -> str:
    return c.store.peek("Node", "", node)["status"]["addresses"][0]["address"]


def test_requests_through_the_node_port(lab):
    url = f"http://{node_ip(lab)}:{controller_port(lab)}/"
    out = curl(lab, Source.outside(), "-s", "-H", "Host: site.example", url)
    assert "<title>Welcome to nginx!</title>" in out.stdout and out.code == 0
    head = curl(lab, Source.outside(), "-sI", "-H", "Host: nowhere.example", url)
    assert head.stdout.startswith("HTTP/1.1 404 Not Found\r\n") and "Content-Length: 146\r\n" in head.stdout
    code = curl(lab, Source.outside(), "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: down.example", url)
    assert code.stdout == "503"
    body = curl(lab, Source.outside(), "-s", "-H", "Host: down.example", url).stdout
    assert "<title>503 Service Temporarily Unavailable</title>" in body and "<center>nginx</center>" in body
    # --resolve pins the name to an address, as the minikube tutorial does with `minikube ip`
    port = controller_port(lab)
    pinned = curl(lab, Source.outside(), "-s", "--resolve", f"site.example:{port}:{node_ip(lab, 'node1')}",
                  f"http://site.example:{port}/api")
    # the path is passed on as it is (no rewrite): the api pod's own nginx has no /api, and says so
    assert "<hr><center>nginx/1.27.4</center>" in pinned.stdout
    # the backend saw the controller pod as its client, and logged the request
    api = next(p for p in lab.store.scan("Pod", "default") if p["metadata"]["labels"].get("app") == "api")
    logs = lab.runtime.get(api["metadata"]["uid"], "api").logs
    controller = next(p for p in lab.store.scan("Pod", "ingress-nginx") if "controller" in p["metadata"]["name"])
    assert any(line.startswith(controller["status"]["podIP"] + " - - [") and '"GET /api HTTP/1.1" 404' in line
               for line in logs)


def test_from_a_pod_through_the_cluster_ip(lab):
    lab.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "client", "namespace": "default"},
                    "spec": {"containers": [{"name": "c", "image": "curlimages/curl", "command": ["sleep", "3600"]}]}})
    lab.advance(30)
    out = curl(lab, Source.pod("default", "client"), "-s", "-H", "Host: a.wild.example",
               "http://ingress-nginx-controller.ingress-nginx.svc.cluster.local/")
    assert "<title>Welcome to nginx!</title>" in out.stdout


def test_status_and_sync_event(lab):
    ing = lab.store.peek("Ingress", "default", "site")
    controller = next(p for p in lab.store.scan("Pod", "ingress-nginx") if "controller" in p["metadata"]["name"])
    assert ing["status"]["loadBalancer"] == {"ingress": [{"ip": node_ip(lab, controller["spec"]["nodeName"])}]}
    events = [e for e in lab.store.scan("Event", "default") if e["involvedObject"]["name"] == "site"]
    assert [(e["reason"], e["message"], e["source"]["component"]) for e in events] == \
        [("Sync", "Scheduled for sync", "nginx-ingress-controller")]


def test_status_waits_for_the_sync_ticker():
    c = Cluster(seed=2)
    c.set_addon("ingress", True)
    c.advance(30)  # the controller runs, but its first status sync is 60 s after it started
    c.api.create(_ingress("late", {"defaultBackend": {"service": {"name": "x", "port": {"number": 80}}}}))
    c.settle()
    assert not (c.store.peek("Ingress", "default", "late").get("status") or {}).get("loadBalancer")
    c.advance(60)
    assert c.store.peek("Ingress", "default", "late")["status"]["loadBalancer"]["ingress"]


# -- the real kubectl against our objects ---------------------------------------------------------
@pytest.fixture(scope="module")
def real(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        lab.request("POST", f"/api/sandboxes/{lab.sid}/addons/ingress", {"enabled": True})
        lab.clock(advance=90)
        yield lab


NETPOL = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: access-nginx
spec:
  podSelector:
    matchLabels:
      app: nginx
  ingress:
  - from:
    - podSelector:
        matchLabels:
          access: "true"
"""
EXAMPLE = """apiVersion: networking.k8s.io/v1
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


def test_tables_match_the_real_kubectl(real):
    real.kubectl("apply", "-f", "-", stdin=NETPOL)
    real.kubectl("apply", "-f", "-", stdin=EXAMPLE)
    real.clock(advance=60)
    for args in (("get", "ingress"), ("get", "ingressclass"), ("get", "networkpolicy"), ("get", "ingress", "-o", "wide"),
                 ("get", "svc", "-n", "ingress-nginx"), ("describe", "ingress", "example-ingress"),
                 ("describe", "ingressclass", "nginx"), ("describe", "networkpolicy", "access-nginx")):
        mine = real.engine("kubectl " + " ".join(args))
        theirs = real.kubectl(*args).stdout
        # the API serves timestamps shifted to the wall clock (README): an absolute time differs by design
        assert created_on(mine) == created_on(theirs), args
    row = real.kubectl("get", "ingress").stdout.splitlines()[1]
    assert re.fullmatch(r"example-ingress\s+nginx\s+hello-world\.example\s+192\.168\.56\.\d+\s+80\s+\S+", row)


def created_on(text: str) -> str:
    return re.sub(r"(?m)^Created on:   .*$", "Created on:   <time>", text)


BAD = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: bad
spec:
  rules:
  - host: 1.2.3.4
    http:
      paths:
      - path: foo
        pathType: Prefix
        backend:
          service:
            name: web
"""


def test_field_errors_as_the_real_kubectl_prints_them(real):
    result = real.kubectl("apply", "-f", "-", stdin=BAD, check=False)
    assert result.returncode == 1
    assert result.stderr == (
        'The Ingress "bad" is invalid: \n'
        '* spec.rules[0].host: Invalid value: "1.2.3.4": must be a DNS name, not an IP address\n'
        '* spec.rules[0].http.paths[0].path: Invalid value: "foo": must be an absolute path\n'
        "* spec.rules[0].http.paths[0].backend: Required value: port name or number is required\n")
    assert not real.objects("Ingress").get("bad")


# -- admission: DefaultIngressClass and the add-on's webhook ---------------------------------------
def test_default_ingress_class_plugin(lab):
    from server.sim.plugins import default_ingress_class

    obj = {"kind": "Ingress", "metadata": {"name": "x"}, "spec": {}}
    default_ingress_class.admit("CREATE", obj, None, lab.api)
    assert "ingressClassName" not in obj["spec"]  # the add-on's class is not marked default (baremetal)
    lab.api.create({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
                    "metadata": {"name": "fancy", "annotations": {default_ingress_class.DEFAULT_ANNOTATION: "true"}},
                    "spec": {"controller": "example.com/fancy"}})
    try:
        default_ingress_class.admit("CREATE", obj, None, lab.api)
        assert obj["spec"]["ingressClassName"] == "fancy"
        annotated = {"kind": "Ingress", "metadata": {"name": "y", "annotations": {"kubernetes.io/ingress.class": "nginx"}},
                     "spec": {}}
        default_ingress_class.admit("CREATE", annotated, None, lab.api)
        assert "ingressClassName" not in annotated["spec"]
        updated = {"kind": "Ingress", "metadata": {"name": "z"}, "spec": {}}
        default_ingress_class.admit("UPDATE", updated, updated, lab.api)
        assert "ingressClassName" not in updated["spec"]
    finally:
        lab.api.delete("IngressClass", "", "fancy")


def test_the_webhook_denies_a_host_and_path_defined_twice(lab):
    from server.sim.api import ApiError
    from server.sim.plugins import ingress_nginx_webhook

    twin = _ingress("twin", {"rules": [{"host": "site.example", "http": {"paths": [_path("/", "other")]}}]})
    with pytest.raises(ApiError) as e:
        ingress_nginx_webhook.admit("CREATE", twin, None, lab.api)
    assert (e.value.code, e.value.reason, str(e.value.message)) == (
        400, "BadRequest", 'admission webhook "validate.nginx.ingress.kubernetes.io" denied the request: '
                           'host "site.example" and path "/" is already defined in ingress default/site')
    # another path, another class, or the same Ingress updated: allowed
    ingress_nginx_webhook.admit("CREATE", _ingress("fine", {"rules": [{"host": "site.example", "http": {
        "paths": [_path("/other", "other")]}}]}), None, lab.api)
    ingress_nginx_webhook.admit("CREATE", {**twin, "spec": {**twin["spec"], "ingressClassName": "traefik"}}, None,
                                lab.api)
    site = lab.store.get("Ingress", "default", "site")
    ingress_nginx_webhook.admit("UPDATE", site, site, lab.api)


def test_the_webhook_cannot_be_called_before_the_controller_is_ready():
    from server.sim.api import ApiError
    from server.sim.plugins import ingress_nginx_webhook

    c = Cluster(seed=8)
    obj = _ingress("early", {"defaultBackend": {"service": {"name": "x", "port": {"number": 80}}}})
    ingress_nginx_webhook.admit("CREATE", obj, None, c.api)  # no add-on: no webhook
    c.set_addon("ingress", True)
    with pytest.raises(ApiError) as e:
        ingress_nginx_webhook.admit("CREATE", obj, None, c.api)
    assert e.value.code == 500 and str(e.value.message) == (
        'Internal error occurred: failed calling webhook "validate.nginx.ingress.kubernetes.io": failed to call '
        'webhook: Post "https://ingress-nginx-controller-admission.ingress-nginx.svc:443/networking/v1/ingresses'
        '?timeout=10s": no endpoints available for service "ingress-nginx-controller-admission"')
    c.advance(90)
    ingress_nginx_webhook.admit("CREATE", obj, None, c.api)
