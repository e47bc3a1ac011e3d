"""The clusterrole-aggregation controller: a ClusterRole with an ``aggregationRule`` holds the union of the
rules of the ClusterRoles its selectors match, kept up to date as such roles come, change and go.

Mirrors: kubernetes pkg/controller/clusterroleaggregation (``syncClusterRole``): for each selector in
order, the matching ClusterRoles sorted by name (the role itself skipped), each of their rules added
unless an equal rule is already there; the role is written only when the result differs from its
rules (``equality.Semantic.DeepEqual``). Any ClusterRole event enqueues every aggregated role (the
informer handler's ``enqueue``), so chains settle: ``view`` feeds ``edit``, which feeds ``admin``.

Keeps: the names of the roles that have an aggregationRule, from the watch events (no rescan per
event). Writes: the aggregated roles' ``rules`` (the real controller applies them server-side as
field manager ``clusterrole-aggregation-controller``). Hands off: RBAC decisions read the stored rules
(server/sim/authz.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..store import Key, WatchEvent, deep_copy
from . import Controller

if TYPE_CHECKING:
    from ..cluster import Cluster

Obj = dict[str, Any]


def aggregated_rules(role: Obj, roles: list[Obj]) -> list[Obj]:
    """The rules ``role``'s aggregationRule gives it from ``roles`` (every ClusterRole): pure."""
    from ..store import matches_selector

    name = role["metadata"]["name"]
    out: list[Obj] = []
    seen: set[tuple] = set()
    ordered = sorted(roles, key=lambda r: r["metadata"]["name"])
    for selector in (role.get("aggregationRule") or {}).get("clusterRoleSelectors") or []:
        if selector is None:
            continue
        for other in ordered:
            if other["metadata"]["name"] == name or not matches_selector(other["metadata"].get("labels"),
                                                                         _as_label_selector(selector)):
                continue
            for r in other.get("rules") or []:
                if _normal(r) not in seen:
                    seen.add(_normal(r))
                    out.append(deep_copy(r))
    return out


def _as_label_selector(selector: Obj) -> Obj:
    """A metav1.LabelSelector as matches_selector reads one (an empty selector matches every role)."""
    return {"matchLabels": selector.get("matchLabels") or {}, "matchExpressions": selector.get("matchExpressions") or []}


def _normal(r: Obj) -> tuple:
    """A rule's identity for ruleExists (equality.Semantic.DeepEqual: nil and empty lists alike)."""
    return tuple(tuple(r.get(f) or ()) for f in ("verbs", "apiGroups", "resources", "resourceNames",
                                                 "nonResourceURLs"))


class ClusterRoleAggregationController(Controller):
    name = "clusterrole-aggregation-controller"
    watches = ("ClusterRole",)

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self._aggregated: set[str] = set()

    def on_event(self, event: WatchEvent) -> None:
        name = event.obj["metadata"]["name"]
        if event.type != "DELETED" and event.obj.get("aggregationRule") is not None:
            self._aggregated.add(name)
        else:
            self._aggregated.discard(name)
        for n in sorted(self._aggregated):
            self.enqueue(("ClusterRole", "", n))

    def start(self) -> None:
        for role in self.store.scan("ClusterRole"):
            if role.get("aggregationRule") is not None:
                self._aggregated.add(role["metadata"]["name"])
                self.enqueue(("ClusterRole", "", role["metadata"]["name"]))

    def reconcile(self, key: Key) -> None:
        _kind, _ns, name = key
        role = self.store.peek("ClusterRole", "", name)
        if role is None or role.get("aggregationRule") is None:
            return
        rules = aggregated_rules(role, self.store.scan("ClusterRole"))
        if [_normal(r) for r in rules] == [_normal(r) for r in role.get("rules") or []]:
            return
        new = deep_copy(role)
        new["rules"] = rules
        self.store.update(new)
