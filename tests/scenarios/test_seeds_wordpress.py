"""The seeds' WordPress + MySQL session (scenario E of ../shared/manifests/README.md), through the HTTP
contract: the two Services and the two workloads come up, MySQL initialises from its environment and
says it is ready, WordPress finds it by the Service's DNS name, and its installer answers through
the NodePort 30080 of either node — what the seed's author saw in the browser."""

from __future__ import annotations

import re

import pytest

from tests.scenarios.tutterm import tutorial_term


@pytest.fixture
def term(tmp_path):
    with tutorial_term(tmp_path) as t:
        yield t


def test_wordpress_and_mysql_found_by_name(term):
    assert term.run("kubectl apply -f seeds/wordpress-deployment.yml") == (
        "service/wordpress created\nservice/wordpress-mysql created\ndeployment.apps/wordpress created\n"
        "pod/wordpress-mysql created\n")
    term.advance(120)
    pods = term.run("kubectl get pods").splitlines()[1:]
    assert len(pods) == 3 and all(p.split()[1:3] == ["1/1", "Running"] for p in pods), pods
    svc = term.run("kubectl get svc wordpress wordpress-mysql").splitlines()
    assert re.fullmatch(r"wordpress\s+NodePort\s+10\.\d+\.\d+\.\d+\s+<none>\s+80:30080/TCP\s+2m", svc[1])
    assert re.fullmatch(r"wordpress-mysql\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+3306/TCP\s+2m", svc[2])

    # MYSQL_RANDOM_ROOT_PASSWORD etc. are set, so the entrypoint initialises and mysqld starts
    mysql = term.run("kubectl logs wordpress-mysql")
    assert "[Note] [Entrypoint]: MySQL init process done. Ready for start up." in mysql
    assert re.search(r"\[Server\] /usr/sbin/mysqld: ready for connections\. .* port: 3306 ", mysql)

    # WORDPRESS_DB_HOST=wordpress-mysql: the name resolves and the port answers from a pod
    term.run("kubectl run client --image=busybox:1.36 --restart=Never -- sleep 3600")
    term.advance(30)
    mysql_ip = term.run("kubectl get svc wordpress-mysql -o jsonpath={.spec.clusterIP}")
    assert term.run("kubectl exec client -- nc -zv wordpress-mysql 3306") == \
        f"wordpress-mysql ({mysql_ip}:3306) open\n"

    # the installer, through the NodePort on each node (kube-proxy routes to either pod)
    for node_ip in ("192.168.56.11", "192.168.56.12"):
        page = term.run(f"kubectl exec client -- wget -q -O- http://{node_ip}:30080/wp-admin/install.php")
        assert "<title>WordPress &rsaquo; Installation</title>" in page
    wp_pods = [line.split()[0] for line in term.run("kubectl get pods -l app=wordpress").splitlines()[1:]]
    logs = "".join(term.run(f"kubectl logs {p}") for p in wp_pods)
    assert "Complete! WordPress has been successfully copied to /var/www/html" in logs
    assert len(re.findall(r'"GET /wp-admin/install\.php HTTP/1\.1" 200 ', logs)) == 2
