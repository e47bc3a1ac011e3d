"""The mysql images' programs as a user meets them through ``kubectl``: each major's start-up log
(5.7.30 the Debian-based image's entrypoint and mysqld 5.7's format, 8.0 the Oracle Linux one's),
the image's Debian release, and the clients it ships — ``mysqladmin ping/status/version``, ``mysql
-e`` in its container (tab-separated off a terminal, the box on one) and across the network with
``-h``, every failure with the real words and exit codes."""

from __future__ import annotations

import re

import pytest

from server.kubectl import run
from server.sim.cluster import Cluster

WARNING = "mysql: [Warning] Using a password on the command line interface can be insecure.\n"
ADMIN_WARNING = "mysqladmin: [Warning] Using a password on the command line interface can be insecure.\n"


def sh(c: Cluster, line: str) -> tuple[str, int]:
    r = run(c, line)
    return r.output, r.exit_code


@pytest.fixture(scope="module")
def lab():
    c = Cluster(seed=5)
    run(c, "kubectl apply -f -", stdin="""apiVersion: v1
kind: Pod
metadata: {name: db57, labels: {app: db57}}
spec:
  containers:
  - name: mysql
    image: mysql:5.7.30
    env: [{name: MYSQL_ROOT_PASSWORD, value: s3cret}, {name: MYSQL_DATABASE, value: shop}]
---
apiVersion: v1
kind: Service
metadata: {name: db57}
spec: {selector: {app: db57}, ports: [{port: 3306}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db8}
spec:
  containers:
  - name: mysql
    image: mysql:8.0
    env: [{name: MYSQL_ROOT_PASSWORD, value: pw8}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers: [{name: mysql, image: "mysql:5.7.30", command: [sleep, "3600"]}]
""")
    c.advance(60)
    return c


def test_the_5_7_image_logs_its_debian_entrypoint_and_mysqld_5_7(lab):
    logs = run(lab, "kubectl logs db57").output
    lines = logs.splitlines()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00 \[Note\] \[Entrypoint\]: Entrypoint script for MySQL "
                        r"Server 5\.7\.30-1debian10 started\.", lines[0]), lines[0]
    assert lines[1].endswith("[Note] [Entrypoint]: Switching to dedicated user 'mysql'")
    assert "[Note] [Entrypoint]: Creating database shop" in logs
    assert "Warning: Unable to load '/usr/share/zoneinfo/iso3166.tab' as time zone. Skipping it.\n" in logs
    assert re.search(r"Z 0 \[Note\] mysqld \(mysqld 5\.7\.30\) starting as process 1 \.\.\.\n", logs)
    # the temporary server listens on no port, the real one on 3306; 5.7 breaks its ready line in two
    assert logs.count("[Note] mysqld: ready for connections.\n") == 2
    assert lines[-1] == "Version: '5.7.30'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server (GPL)"
    assert "port: 0  MySQL Community Server (GPL)\n" in logs
    assert "[MY-" not in logs  # no 8.0-style error codes


def test_the_8_0_image_keeps_the_oracle_linux_build_and_its_log_format(lab):
    logs = run(lab, "kubectl logs db8").output
    assert "[Note] [Entrypoint]: Entrypoint script for MySQL Server 8.0.41-1.el9 started." in logs
    assert logs.splitlines()[-1].endswith("[System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. "
                                          "Version: '8.0.41'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  "
                                          "MySQL Community Server - GPL.")


def test_the_5_7_image_is_debian_buster(lab):
    assert sh(lab, "kubectl exec db57 -- cat /etc/debian_version") == ("10.4\n", 0)
    assert sh(lab, "kubectl exec db57 -- cat /etc/mysql/conf.d/docker.cnf") == \
        ("[mysqld]\nskip-host-cache\nskip-name-resolve\n", 0)


def test_the_8_0_image_is_oracle_linux(lab):
    out, rc = sh(lab, "kubectl exec db8 -- cat /etc/oracle-release")
    assert (out, rc) == ("Oracle Linux Server release 9.5\n", 0)
    assert 'PRETTY_NAME="Oracle Linux Server 9.5"\n' in sh(lab, "kubectl exec db8 -- cat /etc/os-release")[0]
    assert sh(lab, "kubectl exec db8 -- cat /etc/debian_version")[1] == 1


