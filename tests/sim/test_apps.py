"""The simulated applications: answers, access logs, ping, the traffic log and send."""

from __future__ import annotations

from server.sim.net import apps, traffic
from server.sim.net.proxy import Source

from .nethelpers import client, run_pods, service

ME = Source.pod("default", "client")


def test_nginx_welcome_page_and_access_log_in_the_answering_pod(cluster):
    pods = run_pods(cluster, "web", "nginx:1.17", 2, node_names=["node1", "node2"])
    client(cluster)
    service(cluster, "web-service", pods, cluster_ip="10.96.100.40")
    res = apps.http(cluster, ME, "http://web-service")
    assert res.ok and res.status == 200 and "<h1>Welcome to nginx!</h1>" in res.body
    assert res.headers["Server"] == "nginx/1.17.10" and len(res.body.encode()) == 612
    answered = cluster.store.peek("Pod", *res.route.pod)
    other = next(p for p in pods if p["metadata"]["name"] != res.route.pod[1])
    log = cluster.runtime.get(answered["metadata"]["uid"], "web").logs
    client_ip = cluster.store.peek("Pod", "default", "client")["status"]["podIP"]
    assert log[-1] == f'{client_ip} - - [03/Mar/2025:13:01:30 +0000] "GET / HTTP/1.1" 200 612 "-" "Wget" "-"'
    other_inst = cluster.runtime.get(other["metadata"]["uid"], "web")
    assert other_inst is not None and not [ln for ln in other_inst.logs if '"GET / HTTP/1.1"' in ln]


def test_newer_nginx_page_and_404(cluster):
    pods = run_pods(cluster, "web", "nginx:1.27", 1)
    client(cluster)
    ip = pods[0]["status"]["podIP"]
    assert len(apps.http(cluster, ME, f"http://{ip}/").body.encode()) == 615
    missing = apps.http(cluster, ME, f"http://{ip}/nope")
    assert missing.status == 404 and "nginx/1.27.4" in missing.body


def test_bootcamp_names_its_pod_and_version_and_logs_requests(cluster):
    v1 = run_pods(cluster, "boot", "jocatalin/kubernetes-bootcamp:v1", 1)[0]
    v2 = run_pods(cluster, "bootb", "jocatalin/kubernetes-bootcamp:v2", 1)[0]
    client(cluster)
    res = apps.http(cluster, ME, f"http://{v1['status']['podIP']}:8080")
    assert res.body == "Hello Kubernetes bootcamp! | Running on: boot-0 | v=1\n"
    apps.http(cluster, ME, f"http://{v1['status']['podIP']}:8080")
    log = cluster.runtime.get(v1["metadata"]["uid"], "boot").logs
    assert log[-1].startswith("Running On: boot-0 | Total Requests: 2 | App Uptime: ")
    assert apps.http(cluster, ME, f"http://{v2['status']['podIP']}:8080").body.endswith("| v=2\n")


def test_nodeport_curl_from_outside_spreads_over_bootcamp_pods(cluster):
    pods = run_pods(cluster, "boot", "jocatalin/kubernetes-bootcamp:v1", 4, node_names=["node1", "node2"])
    service(cluster, "kubernetes-bootcamp", pods, cluster_ip="10.96.100.41", port=8080, target_port=8080,
            type_="NodePort", node_port=31234)
    answers = [apps.http(cluster, Source.outside(), "http://192.168.56.11:31234", user_agent="curl/8.5.0").body
               for _ in range(40)]
    names = {a.split("Running on: ")[1].split(" |")[0] for a in answers}
    assert names == {f"boot-{i}" for i in range(4)}
    assert len({answers[i] for i in range(1, 40) if answers[i] == answers[i - 1]}) > 0  # not a strict rotation


def test_httpd_kuard_and_servers_that_do_not_speak_http(cluster):
    httpd = run_pods(cluster, "httpd", "httpd", 1)[0]
    kuard = run_pods(cluster, "kuard", "gcr.io/kuar-demo/kuard-amd64:1", 1)[0]
    redis = run_pods(cluster, "redis", "redis", 1)[0]
    client(cluster)
    assert apps.http(cluster, ME, f"http://{httpd['status']['podIP']}").body == (
        "<html><body><h1>It works!</h1></body></html>\n")
    assert apps.http(cluster, ME, f"http://{kuard['status']['podIP']}:8080/healthy").body == "ok"
    assert "KUAR Demo" in apps.http(cluster, ME, f"http://{kuard['status']['podIP']}:8080/").body
    assert apps.http(cluster, ME, f"http://{redis['status']['podIP']}:6379").error == "Empty reply from server"
    assert apps.tcp(cluster, ME, redis["status"]["podIP"], 6379).ok
    busybox_ip = cluster.store.peek("Pod", "default", "client")["status"]["podIP"]
    assert apps.http(cluster, Source.pod("default", "httpd-0"), f"http://{busybox_ip}").error == "Connection refused"


def test_external_world_from_a_pod_and_unknown_hosts(cluster):
    client(cluster)
    res = apps.http(cluster, ME, "http://www.yahoo.co.jp")
    assert res.ok and "Yahoo! JAPAN" in res.body
    assert apps.http(cluster, ME, "http://no-such-host").error == "Could not resolve host"


def test_ping_pods_answer_service_ips_do_not(cluster):
    pods = run_pods(cluster, "web", "nginx", 1, node_names=["node2"])
    client(cluster)
    service(cluster, "web-service", pods, cluster_ip="10.96.100.42")
    vip = apps.ping(cluster, ME, "web-service", 3)
    assert vip.ip == "10.96.100.42" and vip.transmitted == 3 and vip.received == 0 and vip.loss_percent == 100
    pod = apps.ping(cluster, ME, pods[0]["status"]["podIP"], 3)
    assert pod.received == 3 and {r.ttl for r in pod.replies} == {63}  # one hop: node1 -> node2
    assert apps.ping(cluster, ME, "www.google.com", 2).received == 2
    assert apps.ping(cluster, ME, "nope", 1).unresolved


def test_traffic_log_and_send_distribution(cluster):
    pods = run_pods(cluster, "web", "nginx", 4, node_names=["node1", "node2"])
    client(cluster)
    service(cluster, "web", pods, cluster_ip="10.96.100.43")
    before = cluster.traffic.last_id
    dist = traffic.send(cluster, ME, "web", 200)
    assert dist["ok"] == 200 and sum(dist["pods"].values()) == 200
    assert set(dist["pods"]) == {f"default/web-{i}" for i in range(4)}
    recs = traffic.since(cluster, before)
    assert len(recs) == 200 and [r["id"] for r in recs] == list(range(before + 1, before + 201))
    rec = recs[-1]
    assert rec["service"] == "default/web" and rec["ok"] and rec["hops"][0]["name"] == "client"
    assert rec["pod"] in dist["pods"] and rec["source"] == "pod/default/client"
    assert traffic.since(cluster, cluster.traffic.last_id) == []


def test_same_seed_same_operations_same_choices():
    from server.sim.cluster import Cluster

    def scenario(c):
        pods = run_pods(c, "web", "nginx", 3, node_names=["node1", "node2"])
        client(c)
        service(c, "web", pods, cluster_ip="10.96.100.44")
        return traffic.send(c, ME, "web", 30)["pods"]

    assert scenario(Cluster(seed=3)) == scenario(Cluster(seed=3))
