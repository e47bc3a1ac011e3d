"""metrics.k8s.io/v1beta1's answers (server/web/metrics_api.py): off, not ready (the aggregator's 503),
lists, one object, NotFound in metrics-server's words, label selectors."""

from __future__ import annotations

from server.kubectl import run
from server.sim import metrics
from server.sim.cluster import Cluster
from server.web import metrics_api


def test_answers_follow_the_addon():
    c = Cluster(seed=1)
    assert not metrics_api.listed(c)
    assert metrics_api.answer(c, "GET", ["nodes"], {})[0] == 404
    c.set_addon("metrics-server", True)
    assert metrics_api.listed(c)
    assert metrics_api.answer(c, "GET", ["nodes"], {}) == (503, "service unavailable\n")
    c.run_until(c.clock.now() + 120, lambda: metrics.available(c))
    c.advance(30)
    run(c, "kubectl run web --image=nginx:1.27 -l app=web")
    c.advance(60)
    code, body = metrics_api.answer(c, "GET", ["nodes"], {})
    assert code == 200 and body["kind"] == "NodeMetricsList" and len(body["items"]) == 3
    code, body = metrics_api.answer(c, "GET", ["namespaces", "default", "pods"], {"labelSelector": "app=web"})
    assert code == 200 and [m["metadata"]["name"] for m in body["items"]] == ["web"]
    assert metrics_api.answer(c, "GET", ["namespaces", "default", "pods"], {"labelSelector": "app=x"})[1][
        "items"] == []
    code, body = metrics_api.answer(c, "GET", ["namespaces", "default", "pods", "web"], {})
    assert code == 200 and body["kind"] == "PodMetrics"
    code, body = metrics_api.answer(c, "GET", ["namespaces", "default", "pods", "nope"], {})
    assert (code, body["reason"], body["message"]) == (404, "NotFound",
                                                       'podmetrics.metrics.k8s.io "default/nope" not found')
    code, body = metrics_api.answer(c, "GET", ["pods"], {})
    assert code == 200 and {m["metadata"]["namespace"] for m in body["items"]} == {"default", "kube-system"}
    assert metrics_api.resource_list()["resources"][1] == {
        "name": "pods", "singularName": "", "namespaced": True, "kind": "PodMetrics", "verbs": ["get", "list"]}
    assert metrics_api.api_group()["preferredVersion"] == {"groupVersion": "metrics.k8s.io/v1beta1",
                                                           "version": "v1beta1"}