def test_mysqladmin_ping_in_the_server_container(lab):
    assert sh(lab, "kubectl exec db57 -- mysqladmin ping -uroot -ps3cret") == (ADMIN_WARNING + "mysqld is alive\n", 0)
    # a refused login still proves the server is up: mysqladmin exits 0 for a ping
    out, rc = sh(lab, "kubectl exec db57 -- mysqladmin -uroot -pwrong ping")
    assert rc == 0 and out == (ADMIN_WARNING + "mysqladmin: connect to server at 'localhost' failed\n"
                               "error: 'Access denied for user 'root'@'localhost' (using password: YES)'\n")
    out, rc = sh(lab, "kubectl exec db57 -- mysqladmin -uroot -pwrong status")
    assert rc == 1 and "(using password: YES)'\n" in out


def test_the_clients_where_no_server_runs(lab):
    # the image's clients in a container that runs no mysqld: no socket to connect to
    out, rc = sh(lab, "kubectl exec client -- mysqladmin ping")
    assert (out, rc) == (
        "mysqladmin: connect to server at 'localhost' failed\n"
        "error: 'Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)'\n"
        "Check that mysqld is running and that the socket: '/var/run/mysqld/mysqld.sock' exists!\n"
        "command terminated with exit code 1\n", 1)
    out, rc = sh(lab, "kubectl exec client -- mysql -uroot -ps3cret -e 'SELECT 1'")
    assert rc == 1 and out.startswith(WARNING + "ERROR 2002 (HY000): Can't connect to local MySQL server through "
                                                "socket '/var/run/mysqld/mysqld.sock' (2)\n")
    # but through the network it reaches the server of the Service
    assert sh(lab, "kubectl exec client -- mysql -h db57 -uroot -ps3cret -e 'SELECT 1'") == (WARNING + "1\n1\n", 0)


def test_mysqladmin_status_and_version(lab):
    out, rc = sh(lab, "kubectl exec db57 -- mysqladmin -uroot -ps3cret status")
    assert rc == 0
    assert re.fullmatch(re.escape(ADMIN_WARNING) + r"Uptime: \d+  Threads: 1  Questions: \d+  Slow queries: 0  "
                        r"Opens: \d+  Flush tables: 1  Open tables: \d+  Queries per second avg: \d+\.\d{3}\n", out), out
    out, rc = sh(lab, "kubectl exec db57 -- mysqladmin -uroot -ps3cret version")
    lines = out.splitlines()
    assert rc == 0 and lines[1] == "mysqladmin  Ver 8.42 Distrib 5.7.30, for Linux on x86_64"
    assert lines[2] == "Copyright (c) 2000, 2020, Oracle and/or its affiliates. All rights reserved."
    assert "Server version\t\t5.7.30" in lines and "Connection\t\tLocalhost via UNIX socket" in lines
    assert any(re.fullmatch(r"Uptime:\t\t\t\d+ sec|Uptime:\t\t\t\d+ min \d+ sec", x) for x in lines), lines
    out, _ = sh(lab, "kubectl exec db8 -- mysqladmin -uroot -ppw8 version")
    assert "mysqladmin  Ver 8.0.41 for Linux on x86_64 (MySQL Community Server - GPL)\n" in out


def test_mysql_e_in_the_container(lab):
    assert sh(lab, "kubectl exec db57 -- mysql -uroot -ps3cret -e 'SELECT 1'") == (WARNING + "1\n1\n", 0)
    assert sh(lab, "kubectl exec db57 -- mysql -uroot -ps3cret -e 'show databases;'") == (
        WARNING + "Database\ninformation_schema\nmysql\nperformance_schema\nshop\nsys\n", 0)
    assert sh(lab, "kubectl exec db57 -- mysql -uroot -ps3cret -N -e 'SELECT VERSION()'") == (WARNING + "5.7.30\n", 0)
    # on a terminal: the box
    out, rc = sh(lab, "kubectl exec -it db57 -- mysql -uroot -ps3cret -e 'SELECT 1'")
    assert rc == 0 and out.replace("\r\n", "\n").endswith("+---+\n| 1 |\n+---+\n| 1 |\n+---+\n"), out


