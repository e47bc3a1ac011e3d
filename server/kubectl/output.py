"""kubectl's PrintFlags: which printer ``-o`` / ``--template`` picks, and what it prints.

One implementation for ``get`` and every write verb (apply, create, run, expose, scale, label,
set ...), ported from cli-runtime v1.32 ``genericclioptions`` (``PrintFlags``, ``JSONYamlPrintFlags``,
``NamePrintFlags``, ``KubeTemplatePrintFlags`` = ``JSONPathPrintFlags`` + ``GoTemplatePrintFlags``)
and kubectl's ``get`` flags (``get_flags.go``: templates first, then json/yaml, the table for
``""``/``wide``, ``custom-columns``/``custom-columns-file``, ``name``):

- the format words and their errors: ``unable to match a printer suitable for the output format
  "x", allowed formats are: ...`` (get's list differs from the write verbs'), ``template format
  specified but no template given``, ``custom-columns format specified but no custom columns
  given``, ``error parsing jsonpath T, <why>``, ``error reading --template F, open F: no such file
  or directory`` (files are the workstation's: ``cluster.workspace``);
- ``json``/``yaml`` drop ``metadata.managedFields`` unless ``--show-managed-fields``
  (OmitManagedFieldsPrinter); the template printers see the whole object; the YAML printer writes
  ``---`` before every object after its first where kubectl has one printer a command (``create
  -f`` of several documents, ``set``, ``scale``, ``get -w``; not ``label``, ``taint``, ``patch`` …:
  ``PRINTER_PER_OBJECT``), JSON objects follow one another bare;
- ``jsonpath`` / ``jsonpath-as-json`` / ``jsonpath-file`` (``JSONPathPrinter``: missing keys allowed
  unless ``--allow-missing-template-keys=false``; an execution error in kubectl's words, with the
  template and the object as Go's ``%#v`` prints it);
- ``go-template`` / ``go-template-file`` / ``template`` / ``templatefile`` (``gotemplate.kubectl_template``,
  imported when first used);
- ``custom-columns`` (``customcolumn.go``: the spec, the file form, ``<none>``, values as ``%v``).

A chosen printer is an ``OutputFormat``: a ``str`` (the ``-o`` word: ``""``, ``name``, ``json``,
``jsonpath`` ...) that carries its template, so the write verbs' ``fmt == "json"`` tests keep
working; its template is parsed when it is chosen (parse errors come before the command acts)
and run afresh for each object printed.

Hands off: the table printer to ``printers``; the JSONPath engine to ``jsonpath``.
"""

from __future__ import annotations

import posixpath
from typing import Any

from ..sim.golang import quote as _go_quote
from . import gostruct, jsonpath, printers
from .parse import Invocation, KubectlError

JSON_YAML = ("json", "yaml")
NAME = ("name",)
JSONPATH_FORMATS = ("jsonpath", "jsonpath-as-json", "jsonpath-file")
GOTEMPLATE_FORMATS = ("go-template", "go-template-file", "template", "templatefile")
COLUMNS_FORMATS = ("custom-columns", "custom-columns-file")
HUMAN = ("wide",)
#: what ``-o`` takes on the write verbs (genericclioptions.PrintFlags) and on ``get``
WRITE_FORMATS = tuple(sorted(JSON_YAML + NAME + GOTEMPLATE_FORMATS + JSONPATH_FORMATS))
GET_FORMATS = tuple(sorted(JSON_YAML + NAME + GOTEMPLATE_FORMATS + JSONPATH_FORMATS + COLUMNS_FORMATS + HUMAN))


#: commands whose kubectl builds a printer for each object it prints (``o.ToPrinter(operation)`` in
#: the loop: label.go, taint.go, patch.go, autoscale.go, rollout_*.go, edit): their YAML objects
#: follow one another without "---". Every other command prints through one printer (scale,
#: annotate, create, run, expose, replace, set *, get -w), whose YAMLPrinter counts its objects.
PRINTER_PER_OBJECT = frozenset(("label", "taint", "patch", "autoscale", "rollout pause", "rollout resume",
                                "rollout restart", "rollout undo", "edit"))


class _NoCompatible(Exception):
    def __init__(self, fmt: str | None = None):
        super().__init__(fmt)
        self.fmt = fmt


