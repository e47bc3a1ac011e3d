"""server.kubectl.jsonpath against the real kubectl v1.32: every template is printed by
``kubectl label -f obj.yaml --local x=y -o jsonpath=T`` (an unstructured object, no server) and by
kubeplay's own ``label`` on the same workstation file; text and exit code must be the same,
errors included (kubectl's "error parsing jsonpath" and "error executing jsonpath" messages, the
object shown as Go's %#v).

Also the engine's own laws where no kubectl is needed: range state kept across objects, Go's
number and value renderings.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from server.kubectl import jsonpath
from server.kubectl.jsonpath import JSONPath, JSONPathError
from tests.realkubectl import KUBECTL

OBJ_YAML = """\
apiVersion: v1
kind: Pod
metadata:
  name: probe
  namespace: default
  labels:
    app: web
    tier: front
  annotations:
    note: "a <b> & c"
    multi: "line1\\nline2"
spec:
  replicas: 3
  ratio: 0.25
  big: 1000000000000
  tiny: 0.00001
  ok: true
  nothing: null
  empty: []
  word: "9"
  containers:
  - name: c1
    image: nginx:1.27
    ports:
    - containerPort: 80
      name: http
    - containerPort: 443
  - name: c2
    image: busybox
    ports: []
status:
  phase: Running
  conditions:
  - type: Ready
    status: "True"
  - type: PodScheduled
    status: "False"
