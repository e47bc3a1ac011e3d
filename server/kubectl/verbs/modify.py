"""kubectl patch, replace, diff and edit: changing objects that exist, as kubectl's own verbs do.

Owns:
- ``patch (TYPE NAME | TYPE/NAME | -f FILE) -p PATCH | --patch-file F [--type strategic|merge|json]
  [--subresource status|scale] [--local] [--dry-run] [-o]``: ``deployment.apps/web patched``,
  ``patched (no change)``, PatchOptions.Validate's errors; the patch goes to the REST layer as
  kubectl's PATCH request does (``send_patch``), a ``--local``/``--dry-run=client`` one is applied
  here with ``server.sim.patch`` (kubectl's getPatchedJSON);
- ``replace -f FILE [--force] [--grace-period] [--save-config] [--dry-run] [-o]``: a PUT of each
  document (``replaced``), ``--force`` deletes, waits for the object to be gone, and creates it;
- ``diff -f FILE``: what ``kubectl diff`` prints — ``diff -u -N`` of the live and the merged object
  (the server's dry-run of the apply) as YAML files in ``/tmp/LIVE-N`` and ``/tmp/MERGED-N``, with
  GNU diff's header lines; exit code 1 when they differ;
- ``edit``: the page's editor stands in for ``$EDITOR``. ``kubectl edit deploy/web`` answers an
  ``EditResult`` whose ``edit`` (an ``EditRequest``) holds the text kubectl would open (its "# Please
  edit the object below…" header, then the object's YAML); ``finish_edit(cluster, request, text)``
  does what kubectl does when the editor closes (kubectl/pkg/cmd/util/editor): unchanged text is
  ``Edit cancelled, no changes made.``, each changed object is patched (``edited``), a document that
  does not parse or is refused re-opens with kubectl's reasons as comments on top, and saving the
  re-opened file unchanged gives up (``error: Edit cancelled, no valid changes were saved.``).

Hands off: reading ``-f`` to ``files``; the apiserver's request handling (patch semantics,
validation, defaulting, storage, dry runs) to ``server.apiserver.write`` and ``server.sim.patch``;
the three-way merge of apply to ``server.sim.api``; printing to ``apply.printed``.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

import yaml

from ...sim import patch as sim_patch
from ...sim.api import LAST_APPLIED, ApiError, last_applied_annotation, three_way_merge
from ...sim.resources import Resource
from ...sim.store import Obj, deep_copy
from .. import printers
from ..files import NO_RESOURCE, Ref, doc_namespace, gather, load_documents, resource_of
from ..parse import Flag, Invocation, KubectlError, Result, command
from .apply import DRY_RUN_SUFFIX, check_output, dry_run_mode, invalid_message, printed, with_source

USER_AGENT = "kubectl/v1.32.4 (linux/amd64) kubernetes/59526cd"
PATCH_TYPES = {"json": sim_patch.JSON_PATCH, "merge": sim_patch.MERGE_PATCH,
               "strategic": sim_patch.STRATEGIC_MERGE_PATCH}
#: how the name printer names an autoscaling/v1 Scale
SCALE = Resource(kind="Scale", group="autoscaling", version="v1", plural="scales", namespaced=True)

_PRINT_FLAGS = [Flag("output", "o", "str"), Flag("dry-run", kind="str", default="none"),
                Flag("allow-missing-template-keys", default=True), Flag("show-managed-fields"),
                Flag("template", kind="str")]
_FILE_FLAGS = [Flag("filename", "f", "list"), Flag("recursive", "R"), Flag("kustomize", "k", "str")]


# -- the REST door -----------------------------------------------------------------------------

def _request(inv: Invocation, verb: str, r: Resource, ns: str, name: str, body: str, content_type: str,
             subresource: str = "", dry_run: bool = False, manager: str = "") -> Obj:
    """One request as kubectl sends it, through the apiserver's own handling; a Status answer
    becomes the ApiError kubectl prints as ``Error from server (Reason): message``."""
    from ... import apiserver  # the REST layer imports the kubectl printers: imported when used

    query = {"fieldManager": manager} if manager else {}
    if dry_run:
        query["dryRun"] = "All"
    req = apiserver.Request(verb, r, ns if r.namespaced else "", name, subresource, query)
    answer = apiserver.write(inv.cluster, req, body, content_type, USER_AGENT)
    if answer.code >= 400:
        b = answer.body if isinstance(answer.body, dict) else {}
        raise ApiError(answer.code, b.get("reason", ""), b.get("message", str(answer.body)), details=b.get("details"))
    return answer.body


def send_patch(inv: Invocation, r: Resource, ns: str, name: str, patch: Any, patch_type: str,
               subresource: str = "", dry_run: bool = False, manager: str = "kubectl-patch") -> Obj:
    """A PATCH request (``patch_type`` json|merge|strategic; ``patch`` already decoded or as JSON
    text) through the REST layer; returns the object the apiserver answers."""
    body = patch if isinstance(patch, str) else json.dumps(patch, separators=(",", ":"))
    return _request(inv, "patch", r, ns, name, body, PATCH_TYPES[patch_type], subresource, dry_run, manager)


def _error_line(e: ApiError, verb: str = "", source: str = "") -> str:
    """cmdutil.CheckErr's words for a failed request (an Invalid answer as "The request is invalid"),
    with AddSourceToErr's ``error when <verb> "<file>": `` when the object came from a file."""
    if source:
        e = ApiError(e.code, e.reason, f'error when {verb} "{source}": {e.message}', details=e.details)
    if e.reason == "Invalid":
        return invalid_message(e) or f"The request is invalid: {e.message}"
    return f"Error from server ({e.reason}): {e.message}" if e.reason else f"Error from server: {e.message}"


