"""helm on the workstation shell: repositories, installs and their release Secrets, upgrades,
rollbacks, uninstalls, reading commands and errors, in helm v3.16's words (cmd/helm, pkg/action,
pkg/storage/driver/secrets.go)."""

from __future__ import annotations

import base64
import gzip
import json

import pytest

from server.shell.host import HostShell
from server.sim.cluster import Cluster


class Term:
    def __init__(self) -> None:
        self.cluster = Cluster(seed=3)
        self.cluster.set_addon("storage-provisioner", True)
        self.cluster.advance(5)
        self.shell = HostShell(self.cluster)
        #: the store's watch events from here on
        self.events: list = []
        self.cluster.store.subscribe(self.events.append)

    def __call__(self, line: str, rc: int = 0) -> str:
        out, code, _ = self.shell.run_line(line)
        assert code == rc, out
        return out


@pytest.fixture
def term():
    t = Term()
    t("helm repo add stable https://charts.helm.sh/stable")
    t("helm repo add bitnami https://charts.bitnami.com/bitnami")
    return t


def cells(line: str) -> list[str]:
    return [c.rstrip() for c in line.split("\t")]


def release_of(secret: dict) -> dict:
    """What helm decodes from a release Secret: base64 (the API's), base64 (helm's), gzip, JSON."""
    raw = base64.b64decode(base64.b64decode(secret["data"]["release"]))
    assert raw[:2] == b"\x1f\x8b"  # gzip
    return json.loads(gzip.decompress(raw))


def test_repositories():
    t = Term()
    assert t("helm repo list", rc=1) == "Error: no repositories to show\n"
    assert t("helm search repo mysql", rc=1) == "Error: no repositories configured\n"
    assert t("helm repo update", rc=1) == "Error: no repositories found. You must add one before updating\n"
    assert t("helm repo add stable https://charts.helm.sh/stable") == '"stable" has been added to your repositories\n'
    assert t("helm repo add stable https://charts.helm.sh/stable") == \
        '"stable" already exists with the same configuration, skipping\n'
    assert t("helm repo add stable https://charts.bitnami.com/bitnami", rc=1) == \
        "Error: repository name (stable) already exists, please specify a different name\n"
    assert t("helm repo add old https://kubernetes-charts.storage.googleapis.com", rc=1) == \
        ('Error: repo "https://kubernetes-charts.storage.googleapis.com" is no longer available; '
         'try "https://charts.helm.sh/stable" instead\n')
    out = t("helm repo add mine https://charts.example.com/x", rc=1)
    assert out.startswith('Error: looks like "https://charts.example.com/x" is not a valid chart repository or '
                          'cannot be reached: Get "https://charts.example.com/x/index.yaml": ')
    assert t("helm repo list") == "NAME  \tURL                          \nstable\thttps://charts.helm.sh/stable\n"
    assert t("helm repo update") == (
        "Hang tight while we grab the latest from your chart repositories...\n"
        '...Successfully got an update from the "stable" chart repository\n'
        "Update Complete. \u2388Happy Helming!\u2388\n")
    # helm keeps its repositories file under $HOME, as the real one does
    assert t('while read -r ln; do echo "$ln"; done < ~/.config/helm/repositories.yaml | grep url') == \
        "url: https://charts.helm.sh/stable\n"
    assert t("helm repo remove stable") == '"stable" has been removed from your repositories\n'
    assert t("helm repo list", rc=1) == "Error: no repositories to show\n"


def test_search(term):
    lines = term("helm search repo").splitlines()
    assert cells(lines[0]) == ["NAME", "CHART VERSION", "APP VERSION", "DESCRIPTION"]
    names = [cells(ln)[0] for ln in lines[1:]]
    assert names == sorted(names) and {"stable/mysql", "bitnami/nginx", "bitnami/redis", "bitnami/wordpress"} <= set(
        names)
    mysql = term("helm search repo mysql").splitlines()
    assert cells(mysql[1])[:3] == ["stable/mysql", "1.6.9", "5.7.30"]
    # descriptions are cut to 50 columns with "..." (uitable's MaxColWidth)
    assert cells(mysql[1])[3] == "DEPRECATED - Fast, reliable, scalable, and easy..."
    assert term("helm search repo no-such-chart") == "No results found\n"


