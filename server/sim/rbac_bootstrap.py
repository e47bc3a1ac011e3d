"""The RBAC default policy of a v1.32 kubeadm cluster: what the apiserver's ``rbac/bootstrap-roles``
post-start hook creates, and what ``kubeadm init`` adds on top.

Owns: the bootstrap ClusterRoles, ClusterRoleBindings and the kube-system / kube-public Roles and
RoleBindings of plugin/pkg/auth/authorizer/rbac/bootstrappolicy (policy.go ``ClusterRoles``/
``ClusterRoleBindings``, controller_policy.go ``buildControllerRoles`` with v1.32's default feature
gates — no DynamicResourceAllocation, MultiCIDRServiceAllocator, VolumeAttributesClass,
ClusterTrustBundle, SELinuxChangePolicy, StorageVersionAPI or StorageVersionMigrator roles —,
namespace_policy.go), each with the hook's label ``kubernetes.io/bootstrapping: rbac-defaults`` and
annotation ``rbac.authorization.kubernetes.io/autoupdate: "true"``; kubeadm v1.32's objects
(cmd/kubeadm/app/phases: bootstraptoken/clusterinfo and node, kubelet, uploadconfig, addons/proxy
and addons/dns, and ``kubeadm:cluster-admins``), and flannel's ClusterRole and binding (the lab's
CNI). A rule is written as in the Go builders and normalised as ``PolicyRuleBuilder.Rule`` does it
(every list sorted), so the stored objects read as the testdata/*.yaml expansions next to policy.go.

The aggregated roles (admin, edit, view) are created with ``aggregationRule`` and no rules, as the
hook creates them; the clusterrole-aggregation controller (controllers/clusterroleaggregation.py)
fills their rules in, as on a real cluster.

Hands off: ``install(cluster)`` writes the objects straight to the store, dated like the rest of the
lab (bootstrap.py ``_ts``), before the bootstrap's other objects; ``server/sim/authz.py`` reads them.
Pure data and builders otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cluster import Cluster

Obj = dict[str, Any]

RBAC_V1 = "rbac.authorization.k8s.io/v1"
RBAC_GROUP = "rbac.authorization.k8s.io"
BOOTSTRAP_LABEL = {"kubernetes.io/bootstrapping": "rbac-defaults"}
AUTOUPDATE = {"rbac.authorization.kubernetes.io/autoupdate": "true"}
AGGREGATE_TO = "rbac.authorization.k8s.io/aggregate-to-"
SA_ROLE_PREFIX = "system:controller:"

READ = "get list watch"
READ_WRITE = "get list watch create update patch delete deletecollection"
WRITE = "create delete deletecollection patch update"

# the groups of the builders (policy.go)
CORE, APPS, BATCH, EXT, POLICY, NET = "", "apps", "batch", "extensions", "policy", "networking.k8s.io"
AUTHN, AUTHZ, AUTOSCALING = "authentication.k8s.io", "authorization.k8s.io", "autoscaling"
CERTS, COORD, DISCOVERY, EVENTS = "certificates.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io"
STORAGE, NODE, ADMREG = "storage.k8s.io", "node.k8s.io", "admissionregistration.k8s.io"


def rule(verbs: str, groups: str | tuple[str, ...] = (), resources: str = "", names: str = "",
         urls: str = "") -> Obj:
    """``rbacv1helpers.NewRule(verbs...).Groups(...).Resources(...).Names(...).URLs(...).RuleOrDie()``:
    space-separated lists, each sorted as the builder sorts them; empty lists left out as ``omitempty``
    leaves them (``apiGroups`` stays for a resource rule, even ``[""]``)."""
    out: Obj = {}
    if resources:
        out["apiGroups"] = sorted((groups,) if isinstance(groups, str) else groups)
    if names:
        out["resourceNames"] = sorted(names.split())
    if resources:
        out["resources"] = sorted(resources.split())
    if urls:
        out["nonResourceURLs"] = sorted(urls.split())
    out["verbs"] = sorted(verbs.split())
    return out


def events_rule() -> Obj:
    """controller_policy.go ``eventsRule()``."""
    return rule("create update patch", (CORE, EVENTS), "events")


# -- policy.go ClusterRoles() -------------------------------------------------------------------------------

_AGGREGATE_TO_VIEW = [
    rule(READ, CORE, "pods replicationcontrollers replicationcontrollers/scale serviceaccounts services "
                     "services/status endpoints persistentvolumeclaims persistentvolumeclaims/status configmaps"),
    rule(READ, CORE, "limitranges resourcequotas bindings events pods/status resourcequotas/status "
                     "namespaces/status replicationcontrollers/status pods/log"),
    rule(READ, CORE, "namespaces"),
    rule(READ, DISCOVERY, "endpointslices"),
    rule(READ, APPS, "controllerrevisions statefulsets statefulsets/scale statefulsets/status daemonsets "
                     "daemonsets/status deployments deployments/scale deployments/status replicasets "
                     "replicasets/scale replicasets/status"),
    rule(READ, AUTOSCALING, "horizontalpodautoscalers horizontalpodautoscalers/status"),
    rule(READ, BATCH, "jobs jobs/status cronjobs cronjobs/status"),
    rule(READ, EXT, "daemonsets daemonsets/status deployments deployments/scale deployments/status ingresses "
                    "ingresses/status replicasets replicasets/scale replicasets/status "
                    "replicationcontrollers/scale networkpolicies"),
    rule(READ, POLICY, "poddisruptionbudgets poddisruptionbudgets/status"),
    rule(READ, NET, "ingresses ingresses/status networkpolicies"),
]

_AGGREGATE_TO_EDIT = [
    rule(READ, CORE, "pods/attach pods/proxy pods/exec pods/portforward secrets services/proxy"),
    rule("impersonate", CORE, "serviceaccounts"),
    rule(WRITE, CORE, "pods pods/attach pods/proxy pods/exec pods/portforward"),
    rule("create", CORE, "pods/eviction"),
    rule(WRITE, CORE, "replicationcontrollers replicationcontrollers/scale serviceaccounts services "
                      "services/proxy persistentvolumeclaims configmaps secrets events"),
    rule("create", CORE, "serviceaccounts/token"),
    rule(WRITE, APPS, "statefulsets statefulsets/scale daemonsets deployments deployments/scale "
                      "deployments/rollback replicasets replicasets/scale"),
    rule(WRITE, AUTOSCALING, "horizontalpodautoscalers"),
    rule(WRITE, BATCH, "jobs cronjobs"),
    rule(WRITE, EXT, "daemonsets deployments deployments/scale deployments/rollback ingresses replicasets "
                     "replicasets/scale replicationcontrollers/scale networkpolicies"),
    rule(WRITE, POLICY, "poddisruptionbudgets"),
    rule(WRITE, NET, "ingresses networkpolicies"),
    rule(READ_WRITE, COORD, "leases"),
]

_AGGREGATE_TO_ADMIN = [
    rule("create", AUTHZ, "localsubjectaccessreviews"),
    rule(READ_WRITE, RBAC_GROUP, "roles rolebindings"),
]

def _leader_rules(name: str) -> list[Obj]:
    return [rule("create", COORD, "leases"), rule("get update", COORD, "leases", names=name)]


_NODE_RULES = [
    rule("create", AUTHN, "tokenreviews"),
    rule("create", AUTHZ, "subjectaccessreviews localsubjectaccessreviews"),
    rule(READ, CORE, "services"),
    rule("create get list watch", CORE, "nodes"),
    rule("update patch", CORE, "nodes/status"),
    rule("update patch", CORE, "nodes"),
    rule("create update patch", CORE, "events"),
    rule(READ, CORE, "pods"),
    rule("create delete", CORE, "pods"),
    rule("update patch", CORE, "pods/status"),
    rule("create", CORE, "pods/eviction"),
    rule(READ, CORE, "secrets configmaps"),
    rule("get", CORE, "persistentvolumeclaims persistentvolumes"),
    rule("get", CORE, "endpoints"),
    rule("create get list watch", CERTS, "certificatesigningrequests"),
    rule("get create update patch delete", COORD, "leases"),
    rule("get", STORAGE, "volumeattachments"),
    rule("create", CORE, "serviceaccounts/token"),
    rule("get update patch", CORE, "persistentvolumeclaims/status"),
    rule(READ, STORAGE, "csidrivers"),
    rule("get create update patch delete", STORAGE, "csinodes"),
    rule(READ, NODE, "runtimeclasses"),
]

_SCHEDULER_RULES = [
    events_rule(),
    *_leader_rules("kube-scheduler"),
    rule(READ, CORE, "nodes"),
    rule("get list watch delete", CORE, "pods"),
    rule("create", CORE, "pods/binding bindings"),
    rule("patch update", CORE, "pods/status"),
    rule(READ, CORE, "replicationcontrollers services"),
    rule(READ, (APPS, EXT), "replicasets"),
    rule(READ, APPS, "statefulsets"),
    rule(READ, POLICY, "poddisruptionbudgets"),
    rule(READ, CORE, "persistentvolumeclaims persistentvolumes"),
    rule("create", AUTHN, "tokenreviews"),
    rule("create", AUTHZ, "subjectaccessreviews"),
    rule(READ, STORAGE, "csinodes"),
    rule(READ, CORE, "namespaces"),
    rule(READ, STORAGE, "csidrivers"),
    rule(READ, STORAGE, "csistoragecapacities"),
]

_CONTROLLER_MANAGER_RULES = [
    events_rule(),
    *_leader_rules("kube-controller-manager"),
    rule("create", CORE, "secrets serviceaccounts"),
    rule("delete", CORE, "secrets"),
    rule("get", CORE, "namespaces secrets serviceaccounts configmaps"),
    rule("update", CORE, "secrets serviceaccounts"),
    rule("create", AUTHN, "tokenreviews"),
    rule("create", AUTHZ, "subjectaccessreviews"),
    rule("list watch", "*", "*"),
    rule("create", CORE, "serviceaccounts/token"),
]


def _signer_approver(signer: str) -> list[Obj]:
    return [rule("approve", CERTS, "signers", names=signer)]


def _cluster_role_specs() -> list[tuple[str, list[Obj], dict[str, str], str]]:
    """(name, rules, extra labels, the aggregate-to-X label its aggregationRule selects or "")."""
    agg = AGGREGATE_TO
    return [
        ("cluster-admin", [rule("*", "*", "*"), rule("*", urls="*")], {}, ""),
        ("system:discovery", [rule("get", urls="/livez /readyz /healthz /version /version/ /openapi /openapi/* "
                                               "/api /api/* /apis /apis/*")], {}, ""),
        ("system:monitoring", [rule("get", urls="/metrics /metrics/slis /livez /readyz /healthz /livez/* "
                                                "/readyz/* /healthz/*")], {}, ""),
        ("system:basic-user", [rule("create", AUTHZ, "selfsubjectaccessreviews selfsubjectrulesreviews"),
                               rule("create", AUTHN, "selfsubjectreviews")], {}, ""),
        ("system:public-info-viewer", [rule("get", urls="/livez /readyz /healthz /version /version/")], {}, ""),
        ("admin", [], {}, "admin"),
        ("edit", [], {agg + "admin": "true"}, "edit"),
        ("view", [], {agg + "edit": "true"}, "view"),
        ("system:aggregate-to-admin", _AGGREGATE_TO_ADMIN, {agg + "admin": "true"}, ""),
        ("system:aggregate-to-edit", _AGGREGATE_TO_EDIT, {agg + "edit": "true"}, ""),
        ("system:aggregate-to-view", _AGGREGATE_TO_VIEW, {agg + "view": "true"}, ""),
        ("system:heapster", [rule(READ, CORE, "events pods nodes namespaces"), rule(READ, EXT, "deployments")],
         {}, ""),
        ("system:node", _NODE_RULES, {}, ""),
        ("system:node-problem-detector", [rule("get", CORE, "nodes"), rule("patch", CORE, "nodes/status"),
                                          events_rule()], {}, ""),
        ("system:kubelet-api-admin", [rule(READ, CORE, "nodes"), rule("proxy", CORE, "nodes"),
                                      rule("*", CORE, "nodes/proxy nodes/metrics nodes/stats nodes/log")], {}, ""),
        ("system:node-bootstrapper", [rule("create get list watch", CERTS, "certificatesigningrequests")], {}, ""),
        ("system:auth-delegator", [rule("create", AUTHN, "tokenreviews"), rule("create", AUTHZ, "subjectaccessreviews")],
         {}, ""),
        ("system:kube-aggregator", [rule(READ, CORE, "services endpoints")], {}, ""),
        ("system:kube-controller-manager", _CONTROLLER_MANAGER_RULES, {}, ""),
        ("system:kube-dns", [rule("list watch", CORE, "endpoints services")], {}, ""),
        ("system:persistent-volume-provisioner", [
            rule("get list watch create delete", CORE, "persistentvolumes"),
            rule("get list watch update", CORE, "persistentvolumeclaims"),
            rule(READ, STORAGE, "storageclasses"),
            rule("watch", CORE, "events"),
            events_rule()], {}, ""),
        ("system:certificates.k8s.io:certificatesigningrequests:nodeclient",
         [rule("create", CERTS, "certificatesigningrequests/nodeclient")], {}, ""),
        ("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
         [rule("create", CERTS, "certificatesigningrequests/selfnodeclient")], {}, ""),
        ("system:volume-scheduler", [rule("get list watch update patch", CORE, "persistentvolumes"),
                                     rule(READ, STORAGE, "storageclasses"),
                                     rule("get list watch update patch", CORE, "persistentvolumeclaims")], {}, ""),
        ("system:certificates.k8s.io:legacy-unknown-approver", _signer_approver("kubernetes.io/legacy-unknown"),
         {}, ""),
        ("system:certificates.k8s.io:kubelet-serving-approver", _signer_approver("kubernetes.io/kubelet-serving"),
         {}, ""),
        ("system:certificates.k8s.io:kube-apiserver-client-approver",
         _signer_approver("kubernetes.io/kube-apiserver-client"), {}, ""),
        ("system:certificates.k8s.io:kube-apiserver-client-kubelet-approver",
         _signer_approver("kubernetes.io/kube-apiserver-client-kubelet"), {}, ""),
        ("system:service-account-issuer-discovery",
         [rule("get", urls="/.well-known/openid-configuration /openid/v1/jwks")], {}, ""),
        ("system:kube-scheduler", _SCHEDULER_RULES, {}, ""),
        ("system:node-proxier", [rule("list watch", CORE, "services endpoints"), rule(READ, CORE, "nodes"),
                                 events_rule(), rule("list watch", DISCOVERY, "endpointslices")], {}, ""),
    ]


# -- controller_policy.go buildControllerRoles() (v1.32 default feature gates) ---------------------------

def _controller_role_specs() -> list[tuple[str, list[Obj]]]:
    ev = events_rule()
    return [
        ("attachdetach-controller", [
            rule("list watch", CORE, "persistentvolumes persistentvolumeclaims"),
            rule(READ, CORE, "nodes"), rule("patch update", CORE, "nodes/status"),
            rule("list watch", CORE, "pods"), ev,
            rule("get create delete list watch", STORAGE, "volumeattachments"),
            rule(READ, STORAGE, "csidrivers"), rule(READ, STORAGE, "csinodes")]),
        ("clusterrole-aggregation-controller", [
            rule("escalate get list watch update patch", RBAC_GROUP, "clusterroles")]),
        ("cronjob-controller", [
            rule("get list watch update", BATCH, "cronjobs"),
            rule("get list watch create update delete patch", BATCH, "jobs"),
            rule("update", BATCH, "cronjobs/status"), rule("update", BATCH, "cronjobs/finalizers"),
            rule("list watch delete", CORE, "pods"), ev]),
        ("daemon-set-controller", [
            rule(READ, (EXT, APPS), "daemonsets"), rule("update", (EXT, APPS), "daemonsets/status"),
            rule("update", (EXT, APPS), "daemonsets/finalizers"), rule("list watch", CORE, "nodes"),
            rule("list watch create delete patch", CORE, "pods"), rule("create", CORE, "pods/binding"),
            rule("get list watch create delete update patch", APPS, "controllerrevisions"), ev]),
        ("deployment-controller", [
            rule("get list watch update", (EXT, APPS), "deployments"),
            rule("update", (EXT, APPS), "deployments/status"),
            rule("update", (EXT, APPS), "deployments/finalizers"),
            rule("get list watch create update patch delete", (APPS, EXT), "replicasets"),
            rule("get list watch update", CORE, "pods"), ev]),
        ("disruption-controller", [
            rule(READ, (EXT, APPS), "deployments"), rule(READ, (APPS, EXT), "replicasets"),
            rule(READ, CORE, "replicationcontrollers"), rule(READ, POLICY, "poddisruptionbudgets"),
            rule(READ, APPS, "statefulsets"), rule("update", POLICY, "poddisruptionbudgets/status"),
            rule("patch update", CORE, "pods/status"), rule("get", "*", "*/scale"), ev]),
        ("endpoint-controller", [
            rule(READ, CORE, "services pods"), rule("get list watch create update delete", CORE, "endpoints"),
            rule("create", CORE, "endpoints/restricted"), ev]),
        ("endpointslice-controller", [
            rule(READ, CORE, "services pods nodes"), rule("update", CORE, "services/finalizers"),
            rule("get list watch create update delete", DISCOVERY, "endpointslices"), ev]),
        ("endpointslicemirroring-controller", [
            rule(READ, CORE, "services endpoints"), rule("update", CORE, "services/finalizers"),
            rule("update", CORE, "endpoints/finalizers"),
            rule("get list watch create update delete", DISCOVERY, "endpointslices"), ev]),
        ("expand-controller", [
            rule("get list watch update patch", CORE, "persistentvolumes"),
            rule("update patch", CORE, "persistentvolumeclaims/status"),
            rule(READ, CORE, "persistentvolumeclaims"), ev, rule("get", CORE, "services")]),
        ("ephemeral-volume-controller", [
            rule(READ, CORE, "pods"), rule("update", CORE, "pods/finalizers"),
            rule("get list watch create", CORE, "persistentvolumeclaims"), ev]),
        ("generic-garbage-collector", [rule("get list watch patch update delete", "*", "*"), ev]),
        ("horizontal-pod-autoscaler", [
            rule(READ, AUTOSCALING, "horizontalpodautoscalers"),
            rule("update", AUTOSCALING, "horizontalpodautoscalers/status"),
            rule("get update", "*", "*/scale"), rule("list watch", CORE, "pods"),
            rule("list watch", "metrics.k8s.io", "pods"), rule(READ, "custom.metrics.k8s.io", "*"),
            rule(READ, "external.metrics.k8s.io", "*"), ev]),
        ("job-controller", [
            rule("get list watch update patch", BATCH, "jobs"), rule("update", BATCH, "jobs/status"),
            rule("update", BATCH, "jobs/finalizers"), rule("list watch create delete patch", CORE, "pods"), ev]),
        ("namespace-controller", [
            rule("get list watch delete", CORE, "namespaces"),
            rule("update", CORE, "namespaces/finalize namespaces/status"),
            rule("get list watch delete deletecollection", "*", "*")]),
        ("node-controller", [
            rule("get list watch update delete patch", CORE, "nodes"), rule("patch update", CORE, "nodes/status"),
            rule("patch update", CORE, "pods/status"), rule("list watch get delete", CORE, "pods"), ev]),
        ("persistent-volume-binder", [
            rule("get list watch update create delete", CORE, "persistentvolumes"),
            rule("update", CORE, "persistentvolumes/status"),
            rule("get list watch update", CORE, "persistentvolumeclaims"),
            rule("update", CORE, "persistentvolumeclaims/status"),
            rule("list watch get create delete", CORE, "pods"), rule(READ, STORAGE, "storageclasses"),
            rule("list watch", CORE, "nodes"), ev, rule("watch", CORE, "events"), rule("get", CORE, "services")]),
        ("pod-garbage-collector", [
            rule("list watch delete", CORE, "pods"), rule(READ, CORE, "nodes"), rule("patch", CORE, "pods/status")]),
        ("replicaset-controller", [
            rule("get list watch update", (APPS, EXT), "replicasets"),
            rule("update", (APPS, EXT), "replicasets/status"), rule("update", (APPS, EXT), "replicasets/finalizers"),
            rule("list watch patch create delete", CORE, "pods"), ev]),
        ("replication-controller", [
            rule("get list watch update", CORE, "replicationcontrollers"),
            rule("update", CORE, "replicationcontrollers/status"),
            rule("update", CORE, "replicationcontrollers/finalizers"),
            rule("list watch patch create delete", CORE, "pods"), ev]),
        ("resourcequota-controller", [
            rule("list watch", "*", "*"), rule("update", CORE, "resourcequotas/status"), ev]),
        ("route-controller", [rule("list watch", CORE, "nodes"), rule("patch", CORE, "nodes/status"), ev]),
        ("service-account-controller", [rule("create", CORE, "serviceaccounts"), ev]),
        ("service-controller", [
            rule(READ, CORE, "services"), rule("patch update", CORE, "services/status"),
            rule("list watch", CORE, "nodes"), ev]),
        ("statefulset-controller", [
            rule("list watch", CORE, "pods"), rule(READ, APPS, "statefulsets"),
            rule("update", APPS, "statefulsets/status"), rule("update", APPS, "statefulsets/finalizers"),
            rule("get create delete update patch", CORE, "pods"),
            rule("get create delete update patch list watch", APPS, "controllerrevisions"),
            rule("get create list watch", CORE, "persistentvolumeclaims"),
            rule("update delete", CORE, "persistentvolumeclaims"), rule("update", CORE, "pods/finalizers"), ev]),
        ("ttl-controller", [rule("update patch list watch", CORE, "nodes"), ev]),
        ("certificate-controller", [
            rule("get list watch delete", CERTS, "certificatesigningrequests"),
            rule("update", CERTS, "certificatesigningrequests/status certificatesigningrequests/approval"),
            rule("approve", CERTS, "signers", names="kubernetes.io/kube-apiserver-client-kubelet"),
            rule("sign", CERTS, "signers", names="kubernetes.io/legacy-unknown kubernetes.io/kube-apiserver-client "
                                                 "kubernetes.io/kube-apiserver-client-kubelet "
                                                 "kubernetes.io/kubelet-serving"),
            rule("create", AUTHZ, "subjectaccessreviews"), ev]),
        ("pvc-protection-controller", [
            rule("get list watch update", CORE, "persistentvolumeclaims"), rule("list watch get", CORE, "pods"), ev]),
        ("pv-protection-controller", [rule("get list watch update", CORE, "persistentvolumes"), ev]),
        ("ttl-after-finished-controller", [rule("get list watch delete", BATCH, "jobs"), ev]),
        ("root-ca-cert-publisher", [rule("create update", CORE, "configmaps"), ev]),
        ("validatingadmissionpolicy-status-controller", [
            rule(READ, ADMREG, "validatingadmissionpolicies"),
            rule("get patch update", ADMREG, "validatingadmissionpolicies/status"), ev]),
        ("legacy-service-account-token-cleaner", [
            rule("get", CORE, "configmaps", names="kube-apiserver-legacy-service-account-token-tracking"),
            rule("patch delete", CORE, "secrets")]),
    ]


# -- namespace_policy.go ----------------------------------------------------------------------------------

def _namespace_role_specs() -> list[tuple[str, str, list[Obj]]]:
    return [
        ("kube-system", "extension-apiserver-authentication-reader",
         [rule(READ, CORE, "configmaps", names="extension-apiserver-authentication")]),
        ("kube-system", SA_ROLE_PREFIX + "bootstrap-signer", [rule(READ, CORE, "secrets")]),
        ("kube-system", SA_ROLE_PREFIX + "cloud-provider", [rule("create get list watch", CORE, "configmaps")]),
        ("kube-system", SA_ROLE_PREFIX + "token-cleaner", [rule("get list watch delete", CORE, "secrets"),
                                                           events_rule()]),
        ("kube-system", "system::leader-locking-kube-controller-manager",
         [rule("watch", CORE, "configmaps"), rule("get update", CORE, "configmaps", names="kube-controller-manager")]),
        ("kube-system", "system::leader-locking-kube-scheduler",
         [rule("watch", CORE, "configmaps"), rule("get update", CORE, "configmaps", names="kube-scheduler")]),
        ("kube-public", SA_ROLE_PREFIX + "bootstrap-signer",
         [rule(READ, CORE, "configmaps"), rule("update", CORE, "configmaps", names="cluster-info"), events_rule()]),
    ]


def user(name: str) -> Obj:
    return {"apiGroup": RBAC_GROUP, "kind": "User", "name": name}


def group(name: str) -> Obj:
    return {"apiGroup": RBAC_GROUP, "kind": "Group", "name": name}


def service_account(namespace: str, name: str) -> Obj:
    return {"kind": "ServiceAccount", "name": name, "namespace": namespace}


def _namespace_binding_specs() -> list[tuple[str, str, str, list[Obj]]]:
    """(namespace, binding name, Role name, subjects)."""
    kcm, sched = "system:kube-controller-manager", "system:kube-scheduler"
    return [
        ("kube-system", "system::extension-apiserver-authentication-reader",
         "extension-apiserver-authentication-reader", [user(kcm), user(sched)]),
        ("kube-system", "system::leader-locking-kube-controller-manager",
         "system::leader-locking-kube-controller-manager",
         [user(kcm), service_account("kube-system", "kube-controller-manager")]),
        ("kube-system", "system::leader-locking-kube-scheduler", "system::leader-locking-kube-scheduler",
         [user(sched), service_account("kube-system", "kube-scheduler")]),
        *[("kube-system", SA_ROLE_PREFIX + n, SA_ROLE_PREFIX + n, [service_account("kube-system", n)])
          for n in ("bootstrap-signer", "cloud-provider", "token-cleaner")],
        ("kube-public", SA_ROLE_PREFIX + "bootstrap-signer", SA_ROLE_PREFIX + "bootstrap-signer",
         [service_account("kube-system", "bootstrap-signer")]),
    ]


def _cluster_binding_specs() -> list[tuple[str, str, list[Obj] | None]]:
    """policy.go ClusterRoleBindings(): (binding name, ClusterRole name, subjects; None for system:node's
    binding, kept without subjects since the Node authorizer took over)."""
    authenticated, unauthenticated = group("system:authenticated"), group("system:unauthenticated")
    return [
        ("cluster-admin", "cluster-admin", [group("system:masters")]),
        ("system:monitoring", "system:monitoring", [group("system:monitoring")]),
        ("system:discovery", "system:discovery", [authenticated]),
        ("system:basic-user", "system:basic-user", [authenticated]),
        ("system:public-info-viewer", "system:public-info-viewer", [authenticated, unauthenticated]),
        ("system:node-proxier", "system:node-proxier", [user("system:kube-proxy")]),
        ("system:kube-controller-manager", "system:kube-controller-manager", [user("system:kube-controller-manager")]),
        ("system:kube-dns", "system:kube-dns", [service_account("kube-system", "kube-dns")]),
        ("system:kube-scheduler", "system:kube-scheduler", [user("system:kube-scheduler")]),
        ("system:volume-scheduler", "system:volume-scheduler", [user("system:kube-scheduler")]),
        ("system:node", "system:node", None),
        ("system:service-account-issuer-discovery", "system:service-account-issuer-discovery",
         [group("system:serviceaccounts")]),
    ]


# -- objects ------------------------------------------------------------------------------------------------

def _meta(name: str, namespace: str = "", labels: dict[str, str] | None = None, bootstrap: bool = True) -> Obj:
    meta: Obj = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    if bootstrap:
        meta["annotations"] = dict(AUTOUPDATE)
    all_labels = {**(BOOTSTRAP_LABEL if bootstrap else {}), **(labels or {})}
    if all_labels:
        meta["labels"] = all_labels
    return meta


def role_object(kind: str, name: str, rules: list[Obj], namespace: str = "", *, labels: dict[str, str] | None = None,
                bootstrap: bool = True) -> Obj:
    return {"apiVersion": RBAC_V1, "kind": kind, "metadata": _meta(name, namespace, labels, bootstrap),
            "rules": [dict(r) for r in rules]}


def binding_object(kind: str, name: str, role_kind: str, role: str, subjects: list[Obj] | None, namespace: str = "",
                   *, labels: dict[str, str] | None = None, bootstrap: bool = True) -> Obj:
    obj: Obj = {"apiVersion": RBAC_V1, "kind": kind, "metadata": _meta(name, namespace, labels, bootstrap),
                "roleRef": {"apiGroup": RBAC_GROUP, "kind": role_kind, "name": role}}
    if subjects is not None:
        obj["subjects"] = [dict(s) for s in subjects]
    return obj


def bootstrap_policy() -> list[Obj]:
    """Everything the apiserver's rbac/bootstrap-roles hook creates, in its order: cluster roles
    (policy.go's, then the controllers'), cluster role bindings, then the namespaced roles and bindings."""
    out: list[Obj] = []
    for name, rules, labels, aggregate in _cluster_role_specs():
        obj = role_object("ClusterRole", name, rules, labels=labels)
        if aggregate:
            obj["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": {AGGREGATE_TO + aggregate: "true"}}]}
            obj["rules"] = None
        out.append(obj)
    controllers = _controller_role_specs()
    out += [role_object("ClusterRole", SA_ROLE_PREFIX + name, rules) for name, rules in controllers]
    out += [binding_object("ClusterRoleBinding", name, "ClusterRole", role, subjects)
            for name, role, subjects in _cluster_binding_specs()]
    out += [binding_object("ClusterRoleBinding", SA_ROLE_PREFIX + name, "ClusterRole", SA_ROLE_PREFIX + name,
                           [service_account("kube-system", name)]) for name, _rules in controllers]
    out += [role_object("Role", name, rules, ns) for ns, name, rules in _namespace_role_specs()]
    out += [binding_object("RoleBinding", name, "Role", role, subjects, ns)
            for ns, name, role, subjects in _namespace_binding_specs()]
    return out


#: kubeadm's bootstrap token group (cmd/kubeadm/app/constants NodeBootstrapTokenAuthGroup)
BOOTSTRAP_TOKEN_GROUP = "system:bootstrappers:kubeadm:default-node-token"
NODES_GROUP = "system:nodes"


def kubeadm_policy() -> list[tuple[float, Obj]]:
    """What ``kubeadm init`` v1.32 creates, each with the seconds after ``kubeadm init`` began it
    creates it: the admin kubeconfig's ``kubeadm:cluster-admins`` binding (phases/kubeconfig), the
    ConfigMaps' Roles (uploadconfig, kubelet), the bootstrap-token phase's bindings and kube-public's
    cluster-info Role, then the CoreDNS and kube-proxy add-ons' RBAC."""
    kubeadm = {"bootstrap": False}
    tok, nodes = group(BOOTSTRAP_TOKEN_GROUP), group(NODES_GROUP)

    def cm_role(ns: str, name: str, cm: str) -> Obj:
        return role_object("Role", name, [rule("get", CORE, "configmaps", names=cm)], ns, **kubeadm)

    return [
        (3, binding_object("ClusterRoleBinding", "kubeadm:cluster-admins", "ClusterRole", "cluster-admin",
                           [group("kubeadm:cluster-admins")], **kubeadm)),
        (8, cm_role("kube-system", "kubeadm:nodes-kubeadm-config", "kubeadm-config")),
        (8, binding_object("RoleBinding", "kubeadm:nodes-kubeadm-config", "Role", "kubeadm:nodes-kubeadm-config",
                           [tok, nodes], "kube-system", **kubeadm)),
        (8, cm_role("kube-system", "kubeadm:kubelet-config", "kubelet-config")),
        (8, binding_object("RoleBinding", "kubeadm:kubelet-config", "Role", "kubeadm:kubelet-config",
                           [nodes, tok], "kube-system", **kubeadm)),
        (10, role_object("ClusterRole", "kubeadm:get-nodes", [rule("get", CORE, "nodes")], **kubeadm)),
        (10, binding_object("ClusterRoleBinding", "kubeadm:get-nodes", "ClusterRole", "kubeadm:get-nodes", [tok],
                            **kubeadm)),
        (10, binding_object("ClusterRoleBinding", "kubeadm:kubelet-bootstrap", "ClusterRole",
                            "system:node-bootstrapper", [tok], **kubeadm)),
        (10, binding_object("ClusterRoleBinding", "kubeadm:node-autoapprove-bootstrap", "ClusterRole",
                            "system:certificates.k8s.io:certificatesigningrequests:nodeclient", [tok], **kubeadm)),
        (10, binding_object("ClusterRoleBinding", "kubeadm:node-autoapprove-certificate-rotation", "ClusterRole",
                            "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", [nodes],
                            **kubeadm)),
        (10, cm_role("kube-public", "kubeadm:bootstrap-signer-clusterinfo", "cluster-info")),
        (10, binding_object("RoleBinding", "kubeadm:bootstrap-signer-clusterinfo", "Role",
                            "kubeadm:bootstrap-signer-clusterinfo", [user("system:anonymous")], "kube-public",
                            **kubeadm)),
        (25, role_object("ClusterRole", "system:coredns", [rule("list watch", CORE, "endpoints services pods namespaces"),
                                                           rule("list watch", DISCOVERY, "endpointslices")],
                         **kubeadm)),
        (25, binding_object("ClusterRoleBinding", "system:coredns", "ClusterRole", "system:coredns",
                            [service_account("kube-system", "coredns")], **kubeadm)),
        (25, binding_object("ClusterRoleBinding", "kubeadm:node-proxier", "ClusterRole", "system:node-proxier",
                            [service_account("kube-system", "kube-proxy")], **kubeadm)),
        (25, cm_role("kube-system", "kube-proxy", "kube-proxy")),
        (25, binding_object("RoleBinding", "kube-proxy", "Role", "kube-proxy", [tok], "kube-system", **kubeadm)),
        # flannel's kube-flannel.yml (the lab's CNI, applied a few minutes after init)
        (400, role_object("ClusterRole", "flannel", [rule("get", CORE, "pods"), rule(READ, CORE, "nodes"),
                                                     rule("patch", CORE, "nodes/status")],
                          labels={"k8s-app": "flannel"}, bootstrap=False)),
        (400, binding_object("ClusterRoleBinding", "flannel", "ClusterRole", "flannel",
                             [service_account("kube-system", "flannel")], labels={"k8s-app": "flannel"},
                             bootstrap=False)),
    ]


def install(cluster: Cluster) -> None:
    """Store the bootstrap policy (dated when the apiserver came up, a second into ``kubeadm init``)
    and kubeadm's objects, as bootstrap.py stores the rest of the lab (straight to the store, with
    the timestamps the objects would have)."""
    from .bootstrap import _ts

    store = cluster.store
    created = _ts(cluster, 1)
    for obj in bootstrap_policy():
        obj["metadata"]["creationTimestamp"] = created
        store.create(obj)
    for offset, obj in kubeadm_policy():
        obj["metadata"]["creationTimestamp"] = _ts(cluster, offset)
        store.create(obj)
