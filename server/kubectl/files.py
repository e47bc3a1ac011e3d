"""Where a write verb's objects come from: ``-f`` sources, and the objects its arguments name.

Owns: reading ``-f`` the way kubectl's resource builder does — ``-f -`` is stdin (reported as
``STDIN``), ``-f NAME`` a file or directory of the sandbox's workspace (``cluster.workspace``,
path → text; a bare file name also finds ``lessons/NAME``), ``-f https://k8s.io/examples/…`` a
kubernetes.io example (``example_path``), several ``-f`` in order, every
document of a multi-document file — and turning documents, ``TYPE NAME``/``TYPE/NAME`` arguments,
``-l`` and ``--all`` into a list of ``Ref`` (resource, namespace, name, source file) that delete,
label, scale, rollout … act on. Errors keep kubectl's wording (``error: the path "x.yml" does not
exist``) and are returned per document, so one bad document does not stop the others.

Hands off: turning manifest text into objects and refusing removed API versions to
``server.sim.admission`` (``parse_manifests``); resource words and selectors to ``resolve``.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from ..sim import admission
from ..sim.api import ApiError
from ..sim.golang import json_kind as _json_type
from ..sim.resources import REMOVED_VERSIONS, Resource, lookup
from ..sim.store import Obj
from . import resolve
from .parse import Invocation, KubectlError

if TYPE_CHECKING:
    from ..sim.cluster import Cluster

STDIN = "STDIN"
#: the resource builder's error when a command is given neither arguments nor -f
NO_RESOURCE = ("error: You must provide one or more resources by argument or filename.\n"
               "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
               "   '<resource> <name>'\n   '<resource>'")
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class Document:
    """One object read from a ``-f`` source, or the error that document gave."""

    source: str
    obj: Obj | None = None
    error: str | None = None  # a complete kubectl error line, printed as is


@dataclass
class Ref:
    """One object a command acts on."""

    resource: Resource
    namespace: str  # "" for cluster-scoped kinds
    name: str
    source: str = ""  # the -f file it was read from ("" when named on the command line)

    @property
    def display(self) -> str:
        """``deployment.apps/web``: how kubectl's name printer writes it."""
        return f"{self.resource.qualified}/{self.name}"


def unexpected_args(command: str, args: list[str]) -> KubectlError:
    """``Unexpected args: [a b]`` (Go prints a slice space-separated in brackets)."""
    return KubectlError(f"error: Unexpected args: [{' '.join(args)}]\n"
                        f"See 'kubectl {command} -h' for help and examples")


def examples_workspace(root: str | Path | None = None) -> dict[str, str]:
    """The repository's ``examples/`` as a workspace dict (what the web layer gives a sandbox)."""
    base = Path(root) if root else Path(__file__).resolve().parents[2] / "examples"
    return {p.relative_to(base).as_posix(): p.read_text() for p in sorted(base.rglob("*"))
            if p.is_file() and p.suffix in MANIFEST_SUFFIXES}


def _workspace_files(workspace: dict[str, str], name: str, recursive: bool) -> tuple[list[str], bool] | None:
    """The workspace paths ``name`` stands for and whether it named a directory: a file, a
    directory's manifests, or a bare file name found in a sub-directory; None when nothing matches."""
    path = posixpath.normpath(name.strip()).lstrip("/")
    if path in workspace:
        return [path], False
    prefix = "" if path in (".", "") else path.rstrip("/") + "/"
    inside = sorted(p for p in workspace if p.startswith(prefix))
    if inside:
        if not recursive:
            inside = [p for p in inside if "/" not in p[len(prefix):]]
        return [p for p in inside if p.endswith(MANIFEST_SUFFIXES)], True
    if "/" not in path:
        found = sorted(p for p in workspace if posixpath.basename(p) == path)
        if found:
            return found[:1], False
    return None