def no_printer_error(fmt: str, allowed: tuple[str, ...]) -> KubectlError:
    return KubectlError(f"error: unable to match a printer suitable for the output format {_go_quote(fmt)}, "
                        f"allowed formats are: {','.join(sorted(allowed))}")


class OutputFormat(str):
    """The printer a command chose; its ``str`` value is the format word (``""`` for the default)."""

    template: str
    allow_missing_keys: bool
    show_managed_fields: bool
    columns: list[tuple[str, str]]
    no_headers: bool

    def __new__(cls, word: str, template: str = "", *, allow_missing_keys: bool = True,
                show_managed_fields: bool = False, columns: list[tuple[str, str]] | None = None,
                no_headers: bool = False) -> OutputFormat:
        self = super().__new__(cls, word)
        self.template = template
        self.allow_missing_keys = allow_missing_keys
        self.show_managed_fields = show_managed_fields
        self.columns = columns or []
        self.no_headers = no_headers
        self._jsonpath: jsonpath.JSONPath | None = None
        self._printed_header = False
        self._yaml_count = 0
        #: whether this printer separates its YAML objects with "---" (one printer a command)
        self.counts_documents = True
        if word in ("jsonpath", "jsonpath-as-json"):
            try:
                self._jsonpath = jsonpath.JSONPath(template, allow_missing_keys=allow_missing_keys,
                                                   json_output=word == "jsonpath-as-json")
            except jsonpath.JSONPathError as e:
                raise KubectlError(f"error: error parsing jsonpath {template}, {e}") from e
        return self

    @property
    def is_template(self) -> bool:
        """A jsonpath or go-template printer: what it writes is the template's text, newline or not."""
        return self in ("jsonpath", "jsonpath-as-json", "go-template")

    @property
    def is_object(self) -> bool:
        """Whether the printer prints the object itself (not the name line or a table)."""
        return self not in ("", "name", "wide")

    def print_obj(self, obj: Any) -> str:
        """What this printer writes for ``obj`` (one object or a ``List``)."""
        if self in JSON_YAML:
            shown = obj if self.show_managed_fields else omit_managed_fields(obj)
            if self == "json":
                return printers.to_json(shown)
            # YAMLPrinter counts what it printed: every object after its first opens with "---"
            self._yaml_count += self.counts_documents
            return ("---\n" if self._yaml_count > 1 else "") + printers.to_yaml(shown)
        if self in ("jsonpath", "jsonpath-as-json"):
            # a fresh JSONPath each object: kubectl's write verbs build their printer per object
            # (label, apply ...), and client-go's range bookkeeping would leak into the next one
            engine = jsonpath.JSONPath(self.template, allow_missing_keys=self.allow_missing_keys,
                                       json_output=self == "jsonpath-as-json")
            if isinstance(obj, TypedObject):
                obj = _json_floats(obj)
            try:
                return engine.execute(obj)
            except jsonpath.JSONPathError as e:
                raise KubectlError(_jsonpath_execution_error(self.template, e, obj)) from e
        if self == "go-template":
            engine = _gotemplate()
            if engine is None:
                raise KubectlError("error: kubeplay does not simulate `kubectl -o go-template` yet")
            try:
                return engine.kubectl_template(self.template, obj, allow_missing_keys=self.allow_missing_keys)
            except engine.TemplateError as e:
                # what the template wrote before it failed comes first, then kubectl's error
                raise KubectlError(f"{getattr(e, 'output', '') or ''}error: {e}") from e
        if self == "custom-columns":
            return self.custom_columns(obj.get("items", []) if _is_list(obj) else [obj])
        raise ValueError(f"no object printer for {self!r}")

    def custom_columns(self, objs: list[Any]) -> str:
        """``CustomColumnsPrinter.PrintObj`` of a list: the header (once per printer), a row per object."""
        lines: list[list[str]] = []
        if not self.no_headers and not self._printed_header:
            lines.append([h for h, _ in self.columns])
            self._printed_header = True
        try:
            lines += printers.custom_column_rows(self.columns, objs)
        except jsonpath.JSONPathError as e:
            raise KubectlError(f"error: {e}") from e
        return printers.tabwrite(lines)


#: an object kubectl holds as a Go struct: ``-o json`` in struct field order; its JSONPath printer
#: round-trips it through ``encoding/json``, so every number is a float64 there (``?(@.port==80)``
#: is then "incompatible types for comparison")
TypedObject = gostruct.TypedObject


