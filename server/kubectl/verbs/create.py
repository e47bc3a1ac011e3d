"""kubectl create's generators: objects built from flags, as kubectl v1.32 builds them.

Owns: ``create configmap|secret generic|secret tls|secret docker-registry|job|cronjob|service
clusterip|nodeport|loadbalancer|externalname|serviceaccount|role|clusterrole|rolebinding|
clusterrolebinding|quota|priorityclass|poddisruptionbudget|ingress`` (and their aliases ``cm``,
``cj``, ``svc``, ``sa``, ``pdb``, ``ing``), each with the flags and validation errors of
``staging/src/k8s.io/kubectl/pkg/cmd/create/create_*.go``: ``--from-literal``/``--from-file``
(``key=path``, directories)/``--from-env-file``/``--append-hash``, ``--tcp``, ``--verb``/
``--resource``, ``--rule`` … Files are read from the workstation (``cluster.workspace``).
``create token`` asks the simulated TokenRequest API (``server.sim.tokens``) and prints the token.

The objects are built as ``json.Marshal`` writes the typed Go object: keys in struct field order,
``omitempty`` fields left out, ``creationTimestamp: null`` and the empty ``status`` a client dry
run shows. ``-o yaml`` sorts them (the shared printer); ``-o json`` of a typed object keeps the
struct order (``output.typed`` marks the object; ``gostruct`` knows the orders), also for the
objects the API returns.

Hands off: ``--dry-run``/``-o`` checks and the name printer to ``apply`` (``check_output``,
``dry_run_mode``, ``printed``); storage to ``server.sim.api``. Kinds the API does not serve yet
answer what the real kubectl answers against it (the apiserver's 404).
"""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
import re
from typing import Any

from ...sim.api import LAST_APPLIED, ApiError
from ...sim.golang import quote as _go_quote
from ...sim.quantity import Quantity, QuantityError
from ...sim.resources import BY_KIND, RESOURCES, Resource, lookup
from ...sim.store import Obj
from .. import gostruct, output
from ..parse import Flag, Invocation, KubectlError, Result, command
from .apply import OUTPUT_FLAGS, _single_name, check_output, dry_run_mode, printed
from .top import METRICS_GROUP, metrics_api_available

#: the flags every generator has besides its own (cmdutil.AddApplyAnnotationFlags, AddValidateFlags,
#: AddDryRunFlag, AddFieldManagerFlagVar and the print flags)
COMMON = [*OUTPUT_FLAGS, Flag("save-config"), Flag("validate", kind="str"), Flag("field-manager", kind="str")]

NOT_FOUND = "the server could not find the requested resource"

#: the kinds the generators make that the simulated API may not serve yet (printing needs them)
_RESOURCES = {r.kind: r for r in (
    Resource("Role", "rbac.authorization.k8s.io", "v1", "roles", True),
    Resource("ClusterRole", "rbac.authorization.k8s.io", "v1", "clusterroles", False),
    Resource("RoleBinding", "rbac.authorization.k8s.io", "v1", "rolebindings", True),
    Resource("ClusterRoleBinding", "rbac.authorization.k8s.io", "v1", "clusterrolebindings", False),
    Resource("ResourceQuota", "", "v1", "resourcequotas", True, ("quota",)),
    Resource("PriorityClass", "scheduling.k8s.io", "v1", "priorityclasses", False, ("pc",)),
    Resource("PodDisruptionBudget", "policy", "v1", "poddisruptionbudgets", True, ("pdb",)),
    Resource("Ingress", "networking.k8s.io", "v1", "ingresses", True, ("ing",)),
)}


def _resource(kind: str) -> Resource:
    return BY_KIND.get(kind) or _RESOURCES[kind]


# -- creating and printing ---------------------------------------------------------------------------

def _meta(inv: Invocation, name: str, namespaced: bool = True) -> Obj:
    """ObjectMeta as the generators fill it: the namespace only when ``-n`` enforced it."""
    meta: Obj = {"name": name}
    if namespaced and inv.flag_given("namespace"):
        meta["namespace"] = inv.namespace
    meta["creationTimestamp"] = None
    return meta


def _emit(inv: Invocation, obj: Obj, fail: str | None, plural: str = "") -> Result:
    """Create ``obj`` (unless a client dry run) and print it. ``fail`` is the ``fmt.Errorf`` prefix
    kubectl wraps the server's error in (``failed to create configmap: ``), None where it returns the
    error as is (role, clusterrole: ``Error from server (Reason): …``)."""
    fmt = check_output(inv)
    mode = dry_run_mode(inv)
    r = _resource(obj["kind"])
    if inv.flags.get("save-config"):
        # util.CreateOrUpdateAnnotation: the typed object's JSON (struct order) before the annotation
        encoded = gostruct.go_json(output.typed(obj), indent=None)
        obj["metadata"].setdefault("annotations", {})[LAST_APPLIED] = encoded + "\n"
    if mode != "client":
        if obj["kind"] not in BY_KIND:  # not served: the apiserver's 404 for the whole group/resource
            if fail is None:
                raise KubectlError(f"Error from server (NotFound): {NOT_FOUND}")
            raise KubectlError(f"error: {fail}{NOT_FOUND}")
        sent = dict(obj, metadata={k: v for k, v in obj["metadata"].items() if v is not None})
        try:
            obj = inv.cluster.api.create(sent, inv.namespace, dry_run=mode == "server",
                                         manager=inv.flags.get("field-manager") or "kubectl-create")
        except ApiError as e:
            if fail is None:
                raise
            raise KubectlError(f"error: {fail}{e.message}") from e
    if obj["metadata"].get("managedFields") and not inv.flags.get("show-managed-fields"):
        obj = dict(obj, metadata={k: v for k, v in obj["metadata"].items() if k != "managedFields"})
    # the generator's object, and the typed client's answer, are Go structs: -o json in field order
    return Result(printed(r, obj["metadata"]["name"], "created", fmt, output.typed(obj), mode))


def _workspace_dir(ws: dict[str, str], path: str) -> list[tuple[str, str]] | None:
    """(name, workspace path) of the regular files directly inside directory ``path``, sorted by
    name as os.ReadDir lists them; None when no file lives under it."""
    norm = posixpath.normpath(path).lstrip("/")
    prefix = "" if norm in (".", "") else norm + "/"
    inside = [p for p in ws if p.startswith(prefix)]
    if not inside:
        return None
    return sorted((p[len(prefix):], p) for p in inside if "/" not in p[len(prefix):])


def _read(inv: Invocation, path: str) -> str | None:
    """The text of workspace file ``path`` (``./a``, ``/a`` and ``a`` alike), None if it is none."""
    return inv.cluster.workspace.get(posixpath.normpath(path).lstrip("/")) if path else None