#: where the kubernetes.io examples are served from, and where the workspace keeps them
EXAMPLE_URLS = ("k8s.io/examples/", "kubernetes.io/examples/",
                "raw.githubusercontent.com/kubernetes/website/main/content/en/examples/")
EXAMPLES_DIR = "k8s.io/examples/"


def example_path(url: str) -> str | None:
    """The workspace path of a kubernetes.io example's URL (the sandbox is offline: these are the
    only URLs ``-f`` can read), or None."""
    rest = url.split("://", 1)[1].split("?", 1)[0].split("#", 1)[0]
    for prefix in EXAMPLE_URLS:
        if rest.startswith(prefix):
            return EXAMPLES_DIR + posixpath.normpath(rest[len(prefix):]).lstrip("/")
    return None


def read_sources(cluster: Cluster, filenames: list[str], stdin: str, recursive: bool = False
                 ) -> list[tuple[str, str]]:
    """``(source name, text)`` for every ``-f``; a missing path ends the command as kubectl does.
    The source name is what kubectl reports in errors: the path typed, or ``dir/file`` for a
    directory's files, or ``STDIN``."""
    out: list[tuple[str, str]] = []
    workspace = getattr(cluster, "workspace", None) or {}
    for name in filenames:
        if name == "-":
            out.append((STDIN, stdin))
            continue
        if name.startswith(("http://", "https://")):
            path = example_path(name)
            if path is None or path not in workspace:
                raise KubectlError(f'error: unable to read URL "{name}", server reported 404 Not Found, '
                                   "status code=404")
            out.append((name, workspace[path]))
            continue
        found = _workspace_files(workspace, name, recursive)
        if found is None:
            raise KubectlError(f'error: the path "{name}" does not exist')
        paths, is_dir = found
        if is_dir:
            base = name.rstrip("/")
            out.extend((posixpath.join(base, posixpath.relpath(p, posixpath.normpath(base).lstrip("/")))
                        if base not in (".", "") else p, workspace[p]) for p in paths)
        else:
            out.append((name, workspace[paths[0]]))
    return out


def _parse(text: str, source: str) -> list[Document]:
    """The documents of one source. Uses the admission layer's parser (limits, removed API
    versions); YAML that cannot be parsed is one error for the whole source, as in kubectl."""
    parse_manifests = getattr(admission, "parse_manifests", None)
    if parse_manifests is not None:
        manifest_error = getattr(admission, "ManifestError", ValueError)
        try:
            objs = parse_manifests(text, source)
        except ApiError as e:
            return [Document(source, error=f"Error from server ({e.reason}): {e.message}")]
        except manifest_error as e:  # type: ignore[misc]
            msg = str(getattr(e, "message", e))
            return [Document(source, error=msg if msg.startswith(("error", "Error")) else f"error: {msg}")]
        resolve_kind = getattr(admission, "resolve_kind", None)
        docs = []
        for d in objs:
            undecodable = _decode_error(d)
            if undecodable is not None:  # the metadata is decoded before the kind is mapped
                docs.append(Document(source, error=f'error: unable to decode "{source}": json: {undecodable}'))
                continue
            try:
                if resolve_kind is not None:
                    resolve_kind(d, source)  # kubectl's REST mapping: refused per document
            except manifest_error as e:  # type: ignore[misc]
                docs.append(Document(source, error=str(getattr(e, "message", e))))
                continue
            docs.append(Document(source, obj=d))
        return docs
    try:
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as e:
        return [Document(source, error=f"error: error parsing {source}: error converting YAML to JSON: yaml: {e}")]
    out = []
    for d in docs:
        if not isinstance(d, dict):
            out.append(Document(source, error=f"error: error parsing {source}: json: cannot unmarshal "
                                              "string into Go value of type map[string]interface {}"))
            continue
        api_version, kind = d.get("apiVersion", ""), d.get("kind", "")
        if api_version in REMOVED_VERSIONS:
            name = (d.get("metadata") or {}).get("name", "")
            ns = (d.get("metadata") or {}).get("namespace", "")
            out.append(Document(source, error=(
                f'error: resource mapping not found for name: "{name}" namespace: "{ns}" from "{source}": '
                f'no matches for kind "{kind}" in version "{api_version}"\nensure CRDs are installed first')))
            continue
        out.append(Document(source, obj=d))
    return out