def typed(obj: dict) -> TypedObject:
    """Mark ``obj`` as a typed object for the printers (``printed(..., output.typed(obj), ...)``)."""
    return obj if isinstance(obj, TypedObject) else TypedObject(obj)


def _json_floats(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _json_floats(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_json_floats(x) for x in v]
    if isinstance(v, int) and not isinstance(v, bool):
        return float(v)
    return v


def _gotemplate() -> Any:
    """``server.kubectl.gotemplate`` (Go's text/template as kubectl runs it), imported when a
    command first asks for a Go template; None while the module or its entry point is missing."""
    try:
        from . import gotemplate
    except ImportError:
        return None
    return gotemplate if hasattr(gotemplate, "kubectl_template") and hasattr(gotemplate, "TemplateError") else None


def _is_list(obj: Any) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get("items"), list) and str(obj.get("kind", "")).endswith("List")


def omit_managed_fields(obj: Any) -> Any:
    """``OmitManagedFieldsPrinter``: a copy without ``metadata.managedFields`` (each item of a list too)."""
    if not isinstance(obj, dict):
        return obj
    if _is_list(obj):
        return type(obj)({**obj, "items": [omit_managed_fields(i) for i in obj["items"]]})
    meta = obj.get("metadata")
    if isinstance(meta, dict) and "managedFields" in meta:
        # type(obj): a typed object stays typed (its JSON keeps the struct order)
        return type(obj)({**obj, "metadata": {k: v for k, v in meta.items() if k != "managedFields"}})
    return obj


def _jsonpath_execution_error(template: str, err: Exception, obj: Any) -> str:
    """``JSONPathPrinter.PrintObj``'s wrapped error, as kubectl's CheckErr prints it."""
    debug = (f"Error executing template: {err}. Printing more information for debugging the template:\n"
             f"\ttemplate was:\n\t\t{template}\n"
             f"\tobject given to jsonpath engine was:\n\t\t{jsonpath.go_gosyntax(obj)}\n\n")
    return f"error: error executing jsonpath {_go_quote(template)}: {debug}\n"


# -- choosing the printer -----------------------------------------------------------------------

def _read_file(cluster: Any, name: str) -> str | None:
    workspace = getattr(cluster, "workspace", None) or {}
    path = posixpath.normpath(name.strip()).lstrip("/")
    if path.startswith("./"):
        path = path[2:]
    return workspace.get(path)


def _split_format(fmt: str, template_arg: str, words: tuple[str, ...]) -> tuple[str, str]:
    """``templateFormat``/``templateValue`` as the template flags split ``-o word=value``."""
    if template_arg:
        return fmt, template_arg
    for word in words:
        if fmt.startswith(word + "="):
            return word, fmt[len(word) + 1:]
    return fmt, ""


def _template_printer(cluster: Any, fmt: str, template_arg: str, allow_missing: bool) -> OutputFormat:
    """``KubeTemplatePrintFlags.ToPrinter``: jsonpath first, then go-template."""
    if not template_arg and not fmt:
        raise _NoCompatible()
    word, value = _split_format(fmt, template_arg, JSONPATH_FORMATS)
    if word in JSONPATH_FORMATS:
        if not value:
            raise KubectlError("error: template format specified but no template given")
        if word == "jsonpath-file":
            text = _read_file(cluster, value)
            if text is None:
                raise KubectlError(f"error: error reading --template {value}, open {value}: no such file or directory")
            value, word = text, "jsonpath"
        return OutputFormat(word, value, allow_missing_keys=allow_missing)
    word, value = _split_format(fmt, template_arg, GOTEMPLATE_FORMATS)
    if word not in GOTEMPLATE_FORMATS:
        raise _NoCompatible(word)
    if not value:
        raise KubectlError("error: template format specified but no template given")
    if word in ("templatefile", "go-template-file"):
        text = _read_file(cluster, value)
        if text is None:
            raise KubectlError(f"error: error reading --template {value}, open {value}: no such file or directory")
        value = text
    engine = _gotemplate()
    if engine is None:
        # the Go template engine is not in this build yet: refuse before the command acts
        raise KubectlError(f"error: kubeplay does not simulate `kubectl -o {word}` yet")
    try:
        # NewGoTemplatePrinter parses the template when the printer is built: a bad one fails
        # before the command creates, patches or deletes anything
        engine.parse_kubectl_template(value)
    except engine.TemplateError as e:
        raise KubectlError(f"error: {e}") from e
    return OutputFormat("go-template", value, allow_missing_keys=allow_missing)