def _finish(out: list[str], errors: list[str]) -> Result:
    return Result("".join(out) + "".join(e if e.endswith("\n") else e + "\n" for e in errors), 1 if errors else 0)


def _subresource(inv: Invocation) -> str:
    """``--subresource``: kubectl sends what it is given; the server refuses what it does not serve."""
    return inv.flags.get("subresource") or ""


def _live(inv: Invocation, ref: Ref, subresource: str = "") -> Obj:
    """The object the builder's GET answers (``scale`` as an autoscaling/v1 Scale)."""
    from ... import apiserver

    r = ref.resource
    obj = inv.cluster.store.peek(r.kind, ref.namespace if r.namespaced else "", ref.name)
    if obj is None:
        raise ApiError(404, "NotFound", f'{r.plural}{"." + r.group if r.group else ""} "{ref.name}" not found')
    if subresource and subresource not in apiserver.SUBRESOURCES.get(r.plural, ()):
        raise ApiError(404, "NotFound", "the server could not find the requested resource")
    if subresource == "scale":
        return apiserver.scale_of(obj)
    return apiserver.with_type(deep_copy(obj))


# -- patch ------------------------------------------------------------------------------------------

def _patch_json(text: str, shown: str) -> str:
    """apimachinery's ``yaml.ToJSON`` of the patch text: JSON (text that starts with ``{``) is sent
    as typed, for the server to judge; YAML becomes JSON."""
    if text.lstrip(" \t\r\n").startswith("{"):
        return text
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        raise KubectlError(f'error: unable to parse "{shown}": yaml: {line}{getattr(e, "problem", e)}') from None
    return json.dumps(value, separators=(",", ":"))


def local_patch(obj: Obj, patch_json: str, patch_type: str) -> Obj:
    """kubectl's ``getPatchedJSON``: the patch applied on the client (``--local``, client dry run)."""
    from ...sim import openapi

    api_version, kind = obj.get("apiVersion", ""), obj.get("kind", "")
    schema = openapi.schema_for(api_version, kind) if patch_type == "strategic" else None
    if patch_type == "strategic" and schema is None:
        group, _, version = api_version.rpartition("/")
        raise KubectlError(f"error: strategic merge patch is not supported for {group}/{version}, Kind={kind} "
                           "locally, try --type merge")
    try:
        return sim_patch.apply_patch(obj, patch_json.encode(), PATCH_TYPES[patch_type], schema)
    except sim_patch.PatchError as e:
        detail = e.detail or e.message
        if "doc is missing key" in detail:
            detail = f"Object to be patched is missing field ({detail[detail.index('key:') + 5:]})"
        raise KubectlError(f"error: {detail}") from None


