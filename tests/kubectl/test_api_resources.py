"""``kubectl api-resources`` and ``kubectl api-versions`` as kubectl v1.32 prints them.

The literal outputs were captured from kubectl.1.32 against a server answering with
``server/sim/discovery.py``'s documents; where that binary is installed, the last tests run it again
against those documents (aggregated and legacy discovery) and compare it with kubeplay's answer
byte for byte.
"""

from __future__ import annotations

import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from server.kubectl import run
from server.sim import discovery
from tests.realkubectl import find_kubectl

REAL_KUBECTL = find_kubectl()

DEFAULT = """\
NAME                         SHORTNAMES   APIVERSION                     NAMESPACED   KIND
configmaps                   cm           v1                             true         ConfigMap
endpoints                    ep           v1                             true         Endpoints
events                       ev           v1                             true         Event
limitranges                  limits       v1                             true         LimitRange
namespaces                   ns           v1                             false        Namespace
nodes                        no           v1                             false        Node
persistentvolumeclaims       pvc          v1                             true         PersistentVolumeClaim
persistentvolumes            pv           v1                             false        PersistentVolume
pods                         po           v1                             true         Pod
resourcequotas               quota        v1                             true         ResourceQuota
secrets                                   v1                             true         Secret
serviceaccounts              sa           v1                             true         ServiceAccount
services                     svc          v1                             true         Service
controllerrevisions                       apps/v1                        true         ControllerRevision
daemonsets                   ds           apps/v1                        true         DaemonSet
deployments                  deploy       apps/v1                        true         Deployment
replicasets                  rs           apps/v1                        true         ReplicaSet
statefulsets                 sts          apps/v1                        true         StatefulSet
selfsubjectreviews                        authentication.k8s.io/v1       false        SelfSubjectReview
localsubjectaccessreviews                 authorization.k8s.io/v1        true         LocalSubjectAccessReview
selfsubjectaccessreviews                  authorization.k8s.io/v1        false        SelfSubjectAccessReview
selfsubjectrulesreviews                   authorization.k8s.io/v1        false        SelfSubjectRulesReview
subjectaccessreviews                      authorization.k8s.io/v1        false        SubjectAccessReview
horizontalpodautoscalers     hpa          autoscaling/v2                 true         HorizontalPodAutoscaler
cronjobs                     cj           batch/v1                       true         CronJob
jobs                                      batch/v1                       true         Job
certificatesigningrequests   csr          certificates.k8s.io/v1         false        CertificateSigningRequest
leases                                    coordination.k8s.io/v1         true         Lease
endpointslices                            discovery.k8s.io/v1            true         EndpointSlice
ingressclasses                            networking.k8s.io/v1           false        IngressClass
ingresses                    ing          networking.k8s.io/v1           true         Ingress
networkpolicies              netpol       networking.k8s.io/v1           true         NetworkPolicy
poddisruptionbudgets         pdb          policy/v1                      true         PodDisruptionBudget
clusterrolebindings                       rbac.authorization.k8s.io/v1   false        ClusterRoleBinding
clusterroles                              rbac.authorization.k8s.io/v1   false        ClusterRole
rolebindings                              rbac.authorization.k8s.io/v1   true         RoleBinding
roles                                     rbac.authorization.k8s.io/v1   true         Role
priorityclasses              pc           scheduling.k8s.io/v1           false        PriorityClass
storageclasses               sc           storage.k8s.io/v1              false        StorageClass
"""


def test_default_table_sorted_by_group_then_name_without_subresources(kubectl):
    assert kubectl("api-resources") == DEFAULT


