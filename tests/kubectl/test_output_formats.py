"""kubectl's PrintFlags through kubeplay's terminal (server.kubectl.output): which printer each
``-o``/``--template`` picks and what it prints or refuses, for the write verbs (compared with the
real kubectl v1.32 on client-side dry runs, where it needs no server) and for ``get`` (its own
format list, custom columns, ``--sort-by``; the server-side comparisons are in
tests/oracle/cases/output.txt).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from server.kubectl import printers, run
from server.sim.cluster import Cluster
from tests.realkubectl import KUBECTL

FILES = {
    "tmpl.txt": '{.kind}/{.metadata.name}{"\\n"}',
    "bad.txt": "{.metadata.name",
    "cols.txt": "NAME   PHASE\n.metadata.name   {.status.phase}\n",
    "cols-short.txt": "NAME PHASE\n",
    "cols-mismatch.txt": "NAME PHASE\n.metadata.name\n",
    "cols-empty.txt": "",
    "gt.txt": "{{.kind}} {{.metadata.name}}\n",
}

WRITE = "kubectl create namespace lab --dry-run=client"
FORMATS = [
    "-o yaml", "-o Yaml", "-o name", "-o NAME", "-o foo", "-o wide",
    "-o custom-columns=A:.metadata.name", "-o jsonpath", "-o jsonpath=", "-o jsonpath={.metadata.name}",
    "-o 'jsonpath={.kind} {.metadata}{\"\\n\"}'", "-o 'jsonpath={.metadata.name'", "-o 'jsonpath={.nope}'",
    "-o jsonpath-as-json={.metadata}", "-o jsonpath-as-json", "-o jsonpath-file=tmpl.txt",
    "-o jsonpath-file=bad.txt", "-o jsonpath-file=missing.txt", "-o go-template", "-o go-template=",
    "-o go-template-file=missing.txt", "-o templatefile=missing.txt", "-o template=",
    "-o jsonpath --template={.metadata.name}", "--template={.metadata.name} -o jsonpath-as-json",
    "-o 'jsonpath={.kind}' --template={.metadata.name}", "-o jsonpath=x --template=",
    "-o go-template={{.metadata.name}}", "--template={{.kind}}", "-o template --template={{.kind}}",
    "-o go-template-file=gt.txt", "-o templatefile=gt.txt", "-o 'go-template={{.metadata.name'",
]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("formats")
    for name, text in FILES.items():
        (d / name).write_text(text)
    (d / "home").mkdir()
    return d


def real(workdir: Path, line: str) -> tuple[str, int]:
    if KUBECTL is None:
        pytest.skip("no real kubectl v1.32 to compare with")
    p = subprocess.run(f"{KUBECTL} {line.removeprefix('kubectl ')} 2>&1", shell=True, cwd=workdir, text=True,
                       stdout=subprocess.PIPE, timeout=30,
                       env={"HOME": str(workdir / "home"), "KUBECONFIG": str(workdir / "home" / "none"),
                            "PATH": "/usr/bin:/bin"})
    return p.stdout, p.returncode


def ours(line: str) -> tuple[str, int]:
    cluster = Cluster(seed=1, empty=True)
    cluster.workspace = dict(FILES)
    result = run(cluster, line)
    return result.output, result.exit_code


def _needs_gotemplate(flags: str) -> bool:
    try:
        from server.kubectl import gotemplate
    except ImportError:
        return "template" in flags and "jsonpath" not in flags
    return not hasattr(gotemplate, "kubectl_template") and "template" in flags and "jsonpath" not in flags


@pytest.mark.parametrize("flags", FORMATS)
def test_write_verb_formats_match_kubectl(workdir, flags):
    line = f"{WRITE} {flags}"
    theirs = real(workdir, line)
    if _needs_gotemplate(flags) and "does not simulate" in ours(line)[0]:
        pytest.skip("server/kubectl/gotemplate.py has no kubectl_template yet")
    mine = ours(line)
    # a template's text is printed as it is, newline or not, by both
    assert mine == theirs


def test_typed_objects_have_float_numbers_for_jsonpath(workdir):
    """A generator's object reaches kubectl's JSONPath printer through encoding/json: numbers are
    float64, so comparing one with an integer literal fails, in kubectl's words."""
    from server.kubectl import output

    template = "{.spec.ports[?(@.port==80)].name}"
    line = f"kubectl create service clusterip web --tcp=80:8080 --dry-run=client -o 'jsonpath={template}'"
    theirs = real(workdir, line)
    obj = {"apiVersion": "v1", "kind": "Service",
           "metadata": {"creationTimestamp": None, "labels": {"app": "web"}, "name": "web"},
           "spec": {"ports": [{"name": "80-8080", "port": 80, "protocol": "TCP", "targetPort": 8080}],
                    "selector": {"app": "web"}, "type": "ClusterIP"},
           "status": {"loadBalancer": {}}}
    with pytest.raises(output.KubectlError) as e:
        output.OutputFormat("jsonpath", template).print_obj(output.typed(obj))
    assert (e.value.message, 1) == theirs
    assert output.OutputFormat("jsonpath", template).print_obj(obj) == "80-8080"