def _stat_error(path: str) -> KubectlError:
    return KubectlError(f"error: error reading {path}: no such file or directory")


# -- data sources (configmap, secret) ---------------------------------------------------------------

_KEY_RE = re.compile(r"[-._a-zA-Z0-9]+")
_ENV_RE = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*")


def config_map_key_errors(key: str) -> list[str]:
    """validation.IsConfigMapKey."""
    errs = []
    if len(key) > 253:
        errs.append("must be no more than 253 characters")
    if not _KEY_RE.fullmatch(key):
        errs.append("a valid config key must consist of alphanumeric characters, '-', '_' or '.' "
                    "(e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
                    "'[-._a-zA-Z0-9]+')")
    if key == ".":
        errs.append("must not be '.'")
    elif key == "..":
        errs.append("must not be '..'")
    elif key.startswith(".."):
        errs.append("must not start with '..'")
    return errs


def parse_literal(source: str) -> tuple[str, str]:
    """util.ParseLiteralSource."""
    key, eq, value = source.partition("=")
    if not eq or not key:
        raise KubectlError(f"error: invalid literal source {source}, expected key=value")
    return key, value


def parse_file_source(source: str) -> tuple[str, str]:
    """util.ParseFileSource: ``path`` (key = basename) or ``key=path``."""
    n = source.count("=")
    if n == 0:
        return posixpath.basename(source.rstrip("/")) or source, source
    if n == 1 and source.startswith("="):
        raise KubectlError(f"error: key name for file path {source[1:]} missing")
    if n == 1 and source.endswith("="):
        raise KubectlError(f"error: file path for key name {source[:-1]} missing")
    if n > 1:
        raise KubectlError("error: key names or file paths cannot contain '='")
    key, _, path = source.partition("=")
    return key, path


def _file_entries(inv: Invocation, sources: list[str]) -> list[tuple[str, str]]:
    """(key, file text) for every --from-file source, directories expanded to their files."""
    out: list[tuple[str, str]] = []
    for source in sources:
        key, path = parse_file_source(source)
        text = _read(inv, path)
        if text is not None:
            out.append((key, text))
            continue
        names = _workspace_dir(inv.cluster.workspace, path)
        if names is None:
            raise _stat_error(path)
        if "=" in source:
            raise KubectlError("error: cannot give a key name for a directory path")
        out.extend((name, inv.cluster.workspace[full]) for name, full in names)
    return out


def _env_entries(inv: Invocation, sources: list[str], what: str) -> list[tuple[str, str]]:
    """cmdutil.AddFromEnvFile for each --from-env-file (the workstation has no environment, so a
    key without ``=`` gets an empty value)."""
    out: list[tuple[str, str]] = []
    for path in sources:
        text = _read(inv, path)
        if text is None:
            if _workspace_dir(inv.cluster.workspace, path) is not None:
                raise KubectlError(f"error: env {what} file cannot be a directory")
            raise _stat_error(path)
        for n, line in enumerate(text.split("\n")):
            if n == 0:
                line = line.removeprefix("\ufeff")
            line = line.removesuffix("\r").lstrip()
            if not line or line.startswith("#"):
                continue
            key, eq, value = line.partition("=")
            if not _ENV_RE.fullmatch(key):
                raise KubectlError(
                    f"error: {_go_quote(key)} is not a valid key name: a valid environment variable name must "
                    "consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a "
                    "digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for "
                    "validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')")
            out.append((key, value if eq else ""))
    return out