PATCH_FLAGS = [*_PRINT_FLAGS, *_FILE_FLAGS, Flag("patch", "p", "str"), Flag("patch-file", kind="str"),
               Flag("type", kind="str", default="strategic"), Flag("local"),
               Flag("field-manager", kind="str", default="kubectl-patch"), Flag("subresource", kind="str")]


@command("patch", flags=PATCH_FLAGS)
def patch(inv: Invocation) -> Result:
    f = inv.flags
    mode = dry_run_mode(inv)
    fmt = check_output(inv)
    text, file = f.get("patch") or "", f.get("patch-file") or ""
    if text and file:
        raise KubectlError("error: cannot specify --patch and --patch-file together")
    if not text and not file:
        raise KubectlError("error: must specify --patch or --patch-file containing the contents of the patch")
    local = bool(f.get("local"))
    if local and inv.args:
        raise KubectlError("error: cannot specify --local and server resources")
    if local and mode == "server":
        raise KubectlError("error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?")
    ptype = (f.get("type") or "strategic").lower()
    if ptype not in PATCH_TYPES:
        raise KubectlError(f'error: --type must be one of [json merge strategic], not "{f.get("type")}"')
    sub = _subresource(inv)
    if file:
        found = (inv.cluster.workspace or {}).get(file.lstrip("/"))
        if found is None:
            raise KubectlError(f"error: unable to read patch file: open {file}: no such file or directory")
        text = found
    body = _patch_json(text, f.get("patch") or "")
    out: list[str] = []
    errors: list[str] = []
    if local:
        if not f.get("filename"):
            raise KubectlError(NO_RESOURCE)
        items = [(d, None) for d in load_documents(inv.cluster, f["filename"], inv.stdin, bool(f.get("recursive")))]
    else:
        refs, errs = gather(inv, inv.args, verb="patch")
        errors.extend(errs)
        items = [(None, ref) for ref in refs]
    for doc, ref in items:
        try:
            if doc is not None:
                if doc.error:
                    errors.append(doc.error)
                    continue
                assert doc.obj is not None
                r, name, obj = resource_of(doc.obj), doc.obj["metadata"].get("name", ""), doc.obj
            else:
                assert ref is not None
                r, name = ref.resource, ref.name
                obj = _live(inv, ref, sub)
            if local or mode == "client":
                patched = local_patch(obj, body, ptype)
            else:
                patched = send_patch(inv, r, ref.namespace, name, body, ptype, sub, mode == "server",
                                     f.get("field-manager") or "kubectl-patch")
        except ApiError as e:
            errors.append(_error_line(e))
            continue
        except KubectlError as e:
            errors.append(e.message)
            continue
        operation = "patched" if patched != obj else "patched (no change)"
        # the name printer names the object it got back (a Scale for --subresource=scale); ToPrinter
        # sets the operation after PrintFlagsWithDryRunStrategy, so no "(dry run)" suffix
        shown = SCALE if sub == "scale" and not local else r
        out.append(printed(shown, name, operation, fmt, patched))
    if not out and not errors:
        errors.append("error: no objects passed to patch")
    return _finish(out, errors)


# -- replace ----------------------------------------------------------------------------------------

REPLACE_FLAGS = [*_PRINT_FLAGS, *_FILE_FLAGS, Flag("force"), Flag("grace-period", kind="int", default=-1),
                 Flag("cascade", kind="str", default="background"), Flag("timeout", kind="str"),
                 Flag("wait"), Flag("save-config"), Flag("validate", kind="str"), Flag("raw", kind="str"),
                 Flag("field-manager", kind="str", default="kubectl-replace"),
                 Flag("subresource", kind="str")]