def test_go_template_not_yet_simulated_is_refused_before_acting():
    """Without the Go template engine the command answers kubeplay's "not simulated" line and
    creates nothing."""
    try:
        from server.kubectl import gotemplate

        if hasattr(gotemplate, "kubectl_template"):
            pytest.skip("the Go template engine is there")
    except ImportError:
        pass
    cluster = Cluster(seed=1, empty=True)
    result = run(cluster, "kubectl create namespace lab -o go-template={{.metadata.name}}")
    assert (result.output, result.exit_code) == ("error: kubeplay does not simulate `kubectl -o go-template` yet\n", 1)
    assert cluster.store.peek("Namespace", "", "lab") is None


def test_every_write_verb_takes_jsonpath():
    cluster = Cluster(seed=1)
    out = run(cluster, "kubectl create deployment web --image=nginx:1.27 -o jsonpath={.spec.template.spec.containers[0].image}")
    assert out.output == "nginx:1.27"
    out = run(cluster, "kubectl run one --image=busybox -o jsonpath={.spec.containers[0].image}")
    assert (out.output, out.exit_code) == ("busybox", 0)
    assert run(cluster, "kubectl create namespace lab --dry-run=client -o JSON").output == \
        run(cluster, "kubectl create namespace lab --dry-run=client -o json").output
    out = run(cluster, "kubectl label deployment web tier=front -o jsonpath={.metadata.labels.tier}")
    assert (out.output, out.exit_code) == ("front", 0)
    out = run(cluster, "kubectl scale deployment web --replicas=2 -o jsonpath={.spec.replicas}")
    assert (out.output, out.exit_code) == ("2", 0)
    out = run(cluster, "kubectl expose deployment web --port=80 -o jsonpath={.spec.ports[0].port}")
    assert (out.output, out.exit_code) == ("80", 0)


# -- get ----------------------------------------------------------------------------------------

@pytest.fixture
def cluster() -> Cluster:
    c = Cluster(seed=1)
    c.workspace = dict(FILES)
    return c


def test_get_format_list_is_gets_own(cluster, workdir):
    """get refuses an unknown format with its own list (custom-columns and wide included): the
    list is what ``kubectl get -o`` documents in its help, captured from the binary."""
    mine = run(cluster, "kubectl get ns -o foo")
    assert mine.exit_code == 1
    listed = mine.output.rsplit("allowed formats are: ", 1)[1].strip()
    if KUBECTL is None:
        pytest.skip("no real kubectl v1.32 to compare with")
    help_text, _ = real(workdir, "kubectl get --help")
    documented = help_text.split("Output format. One of: (", 1)[1].split(")", 1)[0]
    assert listed.split(",") == sorted(documented.replace(" ", "").split(","))
    write_help, _ = real(workdir, "kubectl create namespace --help")
    write_listed = run(cluster, "kubectl create namespace x -o foo").output.rsplit("are: ", 1)[1].strip()
    write_documented = write_help.split("Output format. One of: (", 1)[1].split(")", 1)[0]
    assert write_listed.split(",") == sorted(write_documented.replace(" ", "").split(","))


def test_custom_columns_file_is_the_same_table_as_the_spec(cluster):
    from_file = run(cluster, "kubectl get pods -A -o custom-columns-file=cols.txt")
    from_spec = run(cluster, "kubectl get pods -A -o custom-columns=NAME:.metadata.name,PHASE:{.status.phase}")
    assert from_file.exit_code == 0 and from_file.output == from_spec.output
    assert from_file.output.startswith("NAME ")


@pytest.mark.parametrize(("name", "message"), [
    ("cols-short.txt", "error: invalid template, missing spec line. Expected format is one line of space separated "
                       "headers, one line of space separated column specs.\n"),
    ("cols-empty.txt", "error: invalid template, missing header line. Expected format is one line of space "
                       "separated headers, one line of space separated column specs.\n"),
    ("cols-mismatch.txt", "error: number of headers (2) and field specifications (1) don't match\n"),
    # customcolumn_flags.go: fmt.Errorf("error reading template %s, %v\n", ...); CheckErr adds no second newline
    ("missing.txt", "error: error reading template missing.txt, open missing.txt: no such file or directory\n"),
])
def test_custom_columns_file_errors(cluster, name, message):
    result = run(cluster, f"kubectl get pods -o custom-columns-file={name}")
    assert (result.output, result.exit_code) == (message, 1)