def _hash(encoded: dict) -> str:
    """hash.encodeHash(sha256(json.Marshal(m))): ten hex digits with 0 1 3 a e made consonants."""
    text = json.dumps(encoded, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    return digest.translate(str.maketrans("013ae", "ghkmt"))


def _source_flags() -> list[Flag]:
    return [Flag("from-file", kind="list"), Flag("from-literal", kind="list"), Flag("from-env-file", kind="list"),
            Flag("append-hash")]


def _split_slice(values: list[str] | None) -> list[str]:
    """pflag's StringSlice: every occurrence, comma-split (CSV, so quotes group)."""
    import csv

    out: list[str] = []
    for v in values or []:
        if v == "":
            continue
        out.extend(next(csv.reader([v])))
    return out


@command("create configmap", flags=[*COMMON, *_source_flags()])
def create_configmap(inv: Invocation) -> Result:
    name = _single_name(inv, "configmap")
    files = _split_slice(inv.flags.get("from-file"))
    literals = list(inv.flags.get("from-literal") or [])
    envs = _split_slice(inv.flags.get("from-env-file"))
    if envs and (files or literals):
        raise KubectlError("error: from-env-file cannot be combined with from-file or from-literal")
    data: dict[str, str] = {}
    binary: dict[str, str] = {}

    def add(key: str, value: str, is_binary: bool = False) -> None:
        errs = config_map_key_errors(key)
        if errs:
            raise KubectlError(f"error: {_go_quote(key)} is not a valid key name for a ConfigMap: {','.join(errs)}")
        if key in data:
            raise KubectlError(f'error: cannot add key "{key}", another key by that name already exists in '
                               f'Data for ConfigMap "{name}"')
        if key in binary:
            raise KubectlError(f'error: cannot add key "{key}", another key by that name already exists in '
                               f'BinaryData for ConfigMap "{name}"')
        if is_binary:
            binary[key] = value
        else:
            data[key] = value

    for key, text in _file_entries(inv, files):
        add(key, text)
    for literal in literals:
        add(*parse_literal(literal))
    for key, value in _env_entries(inv, envs, "config"):
        add(key, value)
    if inv.flags.get("append-hash"):
        encoded: dict[str, Any] = {"kind": "ConfigMap", "name": name, "data": data}
        if binary:
            encoded["binaryData"] = binary
        name = f"{name}-{_hash(encoded)}"
    obj: Obj = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": _meta(inv, name)}
    if data:
        obj["data"] = data
    if binary:
        obj["binaryData"] = binary
    return _emit(inv, obj, "failed to create configmap: ")


@command("create cm", flags=[*COMMON, *_source_flags()])
def create_cm(inv: Invocation) -> Result:
    return create_configmap(inv)


# -- secrets ----------------------------------------------------------------------------------------

def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _secret(inv: Invocation, name: str, type_: str, data: dict[str, str], fail: str) -> Result:
    if inv.flags.get("append-hash"):
        name = f"{name}-{_hash({'kind': 'Secret', 'type': type_, 'name': name, 'data': data})}"
    obj: Obj = {"kind": "Secret", "apiVersion": "v1", "metadata": _meta(inv, name)}
    if data:
        obj["data"] = data
    if type_:
        obj["type"] = type_
    return _emit(inv, obj, fail)


def _add_secret_key(data: dict[str, str], key: str, value: str) -> None:
    errs = config_map_key_errors(key)
    if errs:
        raise KubectlError(f"error: {_go_quote(key)} is not valid key name for a Secret {';'.join(errs)}")
    if key in data:
        raise KubectlError(f"error: cannot add key {key}, another key by that name already exists")
    data[key] = _b64(value)


@command("create secret generic", flags=[*COMMON, *_source_flags(), Flag("type", kind="str")])
def create_secret_generic(inv: Invocation) -> Result:
    name = _single_name(inv, "secret generic")
    files = _split_slice(inv.flags.get("from-file"))
    literals = list(inv.flags.get("from-literal") or [])
    envs = _split_slice(inv.flags.get("from-env-file"))
    if envs and (files or literals):
        raise KubectlError("error: from-env-file cannot be combined with from-file or from-literal")
    data: dict[str, str] = {}
    for literal in literals:
        _add_secret_key(data, *parse_literal(literal))
    for key, text in _file_entries(inv, files):
        _add_secret_key(data, key, text)
    for key, value in _env_entries(inv, envs, "secret"):
        _add_secret_key(data, key, value)
    return _secret(inv, name, inv.flags.get("type") or "", data, "failed to create secret ")


def _pem_types(text: str) -> list[str]:
    return re.findall(r"^-----BEGIN ([A-Z0-9 ]+)-----\s*$", text, re.M)


def check_key_pair(cert: str, key: str) -> None:
    """The PEM-level checks of tls.X509KeyPair (which certificate and key blocks are there)."""
    types = _pem_types(cert)
    if "CERTIFICATE" not in types:
        if not types:
            raise KubectlError("error: tls: failed to find any PEM data in certificate input")
        if len(types) == 1 and types[0].endswith("PRIVATE KEY"):
            raise KubectlError("error: tls: failed to find certificate PEM data in certificate input, but did "
                               "find a private key; PEM inputs may have been switched")
        raise KubectlError('error: tls: failed to find "CERTIFICATE" PEM block in certificate input after '
                           f"skipping PEM blocks of the following types: [{' '.join(types)}]")
    types = _pem_types(key)
    if not any(t == "PRIVATE KEY" or t.endswith(" PRIVATE KEY") for t in types):
        if not types:
            raise KubectlError("error: tls: failed to find any PEM data in key input")
        if types == ["CERTIFICATE"]:
            raise KubectlError("error: tls: found a certificate rather than a key in the PEM for the private key")
        raise KubectlError('error: tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input '
                           f"after skipping PEM blocks of the following types: [{' '.join(types)}]")


@command("create secret tls", flags=[*COMMON, Flag("cert", kind="str"), Flag("key", kind="str"),
                                     Flag("append-hash")])
def create_secret_tls(inv: Invocation) -> Result:
    name = _single_name(inv, "secret tls")
    cert_path, key_path = inv.flags.get("cert") or "", inv.flags.get("key") or ""
    if not cert_path or not key_path:
        raise KubectlError("error: key and cert must be specified")
    texts = []
    for path in (cert_path, key_path):
        text = _read(inv, path)
        if text is None:
            what = "is a directory" if _workspace_dir(inv.cluster.workspace, path) is not None \
                else "no such file or directory"
            verb = "read" if what == "is a directory" else "open"
            raise KubectlError(f"error: Cannot read file {path}, {verb} {path}: {what}")
        texts.append(text)
    check_key_pair(*texts)
    data = {"tls.crt": _b64(texts[0]), "tls.key": _b64(texts[1])}
    return _secret(inv, name, "kubernetes.io/tls", data, "failed to create secret: ")


@command("create secret docker-registry",
         flags=[*COMMON, Flag("docker-username", kind="str"), Flag("docker-password", kind="str"),
                Flag("docker-email", kind="str"), Flag("docker-server", kind="str", default="https://index.docker.io/v1/"),
                Flag("append-hash"), Flag("from-file", kind="list")])
def create_secret_docker_registry(inv: Invocation) -> Result:
    name = _single_name(inv, "secret docker-registry")
    f = inv.flags
    files = _split_slice(f.get("from-file"))
    user, password, email = f.get("docker-username") or "", f.get("docker-password") or "", f.get("docker-email") or ""
    server = f.get("docker-server") or ""
    if not files and (not user or not password or not server):
        raise KubectlError("error: either --from-file or the combination of --docker-username, --docker-password "
                           "and --docker-server is required")
    data: dict[str, str] = {}
    if files:
        for key, text in _file_entries(inv, files):
            _add_secret_key(data, key, text)
    else:
        entry = {k: v for k, v in (("username", user), ("password", password), ("email", email),
                                   ("auth", _b64(f"{user}:{password}"))) if v}
        config = json.dumps({"auths": {server: entry}}, separators=(",", ":"), ensure_ascii=False)
        config = config.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        data[".dockerconfigjson"] = _b64(config)
    return _secret(inv, name, "kubernetes.io/dockerconfigjson", data, "failed to create secret ")


# -- workloads -------------------------------------------------------------------------------------

def _pod_template(name: str, image: str, command: list[str], restart: str) -> Obj:
    container: Obj = {"name": name, "image": image}
    if command:
        container["command"] = list(command)
    container["resources"] = {}
    return {"metadata": {"creationTimestamp": None},
            "spec": {"containers": [container], "restartPolicy": restart}}


@command("create job", flags=[*COMMON, Flag("image", kind="str"), Flag("from", kind="str")])
def create_job(inv: Invocation) -> Result:
    name = _single_name(inv, "job")
    image, source = inv.flags.get("image") or "", inv.flags.get("from") or ""
    command_args = list(inv.after_dash)
    if bool(image) == bool(source):
        raise KubectlError("error: either --image or --from must be specified")
    if command_args and source:
        raise KubectlError("error: cannot specify --from and command")
    if image:
        obj: Obj = {"kind": "Job", "apiVersion": "batch/v1", "metadata": _meta(inv, name),
                    "spec": {"template": _pod_template(name, image, command_args, "Never")}, "status": {}}
        return _emit(inv, obj, "failed to create job: ")
    kind_word, slash, cj_name = source.partition("/")
    if not slash or not cj_name:
        # the builder's ResourceTypeOrNameArgs with a lone word: a type without a name lists them all
        raise KubectlError("error: from must be an existing cronjob")
    r = lookup(kind_word)
    if r is None:
        raise KubectlError(f'error: the server doesn\'t have a resource type "{kind_word}"')
    found = inv.cluster.store.get(r.kind, inv.namespace if r.namespaced else "", cj_name)
    if found is None:
        raise KubectlError(f'Error from server (NotFound): {r.plural}{"." + r.group if r.group else ""} '
                           f'"{cj_name}" not found')
    if r.kind != "CronJob":
        go_types = {"Deployment": "*v1.Deployment", "Pod": "*v1.Pod", "Job": "*v1.Job"}
        raise KubectlError(f"error: unknown object type {go_types.get(r.kind, '*v1.' + r.kind)}")
    template = found["spec"].get("jobTemplate") or {}
    tmeta = template.get("metadata") or {}
    annotations = {"cronjob.kubernetes.io/instantiate": "manual", **(tmeta.get("annotations") or {})}
    meta: Obj = {"name": name}
    if inv.flag_given("namespace"):
        meta["namespace"] = inv.namespace
    meta["creationTimestamp"] = None
    if tmeta.get("labels"):
        meta["labels"] = dict(tmeta["labels"])
    meta["annotations"] = annotations
    meta["ownerReferences"] = [{"apiVersion": "batch/v1", "kind": "CronJob", "name": found["metadata"]["name"],
                                "uid": found["metadata"].get("uid", ""), "controller": True}]
    spec = json.loads(json.dumps(template.get("spec") or {}))
    spec.setdefault("template", {}).setdefault("metadata", {}).setdefault("creationTimestamp", None)
    obj = {"kind": "Job", "apiVersion": "batch/v1", "metadata": meta, "spec": spec, "status": {}}
    return _emit(inv, obj, "failed to create job: ")


_CRONJOB_FLAGS = [*COMMON, Flag("image", kind="str"), Flag("schedule", kind="str"), Flag("restart", kind="str")]


@command("create cronjob", flags=_CRONJOB_FLAGS)
def create_cronjob(inv: Invocation) -> Result:
    missing = [f for f in ("image", "schedule") if not inv.flag_given(f)]
    if missing:
        raise KubectlError(f"error: required flag(s) {', '.join(_go_quote(m) for m in missing)} not set")
    name = _single_name(inv, "cronjob")
    restart = inv.flags.get("restart") or "OnFailure"
    obj: Obj = {"kind": "CronJob", "apiVersion": "batch/v1", "metadata": _meta(inv, name),
                "spec": {"schedule": inv.flags.get("schedule") or "",
                         "jobTemplate": {"metadata": {"name": name, "creationTimestamp": None},
                                         "spec": {"template": _pod_template(name, inv.flags.get("image") or "",
                                                                            list(inv.after_dash), restart)}}},
                "status": {}}
    return _emit(inv, obj, "failed to create cronjob: ")


@command("create cj", flags=_CRONJOB_FLAGS)
def create_cj(inv: Invocation) -> Result:
    return create_cronjob(inv)


# -- services -------------------------------------------------------------------------------------

_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")


def _is_dns1123_subdomain(value: str) -> bool:
    return 0 < len(value) <= 253 and all(_DNS1123_LABEL.fullmatch(p) for p in value.split("."))


def _port_name_errors(name: str) -> list[str]:
    """validation.IsValidPortName."""
    errs = []
    if len(name) > 15:
        errs.append("must be no more than 15 characters")
    if not re.fullmatch(r"[-a-z0-9]+", name):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search(r"[a-z]", name):
        errs.append("must contain at least one letter (a-z)")
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if name and (name[0] == "-" or name[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def parse_ports(spec: str) -> tuple[int, int | str]:
    """create_service.go parsePorts: ``port[:targetPort]``."""
    parts = spec.split(":")
    text = parts[0]
    # utilsnet.ParsePort(text, allowZero=true) is strconv.ParseUint(text, 10, 16)
    if not re.fullmatch(r"[0-9]+", text):
        raise KubectlError(f'error: strconv.ParseUint: parsing {_go_quote(text)}: invalid syntax')
    port = int(text)
    if port > 65535:
        raise KubectlError(f'error: strconv.ParseUint: parsing {_go_quote(text)}: value out of range')
    if len(parts) == 1:
        return port, port
    target = parts[1]
    try:
        number = int(target)
    except ValueError:
        errs = _port_name_errors(target)
        if errs:
            raise KubectlError(f"error: {','.join(errs)}") from None
        return port, target
    if not 1 <= number <= 65535:
        raise KubectlError("error: must be between 1 and 65535, inclusive")
    return port, number


def _service(inv: Invocation, type_: str) -> Result:
    name = _single_name(inv, f"service {type_.lower()}")
    f = inv.flags
    tcp = _split_slice(f.get("tcp"))
    cluster_ip = f.get("clusterip") or ""
    external = f.get("external-name") or ""
    if cluster_ip == "None" and type_ != "ClusterIP":
        raise KubectlError("error: ClusterIP=None can only be used with ClusterIP service type")
    if cluster_ip != "None" and not tcp and type_ != "ExternalName":
        raise KubectlError("error: at least one tcp port specifier must be provided")
    if type_ == "ExternalName" and not _is_dns1123_subdomain(external):
        raise KubectlError(f"error: invalid service external name {external}")
    ports = []
    for spec in tcp:
        port, target = parse_ports(spec)
        p: Obj = {"name": spec.replace(":", "-"), "protocol": "TCP", "port": port, "targetPort": target}
        if f.get("node-port"):
            p["nodePort"] = f["node-port"]
        ports.append(p)
    meta = _meta(inv, name)
    meta["labels"] = {"app": name}
    spec_obj: Obj = {}
    if ports:
        spec_obj["ports"] = ports
    spec_obj["selector"] = {"app": name}
    if cluster_ip:
        spec_obj["clusterIP"] = cluster_ip
    spec_obj["type"] = type_
    if external:
        spec_obj["externalName"] = external
    obj: Obj = {"kind": "Service", "apiVersion": "v1", "metadata": meta, "spec": spec_obj,
                "status": {"loadBalancer": {}}}
    return _emit(inv, obj, f"failed to create {type_} service: ")


_SVC = [*COMMON, Flag("tcp", kind="list")]
_SERVICE_TYPES = {"clusterip": ("ClusterIP", [Flag("clusterip", kind="str")]),
                  "nodeport": ("NodePort", [Flag("node-port", kind="int", default=0)]),
                  "loadbalancer": ("LoadBalancer", []),
                  "externalname": ("ExternalName", [Flag("external-name", kind="str")])}


def _register_services() -> None:
    for word, (type_, extra) in _SERVICE_TYPES.items():
        def handler(inv: Invocation, type_: str = type_) -> Result:
            if type_ == "ExternalName" and not inv.flag_given("external-name"):
                raise KubectlError('error: required flag(s) "external-name" not set')
            return _service(inv, type_)
        for group in ("service", "svc"):
            command(f"create {group} {word}", flags=[*_SVC, *extra])(handler)


_register_services()


@command("create serviceaccount", flags=COMMON)
def create_serviceaccount(inv: Invocation) -> Result:
    name = _single_name(inv, "serviceaccount")
    obj: Obj = {"kind": "ServiceAccount", "apiVersion": "v1", "metadata": _meta(inv, name)}
    return _emit(inv, obj, "failed to create serviceaccount: ")


@command("create sa", flags=COMMON)
def create_sa(inv: Invocation) -> Result:
    return create_serviceaccount(inv)


# -- RBAC -----------------------------------------------------------------------------------------

VALID_RESOURCE_VERBS = ("*", "get", "delete", "list", "create", "update", "patch", "watch", "proxy",
                        "deletecollection", "use", "bind", "escalate", "impersonate")
VALID_NON_RESOURCE_VERBS = ("*", "get", "post", "put", "delete", "patch", "head", "options")
SPECIAL_VERBS = {
    "use": (("policy", "podsecuritypolicies"), ("extensions", "podsecuritypolicies")),
    "bind": (("rbac.authorization.k8s.io", "roles"), ("rbac.authorization.k8s.io", "clusterroles")),
    "escalate": (("rbac.authorization.k8s.io", "roles"), ("rbac.authorization.k8s.io", "clusterroles")),
    "impersonate": (("", "users"), ("", "serviceaccounts"), ("", "groups"), ("authentication.k8s.io", "userextras")),
}


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _role_inputs(inv: Invocation) -> tuple[list[str], list[tuple[str, str, str]], list[str]]:
    """(verbs, (group, resource, subresource) …, resource names) as CreateRoleOptions.Complete makes them."""
    verbs: list[str] = []
    for v in _split_slice(inv.flags.get("verb")):
        if v == "*":
            verbs = ["*"]
            break
        if v not in verbs:
            verbs.append(v)
    resources: list[tuple[str, str, str]] = []
    for r in _split_slice(inv.flags.get("resource")):
        section, _, sub = r.partition("/")
        base, _, group = section.partition(".")
        if base == "*" and "." not in section and "/" not in r:
            resources = [("", "*", "")]
            break
        resources.append((group, base, sub))
    return verbs, resources, _unique(list(inv.flags.get("resource-name") or []))


#: the aggregated metrics.k8s.io/v1beta1 resources discovery lists while the metrics-server add-on is on
#: (``server/web/metrics_api``'s APIResourceList): (plural, the mapper's singular — metrics-server sends
#: no singularName, so the discovery RESTMapper takes the kind's lower case)


def _metrics_resources() -> list[tuple[str, str]]:
    """metrics.k8s.io's (plural, singular) as discovery names them (pods before nodes, as the mapper tries them)."""
    from ...sim.metrics import API_RESOURCES

    return sorted(((plural, kind.lower()) for plural, kind, _ns in API_RESOURCES), reverse=True)


def _mappable(inv: Invocation) -> list[tuple[str, str, tuple[str, ...]]]:
    """What the discovery RESTMapper (with kubectl's shortcut expander) maps: (group, plural, the words
    that name it) for every served resource, the generators' own kinds, and metrics.k8s.io while served."""
    out = [(r.group, r.plural, (r.plural, r.singular, r.kind.lower(), *r.short_names))
           for r in (*RESOURCES, *(v for k, v in _RESOURCES.items() if k not in BY_KIND))]
    if metrics_api_available(inv):
        out += [(METRICS_GROUP, plural, (plural, singular)) for plural, singular in _metrics_resources()]
    return out


def _map_resource(inv: Invocation, group: str, resource: str) -> tuple[str, str] | None:
    """RESTMapper.ResourceFor through kubectl's shortcut expander: (group, plural) or None. An exact
    group first (the core group's ``pods`` before metrics.k8s.io's), else, for a group typed, one it
    prefixes (DefaultRESTMapper's ``storageclass.storage``, ``pods.metrics``)."""
    r = lookup(f"{resource}.{group}" if group else resource)
    if r is not None:
        return r.group, r.plural
    word = resource.lower()
    mappable = _mappable(inv)
    for g, plural, words in mappable:
        if word in words and (not group or g == group):
            return g, plural
    for g, plural, words in mappable if group else ():
        if word in words and g.startswith(group):
            return g, plural
    return None


def _validate_resources(inv: Invocation, verbs: list[str], resources: list[tuple[str, str, str]]) -> None:
    """CreateRoleOptions.validateResource: the special verbs' resources, then the mapper's NoResourceMatchError
    (``the server doesn't have a resource type "pods" in group "metrics.k8s.io"``, as cmdutil words it)."""
    for group, name, _sub in resources:
        if not name:
            raise KubectlError("error: resource must be specified if apiGroup/subresource specified")
        if name == "*":
            return
        mapped = _map_resource(inv, group, name)
        g, res = mapped if mapped is not None else (group, name)
        for v in verbs:
            if v in SPECIAL_VERBS and (g, res) not in SPECIAL_VERBS[v]:
                raise KubectlError(f"error: can not perform '{v}' on '{res}' in group '{g}'")
        if mapped is None:
            where = f' in group "{group}"' if group else ""
            raise KubectlError(f'the server doesn\'t have a resource type "{name}"{where}')


def _policy_rules(inv: Invocation, verbs: list[str], resources: list[tuple[str, str, str]], names: list[str],
                  urls: list[str]) -> list[Obj]:
    """generateResourcePolicyRules: one rule per API group (groups sorted), then the URL rule."""
    by_group: dict[str, list[str]] = {}
    for group, name, sub in resources:
        mapped = _map_resource(inv, group, name) if name != "*" else None
        g, res = mapped if mapped is not None else (group, name)
        if sub:
            res = f"{res}/{sub}"
        if res not in by_group.setdefault(g, []):
            by_group[g].append(res)
    rules = []
    for g in sorted(by_group):
        rule: Obj = {"verbs": list(verbs), "apiGroups": [g], "resources": by_group[g]}
        if names:
            rule["resourceNames"] = list(names)
        rules.append(rule)
    if urls:
        rules.append({"verbs": list(verbs), "nonResourceURLs": list(urls)})
    return rules


def _verb_warnings(verbs: list[str]) -> str:
    return "".join(f"Warning: '{v}' is not a standard resource verb\n" for v in verbs
                   if v not in VALID_RESOURCE_VERBS)


def _prefixed(warnings: str, result: Result) -> Result:
    return Result(warnings + result.output, result.exit_code)


_ROLE_FLAGS = [*COMMON, Flag("verb", kind="list"), Flag("resource", kind="list"), Flag("resource-name", kind="list")]


@command("create role", flags=_ROLE_FLAGS)
def create_role(inv: Invocation) -> Result:
    name = _single_name(inv, "role")
    verbs, resources, names = _role_inputs(inv)
    dry_run_mode(inv)
    if not verbs:
        raise KubectlError("error: at least one verb must be specified")
    warnings = _verb_warnings(verbs)
    if not resources:
        raise KubectlError(warnings + "error: at least one resource must be specified")
    try:
        _validate_resources(inv, verbs, resources)
    except KubectlError as e:
        raise KubectlError(warnings + e.message) from e
    obj: Obj = {"kind": "Role", "apiVersion": "rbac.authorization.k8s.io/v1", "metadata": _meta(inv, name),
                "rules": _policy_rules(inv, verbs, resources, names, [])}
    return _prefixed(warnings, _emit(inv, obj, None))


@command("create clusterrole", flags=[*_ROLE_FLAGS, Flag("non-resource-url", kind="list"),
                                      Flag("aggregation-rule", kind="str")])
def create_clusterrole(inv: Invocation) -> Result:
    name = _single_name(inv, "clusterrole")
    verbs, resources, names = _role_inputs(inv)
    urls = _unique(_split_slice(inv.flags.get("non-resource-url")))
    aggregation: dict[str, str] = {}
    if inv.flag_given("aggregation-rule"):
        for pair in _split_slice([inv.flags.get("aggregation-rule") or ""]):
            k, eq, v = pair.partition("=")
            if not eq:
                raise KubectlError(f'error: invalid argument "{inv.flags["aggregation-rule"]}" for '
                                   f'"--aggregation-rule" flag: {pair} must be formatted as key=value\n'
                                   "See 'kubectl create clusterrole --help' for usage.")
            aggregation[k] = v
    dry_run_mode(inv)
    warnings = ""
    if aggregation:
        if urls or verbs or resources or names:
            raise KubectlError("error: aggregation rule must be specified without nonResourceURLs, verbs, "
                               "resources or resourceNames")
    else:
        if not verbs:
            raise KubectlError("error: at least one verb must be specified")
        if not resources and not urls:
            raise KubectlError("error: one of resource or nonResourceURL must be specified")
        if resources:
            warnings = _verb_warnings(verbs)
            try:
                _validate_resources(inv, verbs, resources)
            except KubectlError as e:
                raise KubectlError(warnings + e.message) from e
        for v in verbs if urls else []:
            if v not in VALID_NON_RESOURCE_VERBS:
                raise KubectlError(f"{warnings}error: invalid verb: '{v}' for nonResourceURL")
        for url in urls:
            if url == "*":
                continue
            if not url.startswith("/"):
                raise KubectlError(f"{warnings}error: nonResourceURL should start with /")
            if "*" in url[:-1]:
                raise KubectlError(f"{warnings}error: nonResourceURL only supports wildcard matches when '*' is "
                                   "at the end")
    obj: Obj = {"kind": "ClusterRole", "apiVersion": "rbac.authorization.k8s.io/v1",
                "metadata": _meta(inv, name, namespaced=False)}
    if aggregation:
        obj["rules"] = None  # ClusterRole.Rules has no omitempty
        obj["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": aggregation}]}
    else:
        obj["rules"] = _policy_rules(inv, verbs, resources, names, urls)
    return _prefixed(warnings, _emit(inv, obj, None))


def _subjects(inv: Invocation) -> list[Obj]:
    subjects: list[Obj] = []
    for user in inv.flags.get("user") or []:
        subjects.append({"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": user})
    for group in inv.flags.get("group") or []:
        subjects.append({"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": group})
    for sa in inv.flags.get("serviceaccount") or []:
        tokens = sa.split(":")
        if len(tokens) != 2 or not tokens[0] or not tokens[1]:
            raise KubectlError("error: serviceaccount must be <namespace>:<name>")
        subjects.append({"kind": "ServiceAccount", "name": tokens[1], "namespace": tokens[0]})
    return subjects


_BINDING_FLAGS = [*COMMON, Flag("clusterrole", kind="str"), Flag("user", kind="list"), Flag("group", kind="list"),
                  Flag("serviceaccount", kind="list")]


@command("create rolebinding", flags=[*_BINDING_FLAGS, Flag("role", kind="str")])
def create_rolebinding(inv: Invocation) -> Result:
    name = _single_name(inv, "rolebinding")
    dry_run_mode(inv)
    role, cluster_role = inv.flags.get("role") or "", inv.flags.get("clusterrole") or ""
    if bool(role) == bool(cluster_role):
        raise KubectlError("error: exactly one of clusterrole or role must be specified")
    obj: Obj = {"kind": "RoleBinding", "apiVersion": "rbac.authorization.k8s.io/v1", "metadata": _meta(inv, name)}
    subjects = _subjects(inv)
    if subjects:
        obj["subjects"] = subjects
    obj["roleRef"] = {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role" if role else "ClusterRole",
                      "name": role or cluster_role}
    return _emit(inv, obj, "failed to create rolebinding: ")


@command("create clusterrolebinding", flags=_BINDING_FLAGS)
def create_clusterrolebinding(inv: Invocation) -> Result:
    if not inv.flag_given("clusterrole"):
        raise KubectlError('error: required flag(s) "clusterrole" not set')
    name = _single_name(inv, "clusterrolebinding")
    dry_run_mode(inv)
    obj: Obj = {"kind": "ClusterRoleBinding", "apiVersion": "rbac.authorization.k8s.io/v1",
                "metadata": _meta(inv, name, namespaced=False)}
    subjects = _subjects(inv)
    if subjects:
        obj["subjects"] = subjects
    obj["roleRef"] = {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                      "name": inv.flags.get("clusterrole") or ""}
    return _emit(inv, obj, "failed to create clusterrolebinding: ")


# -- quota, priority class, PDB ----------------------------------------------------------------------

def canonical_quantity(text: str) -> str:
    """resource.ParseQuantity then Quantity.String() (``server.sim.quantity``): the text itself when
    already canonical, else the canonical form (``1024Mi`` → ``1Gi``, ``1.5`` → ``1500m``, ``1000e0`` →
    ``1e3``); ParseQuantity's error as kubectl prints it (``error: quantities must match …``)."""
    try:
        return str(Quantity.parse(text))
    except QuantityError as e:
        raise KubectlError(f"error: {e}") from None


@command("create quota", flags=[*COMMON, Flag("hard", kind="str"), Flag("scopes", kind="str")])
def create_quota(inv: Invocation) -> Result:
    name = _single_name(inv, "quota")
    dry_run_mode(inv)
    hard_text, scopes_text = inv.flags.get("hard") or "", inv.flags.get("scopes") or ""
    spec: Obj = {}
    if hard_text:
        hard: dict[str, str] = {}
        for statement in hard_text.split(","):
            parts = statement.split("=")
            if len(parts) != 2:
                raise KubectlError(f"error: Invalid argument syntax {statement}, expected <resource>=<value>")
            hard[parts[0]] = canonical_quantity(parts[1])
        spec["hard"] = hard
    if scopes_text:
        scopes = scopes_text.split(",")
        if "" in scopes:
            raise KubectlError('error: invalid resource quota scope ""')
        spec["scopes"] = scopes
    obj: Obj = {"kind": "ResourceQuota", "apiVersion": "v1", "metadata": _meta(inv, name), "spec": spec,
                "status": {}}
    return _emit(inv, obj, "failed to create quota: ")


@command("create resourcequota", flags=[*COMMON, Flag("hard", kind="str"), Flag("scopes", kind="str")])
def create_resourcequota(inv: Invocation) -> Result:
    return create_quota(inv)


_PC_FLAGS = [*COMMON, Flag("value", kind="int", default=0), Flag("global-default"), Flag("description", kind="str"),
             Flag("preemption-policy", kind="str", default="PreemptLowerPriority")]


@command("create priorityclass", flags=_PC_FLAGS)
def create_priorityclass(inv: Invocation) -> Result:
    name = _single_name(inv, "priorityclass")
    dry_run_mode(inv)
    f = inv.flags
    value = f.get("value") or 0
    if not -2**31 <= value < 2**31:
        raise KubectlError(f'error: invalid argument "{value}" for "--value" flag: strconv.ParseInt: parsing '
                           f'"{value}": value out of range\nSee \'kubectl create priorityclass --help\' for usage.')
    obj: Obj = {"kind": "PriorityClass", "apiVersion": "scheduling.k8s.io/v1",
                "metadata": _meta(inv, name, namespaced=False), "value": value}
    if f.get("global-default"):
        obj["globalDefault"] = True
    if f.get("description"):
        obj["description"] = f["description"]
    obj["preemptionPolicy"] = f.get("preemption-policy") or ""
    return _emit(inv, obj, "failed to create priorityclass: ")


@command("create pc", flags=_PC_FLAGS)
def create_pc(inv: Invocation) -> Result:
    return create_priorityclass(inv)


def _int_or_string(text: str) -> int | str:
    """intstr.Parse."""
    try:
        return int(text)
    except ValueError:
        return text


_PDB_FLAGS = [*COMMON, Flag("min-available", kind="str"), Flag("max-unavailable", kind="str"),
              Flag("selector", kind="str")]


@command("create poddisruptionbudget", flags=_PDB_FLAGS)
def create_poddisruptionbudget(inv: Invocation) -> Result:
    name = _single_name(inv, "poddisruptionbudget")
    dry_run_mode(inv)
    f = inv.flags
    selector, min_a, max_u = f.get("selector") or "", f.get("min-available") or "", f.get("max-unavailable") or ""
    if not selector:
        raise KubectlError("error: a selector must be specified")
    if not min_a and not max_u:
        raise KubectlError("error: one of min-available or max-unavailable must be specified")
    if min_a and max_u:
        raise KubectlError("error: min-available and max-unavailable cannot be both specified")
    if min_a and not re.fullmatch(r"[0-9]+%?", min_a):
        raise KubectlError("error: invalid format specified for min-available")
    if max_u and not re.fullmatch(r"[0-9]+%?", max_u):
        raise KubectlError("error: invalid format specified for max-unavailable")
    spec: Obj = {}
    if min_a:
        spec["minAvailable"] = _int_or_string(min_a)
    spec["selector"] = _selector_object(selector)
    if max_u:
        spec["maxUnavailable"] = _int_or_string(max_u)
    obj: Obj = {"kind": "PodDisruptionBudget", "apiVersion": "policy/v1", "metadata": _meta(inv, name),
                "spec": spec,
                "status": {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0}}
    return _emit(inv, obj, "failed to create poddisruptionbudgets: ")


@command("create pdb", flags=_PDB_FLAGS)
def create_pdb(inv: Invocation) -> Result:
    return create_poddisruptionbudget(inv)


def _selector_object(text: str) -> Obj:
    """metav1.ParseToLabelSelector: ``k=v`` / ``k==v`` into matchLabels, the rest into matchExpressions."""
    labels: dict[str, str] = {}
    expressions: list[Obj] = []
    for part in _split_requirements(text):
        part = part.strip()
        m = re.fullmatch(r"([^!=\s]+)\s*(==|=|!=)\s*(\S*)", part)
        if m and m.group(2) in ("=", "=="):
            labels[m.group(1)] = m.group(3)
            continue
        if m:
            raise KubectlError(f'error: "{m.group(2)}" is not a valid label selector operator')
        m = re.fullmatch(r"(\S+)\s+(in|notin)\s+\((.*)\)", part)
        if m:
            values = sorted(v.strip() for v in m.group(3).split(",") if v.strip())
            expressions.append({"key": m.group(1), "operator": "In" if m.group(2) == "in" else "NotIn",
                                "values": values})
            continue
        if part.startswith("!"):
            expressions.append({"key": part[1:], "operator": "DoesNotExist"})
        else:
            expressions.append({"key": part, "operator": "Exists"})
    out: Obj = {}
    if labels:
        out["matchLabels"] = labels
    if expressions:  # labels.Parse sorts the requirements by key
        out["matchExpressions"] = sorted(expressions, key=lambda e: e["key"])
    return out


def _split_requirements(text: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p for p in parts if p.strip()]


# -- ingress --------------------------------------------------------------------------------------

_RULE_RE = re.compile(r"(?P<host>[\w*\-.]*)(?P<path>/[^,=\n]*)=(?P<svcname>[\w\-]+):(?P<svcport>[\w\-]+)"
                      r"(,(?P<istls>tls)=?(?P<secretname>[\w\-]+)?)?", re.ASCII)


def _backend(service: str) -> Obj:
    svc_name, svc_port = service.split(":")[0], service.split(":")[1]
    port = _int_or_string(svc_port)
    return {"service": {"name": svc_name, "port": {"number": port} if isinstance(port, int) else {"name": port}}}


_INGRESS_FLAGS = [*COMMON, Flag("class", kind="str"), Flag("rule", kind="list"), Flag("default-backend", kind="str"),
                  Flag("annotation", kind="list")]


@command("create ingress", flags=_INGRESS_FLAGS)
def create_ingress(inv: Invocation) -> Result:
    name = _single_name(inv, "ingress")
    dry_run_mode(inv)
    f = inv.flags
    rules = list(f.get("rule") or [])
    annotations_in = list(f.get("annotation") or [])
    default = f.get("default-backend") or ""
    if not default and not rules:
        raise KubectlError("error: not enough information provided: every ingress has to either specify a "
                           "default-backend (which catches all traffic) or a list of rules (which catch specific "
                           "paths)")
    for rule in rules:
        if not _RULE_RE.fullmatch(rule):
            raise KubectlError(f"error: rule {rule} is invalid and should be in format "
                               "host/path=svcname:svcport[,tls[=secret]]")
    for a in annotations_in:
        if "=" not in a:
            raise KubectlError(f"error: annotation {a} is invalid and should be in format key=[value]")
    if default and len(default.split(":")) != 2:
        raise KubectlError("error: default-backend should be in format servicename:serviceport")
    meta = _meta(inv, name)
    annotations = dict(a.split("=", 1) for a in annotations_in)
    if annotations:
        meta["annotations"] = annotations
    spec: Obj = {}
    if f.get("class"):
        spec["ingressClassName"] = f["class"]
    if default:
        spec["defaultBackend"] = _backend(default)
    tls: list[Obj] = []
    seen: set[str] = set()
    for rule in rules:
        parts = rule.split(",")
        if len(parts) != 2:
            continue
        host = rule.split("/", 1)[0]
        secret_parts = parts[1].split("=")
        secret = secret_parts[1] if len(secret_parts) > 1 else ""
        if host in seen:
            continue
        idx = next((i for i, t in enumerate(tls) if t.get("secretName", "") == secret), -1)
        seen.add(host)
        if idx > -1:
            tls[idx].setdefault("hosts", []).append(host)
            continue
        entry: Obj = {}
        if host:
            entry["hosts"] = [host]
        if secret:
            entry["secretName"] = secret
        if entry:
            tls.append(entry)
    if tls:
        spec["tls"] = tls
    ingress_rules: list[Obj] = []
    for rule in rules:
        host, _, rest = rule.split(",")[0].partition("/")
        path_part, svc = rest.split("=")[0], rest.split("=")[1]
        path, path_type = "/" + path_part, "Exact"
        if path.endswith("*"):
            path, path_type = path[:-1], "Prefix"
        http_path = {"path": path, "pathType": path_type, "backend": _backend(svc)}
        found = next((r for r in ingress_rules if r.get("host", "") == host), None)
        if found is not None:
            found["http"]["paths"].append(http_path)
            continue
        entry = {"host": host} if host else {}
        entry["http"] = {"paths": [http_path]}
        ingress_rules.append(entry)
    if ingress_rules:
        spec["rules"] = ingress_rules
    obj: Obj = {"kind": "Ingress", "apiVersion": "networking.k8s.io/v1", "metadata": meta, "spec": spec,
                "status": {"loadBalancer": {}}}
    return _emit(inv, obj, "failed to create ingress: ")


@command("create ing", flags=_INGRESS_FLAGS)
def create_ing(inv: Invocation) -> Result:
    return create_ingress(inv)


# -- token ----------------------------------------------------------------------------------------

#: boundObjectKindToAPIVersions in v1.32 (Node included)
BOUND_OBJECT_KINDS = {"Node": "v1", "Pod": "v1", "Secret": "v1"}


@command("create token", flags=[Flag("output", "o", "str"), Flag("template", kind="str"),
                                Flag("show-managed-fields"), Flag("allow-missing-template-keys", default=True),
                                Flag("audience", kind="list"), Flag("bound-object-kind", kind="str"),
                                Flag("bound-object-name", kind="str"), Flag("bound-object-uid", kind="str"),
                                Flag("duration", kind="str")])
def create_token(inv: Invocation) -> Result:
    """Request a service account token (the TokenRequest API) and print it, or the TokenRequest
    with ``-o``."""
    from ...sim.clock import parse_go_duration
    from ...sim.tokens import request_token

    f = inv.flags
    duration = 0.0
    if f.get("duration"):
        try:
            duration = parse_go_duration(f["duration"])
        except ValueError as e:
            raise KubectlError(f'error: invalid argument "{f["duration"]}" for "--duration" flag: {e}\n'
                               "See 'kubectl create token --help' for usage.") from None
    name = _single_name(inv, "token")
    fmt = check_output(inv)
    audiences = list(f.get("audience") or [])
    kind, bound_name, bound_uid = (f.get("bound-object-kind") or "", f.get("bound-object-name") or "",
                                   f.get("bound-object-uid") or "")
    if duration < 0:
        raise KubectlError("error: --duration must be greater than or equal to 0")
    if duration != int(duration):
        raise KubectlError("error: --duration cannot be expressed in units less than seconds")
    if any(not a for a in audiences):
        raise KubectlError("error: --audience must not be an empty string")
    if not kind:
        if bound_name:
            raise KubectlError("error: --bound-object-name can only be set if --bound-object-kind is provided")
        if bound_uid:
            raise KubectlError("error: --bound-object-uid can only be set if --bound-object-kind is provided")
    else:
        if kind not in BOUND_OBJECT_KINDS:
            raise KubectlError(f"error: supported --bound-object-kind values are {', '.join(BOUND_OBJECT_KINDS)}")
        if not bound_name:
            raise KubectlError("error: --bound-object-name is required if --bound-object-kind is provided")
    spec: Obj = {"audiences": audiences or None}
    if duration > 0:
        spec["expirationSeconds"] = int(duration)
    if kind:
        ref: Obj = {"kind": kind, "apiVersion": BOUND_OBJECT_KINDS[kind], "name": bound_name}
        if bound_uid:
            ref["uid"] = bound_uid
        spec["boundObjectRef"] = ref
    request: Obj = {"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
                    "metadata": {"creationTimestamp": None}, "spec": spec}
    try:
        response = request_token(inv.cluster, inv.namespace, name, request)
    except ApiError as e:
        raise KubectlError(f"error: failed to create token: {e.message}") from e
    if fmt:
        resource = Resource("TokenRequest", "authentication.k8s.io", "v1", "tokenrequests", True)
        return Result(printed(resource, name, "created", fmt, output.typed(response)))
    # a terminal gets the token and a newline (term.IsTerminal(o.Out))
    return Result(response["status"]["token"] + "\n")


__all__ = ["canonical_quantity", "check_key_pair", "config_map_key_errors",
           "parse_file_source", "parse_literal", "parse_ports"]