def _wait_gone(inv: Invocation, r: Resource, ns: str, name: str, uid: str, limit: float = 300.0) -> None:
    """``--force``: kubectl waits (up to five minutes) until the deleted object is gone."""
    waited = 0.0
    while waited < limit:
        obj = inv.cluster.store.peek(r.kind, ns, name)
        if obj is None or obj["metadata"].get("uid") != uid:
            return
        inv.cluster.advance(1)
        waited += 1


@command("replace", flags=REPLACE_FLAGS)
def replace(inv: Invocation) -> Result:
    f = inv.flags
    mode = dry_run_mode(inv)
    fmt = check_output(inv)
    sub = _subresource(inv)
    force = bool(f.get("force"))
    if not f.get("filename") and not f.get("kustomize"):
        raise KubectlError("error: must specify one of -f and -k")
    if f.get("grace-period", -1) >= 0 and not force:
        raise KubectlError("error: --grace-period must have --force specified")
    if f.get("timeout") and not force:
        raise KubectlError("error: --timeout must have --force specified")
    if force and mode != "none":
        raise KubectlError("error: --dry-run can not be used when --force is set")
    if inv.args:
        raise KubectlError(f"error: Unexpected args: [{' '.join(inv.args)}]\n"
                           "See 'kubectl replace -h' for help and examples")
    manager = f.get("field-manager") or "kubectl-replace"
    out: list[str] = []
    errors: list[str] = []
    docs = load_documents(inv.cluster, f["filename"], inv.stdin, bool(f.get("recursive")))
    for doc in docs:
        if doc.error:
            errors.append(doc.error)
            continue
        obj = deep_copy(doc.obj)
        assert obj is not None
        try:
            r = resource_of(obj)
            ns = doc_namespace(r, obj, inv.namespace)
            meta = obj.setdefault("metadata", {})
            name = meta.get("name", "")
            if f.get("save-config") or LAST_APPLIED in (meta.get("annotations") or {}):
                # CreateOrUpdateAnnotation: with --save-config, or to keep an existing one current
                meta.setdefault("annotations", {})[LAST_APPLIED] = last_applied_annotation(obj)
            if r.namespaced:
                meta["namespace"] = ns
            if force:
                live = inv.cluster.store.peek(r.kind, ns if r.namespaced else "", name)
                if live is not None:
                    grace = f.get("grace-period", -1)
                    inv.cluster.api.delete(r.kind, ns, name, grace_period=None if grace < 0 else grace)
                    out.append(f'{r.qualified} "{name}" deleted\n')
                    _wait_gone(inv, r, ns if r.namespaced else "", name, live["metadata"]["uid"])
                for k in ("resourceVersion", "uid"):
                    meta.pop(k, None)
                stored = _request(inv, "create", r, ns, "", json.dumps(obj), "application/json", manager=manager)
            elif mode == "client":
                stored = obj
            else:
                if not meta.get("resourceVersion"):
                    # Helper.Replace(overwrite=true): the stored version is fetched and sent along
                    live = inv.cluster.store.peek(r.kind, ns if r.namespaced else "", name)
                    if live is not None:
                        meta["resourceVersion"] = live["metadata"]["resourceVersion"]
                stored = _request(inv, "update", r, ns, name, json.dumps(obj), "application/json", sub,
                                  mode == "server", manager)
        except ApiError as e:
            errors.append(with_source("replacing", doc.source, e))
            continue
        except KubectlError as e:
            errors.append(e.message)
            continue
        out.append(printed(r, name, "replaced", fmt, stored, mode))
    return _finish(out, errors)


# -- diff -------------------------------------------------------------------------------------------

def _diff_yaml(obj: Obj | None, show_managed: bool) -> str:
    if obj is None:
        return ""
    obj = deep_copy(obj)
    if not show_managed:
        (obj.get("metadata") or {}).pop("managedFields", None)
    return printers.to_yaml(obj)


def _tmp_dir(inv: Invocation, prefix: str) -> str:
    """``os.MkdirTemp("", prefix+"-*")``: Go's random decimal suffix (from the sandbox's RNG)."""
    return f"/tmp/{prefix}-{inv.cluster.clock.rng.randrange(1, 2**32)}"