def test_wide_adds_verbs_and_categories(kubectl):
    # an empty CATEGORIES cell still pads VERBS (tab-terminated cell), as Go's tabwriter does
    assert kubectl("api-resources -o wide --namespaced=false") == (
        'NAME                         SHORTNAMES   APIVERSION                     NAMESPACED   KIND                        VERBS                                                        CATEGORIES\n'
        'namespaces                   ns           v1                             false        Namespace                   create,delete,get,list,patch,update,watch                    \n'
        'nodes                        no           v1                             false        Node                        create,delete,deletecollection,get,list,patch,update,watch   \n'
        'persistentvolumes            pv           v1                             false        PersistentVolume            create,delete,deletecollection,get,list,patch,update,watch   \n'
        'selfsubjectreviews                        authentication.k8s.io/v1       false        SelfSubjectReview           create                                                       \n'
        'selfsubjectaccessreviews                  authorization.k8s.io/v1        false        SelfSubjectAccessReview     create                                                       \n'
        'selfsubjectrulesreviews                   authorization.k8s.io/v1        false        SelfSubjectRulesReview      create                                                       \n'
        'subjectaccessreviews                      authorization.k8s.io/v1        false        SubjectAccessReview         create                                                       \n'
        'certificatesigningrequests   csr          certificates.k8s.io/v1         false        CertificateSigningRequest   create,delete,deletecollection,get,list,patch,update,watch   \n'
        'ingressclasses                            networking.k8s.io/v1           false        IngressClass                create,delete,deletecollection,get,list,patch,update,watch   \n'
        'clusterrolebindings                       rbac.authorization.k8s.io/v1   false        ClusterRoleBinding          create,delete,deletecollection,get,list,patch,update,watch   \n'
        'clusterroles                              rbac.authorization.k8s.io/v1   false        ClusterRole                 create,delete,deletecollection,get,list,patch,update,watch   \n'
        'priorityclasses              pc           scheduling.k8s.io/v1           false        PriorityClass               create,delete,deletecollection,get,list,patch,update,watch   \n'
        'storageclasses               sc           storage.k8s.io/v1              false        StorageClass                create,delete,deletecollection,get,list,patch,update,watch   \n'
    )
    assert kubectl("api-resources -o wide --no-headers --api-group=batch") == (
        "cronjobs   cj    batch/v1   true   CronJob   create,delete,deletecollection,get,list,patch,update,watch   all\n"
        "jobs             batch/v1   true   Job       create,delete,deletecollection,get,list,patch,update,watch   all\n"
    )


def test_name_output_and_sorting(kubectl):
    assert kubectl("api-resources -o name --api-group=apps") == (
        "controllerrevisions.apps\ndaemonsets.apps\ndeployments.apps\nreplicasets.apps\nstatefulsets.apps\n"
    )
    # byte order: "EndpointSlice" < "Endpoints", "Service" < "ServiceAccount"; ties by name
    kinds = [line.split()[-1] for line in kubectl("api-resources --sort-by=kind --no-headers").splitlines()]
    at = kinds.index("Deployment")
    assert kinds[at:at + 4] == ["Deployment", "EndpointSlice", "Endpoints", "Event"]
    assert kinds[kinds.index("Service"):kinds.index("Service") + 3] == ["Service", "ServiceAccount", "StatefulSet"]
    names = [line.split()[0] for line in kubectl("api-resources --sort-by=name --no-headers").splitlines()]
    assert names == sorted(names) and names.index("endpoints") + 1 == names.index("endpointslices")


def test_filters(kubectl):
    rows = lambda out: [line.split()[0] for line in out.splitlines()[1:]]  # noqa: E731
    assert rows(kubectl("api-resources --categories=all")) == [
        "pods",
        "services",
        "daemonsets",
        "deployments",
        "replicasets",
        "statefulsets",
        "horizontalpodautoscalers",
        "cronjobs",
        "jobs",
    ]
    # every listed verb (and category) must be supported: HasAll
    assert "namespaces" not in rows(kubectl("api-resources --verbs=list,watch --verbs=deletecollection"))
    assert len(rows(kubectl("api-resources --verbs=list,watch --verbs=deletecollection"))) == 33
    assert (
        kubectl("api-resources --categories=all,foo")
        == "NAME   SHORTNAMES   APIVERSION   NAMESPACED   KIND\n"
    )
    assert kubectl("api-resources --verbs=proxy -o name") == ""
    assert rows(kubectl("api-resources --api-group=")) == [
        "configmaps",
        "endpoints",
        "events",
        "limitranges",
        "namespaces",
        "nodes",
        "persistentvolumeclaims",
        "persistentvolumes",
        "pods",
        "resourcequotas",
        "secrets",
        "serviceaccounts",
        "services",
    ]
    assert "nodes" not in rows(kubectl("api-resources --namespaced"))  # a bare boolean flag is true


def test_errors(cluster):
    cases = {
        "api-resources -o yaml": "error: --output yaml is not available\n",
        "api-resources --sort-by=foo": "error: --sort-by accepts only name or kind\n",
        "api-resources extra more": (
            "error: unexpected arguments: [extra more]\n"
            "See 'kubectl api-resources -h' for help and examples\n"
        ),
        "api-versions foo": "error: unexpected arguments: [foo]\nSee 'kubectl api-versions -h' for help and examples\n",
    }
    for line, want in cases.items():
        r = run(cluster, "kubectl " + line)
        assert (r.output, r.exit_code) == (want, 1), line