def load_documents(cluster: Cluster, filenames: list[str], stdin: str, recursive: bool = False,
                   namespace: str | None = None, enforce: bool = False) -> list[Document]:
    """Every document of the ``-f`` sources. With ``namespace``, each namespaced object is put in
    it as kubectl's resource builder does: ``SetNamespace`` fills in a missing
    ``metadata.namespace``; with ``enforce`` (``-n`` given) ``RequireNamespace`` also refuses an
    object of another namespace, as that document's error."""
    docs: list[Document] = []
    for source, text in read_sources(cluster, filenames, stdin, recursive):
        # the stream visitor's errors stay in document order: a verb reports them together, as
        # one aggregate (first for apply, after the others for create and delete)
        docs += _parse(text, source)
    if namespace is not None:
        for doc in docs:
            if doc.obj is not None:
                _place(doc, namespace, enforce)
    return docs


#: ``metav1.ObjectMeta``'s fields as Go types, for the decoding errors of a manifest's metadata
OBJECT_META = {"name": "string", "generateName": "string", "namespace": "string", "selfLink": "string",
               "uid": "types.UID", "resourceVersion": "string", "generation": "int64",
               "creationTimestamp": "string", "deletionTimestamp": "string", "deletionGracePeriodSeconds": "int64",
               "labels": "map[string]string", "annotations": "map[string]string",
               "ownerReferences": "[]v1.OwnerReference", "finalizers": "[]string",
               "managedFields": "[]v1.ManagedFieldsEntry"}


def _fits(value: object, go_type: str) -> bool:
    if value is None:
        return True
    if go_type in ("string", "types.UID"):
        return isinstance(value, str)
    if go_type == "int64":
        return isinstance(value, int) and not isinstance(value, bool)
    if go_type.startswith("map["):
        return isinstance(value, dict)
    return isinstance(value, list)


def _decode_error(obj: Obj) -> str | None:
    """What ``json.Unmarshal`` says when a manifest's metadata does not fit ``ObjectMeta`` (kubectl
    decodes every document's metadata; the first misfit in document order), or None."""
    meta = obj.get("metadata")
    if meta is None:
        return None
    if not isinstance(meta, dict):
        return (f"cannot unmarshal {_json_type(meta)} into Go struct field metadataOnlyObject.metadata of type "
                "v1.ObjectMeta")
    for key, value in meta.items():
        go_type = OBJECT_META.get(key)
        if go_type is None:
            continue
        where = f"Go struct field ObjectMeta.metadata.{key}"
        if not _fits(value, go_type):
            return f"cannot unmarshal {_json_type(value)} into {where} of type {go_type}"
        items = value.values() if isinstance(value, dict) else value if go_type == "[]string" else ()
        for item in items or ():
            if item is not None and not isinstance(item, str):  # a null item is Go's "" (no error)
                return f"cannot unmarshal {_json_type(item)} into {where} of type string"
    return None


def _place(doc: Document, namespace: str, enforce: bool) -> None:
    obj = doc.obj
    assert obj is not None
    r = lookup(str(obj.get("kind") or "")) if obj.get("kind") else None
    if r is None or r.kind != obj.get("kind") or not r.namespaced or not isinstance(obj.get("metadata"), dict):
        return  # the REST mapping (or the apiserver) has its own words for these
    have = obj["metadata"].get("namespace") or ""
    if not have:
        obj["metadata"]["namespace"] = namespace
    elif enforce and have != namespace:
        doc.obj, doc.error = None, (f'error: the namespace from the provided object "{have}" does not match the '
                                    f'namespace "{namespace}". You must pass \'--namespace={have}\' to perform '
                                    "this operation.")


