"""kubectl config: reading and editing the workstation's kubeconfig (kubectl/pkg/cmd/config).

Owns: ``view`` (redacted ``DATA+OMITTED``/``REDACTED`` unless ``--raw``; ``--minify``; ``-o yaml|json|
jsonpath=…``), ``get-contexts`` (kubectl's table, ``-o name``, ``--no-headers``), ``get-clusters``,
``get-users``, ``current-context``, ``use-context``, ``set-context`` (``--current``, ``--cluster``,
``--user``, ``--namespace``), ``set-cluster``, ``set-credentials``, ``set``/``unset`` of a dotted
property path, ``delete-context``/``delete-cluster``/``delete-user`` and ``rename-context``, with
kubectl v1.32's messages (``Context "x" modified.``, ``Switched to context "x".``, ``deleted
context x from /home/user/.kube/config``, ``error: no context exists with the name: "x"`` …).
``--kubeconfig`` picks another workspace file, ``--context`` another context for ``view --minify``.

Hands off: the file (where it lives, its default content, reading and writing) to
``server.kubectl.kubeconfig``; jsonpath to ``printers``. The namespace later commands use comes
from ``kubeconfig.current_namespace``, so ``set-context --current --namespace=shop`` changes it.
"""

from __future__ import annotations

import base64
import binascii
import json
import posixpath
from typing import Any

from .. import kubeconfig as kc
from .. import output, printers
from ..parse import Flag, Invocation, KubectlError, command, help_text


def _load(inv: Invocation) -> dict[str, Any]:
    try:
        return kc.load(inv.cluster, inv.flags.get("kubeconfig"))
    except kc.KubeconfigError as e:
        raise KubectlError(e.message) from None


def _save(inv: Invocation, config: dict[str, Any]) -> None:
    kc.save(inv.cluster, config, inv.flags.get("kubeconfig"))


def _file(inv: Invocation) -> str:
    return kc.display_path(inv.flags.get("kubeconfig"))


def _unexpected(inv: Invocation, args: list[str], capital: bool = True) -> KubectlError:
    """``helpErrorf``: the command's help, then the error."""
    word = "Unexpected" if capital else "unexpected"
    return KubectlError(help_text(inv.command) + f"error: {word} args: [{' '.join(args)}]")


# -- view -------------------------------------------------------------------------------------------

def redacted(config: dict[str, Any]) -> dict[str, Any]:
    """clientcmdapi.ShortenConfig + RedactSecrets: byte data as ``DATA+OMITTED``, secrets ``REDACTED``."""
    out = json.loads(json.dumps(config))
    for entry in out["clusters"].values():
        if entry.get("certificate-authority-data"):
            entry["certificate-authority-data"] = "DATA+OMITTED"
    for entry in out["users"].values():
        for f in ("client-certificate-data", "client-key-data"):
            if entry.get(f):
                entry[f] = "DATA+OMITTED"
        for f in ("token", "password"):
            if entry.get(f):
                entry[f] = "REDACTED"
    return out


def minified(config: dict[str, Any], context: str | None) -> dict[str, Any]:
    """clientcmdapi.MinifyConfig: only the current context, its cluster and its user."""
    name = context or config.get("current-context") or ""
    if not name:
        raise KubectlError("error: current-context must exist in order to minify")
    ctx = config["contexts"].get(name)
    if ctx is None:
        raise KubectlError(f"error: cannot locate context {name}")
    out = kc.empty()
    out["preferences"] = config.get("preferences") or {}
    out["current-context"] = name
    out["contexts"][name] = ctx
    cluster, user = ctx.get("cluster", ""), ctx.get("user", "")
    if cluster in config["clusters"]:
        out["clusters"][cluster] = config["clusters"][cluster]
    elif cluster:
        raise KubectlError(f"error: cannot locate cluster {cluster}")
    if user in config["users"]:
        out["users"][user] = config["users"][user]
    elif user:
        raise KubectlError(f"error: cannot locate user {user}")
    return out