def _file_time(inv: Invocation) -> str:
    """The modification time GNU diff prints: ``2024-05-01 10:00:00.123456789 +0000``."""
    import datetime

    t = datetime.datetime.fromtimestamp(inv.cluster.clock.now(), tz=datetime.UTC)
    return t.strftime("%Y-%m-%d %H:%M:%S.") + f"{t.microsecond:06d}000 +0000"


def unified_diff(old: str, new: str, old_name: str, new_name: str, stamp: str) -> str:
    """``diff -u -N old new``: GNU diff's header and hunks (three lines of context)."""
    if old == new:
        return ""
    lines = list(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                      f"{old_name}\t{stamp}", f"{new_name}\t{stamp}", lineterm="\n", n=3))
    fixed = []
    for line in lines:
        if line.startswith(("---", "+++")):
            line = line.rstrip("\n") + "\n"
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        fixed.append(line)
    return f"diff -u -N {old_name} {new_name}\n" + "".join(fixed)


@command("diff", flags=[*_FILE_FLAGS, Flag("server-side"), Flag("force-conflicts"),
                        Flag("field-manager", kind="str", default="kubectl-client-side-apply"),
                        Flag("prune"), Flag("selector", "l", "str"), Flag("prune-allowlist", kind="list"),
                        Flag("show-managed-fields"), Flag("concurrency", kind="int", default=1)])
def diff(inv: Invocation) -> Result:
    f = inv.flags
    if not f.get("filename") and not f.get("kustomize"):
        raise KubectlError("error: must specify one of -f and -k", 2)
    if inv.args:
        raise KubectlError(f"error: Unexpected args: [{' '.join(inv.args)}]\n"
                           "See 'kubectl diff -h' for help and examples", 2)
    show = bool(f.get("show-managed-fields"))
    live_dir, merged_dir = _tmp_dir(inv, "LIVE"), _tmp_dir(inv, "MERGED")
    stamp = _file_time(inv)
    out: list[str] = []
    errors: list[str] = []
    for doc in load_documents(inv.cluster, f["filename"], inv.stdin, bool(f.get("recursive"))):
        if doc.error:
            errors.append(doc.error)
            continue
        obj = deep_copy(doc.obj)
        assert obj is not None
        try:
            r = resource_of(obj)
            ns = doc_namespace(r, obj, inv.namespace)
            if r.namespaced:
                obj.setdefault("metadata", {})["namespace"] = ns
            name = obj["metadata"].get("name", "")
            stored = inv.cluster.store.peek(r.kind, ns if r.namespaced else "", name)
            live = None
            manager = f.get("field-manager") or "kubectl-client-side-apply"
            verb = "creating" if stored is None else "patching"
            if stored is not None:
                from ... import apiserver

                live = apiserver.with_type(deep_copy(stored))
                last = json.loads((stored["metadata"].get("annotations") or {}).get(LAST_APPLIED, "{}"))
                # GetModifiedConfiguration(annotate=false): the manifest without a last-applied
                # annotation, and the merge leaves the live one as it is
                applied = deep_copy(obj)
                applied["metadata"].setdefault("annotations", {}).pop(LAST_APPLIED, None)
                merged = three_way_merge(live, last, applied)
                merged = _request(inv, "update", r, ns, name, json.dumps(merged), "application/json",
                                  dry_run=True, manager=manager)
            else:
                merged = _request(inv, "create", r, ns, "", json.dumps(obj), "application/json", dry_run=True,
                                  manager=manager)
        except ApiError as e:
            errors.append(_error_line(e, verb, doc.source))
            continue
        except KubectlError as e:
            errors.append(e.message)
            continue
        group = f"{r.group}." if r.group else ""
        fname = f"{group}{r.version}.{r.kind}.{ns if r.namespaced else ''}.{name}"
        out.append(unified_diff(_diff_yaml(live, show), _diff_yaml(merged, show),
                                f"{live_dir}/{fname}", f"{merged_dir}/{fname}", stamp))
    if errors:
        # CheckDiffErr: a failure is exit code 2 (1 means "the objects differ")
        return Result("".join(out) + "".join(e + "\n" for e in errors), 2)
    text = "".join(out)
    return Result(text, 1 if text else 0)