def documents(inv: Invocation) -> list[Document]:
    """The documents of a command's ``-f`` (or ``-k``: a kustomization directory, built as
    ``kubectl kustomize`` builds it) sources, placed in its namespace (see ``load_documents``)."""
    f = inv.flags
    filenames = f.get("filename") or []
    if not f.get("kustomize"):
        return load_documents(inv.cluster, filenames, inv.stdin, bool(f.get("recursive")),
                              namespace=inv.namespace, enforce=inv.flag_given("namespace"))
    if filenames:
        raise KubectlError("error: only one of -f or -k can be specified")
    from .verbs.kustomize import build

    docs = _parse(build(inv.cluster.workspace, f["kustomize"]), f["kustomize"])
    for doc in docs:
        if doc.obj is not None:
            _place(doc, inv.namespace, inv.flag_given("namespace"))
    return docs


def resource_of(obj: Obj) -> Resource:
    """The Resource of a manifest's kind (the API version was already checked by admission)."""
    r = lookup(str(obj.get("kind", ""))) if obj.get("kind") else None
    if r is None or r.kind != obj.get("kind"):
        raise KubectlError(f'error: resource mapping not found for name: "{(obj.get("metadata") or {}).get("name", "")}"'
                           f' namespace: "" from "": no matches for kind "{obj.get("kind", "")}" in version '
                           f'"{obj.get("apiVersion", "")}"\nensure CRDs are installed first')
    return r


def doc_namespace(r: Resource, obj: Obj, default: str) -> str:
    if not r.namespaced:
        return ""
    return (obj.get("metadata") or {}).get("namespace") or default


def _gerund(verb: str) -> str:
    """AddSourceToErr's verb: ``deleting``, ``patching``, ``scaling`` …"""
    word = verb.split()[0]
    return (word[:-1] if word.endswith("e") and not word.endswith("ee") else word) + "ing"


def gather(inv: Invocation, args: list[str], *, verb: str, selector: str | None = None,
           select_all: bool = False, all_namespaces: bool = False, allow_empty: bool = False
           ) -> tuple[list[Ref], list[str]]:
    """The objects a command names (-f files, ``TYPE NAME…``, ``TYPE/NAME``, ``TYPE -l …``,
    ``TYPE --all``), and the per-document errors met on the way.

    Named objects are not fetched here: the caller's request meets NotFound as kubectl's does.
    """
    filenames = inv.flags.get("filename") or []
    refs: list[Ref] = []
    errors: list[str] = []
    if filenames or inv.flags.get("kustomize"):
        if args:
            raise unexpected_args(inv.command, args)
        for doc in documents(inv):
            if doc.error:
                errors.append(doc.error)
                continue
            assert doc.obj is not None
            r = resource_of(doc.obj)
            name = (doc.obj.get("metadata") or {}).get("name")
            if not name:
                # the verb's request for an object with no name (``metadata: null``)
                errors.append(f'error: error when {_gerund(verb)} "{doc.source}": resource name may not be empty')
                continue
            refs.append(Ref(r, doc_namespace(r, doc.obj, inv.namespace), name, doc.source))
        return refs, errors
    if not args:
        raise KubectlError(NO_RESOURCE)
    namespace = None if all_namespaces else inv.namespace
    for target in resolve.targets(args, verb=verb):
        r = target.resource
        if target.names:
            refs.extend(Ref(r, inv.namespace if r.namespaced else "", n) for n in target.names)
        elif selector is not None or select_all or allow_empty:
            for obj in resolve.list_objects(inv.cluster, r, namespace, selector):
                meta = obj["metadata"]
                refs.append(Ref(r, meta.get("namespace") or "", meta["name"]))
        else:
            raise KubectlError("error: resource(s) were provided, but no name was specified")
    return refs, errors