def _go_json(obj: Any) -> str:
    text = json.dumps(obj, indent=4, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


@command("config view", flags=[Flag("minify"), Flag("raw"), Flag("flatten"), Flag("merge", default=True),
                               Flag("output", "o", "str", "yaml"), Flag("template", kind="str"),
                               Flag("allow-missing-template-keys", default=True), Flag("show-managed-fields")])
def view(inv: Invocation) -> str:
    printer = output.write_printer(inv)  # kubectl's PrintFlags (default yaml): its formats and errors
    config = _load(inv)
    if inv.flags.get("minify"):
        config = minified(config, inv.flags.get("context"))
    if not inv.flags.get("raw") and not inv.flags.get("flatten"):
        config = redacted(config)
    if printer == "yaml":
        return kc.dump(config)
    v1 = kc.to_v1(config)
    if printer == "json":
        return _go_json(v1)
    if printer in ("", "name"):
        return output.name_line("config", "", "", short=True)  # a Config has no name
    return printer.print_obj(v1)


# -- the read-only commands ---------------------------------------------------------------------------

@command("config get-contexts", flags=[Flag("output", "o", "str"), Flag("no-headers")])
def get_contexts(inv: Invocation) -> str:
    fmt = inv.flags.get("output") or ""
    if fmt not in ("", "name"):
        raise KubectlError(f"error: output must be one of '' or 'name': {fmt}")
    config = _load(inv)
    contexts = config["contexts"]
    names = inv.args or sorted(contexts)
    missing = [n for n in names if n not in contexts]
    if fmt == "name":
        text = "".join(f"{n}\n" for n in names if n in contexts)
    else:
        rows = [] if inv.flags.get("no-headers") else ["CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n"]
        for n in names:
            if n not in contexts:
                continue
            c = contexts[n]
            star = "*" if n == config.get("current-context") else ""
            rows.append(f"{star}\t{n}\t{c.get('cluster', '')}\t{c.get('user', '')}\t{c.get('namespace', '')}\n")
        text = printers.go_tabwriter("".join(rows), minwidth=6, padding=3)
    if missing:
        # each missing name is an error after the table, as one aggregate
        errors = [f"context {n} not found" for n in missing]
        message = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
        raise KubectlError(text + f"error: {message}")
    return text


@command("config get-clusters", flags=[])
def get_clusters(inv: Invocation) -> str:
    return "NAME\n" + "".join(f"{n}\n" for n in sorted(_load(inv)["clusters"]))


@command("config get-users", flags=[])
def get_users(inv: Invocation) -> str:
    return "NAME\n" + "".join(f"{n}\n" for n in sorted(_load(inv)["users"]))


@command("config current-context", flags=[])
def current_context(inv: Invocation) -> str:
    name = _load(inv).get("current-context") or ""
    if not name:
        raise KubectlError("error: current-context is not set")
    return name + "\n"


# -- writes -------------------------------------------------------------------------------------------

@command("config use-context", flags=[])
def use_context(inv: Invocation) -> str:
    if len(inv.args) != 1:
        raise _unexpected(inv, inv.args)
    name = inv.args[0]
    config = _load(inv)
    if name not in config["contexts"]:
        raise KubectlError(f'error: no context exists with the name: "{name}"')
    config["current-context"] = name
    _save(inv, config)
    return f'Switched to context "{name}".\n'


@command("config set-context", flags=[Flag("current"), Flag("cluster", kind="str"), Flag("user", kind="str"),
                                      Flag("namespace", kind="str")])
def set_context(inv: Invocation) -> str:
    config = _load(inv)
    if len(inv.args) > 1:
        raise _unexpected(inv, inv.args)
    current = bool(inv.flags.get("current"))
    if inv.args and current:
        raise KubectlError("error: you cannot specify both a context name and --current")
    if not inv.args and not current:
        raise KubectlError("error: you must specify a non-empty context name or --current")
    name = inv.args[0] if inv.args else config.get("current-context") or ""
    if current and not name:
        raise KubectlError("error: no current context is set")
    exists = name in config["contexts"]
    ctx = dict(config["contexts"].get(name) or {})
    for flag, key in (("cluster", "cluster"), ("user", "user"), ("namespace", "namespace")):
        if inv.flag_given(flag):
            ctx[key] = inv.flags.get(flag) or ""
            if not ctx[key] and key == "namespace":
                ctx.pop(key)
    config["contexts"][name] = ctx
    _save(inv, config)
    return f'Context "{name}" {"modified" if exists else "created"}.\n'


def _local_file(inv: Invocation, flag: str) -> tuple[str, bool, str | None]:
    """The file a path flag names on the workstation: (the path kubectl stores — ``filepath.Abs``
    against the home directory, the shell's cwd; relative to the kubeconfig's directory when
    ``--kubeconfig`` names the file, as clientcmd's RelativizeAuthInfoLocalPaths writes it —,
    whether ``os.Stat`` finds it, its text or None when ``os.ReadFile`` fails: a directory)."""
    typed = inv.flags.get(flag) or ""
    key = kc.workspace_key(typed) if typed else ""
    workspace = getattr(inv.cluster, "workspace", None) or {}
    is_dir = bool(key) and any(k.startswith(key + "/") for k in workspace)
    absolute = posixpath.normpath(posixpath.join(kc.HOME, typed)) if typed else ""
    stored = absolute
    explicit = inv.flags.get("kubeconfig")
    if explicit and absolute:
        base = posixpath.dirname(posixpath.join(kc.HOME, kc.workspace_key(explicit)))
        stored = posixpath.relpath(absolute, base)
    return stored, key in workspace or is_dir, workspace.get(key) if key in workspace else None


def _stat_error(inv: Invocation, flag: str) -> KubectlError:
    path = inv.flags[flag]
    return KubectlError(f"error: could not stat {flag} file {path}: stat {path}: no such file or directory")


def _embedded(text: str | None) -> str | None:
    """The ``*-data`` value of a read file (base64 in the file), None when it could not be read."""
    return base64.b64encode(text.encode()).decode() if text is not None else None


def _set_file(entry: dict[str, Any], inv: Invocation, flag: str, data_field: str) -> None:
    """A path flag: embedded (``os.ReadFile``'s bytes, the path cleared; a file that cannot be
    read leaves no data) or the path stored (and the data cleared)."""
    stored, _, text = _local_file(inv, flag)
    if inv.flags.get("embed-certs"):
        entry.pop(flag, None)
        data = _embedded(text)
        if data:
            entry[data_field] = data
        else:
            entry.pop(data_field, None)
        return
    if stored:
        entry[flag] = stored
        entry.pop(data_field, None)
    else:
        entry.pop(flag, None)


@command("config set-cluster", flags=[Flag("server", kind="str"), Flag("certificate-authority", kind="str"),
                                      Flag("insecure-skip-tls-verify"), Flag("embed-certs"),
                                      Flag("tls-server-name", kind="str"), Flag("proxy-url", kind="str")])
def set_cluster(inv: Invocation) -> str:
    """create_cluster.go: validate (``--embed-certs`` needs a CA file that exists), then modifyCluster."""
    if len(inv.args) != 1:
        raise _unexpected(inv, inv.args, capital=False)
    name = inv.args[0]
    if inv.flags.get("embed-certs"):
        if not inv.flags.get("certificate-authority"):
            raise KubectlError("error: you must specify a --certificate-authority to embed")
        if not _local_file(inv, "certificate-authority")[1]:
            raise _stat_error(inv, "certificate-authority")
    config = _load(inv)
    entry = dict(config["clusters"].get(name) or {})
    for flag in ("server", "tls-server-name", "proxy-url"):
        if inv.flag_given(flag):
            entry[flag] = inv.flags[flag]
    if inv.flag_given("insecure-skip-tls-verify"):
        entry["insecure-skip-tls-verify"] = bool(inv.flags["insecure-skip-tls-verify"])
    if inv.flag_given("certificate-authority"):
        _set_file(entry, inv, "certificate-authority", "certificate-authority-data")
        if inv.flags.get("embed-certs") or inv.flags.get("certificate-authority"):
            entry.pop("insecure-skip-tls-verify", None)  # a CA clears insecure mode
    config["clusters"][name] = entry
    _save(inv, config)
    return f'Cluster "{name}" set.\n'


@command("config set-credentials", flags=[Flag("token", kind="str"), Flag("username", kind="str"),
                                          Flag("password", kind="str"), Flag("client-certificate", kind="str"),
                                          Flag("client-key", kind="str"), Flag("embed-certs"),
                                          Flag("auth-provider", kind="str"), Flag("auth-provider-arg", kind="list"),
                                          Flag("exec-command", kind="str"), Flag("exec-api-version", kind="str"),
                                          Flag("exec-arg", kind="list"), Flag("exec-env", kind="list"),
                                          Flag("exec-interactive-mode", kind="str"),
                                          Flag("exec-provide-cluster-info")])
def set_credentials(inv: Invocation) -> str:
    """create_authinfo.go: validate (one authentication method; ``--embed-certs`` needs a
    certificate or key file, each one given must exist), then modifyAuthInfo: certificate and key
    embedded as ``client-certificate-data``/``client-key-data`` or stored as paths; setting a token
    clears basic auth and the other way round."""
    if len(inv.args) != 1:
        raise _unexpected(inv, inv.args, capital=False)
    name = inv.args[0]
    flags = inv.flags
    if flags.get("token") and (flags.get("username") or flags.get("password")):
        raise KubectlError("error: you cannot specify more than one authentication method at the same time: "
                           "--token, --username/--password")
    if flags.get("embed-certs"):
        if not flags.get("client-certificate") and not flags.get("client-key"):
            raise KubectlError("error: you must specify a --client-certificate or --client-key to embed")
        for flag in ("client-certificate", "client-key"):
            if flags.get(flag) and not _local_file(inv, flag)[1]:
                raise _stat_error(inv, flag)
    config = _load(inv)
    entry = dict(config["users"].get(name) or {})
    for flag, data_field in (("client-certificate", "client-certificate-data"), ("client-key", "client-key-data")):
        if inv.flag_given(flag):
            _set_file(entry, inv, flag, data_field)
    set_token = set_basic = False
    for flag in ("token", "username", "password"):
        if inv.flag_given(flag):
            entry[flag] = flags[flag] or ""
            if not entry[flag]:
                entry.pop(flag)
            elif flag == "token":
                set_token = True
            else:
                set_basic = True
    if set_token and not set_basic:
        entry.pop("username", None)
        entry.pop("password", None)
    if set_basic and not set_token:
        entry.pop("token", None)
    config["users"][name] = entry
    _save(inv, config)
    return f'User "{name}" set.\n'


def _bool(value: str) -> bool:
    if value in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if value in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    raise KubectlError(f'error: strconv.ParseBool: parsing "{value}": invalid syntax')


#: api.Config's top-level fields by json name (the maps and the plain values)
_TOP = ("clusters", "users", "contexts", "current-context", "preferences")


def _steps(config: dict[str, Any], path: str) -> tuple[str, str | None, str | None]:
    """navigation_step_parser: ``section[.key[.field]]`` against api.Config; map keys are
    matched as the longest existing key (they may contain dots), else one part."""
    parts = path.split(".")
    top = parts[0]
    if top not in _TOP:
        raise KubectlError(f"error: unable to parse {path} after [] at api.Config")
    if top not in kc.SECTIONS or len(parts) == 1:
        return top, None, ".".join(parts[1:]) or None
    rest = parts[1:]
    keys = config[top]
    for n in range(len(rest), 0, -1):
        if ".".join(rest[:n]) in keys:
            return top, ".".join(rest[:n]), ".".join(rest[n:]) or None
    return top, rest[0], ".".join(rest[1:]) or None


@command("config set", flags=[Flag("set-raw-bytes")])
def set_property(inv: Invocation) -> str:
    if len(inv.args) != 2:
        raise _unexpected(inv, inv.args)
    path, value = inv.args
    config = _load(inv)
    top, key, field = _steps(config, path)
    if top == "current-context":
        config["current-context"] = value
    elif top == "preferences" or key is None:
        raise KubectlError(f"error: can't set a map to a value: {path}")
    else:
        fields = kc.FIELDS[top]
        if field is None:
            raise KubectlError(f"error: can't set a struct to a value: {path}")
        if field not in fields or field == "extensions":
            raise KubectlError(f"error: unable to parse {field} after [{top} {key}] at api.Config")
        entry = dict(config[top].get(key) or {})
        if field in kc.BOOL_FIELDS:
            entry[field] = _bool(value)
        elif field in kc.BYTES_FIELDS:
            if inv.flags.get("set-raw-bytes"):
                entry[field] = base64.b64encode(value.encode()).decode()
            else:
                try:
                    base64.b64decode(value, validate=True)
                except (binascii.Error, ValueError):
                    raise KubectlError(f"error: illegal base64 data at input byte {_bad_byte(value)}") from None
                entry[field] = value
        else:
            entry[field] = value
        config[top][key] = entry
    _save(inv, config)
    return f'Property "{path}" set.\n'


def _bad_byte(value: str) -> int:
    alphabet = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
    return next((i for i, ch in enumerate(value) if ch not in alphabet), len(value))


@command("config unset", flags=[])
def unset_property(inv: Invocation) -> str:
    if len(inv.args) != 1:
        raise _unexpected(inv, inv.args)
    path = inv.args[0]
    config = _load(inv)
    top, key, field = _steps(config, path)
    if top in kc.SECTIONS:
        if key is None:
            config[top] = {}
        elif key not in config[top]:
            raise KubectlError(f"error: current map key `{key}` is invalid")
        elif field is None:
            del config[top][key]
        else:
            if field not in kc.FIELDS[top]:
                raise KubectlError(f"error: unable to parse {field} after [{top} {key}] at api.Config")
            config[top][key].pop(field, None)
    elif top == "current-context":
        config["current-context"] = ""
    else:
        config["preferences"] = {}
    _save(inv, config)
    return f'Property "{path}" unset.\n'


def _delete(inv: Invocation, section: str, what: str) -> str:
    if not inv.args:
        raise KubectlError(help_text(inv.command), 0)  # cmd.Help(), exit code 0
    name = inv.args[0]
    config = _load(inv)
    if name not in config[section]:
        if what == "context":
            raise KubectlError(f"error: cannot delete context {name}, not in {_file(inv)}")
        raise KubectlError(f"error: cannot delete {what} {name}, not in {_file(inv)}")
    del config[section][name]
    warning = ""
    if what == "context" and config.get("current-context") == name:
        warning = 'warning: this removed your active context, use "kubectl config use-context" to select a different one\n'
    _save(inv, config)
    return f"{warning}deleted {what} {name} from {_file(inv)}\n"


@command("config delete-context", flags=[])
def delete_context(inv: Invocation) -> str:
    return _delete(inv, "contexts", "context")


@command("config delete-cluster", flags=[])
def delete_cluster(inv: Invocation) -> str:
    return _delete(inv, "clusters", "cluster")


@command("config delete-user", flags=[])
def delete_user(inv: Invocation) -> str:
    return _delete(inv, "users", "user")


@command("config rename-context", flags=[])
def rename_context(inv: Invocation) -> str:
    if len(inv.args) != 2:
        raise _unexpected(inv, inv.args)
    old, new = inv.args
    config = _load(inv)
    if old not in config["contexts"]:
        raise KubectlError(f"error: cannot rename the context \"{old}\", it's not in {_file(inv)}")
    if new in config["contexts"]:
        raise KubectlError(f'error: cannot rename the context "{old}", the context "{new}" already exists in '
                           f"{_file(inv)}")
    config["contexts"][new] = config["contexts"].pop(old)
    if config.get("current-context") == old:
        config["current-context"] = new
    _save(inv, config)
    return f'Context "{old}" renamed to "{new}".\n'