def test_jsonpath_file_on_get(cluster):
    result = run(cluster, "kubectl get ns default -o jsonpath-file=tmpl.txt")
    assert (result.output, result.exit_code) == ("Namespace/default\n", 0)


def test_sort_by_orders_numbers_strings_and_quantities():
    objs = [{"v": v, "n": i} for i, v in enumerate([10, 9, 100])]
    assert [o["v"] for o in printers.sort_by(objs, ".v")] == [9, 10, 100]
    # strings that are quantities compare as quantities, others bytewise
    objs = [{"v": v} for v in ["10", "9", "500m", "1Gi", "1Mi"]]
    assert [o["v"] for o in printers.sort_by(objs, "{.v}")] == ["500m", "9", "10", "1Mi", "1Gi"]
    objs = [{"v": v} for v in ["b", "B", "a", "10x"]]
    assert [o["v"] for o in printers.sort_by(objs, "v")] == ["10x", "B", "a", "b"]
    # objects without the field go first
    objs = [{"v": 2}, {"w": 1}, {"v": 1}]
    assert printers.sort_by(objs, ".v") == [{"w": 1}, {"v": 1}, {"v": 2}]
    with pytest.raises(printers.JSONPathError, match='couldn\'t find any field with path "{.x}"'):
        printers.sort_by(objs, ".x")
    with pytest.raises(printers.UnsortableError, match="unsortable type: bool"):
        printers.sort_by([{"v": True}, {"v": False}], ".v")
    with pytest.raises(printers.UnsortableError, match="unsortable interface"):
        printers.sort_by([{"v": 1}, {"v": "a"}], ".v")


def test_sort_by_table_failure_prints_nothing(cluster):
    """kubectl get ignores its table sorter's failure: no rows, then its "No resources found"."""
    result = run(cluster, "kubectl get pods -A --sort-by=.metadata.nope")
    assert (result.output, result.exit_code) == ("No resources found\n", 0)
    result = run(cluster, "kubectl get pods -A --sort-by=.metadata.nope -o name")
    assert result.exit_code == 1
    assert result.output == 'error: couldn\'t find any field with path "{.metadata.nope}" in the list of objects\n'


def test_get_flag_checks(cluster):
    assert run(cluster, "kubectl get pods --show-labels -o yaml").output == \
        "error: --show-labels option cannot be used with yaml printer\n"
    assert run(cluster, "kubectl get pods --output-watch-events").output == \
        "error: --output-watch-events option can only be used with --watch or --watch-only\n"
    assert run(cluster, "kubectl get ns --chunk-size=-1 -o name").exit_code == 0


def test_watch_prints_each_object_alone(cluster):
    """A watch hands its printer one object at a time: -o json is a document per object, not a List."""
    out = run(cluster, """kubectl get ns -w -o 'jsonpath={.kind}{"\\n"}'""").output
    assert set(out.split()) == {"Namespace"}
    events = run(cluster, "kubectl get ns default -w --output-watch-events -o jsonpath={.type}").output
    assert events == "ADDED"
    assert run(cluster, "kubectl get ns default -w --output-watch-events -o name").output == "namespace/default\n"
    columns = run(cluster, "kubectl get ns -w -o custom-columns=NAME:.metadata.name").output
    assert columns == run(cluster, "kubectl get ns -o custom-columns=NAME:.metadata.name").output
    table = run(cluster, "kubectl get ns -w --output-watch-events").output.splitlines()
    assert table[0].split()[:2] == ["EVENT", "NAME"] and table[1].startswith("ADDED ")


def test_unsortable_values_end_get_as_klog_does(cluster):
    """kubectl's sorters exit through klog.Exitf; the message after the log header is kubectl's
    (seen against the sandbox: only the time and process id in the header differ)."""
    result = run(cluster, "kubectl get nodes --sort-by=.metadata.labels -o name")
    header, _, message = result.output.partition("] ")
    assert result.exit_code == 1
    assert header.startswith("F") and header.endswith("sorter.go:329")
    assert message == ("Field {.metadata.labels} in *unstructured.Unstructured is an unsortable type: interface, "
                       "err: unsortable type: map[string]interface {}\n")
    table = run(cluster, "kubectl get nodes --sort-by=.metadata.labels")
    assert table.exit_code == 1 and "sorter.go:375] Field {.metadata.labels} in [][][]reflect.Value" in table.output