def _columns_printer(cluster: Any, fmt: str, template_arg: str, no_headers: bool) -> OutputFormat:
    """``CustomColumnsPrintFlags.ToPrinter``."""
    if not fmt:
        raise _NoCompatible()
    word, value = _split_format(fmt, template_arg, COLUMNS_FORMATS)
    if word not in COLUMNS_FORMATS:
        raise _NoCompatible(word)
    if not value:
        raise KubectlError("error: custom-columns format specified but no custom columns given")
    if word == "custom-columns-file":
        text = _read_file(cluster, value)
        if text is None:
            raise KubectlError(f"error: error reading template {value}, open {value}: no such file or directory\n")
        return OutputFormat("custom-columns", columns=_columns(printers.custom_columns_template, text))
    return OutputFormat("custom-columns", columns=_columns(printers.custom_columns_spec, value),
                        no_headers=no_headers)


def _columns(parse: Any, text: str) -> list[tuple[str, str]]:
    try:
        return parse(text)
    except jsonpath.JSONPathError as e:
        raise KubectlError(f"error: {e}") from e


def _flags(inv: Invocation) -> tuple[str, str, bool]:
    fmt = inv.flags.get("output") or ""
    template_arg = inv.flags.get("template") or ""
    allow_missing = inv.flags.get("allow-missing-template-keys")
    return fmt, template_arg, True if allow_missing is None else bool(allow_missing)


def write_printer(inv: Invocation) -> OutputFormat:
    """``genericclioptions.PrintFlags.ToPrinter`` for a write verb (``-o`` json, yaml, name, the
    jsonpath and go-template formats; ``""`` for the name line)."""
    fmt, template_arg, allow_missing = _flags(inv)
    printer = printer_for(fmt, inv.cluster, template=template_arg, output_given=inv.flag_given("output"),
                          allow_missing_keys=allow_missing,
                          show_managed_fields=bool(inv.flags.get("show-managed-fields")))
    inv.exact_output = printer.is_template
    printer.counts_documents = inv.command not in PRINTER_PER_OBJECT
    return printer


def printer_for(fmt: str, cluster: Any = None, *, template: str = "", output_given: bool = True,
                allow_missing_keys: bool = True, show_managed_fields: bool = False) -> OutputFormat:
    """The write verbs' printer for an ``-o`` value (and ``--template``); ``*-file`` formats read
    ``cluster.workspace``. Raises ``KubectlError`` in kubectl's words."""
    word = fmt
    if template and not output_given:
        word = "go-template"
    if word.lower() in JSON_YAML:
        return OutputFormat(word.lower(), show_managed_fields=show_managed_fields)
    if word.lower() in ("", "name"):
        return OutputFormat(word.lower())
    try:
        return _template_printer(cluster, word, template, allow_missing_keys)
    except _NoCompatible:
        raise no_printer_error(fmt, WRITE_FORMATS) from None


def get_printer(inv: Invocation) -> OutputFormat:
    """``kubectl get``'s ``PrintFlags.ToPrinter`` (``""``/``wide`` mean the table)."""
    printer = _get_printer(inv)
    inv.exact_output = printer.is_template
    return printer


def _get_printer(inv: Invocation) -> OutputFormat:
    fmt, template_arg, allow_missing = _flags(inv)
    no_headers = bool(inv.flags.get("no-headers"))
    if template_arg and not fmt:
        fmt = "go-template"
    try:
        return _template_printer(inv.cluster, fmt, template_arg, allow_missing)
    except _NoCompatible:
        pass
    if fmt.lower() in JSON_YAML:
        return OutputFormat(fmt.lower(), show_managed_fields=bool(inv.flags.get("show-managed-fields")))
    if fmt in ("", "wide"):
        return OutputFormat(fmt, no_headers=no_headers)
    try:
        return _columns_printer(inv.cluster, fmt, template_arg, no_headers)
    except _NoCompatible:
        pass
    if fmt.lower() == "name":
        return OutputFormat("name")
    raise no_printer_error(fmt, GET_FORMATS)


def name_line(qualified: str, name: str, operation: str, short: bool) -> str:
    """``NamePrinter``: ``deployment.apps/web created`` (``-o name``: no operation)."""
    op = "" if short or not operation else " " + operation
    return f"{qualified}/{name or '<unknown>'}{op}\n"