def test_api_versions_sorted(kubectl):
    assert kubectl("api-versions") == ("apps/v1\nauthentication.k8s.io/v1\nauthorization.k8s.io/v1\nautoscaling/v1\n"
                                       "autoscaling/v2\nbatch/v1\ncertificates.k8s.io/v1\ncoordination.k8s.io/v1\ndiscovery.k8s.io/v1\nnetworking.k8s.io/v1\n"
                                       "policy/v1\nrbac.authorization.k8s.io/v1\nscheduling.k8s.io/v1\nstorage.k8s.io/v1\nv1\n")


# -- the real kubectl against the same documents -----------------------------------------------------


class _Discovery(BaseHTTPRequestHandler):
    """Serves discovery.py's documents, with aggregated discovery when ``aggregated`` and asked for."""

    aggregated = True
    seen: list[tuple[str, str]] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        path, accept = self.path.split("?")[0], self.headers.get("Accept", "")
        self.seen.append((path, accept))
        parts = path.strip("/").split("/")
        ctype, doc = "application/json", None
        if self.aggregated and path in ("/api", "/apis") and discovery.AGGREGATED_V2 in accept.split(","):
            ctype, doc = discovery.AGGREGATED_V2, discovery.aggregated_discovery(path == "/api")
        elif path == "/api":
            doc = discovery.api_versions("127.0.0.1")
        elif path == "/apis":
            doc = discovery.api_group_list()
        elif parts[0] == "api" and len(parts) == 2:
            doc = discovery.api_resource_list("", parts[1])
        elif parts[0] == "apis" and len(parts) == 3:
            doc = discovery.api_resource_list(parts[1], parts[2])
        body = json.dumps(doc, separators=(",", ":")).encode()
        self.send_response(200 if doc else 404)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def real_kubectl(tmp_path: Path):
    if REAL_KUBECTL is None:
        pytest.skip("kubectl.1.32 is not installed")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Discovery)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    config = tmp_path / "kubeconfig"
    config.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
        f"clusters: [{{name: c, cluster: {{server: 'http://127.0.0.1:{server.server_port}'}}}}]\n"
        "contexts: [{name: c, context: {cluster: c, user: u}}]\nusers: [{name: u, user: {}}]\n"
    )

    def call(args: str) -> tuple[str, int]:
        p = subprocess.run(
            [
                REAL_KUBECTL,
                "--kubeconfig",
                str(config),
                "--cache-dir",
                str(tmp_path / "cache"),
                *args.split(),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        return p.stdout + p.stderr, 1 if p.returncode else 0

    yield call
    server.shutdown()
    server.server_close()
    thread.join()


PARITY = [
    "api-resources",
    "api-resources -o wide",
    "api-resources -o name",
    "api-resources --sort-by=kind",
    "api-resources --sort-by=name --no-headers -o wide",
    "api-resources --namespaced=false",
    "api-resources --api-group=apps -o wide",
    "api-resources --api-group=",
    "api-resources --verbs=get,watch",
    "api-resources --categories=all -o name",
    "api-resources --categories=all,foo",
    "api-resources -o yaml",
    "api-resources extra",
    "api-versions",
]


def test_real_kubectl_reads_the_aggregated_documents_and_prints_the_same(real_kubectl, cluster):
    _Discovery.aggregated, _Discovery.seen = True, []
    for line in PARITY:
        r = run(cluster, "kubectl " + line)
        assert real_kubectl(line) == (r.output, r.exit_code), line
    # kubectl took the aggregated answers: it never fell back to one request per group/version
    assert {path for path, _ in _Discovery.seen} == {"/api", "/apis"}
    assert {accept for _, accept in _Discovery.seen} == {discovery.KUBECTL_ACCEPT}


def test_real_kubectl_reads_the_legacy_documents_and_prints_the_same(real_kubectl, cluster):
    _Discovery.aggregated, _Discovery.seen = False, []
    for line in ("api-resources -o wide", "api-versions"):
        r = run(cluster, "kubectl " + line)
        assert real_kubectl(line) == (r.output, r.exit_code), line
    assert {path for path, _ in _Discovery.seen} == {"/api", "/apis", "/api/v1"} | {
        f"/apis/{gv}" for gv in discovery.group_versions() if "/" in gv
    }