# -- edit -------------------------------------------------------------------------------------------

EDIT_HEADER = ("# Please edit the object below. Lines beginning with a '#' will be ignored,\n"
               "# and an empty file will abort the edit. If an error occurs while saving this file will be\n"
               "# reopened with the relevant failures.\n#\n")
NO_VALID_CHANGES = "error: Edit cancelled, no valid changes were saved.\n"


@dataclass
class EditRequest:
    """What the page's editor opens for ``kubectl edit``: the temp file kubectl hands ``$EDITOR``
    (``text``: header comment, reasons of a failed save, then the objects), the objects it shows
    (``originals``, as printed, for the comparison kubectl makes when the editor closes) and the
    options of the command line."""

    text: str
    file: str  # the temp file's name, which kubectl's messages quote
    originals: list[Obj]
    original_text: str  # the first file as opened (header included)
    output: str = "yaml"
    namespace: str = "default"
    field_manager: str = "kubectl-edit"
    subresource: str = ""
    save_config: bool = False
    previous: str | None = None  # the failed attempt's text, when the file was re-opened


class EditResult(Result):
    """A result that asks the page to open ``edit.text`` in its editor (``edit.file`` is its
    name); the page hands the saved text to ``finish_edit``."""

    def __init__(self, output: str, exit_code: int = 0, edit: EditRequest | None = None) -> None:
        super().__init__(output, exit_code)
        self.edit = edit


def manual_strip(text: str) -> str:
    """cmdutil.ManualStrip: the lines that begin with ``#`` dropped."""
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))


def strip_comments(text: str) -> str:
    """cmdutil.StripComments: lines whose first non-blank character is ``#`` dropped."""
    return "".join(line for line in text.splitlines(keepends=True) if not line.lstrip().startswith("#"))


def _has_lines(text: str) -> bool:
    return any(line.strip() and not line.strip().startswith("#") for line in text.splitlines())


def _hash_on_line_break(s: str) -> str:
    """editor's hashOnLineBreak: continuation lines of a reason stay comments."""
    out = []
    for i, ch in enumerate(s):
        out.append("\n# " if ch == "\n" and i + 1 < len(s) and s[i + 1] != "#" else ch)
    return "".join(out)


def _header(reasons: list[tuple[str, list[str]]]) -> str:
    text = EDIT_HEADER
    for head, other in reasons:
        text += f"# {_hash_on_line_break(head)}{':' if other else ''}\n"
        text += "".join(f"# * {_hash_on_line_break(o)}\n" for o in other)
        text += "#\n"
    return text


def _edit_body(objs: list[Obj], fmt: str) -> str:
    obj = objs[0] if len(objs) == 1 else {"apiVersion": "v1", "items": objs, "kind": "List", "metadata": {}}
    return printers.to_json(obj) + "\n" if fmt == "json" else printers.to_yaml(obj)


def _shown(obj: Obj) -> Obj:
    from ... import apiserver

    obj = apiserver.with_type(deep_copy(obj))
    (obj.get("metadata") or {}).pop("managedFields", None)  # extractManagedFields
    return obj


@command("edit", flags=[*_FILE_FLAGS, Flag("output", "o", "str"), Flag("output-patch"),
                        Flag("windows-line-endings"), Flag("save-config"), Flag("validate", kind="str"),
                        Flag("field-manager", kind="str", default="kubectl-edit"), Flag("subresource", kind="str"),
                        Flag("allow-missing-template-keys", default=True), Flag("show-managed-fields"),
                        Flag("template", kind="str")])
