"""The table columns and rows of the RBAC kinds (Role, ClusterRole, RoleBinding, ClusterRoleBinding), as the
apiserver's printers (pkg/printers/internalversion/printers.go v1.32: printRole, printClusterRole,
printRoleBinding, printClusterRoleBinding) build them; merged into ``printers.TABLES``.

- Role, ClusterRole: NAME CREATED AT (the creation time in RFC 3339, UTC).
- RoleBinding, ClusterRoleBinding: NAME ROLE AGE, ROLE as ``Kind/name`` of the roleRef; ``-o wide`` adds
  USERS GROUPS SERVICEACCOUNTS, each the subjects of that kind joined by ", " (rbac.SubjectsStrings: a
  service account as ``namespace/name``, or only its name when the subject has no namespace).
"""

from __future__ import annotations

from typing import Any

from .printers import Column, since

Obj = dict[str, Any]


def _role_row(role: Obj, now: float) -> list[Any]:
    return [role["metadata"]["name"], role["metadata"].get("creationTimestamp") or ""]


def subjects_strings(subjects: list[Obj] | None) -> tuple[list[str], list[str], list[str]]:
    """(users, groups, service accounts) of a binding's subjects, in their order (rbac.SubjectsStrings)."""
    users: list[str] = []
    groups: list[str] = []
    sas: list[str] = []
    for s in subjects or []:
        kind, name = s.get("kind"), s.get("name") or ""
        if kind == "ServiceAccount":
            sas.append(f"{s['namespace']}/{name}" if s.get("namespace") else name)
        elif kind == "User":
            users.append(name)
        elif kind == "Group":
            groups.append(name)
    return users, groups, sas


def _binding_row(binding: Obj, now: float) -> list[Any]:
    ref = binding.get("roleRef") or {}
    users, groups, sas = subjects_strings(binding.get("subjects"))
    return [binding["metadata"]["name"], f"{ref.get('kind') or ''}/{ref.get('name') or ''}",
            since(binding["metadata"].get("creationTimestamp"), now),
            ", ".join(users), ", ".join(groups), ", ".join(sas)]


_NAME = Column("Name", format="name")
_ROLE_COLUMNS = (_NAME, Column("Created At", "date"))
_BINDING_COLUMNS = (_NAME, Column("Role"), Column("Age"), Column("Users", priority=1), Column("Groups", priority=1),
                    Column("ServiceAccounts", priority=1))

#: kind -> (columns, row function), as printers.TABLES
TABLES: dict[str, Any] = {
    "Role": (_ROLE_COLUMNS, _role_row),
    "ClusterRole": (_ROLE_COLUMNS, _role_row),
    "RoleBinding": (_BINDING_COLUMNS, _binding_row),
    "ClusterRoleBinding": (_BINDING_COLUMNS, _binding_row),
}
