"""kubectl label and kubectl annotate: editing an object's metadata maps.

Owns: ``KEY=VALUE`` additions, ``KEY-`` removals, ``--overwrite``, ``--list``, ``-l``/``--all``/
``-f`` targets, and kubectl v1.32's words: ``pod/x labeled`` / ``unlabeled`` / ``not labeled``,
``pod/x annotated``, ``error: 'app' already has a value (web), and --overwrite is false``,
``error: --overwrite is false but found the following declared annotation(s): 'k' already has a
value (v)``, ``label "x" not found.``

Hands off: targets to ``files.gather``; the write to ``server.sim.api.replace`` — so changing a
pod's labels lets its ReplicaSet release it and create another, as in Kubernetes.
"""

from __future__ import annotations

import re

from ...sim.api import ApiError
from ..files import gather
from ..parse import Flag, Invocation, KubectlError, Result, command
from .apply import check_output, dry_run_mode, printed

_KEY = re.compile(r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
                  r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")

FLAGS = [Flag("filename", "f", "list"), Flag("recursive", "R"), Flag("selector", "l", "str"), Flag("all"),
         Flag("all-namespaces", "A"), Flag("overwrite"), Flag("list"), Flag("local"), Flag("output", "o", "str"),
         Flag("dry-run", kind="str"), Flag("resource-version", kind="str"), Flag("field-selector", kind="str"),
         Flag("field-manager", kind="str"), Flag("record"), Flag("template", kind="str"),
         Flag("show-managed-fields"), Flag("allow-missing-template-keys", default=True)]


def _split_args(inv: Invocation, what: str) -> tuple[list[str], dict[str, str], list[str]]:
    """Resource words, KEY=VALUE pairs and KEY- removals (cmdutil.GetResourcesAndPairs/ParsePairs)."""
    resources, pairs = [], []
    for i, a in enumerate(inv.args):
        if "=" in a or a.endswith("-"):
            pairs = inv.args[i:]
            break
        resources.append(a)
    new: dict[str, str] = {}
    remove: list[str] = []
    for p in pairs:
        if "=" in p:
            key, _, value = p.partition("=")
            if what == "label" and (not _KEY.match(key) or not _LABEL_VALUE.match(value)):
                if not _KEY.match(key):
                    raise KubectlError(f"error: invalid label spec: {p}")
                raise KubectlError(f'error: invalid label value: "{p}": a valid label must be an empty string or '
                                   "consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                                   "with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
                                   "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
            new[key] = value
        elif p.endswith("-"):
            remove.append(p[:-1])
        else:
            raise KubectlError(f"error: unknown {what} spec: {p}")
    return resources, new, remove


def _run(inv: Invocation, what: str) -> Result:
    field = "labels" if what == "label" else "annotations"
    f = inv.flags
    resources, new, remove = _split_args(inv, what)
    if f.get("all") and f.get("selector"):
        raise KubectlError("error: cannot set --all and --selector at the same time")
    if not resources and not f.get("filename"):
        raise KubectlError("error: one or more resources must be specified as <resource> <name> or <resource>/<name>")
    if not new and not remove and not f.get("list"):
        noun = "label" if what == "label" else "annotation"  # AnnotateOptions says "annotation"
        raise KubectlError(f"error: at least one {noun} update is required")
    both = [k for k in remove if k in new]
    if both:
        if what == "label":
            raise KubectlError("error: can not both modify and remove a label in the same command")
        raise KubectlError("error: can not both modify and remove the following annotation(s) in the same "
                           f"command: {', '.join(both)}")
    mode = dry_run_mode(inv)
    fmt = check_output(inv)
    refs, errors = gather(inv, resources, verb=what, selector=f.get("selector"), select_all=bool(f.get("all")),
                          all_namespaces=bool(f.get("all-namespaces")))
    out: list[str] = []
    for ref in refs:
        try:
            obj = inv.cluster.api.get(ref.resource.kind, ref.namespace, ref.name)
        except ApiError as e:
            errors.append(f"Error from server ({e.reason}): {e.message}")
            continue
        meta = obj["metadata"]
        current = dict(meta.get(field) or {})
        if f.get("list"):
            out.extend(f"{k}={v}\n" for k, v in sorted(current.items()))
            continue
        if not f.get("overwrite"):
            clash = [(k, current[k]) for k in sorted(new) if k in current and current[k] != new[k]
                     and not (what == "annotate" and k == "kubernetes.io/change-cause")]
            if clash:
                if what == "label":
                    raise KubectlError("\n".join(f"error: '{k}' already has a value ({v}), and --overwrite is false"
                                                 for k, v in clash) if len(clash) == 1 else "".join(
                        f"'{k}' already has a value ({v}), and --overwrite is false\n" for k, v in clash))
                raise KubectlError("error: --overwrite is false but found the following declared annotation(s): "
                                   + "; ".join(f"'{k}' already has a value ({v})" for k, v in clash))
        rv = f.get("resource-version")
        if rv and rv != meta.get("resourceVersion"):
            r = ref.resource
            errors.append(f"Error from server (Conflict): Operation cannot be fulfilled on "
                          f"{r.plural}{'.' + r.group if r.group else ''} \"{ref.name}\": the object has been "
                          "modified; please apply your changes to the latest version and try again")
            continue
        if what == "label":
            for k in remove:
                if k not in current:
                    out.append(f'label "{k}" not found.\n')
        updated = {k: v for k, v in current.items() if k not in remove}
        updated.update(new)
        if what == "label":
            if updated == current:
                operation = "not labeled"
            elif not f.get("overwrite") and len(repr(sorted(updated.items()))) < len(repr(sorted(current.items()))):
                operation = "unlabeled"
            else:
                operation = "labeled"
        else:
            operation = "annotated"
        if updated != current:
            if updated:
                meta[field] = updated
            else:
                meta.pop(field, None)
            if mode == "none":
                try:
                    obj = inv.cluster.api.replace(
                        obj, manager="kubectl-label" if field == "labels" else "kubectl-annotate")
                except ApiError as e:
                    errors.append(f"Error from server ({e.reason}): {e.message}")
                    continue
        out.append(printed(ref.resource, ref.name, operation, fmt, obj, mode))
    return Result("".join(out) + "".join(e + "\n" for e in errors), 1 if errors else 0)


@command("label", flags=FLAGS)
def label(inv: Invocation) -> Result:
    return _run(inv, "label")


@command("annotate", flags=FLAGS)
def annotate(inv: Invocation) -> Result:
    return _run(inv, "annotate")