def edit(inv: Invocation) -> Result:
    """``kubectl edit``: fetches the objects and asks the page to open them (``EditResult``)."""
    fmt = inv.flags.get("output") or "yaml"
    if fmt not in ("yaml", "json"):
        raise KubectlError(f"error: the edit mode must be yaml or json, not {fmt}")
    sub = _subresource(inv)
    refs, errors = gather(inv, inv.args, verb="edit")
    if errors:
        raise KubectlError("\n".join(errors))
    objs: list[Obj] = []
    for ref in refs:
        r = ref.resource
        obj = inv.cluster.store.peek(r.kind, ref.namespace if r.namespaced else "", ref.name)
        if obj is None:
            raise KubectlError(f'Error from server (NotFound): {r.plural}{"." + r.group if r.group else ""} '
                               f'"{ref.name}" not found')
        objs.append(_shown(obj))
    if not objs:
        raise KubectlError("error: edit cancelled, no objects found")
    text = EDIT_HEADER + _edit_body(objs, fmt)
    file = f"/tmp/kubectl-edit-{inv.cluster.clock.rng.randrange(1, 2**32)}.{fmt}"  # os.CreateTemp's digits
    return EditResult("", 0, edit=EditRequest(
        text=text, file=file, originals=objs, original_text=text, output=fmt, namespace=inv.namespace,
        field_manager=inv.flags.get("field-manager") or "kubectl-edit", subresource=sub,
        save_config=bool(inv.flags.get("save-config"))))


def _causes(e: ApiError) -> list[str]:
    """The ``field: message`` lines of an Invalid Status (its details' causes)."""
    causes = (e.details or {}).get("causes") if isinstance(e.details, dict) else None
    return [f"{c.get('field', '')}: {c.get('message', '')}" for c in causes or []]