def test_mysql_refuses_a_wrong_password(lab):
    out, rc = sh(lab, "kubectl exec db57 -- mysql -uroot -pwrong -e 'SELECT 1'")
    assert rc == 1
    assert out.startswith(WARNING + "ERROR 1045 (28000): Access denied for user 'root'@'localhost' "
                                    "(using password: YES)\n")
    out, rc = sh(lab, "kubectl exec db57 -- mysql -uroot -e 'SELECT 1'")
    assert rc == 1 and out.startswith("ERROR 1045 (28000): Access denied for user 'root'@'localhost' "
                                      "(using password: NO)\n")


def test_mysql_statement_errors(lab):
    out, rc = sh(lab, "kubectl exec db57 -- mysql -uroot -ps3cret -e 'selec 1'")
    assert rc == 1 and out.startswith(WARNING + "ERROR 1064 (42000) at line 1: You have an error in your SQL syntax; ")
    out, rc = sh(lab, "kubectl exec db57 -- mysql -uroot -ps3cret nosuch -e 'SELECT 1'")
    assert rc == 1 and out.startswith(WARNING + "ERROR 1049 (42000): Unknown database 'nosuch'\n")


def test_mysql_h_reaches_another_pods_server_through_its_service(lab):
    # from the 8.0 pod to the 5.7 one by its Service name: that server's password, that server's answer
    out, rc = sh(lab, "kubectl exec db8 -- mysql -h db57 -uroot -ps3cret -e 'SELECT VERSION()'")
    assert (out, rc) == (WARNING + "VERSION()\n5.7.30\n", 0)
    ip = lab.store.get("Pod", "default", "db8")["status"]["podIP"]
    out, rc = sh(lab, "kubectl exec db8 -- mysql -h db57 -uroot -ppw8 -e 'SELECT 1'")
    assert rc == 1 and f"ERROR 1045 (28000): Access denied for user 'root'@'{ip}' (using password: YES)\n" in out
    out, rc = sh(lab, "kubectl exec db8 -- mysql -h nosuch -uroot -ppw8 -e 'SELECT 1'")
    assert rc == 1 and "ERROR 2005 (HY000): Unknown MySQL server host 'nosuch' (-2)\n" in out


def test_mysql_h_to_a_port_nobody_listens_on(lab):
    db57 = lab.store.get("Pod", "default", "db57")["status"]["podIP"]
    out, rc = sh(lab, f"kubectl exec db8 -- mysql -h {db57} -P 3307 -uroot -ps3cret -e 'SELECT 1'")
    assert rc == 1 and f"ERROR 2003 (HY000): Can't connect to MySQL server on '{db57}:3307' (111)\n" in out


def test_databases_made_by_one_client_are_seen_by_the_next(lab):
    assert sh(lab, "kubectl exec db57 -- mysql -uroot -ps3cret -e 'CREATE DATABASE blog'") == (WARNING, 0)
    out, rc = sh(lab, "kubectl exec db57 -- mysql -uroot -ps3cret -e 'CREATE DATABASE blog'")
    assert rc == 1 and "ERROR 1007 (HY000) at line 1: Can't create database 'blog'; database exists\n" in out
    assert "\nblog\n" in sh(lab, "kubectl exec db8 -- mysql -h db57 -uroot -ps3cret -e 'SHOW DATABASES'")[0]


def test_the_monitor_on_a_terminal(lab):
    out = run(lab, "kubectl exec -it db57 -- mysql -uroot -ps3cret",
              stdin="use shop;\nshow tables;\nSELECT DATABASE();\nuse nosuch;\n").output.replace("\r\n", "\n")
    assert out.startswith(WARNING + "Welcome to the MySQL monitor.  Commands end with ; or \\g.\n")
    assert "Server version: 5.7.30 MySQL Community Server (GPL)\n" in out
    assert out.endswith("mysql> use shop;\nDatabase changed\n"
                        "mysql> show tables;\nEmpty set (0.00 sec)\n\n"
                        "mysql> SELECT DATABASE();\n+------------+\n| DATABASE() |\n+------------+\n| shop       |\n"
                        "+------------+\n1 row in set (0.00 sec)\n\n"
                        "mysql> use nosuch;\nERROR 1049 (42000): Unknown database 'nosuch'\n"
                        "mysql> Bye\n"), out