def test_install_stores_the_release_as_helm_does(term):
    out = term("helm install db stable/mysql --set mysqlRootPassword=s3cret,mysqlDatabase=shop")
    assert out.startswith("WARNING: This chart is deprecated\nNAME: db\nLAST DEPLOYED: ")
    store = term.cluster.store
    secret = store.get("Secret", "default", "sh.helm.release.v1.db.v1")
    assert secret["type"] == "helm.sh/release.v1"
    labels = secret["metadata"]["labels"]
    # Update rewrote the Secret: createdAt gave way to modifiedAt (secrets.go)
    assert set(labels) == {"modifiedAt", "name", "owner", "status", "version"}
    assert (labels["name"], labels["owner"], labels["status"], labels["version"]) == ("db", "helm", "deployed", "1")
    rel = release_of(secret)
    assert (rel["name"], rel["namespace"], rel["version"]) == ("db", "default", 1)
    assert rel["info"]["status"] == "deployed" and rel["info"]["description"] == "Install complete"
    # helm's own time type: a zero time is "" in JSON
    assert rel["info"]["deleted"] == "" and rel["info"]["first_deployed"] == rel["info"]["last_deployed"]
    assert rel["hooks"][0]["last_run"] == {"started_at": "", "completed_at": "", "phase": ""}
    assert rel["config"] == {"mysqlRootPassword": "s3cret", "mysqlDatabase": "shop"}
    assert rel["chart"]["metadata"]["name"] == "mysql" and rel["chart"]["metadata"]["version"] == "1.6.9"
    assert rel["manifest"].startswith("---\n# Source: mysql/templates/secrets.yaml\napiVersion: v1\nkind: Secret\n")
    assert [h["name"] for h in rel["hooks"]] == ["db-mysql-test"]

    # the chart's objects, with the ownership metadata helm adds, in kind_sorter's install order
    dep = store.get("Deployment", "default", "db-mysql")
    assert dep["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "Helm"
    assert dep["metadata"]["annotations"]["meta.helm.sh/release-name"] == "db"
    assert dep["metadata"]["annotations"]["meta.helm.sh/release-namespace"] == "default"
    env = {e["name"]: e for e in dep["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["MYSQL_DATABASE"]["value"] == "shop"
    pw = store.get("Secret", "default", "db-mysql")["data"]["mysql-root-password"]
    assert base64.b64decode(pw) == b"s3cret"
    created = [(e.obj["kind"], e.obj["metadata"]["name"]) for e in term.events
               if e.type == "ADDED" and e.obj["metadata"]["name"].startswith("db-mysql")]
    assert created[:5] == [("Secret", "db-mysql"), ("ConfigMap", "db-mysql-test"),
                           ("PersistentVolumeClaim", "db-mysql"), ("Service", "db-mysql"), ("Deployment", "db-mysql")]
    # the test hook is not installed
    assert store.get("Pod", "default", "db-mysql-test") is None

    assert term("helm get values db") == "USER-SUPPLIED VALUES:\nmysqlDatabase: shop\nmysqlRootPassword: s3cret\n"
    assert "\nimageTag: 5.7.30\n" in term("helm get values db --all")
    assert term("helm get manifest db") == rel["manifest"] + "\n"
    assert term("helm get notes db").startswith("NOTES:\nMySQL can be accessed via port 3306")


def test_install_errors(term):
    assert term("helm install stable/mysql", rc=1) == \
        "Error: INSTALLATION FAILED: must either provide a name or specify --generate-name\n"
    assert term("helm install a b c", rc=1) == \
        "Error: INSTALLATION FAILED: expected at most two arguments, unexpected arguments: c\n"
    assert term("helm install x nope/mysql", rc=1) == "Error: INSTALLATION FAILED: repo nope not found\n"
    assert term("helm install x stable/nope", rc=1) == (
        "Error: INSTALLATION FAILED: chart \"nope\" matching  not found in stable index. (try 'helm repo update'): "
        "no chart name found\n")
    assert term("helm install x mysql", rc=1) == ("Error: INSTALLATION FAILED: non-absolute URLs should be in form "
                                                  "of repo_name/path_to_chart, got: mysql\n")
    assert term("helm install Bad_Name bitnami/nginx", rc=1) == (
        'Error: INSTALLATION FAILED: release name "Bad_Name": invalid release name, must match regex '
        "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer "
        "than 53\n")
    term("helm install web bitnami/nginx")
    assert term("helm install web bitnami/nginx", rc=1) == \
        "Error: INSTALLATION FAILED: cannot re-use a name that is still in use\n"
    # an object of the same name that is not the release's
    term("kubectl create deployment other-nginx --image=nginx")
    assert term("helm install other bitnami/nginx", rc=1) == (
        'Error: INSTALLATION FAILED: Unable to continue with install: Deployment "other-nginx" in namespace '
        '"default" exists and cannot be imported into the current release: invalid ownership metadata; label '
        'validation error: missing key "app.kubernetes.io/managed-by": must be set to "Helm"; annotation '
        'validation error: missing key "meta.helm.sh/release-name": must be set to "other"; annotation '
        'validation error: missing key "meta.helm.sh/release-namespace": must be set to "default"\n')
    assert term("helm status nothing", rc=1) == "Error: release: not found\n"
    assert term("helm uninstall nothing", rc=1) == \
        "Error: uninstall: Release not loaded: nothing: release: not found\n"
    assert term("helm upgrade nothing bitnami/nginx", rc=1) == \
        'Error: UPGRADE FAILED: "nothing" has no deployed releases\n'
    assert term("helm frobnicate", rc=1) == \
        "Error: unknown command \"frobnicate\" for \"helm\"\nRun 'helm --help' for usage.\n"


def test_namespaces_and_values_files(term):
    assert term("helm install web bitnami/nginx -n shop", rc=1) == \
        'Error: INSTALLATION FAILED: create: failed to create: namespaces "shop" not found\n'
    term("printf 'replicaCount: 2\\nservice:\\n  type: NodePort\\n' > web.yaml")
    out = term("helm install web bitnami/nginx -n shop --create-namespace -f web.yaml")
    assert "NAMESPACE: shop\n" in out and "export NODE_PORT=" in out
    ns = term.cluster.store.get("Namespace", "", "shop")
    assert ns["metadata"]["labels"]["name"] == "shop"
    dep = term.cluster.store.get("Deployment", "shop", "web-nginx")
    assert dep["spec"]["replicas"] == 2
    assert term.cluster.store.get("Service", "shop", "web-nginx")["spec"]["type"] == "NodePort"
    assert term("helm list") == "NAME\tNAMESPACE\tREVISION\tUPDATED\tSTATUS\tCHART\tAPP VERSION\n"
    assert cells(term("helm list -n shop").splitlines()[1])[:2] == ["web", "shop"]
    assert [cells(ln)[0] for ln in term("helm list -A").splitlines()[1:]] == ["web"]
    assert term("helm list -A -q") == "web\n"


def test_upgrade_rollback_history_uninstall(term):
    term("helm install web bitnami/nginx")
    out = term("helm upgrade web bitnami/nginx --set replicaCount=3")
    assert out.startswith('Release "web" has been upgraded. Happy Helming!\nNAME: web\n')
    assert "REVISION: 2\n" in out
    store = term.cluster.store
    assert store.get("Deployment", "default", "web-nginx")["spec"]["replicas"] == 3
    v1 = store.get("Secret", "default", "sh.helm.release.v1.web.v1")
    assert v1["metadata"]["labels"]["status"] == "superseded"
    assert term("helm rollback web 1") == "Rollback was a success! Happy Helming!\n"
    assert store.get("Deployment", "default", "web-nginx")["spec"]["replicas"] == 1
    hist = [cells(ln) for ln in term("helm history web").splitlines()]
    assert hist[0] == ["REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"]
    # superseded revisions keep their own descriptions, as in helm's docs for ``helm history``
    assert [(r[0], r[2], r[5]) for r in hist[1:]] == [("1", "superseded", "Install complete"),
                                                       ("2", "superseded", "Upgrade complete"),
                                                       ("3", "deployed", "Rollback to 1")]
    assert term("helm rollback web 7", rc=1) == "Error: release has no 7 version\n"
    status = term("helm status web")
    assert status.startswith("NAME: web\nLAST DEPLOYED: ")
    assert "\nNAMESPACE: default\nSTATUS: deployed\nREVISION: 3\nTEST SUITE: None\nNOTES:\nCHART NAME: nginx\n" in status

    assert term("helm uninstall web") == 'release "web" uninstalled\n'
    assert store.get("Deployment", "default", "web-nginx") is None
    assert store.get("Service", "default", "web-nginx") is None
    assert store.list("Secret", "default", {"owner": "helm"}) == []
    # the name is free again
    assert term("helm install web bitnami/nginx").startswith("NAME: web\n")


def test_upgrade_install_and_keep_history(term):
    out = term("helm upgrade --install cache bitnami/redis")
    assert out.startswith('Release "cache" does not exist. Installing it now.\nNAME: cache\n')
    assert term("helm uninstall cache --keep-history") == 'release "cache" uninstalled\n'
    secret = term.cluster.store.get("Secret", "default", "sh.helm.release.v1.cache.v1")
    assert secret["metadata"]["labels"]["status"] == "uninstalled"
    assert term("helm list") == "NAME\tNAMESPACE\tREVISION\tUPDATED\tSTATUS\tCHART\tAPP VERSION\n"
    assert cells(term("helm list --uninstalled").splitlines()[1])[4] == "uninstalled"


def test_template_renders_without_installing(term):
    out = term("helm template web bitnami/nginx --set service.type=ClusterIP")
    assert out.startswith("---\n# Source: nginx/templates/svc.yaml\napiVersion: v1\nkind: Service\n")
    assert "\n  type: ClusterIP\n" in out and "# Source: nginx/templates/deployment.yaml\n" in out
    assert term.cluster.store.get("Deployment", "default", "web-nginx") is None
    assert "name: release-name-nginx\n" in term("helm template bitnami/nginx")
    assert term("helm show values stable/mysql").startswith("## mysql image version\n")
    assert "name: mysql\n" in term("helm show chart stable/mysql")


def test_version():
    t = Term()
    assert t("helm version") == ('version.BuildInfo{Version:"v3.16.4", GitCommit:"7877b45b63f95635153b29a42c0c2f4273ec45ca"'
                                 ', GitTreeState:"clean", GoVersion:"go1.22.7"}\n')
    assert t("helm version --short") == "v3.16.4+g7877b45\n"


def test_wait_runs_the_clock_until_the_release_is_ready(term):
    start = term.cluster.clock.now()
    out = term("helm install cache bitnami/redis --wait")
    assert "STATUS: deployed\n" in out
    waited = term.cluster.clock.now() - start
    pod = term.cluster.store.list("Pod", "default", {"app.kubernetes.io/instance": "cache"})[0]
    assert any(c["type"] == "Ready" and c["status"] == "True" for c in pod["status"]["conditions"])
    assert 0 < waited < 300 and waited % 2 == 0  # polled every 2 s of virtual time
    # a LoadBalancer without a load balancer never gets an address: the wait times out
    out = term("helm install web bitnami/nginx --wait --timeout 30s", rc=1)
    assert out == "Error: INSTALLATION FAILED: context deadline exceeded\n"
    secret = term.cluster.store.get("Secret", "default", "sh.helm.release.v1.web.v1")
    assert secret["metadata"]["labels"]["status"] == "failed"
    hist = [cells(ln) for ln in term("helm history web").splitlines()]
    assert hist[1][2] == "failed" and hist[1][5] == 'Release "web" failed: context deadline exceeded'
    # a bad flag value is refused before anything is installed
    assert term("helm install x bitnami/nginx --wait --timeout 5x", rc=1) == \
        'Error: invalid argument "5x" for "--timeout" flag: time: unknown unit "x" in duration "5x"\n'
    assert term.cluster.store.get("Deployment", "default", "x-nginx") is None


def test_uninstall_keeps_what_the_resource_policy_keeps(term):
    term(r"helm install db stable/mysql --set 'persistence.annotations.helm\.sh/resource-policy=keep'")
    pvc = term.cluster.store.get("PersistentVolumeClaim", "default", "db-mysql")
    assert pvc["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    assert term("helm uninstall db") == ("These resources were kept due to the resource policy:\n"
                                         "[PersistentVolumeClaim] db-mysql\n\nrelease \"db\" uninstalled\n")
    assert term.cluster.store.get("PersistentVolumeClaim", "default", "db-mysql")["metadata"].get(
        "deletionTimestamp") is None
    assert term.cluster.store.get("Deployment", "default", "db-mysql") is None


def test_atomic_uninstalls_a_failed_install(term):
    out = term("helm install web bitnami/nginx --atomic --timeout 10s", rc=1)
    assert out == ("Error: INSTALLATION FAILED: release web failed, and has been uninstalled due to atomic being "
                   "set: context deadline exceeded\n")
    assert term.cluster.store.get("Deployment", "default", "web-nginx") is None
    assert term.cluster.store.list("Secret", "default", {"owner": "helm"}) == []


def test_help_does_not_run_the_command(term):
    assert term("helm install --help").startswith("Usage:\n  helm install [NAME] [CHART] [flags]\n")
    assert term.cluster.store.list("Secret", "default", {"owner": "helm"}) == []


def test_the_namespace_follows_the_kubeconfig_context(term):
    term("kubectl create namespace dev")
    term("kubectl config set-context --current --namespace=dev")
    assert "NAMESPACE: dev\n" in term("helm install web bitnami/nginx")
    assert term.cluster.store.get("Deployment", "dev", "web-nginx") is not None
    assert cells(term("helm list").splitlines()[1])[:2] == ["web", "dev"]
    assert term("helm list -n default") == "NAME\tNAMESPACE\tREVISION\tUPDATED\tSTATUS\tCHART\tAPP VERSION\n"


def test_get_all_is_the_status_block_with_metadata_values_hooks_and_manifest(term):
    term("helm install db stable/mysql --set mysqlDatabase=shop")
    out = term("helm get all db")
    head, rest = out.split("USER-SUPPLIED VALUES:", 1)[0], out
    assert "TEST SUITE" not in out
    assert head.endswith("NAMESPACE: default\nSTATUS: deployed\nREVISION: 1\nCHART: mysql\nVERSION: 1.6.9\n"
                         "APP_VERSION: 5.7.30\n")
    # the test hook has never run: no TEST SUITE line, straight to the values
    assert "APP_VERSION: 5.7.30\nUSER-SUPPLIED VALUES:\nmysqlDatabase: shop\n\nCOMPUTED VALUES:\n" in rest
    assert "\nHOOKS:\n---\n# Source: mysql/templates/tests/test.yaml\napiVersion: v1\nkind: Pod\n" in rest
    manifest = term("helm get manifest db")
    assert rest.split("MANIFEST:\n", 1)[1].split("\nNOTES:\n", 1)[0] + "\n" == manifest


def test_create_writes_helms_starter_chart_and_install_takes_a_directory(term):
    assert term("helm create mychart") == "Creating mychart\n"
    chart_yaml = term('while read -r ln; do echo "$ln"; done < mychart/Chart.yaml | grep -E "^(name|version|appVersion):"')
    assert chart_yaml == 'name: mychart\nversion: 0.1.0\nappVersion: "1.16.0"\n'
    out = term("helm install demo ./mychart")
    # the starter's test-connection hook has never run: no TEST SUITE line
    assert out.split("LAST DEPLOYED: ", 1)[1].split("\n", 1)[1] .startswith(
        "NAMESPACE: default\nSTATUS: deployed\nREVISION: 1\nNOTES:\n1. Get the application URL by running these "
        "commands:\n  export POD_NAME=$(kubectl get pods --namespace default -l \"app.kubernetes.io/name=mychart,"
        "app.kubernetes.io/instance=demo\" -o jsonpath=\"{.items[0].metadata.name}\")\n")
    dep = term.cluster.store.get("Deployment", "default", "demo-mychart")
    assert dep["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.16.0"
    assert term("helm install other ./nowhere", rc=1) == "Error: INSTALLATION FAILED: path \"./nowhere\" not found\n"


def test_helm_test_runs_the_test_hooks(term):
    term("helm create mychart")
    term("helm install demo ./mychart --wait")
    started = term.cluster.clock.now()
    out = term("helm test demo")
    lines = out.splitlines()
    assert lines[5] == "TEST SUITE:     demo-mychart-test-connection"
    assert lines[6].startswith("Last Started:   ") and lines[7].startswith("Last Completed: ")
    assert lines[8] == "Phase:          Succeeded" and lines[9] == "NOTES:"
    assert term.cluster.clock.now() > started  # the hook pod ran on the virtual clock
    pod = term.cluster.store.get("Pod", "default", "demo-mychart-test-connection")
    assert pod["status"]["phase"] == "Succeeded"
    # hooks are not given the ownership annotations the release's resources get
    assert "meta.helm.sh/release-name" not in (pod["metadata"].get("annotations") or {})
    # the release remembers the run: status shows it from now on
    assert "TEST SUITE:     demo-mychart-test-connection\n" in term("helm status demo")
    # again: the old hook pod is deleted first (before-hook-creation), then a new one runs
    assert "Phase:          Succeeded\n" in term("helm test demo")


def test_install_hooks_run_around_the_resources(term):
    term("helm create hooked")
    term("printf 'apiVersion: batch/v1\\nkind: Job\\nmetadata:\\n  name: \"{{ .Release.Name }}-migrate\"\\n"
         "  annotations:\\n    helm.sh/hook: pre-install\\n    helm.sh/hook-delete-policy: hook-succeeded\\n"
         "spec:\\n  template:\\n    spec:\\n      restartPolicy: Never\\n      containers:\\n"
         "      - name: m\\n        image: busybox\\n        command: [\"sh\", \"-c\", \"echo migrated\"]\\n'"
         " > hooked/templates/migrate.yaml")
    events: list = []
    term.cluster.store.subscribe(events.append)
    out = term("helm install app ./hooked")
    assert "STATUS: deployed\n" in out
    order = [(e.type, e.obj["kind"]) for e in events if e.obj["kind"] in ("Job", "Deployment")]
    # the pre-install Job ran (and was deleted, hook-succeeded) before the Deployment was created
    assert order.index(("ADDED", "Job")) < order.index(("DELETED", "Job")) < order.index(("ADDED", "Deployment"))
    assert term.cluster.store.get("Job", "default", "app-migrate") is None
    assert "app-migrate" not in term("helm get manifest app")
    assert "# Source: hooked/templates/migrate.yaml\n" in term("helm get hooks app")