def finish_edit(cluster: Any, request: EditRequest, edited_text: str) -> Result:
    """What kubectl does when the editor closes with ``edited_text`` saved (editoptions.go):

    - re-opened after a failure and saved unchanged: the copy notice and ``error: Edit cancelled, no
      valid changes were saved.`` (exit 1);
    - the same content as opened: ``Edit cancelled, no changes made.``; only comments/blanks:
      ``Edit cancelled, saved file was empty.``;
    - a document that does not parse: the file re-opens with ``# The edited file had a syntax
      error: …`` on top (an ``EditResult`` whose ``edit`` is the new file);
    - otherwise each changed object is patched (``deployment.apps/web edited``, an unchanged one
      ``skipped``); an Invalid answer prints ``error: deployments.apps "web" is invalid`` and
      re-opens with the causes; other failures end with kubectl's notice of the saved copy.

    kubectl sends a strategic merge patch computed against the object it showed; this sends the
    JSON merge patch between the two (the apiserver's result is the edited object either way when
    the object did not change meanwhile).
    """
    from ..parse import Invocation

    copy_notice = f'A copy of your changes has been stored to "{request.file}"\n'
    # the temp file stays on the workstation, so `kubectl replace --force -f /tmp/kubectl-edit-….yaml`
    # (what tutorials do next) finds it
    cluster.workspace[request.file.lstrip("/")] = edited_text
    if request.previous is not None and strip_comments(request.previous) == strip_comments(edited_text):
        return Result(copy_notice + NO_VALID_CHANGES, 1)
    if strip_comments(request.original_text) == strip_comments(edited_text):
        cluster.workspace.pop(request.file.lstrip("/"), None)  # kubectl removes the file
        return Result("Edit cancelled, no changes made.\n", 0)

    def reopen(reasons: list[tuple[str, list[str]]], output: str) -> EditResult:
        again = EditRequest(text=_header(reasons) + manual_strip(edited_text), file=request.file,
                            originals=request.originals, original_text=request.original_text,
                            output=request.output, namespace=request.namespace,
                            field_manager=request.field_manager, subresource=request.subresource,
                            save_config=request.save_config, previous=edited_text)
        return EditResult(output, 0, edit=again)

    if not _has_lines(edited_text):
        # the client-side validation of an empty document comes first: kubectl v1.32 never reaches
        # its "Edit cancelled, saved file was empty." (the file re-opens with this reason instead)
        first = request.originals[0]
        r = cluster.api.resource(first["kind"])
        shown = f'{r.plural}{"." + r.group if r.group else ""} "{first["metadata"]["name"]}"'
        return reopen([(f"{shown} was not valid",
                        ['<nil>: Invalid value: "The edited file failed validation": invalid object to validate'])],
                      f"error: {shown} is invalid\n")
    try:
        data = (json.loads(strip_comments(edited_text)) if request.output == "json"
                else yaml.safe_load(strip_comments(edited_text)))
        if not isinstance(data, dict):
            raise ValueError("error unmarshaling JSON: json: cannot unmarshal into an object")
    except (ValueError, yaml.YAMLError) as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        detail = f"error converting YAML to JSON: yaml: {where}{getattr(e, 'problem', None) or e}"
        return reopen([(f"The edited file had a syntax error: {detail}", [])], "")
    edited = (data.get("items") or []) if data.get("kind") == "List" else [data]
    bad = next((_decode_error(o) for o in (edited if isinstance(edited, list) else [edited]) if _decode_error(o)), None)
    if not isinstance(edited, list) or bad:
        # what the builder's decoding of the edited file refuses is a syntax error for kubectl
        why = bad or "json: cannot unmarshal into Go struct field UnstructuredList.items of type []interface {}"
        return reopen([(f"The edited file had a syntax error: {why}", [])], "")
    by_uid = {(o.get("metadata") or {}).get("uid"): o for o in request.originals}
    inv = Invocation(cluster, "edit", [], {"namespace": request.namespace, "_given": set()})
    out: list[str] = []
    reasons: list[tuple[str, list[str]]] = []
    for new in edited:
        if not isinstance(new, dict):
            continue
        old = by_uid.get((new.get("metadata") or {}).get("uid"))
        if old is None:
            return Result(out_text(out) + copy_notice + f"error: no original object found for {new!r}\n", 1)
        r = cluster.api.resource(old["kind"])
        name = old["metadata"]["name"]
        if request.save_config:
            new.setdefault("metadata", {}).setdefault("annotations", {})[LAST_APPLIED] = last_applied_annotation(new)
        if new == old:
            out.append(printed(r, name, "skipped", "", None))
            continue
        if (new.get("apiVersion") != old.get("apiVersion") or new.get("kind") != old.get("kind")
                or (new.get("metadata") or {}).get("name") != name):
            return Result(out_text(out) + copy_notice + "error: At least one of apiVersion, kind and name was changed\n",
                          1)
        shown = f'{r.plural}{"." + r.group if r.group else ""} "{name}"'
        try:
            send_patch(inv, r, old["metadata"].get("namespace", ""), name, sim_patch.merge_patch_between(old, new), "merge",
                       request.subresource, False, request.field_manager)
        except ApiError as e:
            if e.reason == "Invalid":
                out.append(f"error: {shown} is invalid\n")
                reasons.append((f"{shown} was not valid", _causes(e)))
                continue
            if e.code == 404:
                return Result(out_text(out) + f"error: {shown} could not be found on the server\n"
                              f'The edits you made on deleted resources have been saved to "{request.file}"\n', 1)
            return Result(out_text(out) + f"error: {shown} could not be patched: {_error_line(e)}\n"
                          f"You can run `kubectl replace -f {request.file}` to try this update again.\n", 1)
        out.append(printed(r, name, "edited", "", None))
    if reasons:
        return reopen(reasons, out_text(out))
    cluster.workspace.pop(request.file.lstrip("/"), None)  # saved: kubectl removes the temp file
    return Result(out_text(out), 0)


def _decode_error(obj: Any) -> str:
    """Why an edited document is not an object kubectl can decode ("" when it is)."""
    if not isinstance(obj, dict):
        return "error unmarshaling JSON: json: cannot unmarshal into an object"
    if obj.get("metadata") is not None and not isinstance(obj.get("metadata"), dict):
        return ".metadata accessor error: contains non-object value, expected map[string]interface {}"
    if not obj.get("kind"):
        return "Object 'Kind' is missing in the edited object"
    return ""


def out_text(out: list[str]) -> str:
    return "".join(out)


__all__ = ["EditRequest", "EditResult", "diff", "edit", "finish_edit", "local_patch",
           "patch", "replace", "send_patch", "unified_diff", "DRY_RUN_SUFFIX"]