"""

TEMPLATES = [
    "{.metadata.name}",
    "{.metadata.labels}",
    "{.spec}",
    "{.spec.containers[*].name}",
    "{.spec.containers[*].ports[*].containerPort}",
    "{.spec.containers[0]}",
    "{.spec.containers[-1].name}",
    "{.spec.containers[-2:].image}",
    "{.spec.containers[0:1].name}",
    "{.spec.containers[::1].name}",
    "{.spec.containers[1:1].name}",
    "{.spec.containers[5]}",
    "{.spec.containers[-3]}",
    "{.spec.containers[2:1]}",
    "{.spec.containers[0:2:0]}",
    "{.spec.empty[0]}",
    "{.spec.empty[*]}",
    "{.spec.containers[*]['name','image']}",
    "{.spec.containers[0,1].name}",
    "{.metadata['name']}",
    "{.metadata.annotations.note}",
    "{.metadata.annotations.multi}",
    "{.spec.ratio} {.spec.big} {.spec.tiny} {.spec.ok} {.spec.nothing}",
    "{.spec.empty}",
    "{.spec..name}",
    "{..containerPort}",
    "{.status.conditions[?(@.type=='Ready')].status}",
    '{.status.conditions[?(@.type=="PodScheduled")].status}',
    "{.status.conditions[?(@.type!='Ready')].type}",
    "{.spec.containers[?(@.ports)].name}",
    "{.spec.containers[?(@.nope)].name}",
    "{.spec.containers[?(@.ports[0].containerPort==80)].name}",
    "{.spec.containers[*].ports[?(@.containerPort>100)].containerPort}",
    "{.spec.containers[*].ports[?(@.containerPort<=80)].name}",
    "{.spec.containers[*].ports[?(@.containerPort>=443)].containerPort}",
    "{.spec.containers[*].ports[?(@.containerPort<1000.5)].containerPort}",
    "{.spec.containers[*].ports[?(@.name=='http')].containerPort}",
    "{.status.conditions[?(@.status==true)].type}",
    "{range .spec.containers[*]}{.name}={.image}{'\\n'}{end}",
    '{range .spec.containers[*]}[{.name}]{range .ports[*]}<{.containerPort}>{end}{end}!',
    "{range .status.conditions[*]}{.type}{\"\\t\"}{.status}{\"\\n\"}{end}",
    "{range .spec.containers}{@}{end}",
    "{range .spec.nope[*]}{.x}{end}after",
    "{range .spec.containers[*]}{.name}",
    "{end}",
    "{.kind}{end}",
    "plain text",
    "{'quoted \\'single\\''} {\"tab\\tx\"}",
    "{\"\\u00e9\\x41\"}",
    "{5} {-2} {1.5} {true}",
    "{.metadata.name",
    "{.metadata.name}}",
    "{metadata.name}",
    "{.spec.containers[x]}",
    "{.spec.containers[0}",
    "{.spec.containers[?(@.name=='c1']}",
    "{.spec.containers[?(@.name=='c1')}",
    "{....name}",
    "{*}",
    "{.spec.word[0]}",
    "{.metadata.name[0]}",
    "{.spec.containers[?(@.name=c1)]}",
    "{.spec.containers[?(@.ports[*].containerPort==80)].name}",
    "{.status.phase[?(@=='x')]}",
    "{.spec.ratio[?(@==1)]}",
    "{.spec.containers[?(@.name==1)].name}",
    "{.spec.containers[?(@.name<true)].name}",
    "{'unterminated}",
    "{\"bad \\q escape\"}",
    "{1.2.3}",
    "{.metadata.labels.app\\.x}",
    "{.metadata.labels['app']}",
    "{.metadata.annotations}",
]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("jsonpath")
    (d / "obj.yaml").write_text(OBJ_YAML)
    (d / "home").mkdir()
    return d


def _real(workdir: Path, *args: str) -> tuple[str, int]:
    if KUBECTL is None:
        pytest.skip("no real kubectl v1.32 to compare with")
    home = workdir / "home"
    p = subprocess.run([KUBECTL, "label", "-f", "obj.yaml", "--local", "x=y", *args], cwd=workdir,
                       capture_output=True, text=True, timeout=30,
                       env={"HOME": str(home), "KUBECONFIG": str(home / "none"), "PATH": "/usr/bin:/bin"})
    return p.stdout + p.stderr, p.returncode


def _ours(*args: str) -> tuple[str, int]:
    """The object kubectl's label --local prints, through kubeplay's printer for the same flags."""
    import yaml

    from server.kubectl import output

    class Inv:  # just what the printer reads of an invocation (the real binary runs `label --local`)
        cluster = None
        command = "label"
        exact_output = False

        def __init__(self, flags: dict) -> None:
            self.flags = flags

        def flag_given(self, name: str) -> bool:
            return name in self.flags

    flags: dict = {}
    for a in args:
        name, _, value = a.removeprefix("--").partition("=")
        flags[{"o": "output"}.get(name, name)] = {"false": False, "true": True}.get(value, value)
    obj = yaml.safe_load(OBJ_YAML)
    obj["metadata"]["labels"]["x"] = "y"
    try:
        text = output.write_printer(Inv(flags)).print_obj(obj)
    except output.KubectlError as e:
        return (e.message if e.message.endswith("\n") else e.message + "\n"), 1
    return text, 0


@pytest.mark.parametrize("template", TEMPLATES)
def test_template_prints_what_kubectl_prints(workdir, template):
    assert _ours(f"--output=jsonpath={template}") == _real(workdir, "-o", f"jsonpath={template}")


@pytest.mark.parametrize("template", ["{.spec.nope}", "{.spec.containers[*].nope}", "{.metadata.name}{.x.y}",
                                      "{range .spec.containers[*]}{.nope}{end}"])
def test_missing_keys_refused_when_asked(workdir, template):
    args = (f"--output=jsonpath={template}", "--allow-missing-template-keys=false")
    assert _ours(*args) == _real(workdir, "-o", f"jsonpath={template}", "--allow-missing-template-keys=false")


@pytest.mark.parametrize("template", ["{.spec.containers[*].name}", "{.metadata}", "{.spec.ratio}{.spec.nothing}",
                                      "{range .spec.containers[*]}{.name}{end}", "{.nope}", "x{.kind}"])
def test_jsonpath_as_json(workdir, template):
    assert _ours(f"--output=jsonpath-as-json={template}") == _real(workdir, "-o", f"jsonpath-as-json={template}")


def test_range_state_carries_to_the_next_execution():
    """client-go shortens a JSONPath's node list when a range ends: run again, the same JSONPath
    starts after the range (its ``{end}`` then has no range to end)."""
    p = JSONPath("{range .items[*]}{.n}{end}|{.kind}", allow_missing_keys=True)
    data = {"kind": "K", "items": [{"n": 1}, {"n": 2}]}
    assert p.execute(data) == "12|K"
    with pytest.raises(JSONPathError, match="not in range, nothing to end"):
        p.execute(data)


def test_each_object_gets_a_fresh_template(workdir):
    """kubectl label builds its printer per object: a ranging template prints every object alike."""
    two = "".join(f"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {n}\ndata:\n  k: '{i}'\n"
                  for i, n in enumerate("ab"))
    (workdir / "two.yaml").write_text(two)
    template = "{range .data.*}{@}{end}|{.metadata.name};"
    if KUBECTL is None:
        pytest.skip("no real kubectl v1.32 to compare with")
    real = subprocess.run([KUBECTL, "label", "-f", "two.yaml", "--local", "x=y", "-o", f"jsonpath={template}"],
                          cwd=workdir, capture_output=True, text=True, timeout=30,
                          env={"HOME": str(workdir / "home"), "KUBECONFIG": "none", "PATH": "/usr/bin:/bin"})
    from server.kubectl import output

    fmt = output.OutputFormat("jsonpath", template)
    ours = "".join(fmt.print_obj({"kind": "ConfigMap", "metadata": {"name": n}, "data": {"k": str(i)}})
                   for i, n in enumerate("ab"))
    assert (ours, 0) == (real.stdout, real.returncode)


def test_go_renderings():
    assert jsonpath.go_float(1e21) == "1e+21"
    assert jsonpath.go_float(123456789.0) == "123456789"
    assert jsonpath.go_float(0.00001) == "1e-05"
    assert jsonpath.go_json({"b": [1, 2.5, None], "a": "<&>"}) == '{"a":"\\u003c\\u0026\\u003e","b":[1,2.5,null]}'
    assert jsonpath.go_sprint({"b": [1, True], "a": None}) == "map[a:<nil> b:[1 true]]"
    assert jsonpath.go_gosyntax({"a": [None, "x\n"]}) == 'map[string]interface {}{"a":[]interface {}{interface {}(nil), "x\\n"}}'


def test_relaxed_expressions():
    assert [jsonpath.relaxed(e) for e in ("a.b", ".a.b", "{a.b}", "{.a.b}")] == ["{.a.b}"] * 4
    with pytest.raises(JSONPathError, match="unexpected path string"):
        jsonpath.relaxed("{a}}")


@pytest.mark.parametrize("template", ["{.metadata.labels.*}", "{..name}", "{.status.*}"])
def test_map_wildcards_find_what_kubectl_finds(workdir, template):
    """Go ranges over a map in random order: the same values, in an order kubectl may print."""
    mine, theirs = _ours(f"--output=jsonpath={template}"), _real(workdir, "-o", f"jsonpath={template}")
    assert mine[1] == theirs[1] == 0
    assert sorted(mine[0].split(" ")) == sorted(theirs[0].split(" "))
