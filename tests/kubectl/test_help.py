"""kubectl's help texts and the dispatch around them, against the real kubectl v1.32 at test time.

The stored texts (server/kubectl/help/, written by tools/capture_kubectl_help.py) must be what the
binary prints now, and the engine must answer help lines, ``kubectl help …``, ``kubectl options``,
groups without their sub-command and mistyped commands byte for byte as the binary does (exit codes
included). The binary runs in the capture script's neutral environment (no terminal, an empty PATH,
a kubeconfig that does not exist): every line compared here is answered before any request.
A kubectl command that no module registers answers "kubeplay does not simulate", decided from the
registry when the line runs.
"""

from __future__ import annotations

import importlib.util
import json
import shlex
from pathlib import Path

import pytest

from server.kubectl import parse, run
from server.kubectl.parse import COMMANDS, Command, Flag, help_text, is_kubectl_command
from tests.realkubectl import KUBECTL

ROOT = Path(__file__).resolve().parents[2]
HELP_DIR = ROOT / "server" / "kubectl" / "help"
STORED = json.loads((HELP_DIR / "index.json").read_text())["commands"]
PATHS = sorted(STORED)

needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="the real kubectl v1.32 is not installed here")


def _capture_module():
    spec = importlib.util.spec_from_file_location("capture_kubectl_help", ROOT / "tools" / "capture_kubectl_help.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """The real kubectl in the capture script's neutral environment: ``real(*args) -> (output, rc)``."""
    if KUBECTL is None:
        pytest.skip("the real kubectl v1.32 is not installed here")
    return _capture_module().Kubectl(KUBECTL, tmp_path_factory.mktemp("kubectl-home"))


@pytest.fixture(scope="module")
def fresh(real, tmp_path_factory) -> Path:
    """A capture made now from the real binary."""
    out = tmp_path_factory.mktemp("help")
    _capture_module().capture(real, out)
    return out


def engine(cluster, line: str) -> tuple[str, int]:
    r = run(cluster, line)
    return r.output, r.exit_code


# -- the stored texts are the binary's ------------------------------------------------------------

@needs_kubectl
def test_the_stored_tree_is_the_binarys(fresh):
    assert json.loads((fresh / "index.json").read_text())["commands"] == STORED


@needs_kubectl
def test_every_stored_text_is_the_binarys(fresh):
    names = sorted(p.name for p in fresh.glob("*.txt"))
    assert names == sorted(p.name for p in HELP_DIR.glob("*.txt"))
    differ = [n for n in names if (fresh / n).read_bytes() != (HELP_DIR / n).read_bytes()]
    assert differ == []


def test_the_tree_has_every_command_kubectl_lists():
    assert len(PATHS) > 100
    for path in ("", "create secret docker-registry", "config set-context", "plugin list", "auth can-i",
                 "apply view-last-applied", "top pod", "certificate approve", "options", "help"):
        assert is_kubectl_command(path), path
    assert STORED["create configmap"]["aliases"] == ["cm"]
    assert not is_kubectl_command("create flurb")
    # cobra suggests the commands it lists (not help, not the hidden alpha)
    assert set(parse.KUBECTL_COMMANDS) == set(STORED[""]["subcommands"]) - {"help", "alpha"}


# -- every command's help, the three ways of asking -----------------------------------------------

@needs_kubectl
@pytest.mark.parametrize("how", ["{} --help", "{} -h"])
def test_every_commands_help_flag_prints_the_binarys_text(cluster, fresh, how):
    # what the binary printed for ``<path> --help`` while capturing now (cobra's -h is the same flag)
    differ = []
    for path in PATHS:
        want = (fresh / ((path.replace(" ", ".") or "_root") + ".txt")).read_text()
        if engine(cluster, f"kubectl {how.format(path)}") != (want, 0):
            differ.append(how.format(path))
    assert differ == []


@needs_kubectl
def test_every_commands_help_topic_as_the_binary_prints_it(cluster, real):
    differ = [path for path in PATHS if engine(cluster, f"kubectl help {path}") != real("help", *path.split())]
    assert differ == []


def test_help_is_served_for_commands_no_module_registers(cluster, monkeypatch):
    _unregister(monkeypatch, "get")
    assert engine(cluster, "kubectl get pods -h") == (help_text("get"), 0)
    assert engine(cluster, "kubectl proxy --port=8001 --help") == (help_text("proxy"), 0)


# -- dispatch rules, line by line against the binary ----------------------------------------------

LINES = (
    # kubectl alone, its help and trailer, its flags
    "", "-h", "--help", "-n foo", "--nosuch", "--nosuch get", "-h --nosuch",
    # while cobra walks to the command, -h/--help is not a flag yet, so it takes the next word as its value
    "-h get", "--help get", "rollout -h status", "create -h secret generic",
    # ... and kubectl refuses a plugin name after a flag
    "-h get pods", "-v 3 ge", "-n x zz", "--namespace x frobnicate",
    # -h anywhere, with extra arguments and other flags; flag errors win over it
    "get pods -h", "get -h extra args here", "get -hA", "get -Ah", "get -h=false --help", "get -h --nosuch",
    "get --nosuch -h", "get -h -o", "get -h --chunk-size=x", "delete pod x --grace-period=abc -h",
    "create cm -h", "create svc nodeport -h", "top no -h", "create role -h --verb=get", "proxy --port=1 -h",
    "proxy --nosuch -h", "apply -f x.yaml -h", "exec -it x -h -- sh", "logs -f -h", "-n x -h", "--context",
    "--namespace=x -h", "run x --image=nginx -h -- sh -h", "scale --replicas=x -h", "drain -h node1 --force", "config set-context --current --namespace=x -h",
    # unknown words: cobra's text and suggestions, with or without -h
    "frobnicate", "frobnicate -h", "frobnicate --help", "ap", "c", "de", "gt pods", "node", "TAINT",
    "Get", "hepl", "alpah", "optins", "completio",
    # groups without their sub-command, or with an unknown one
    "rollout", "rollout foo", "rollout foo bar -n x", "rollout foo -h", "set", "set foo bar",
    "create secret", "create secret foo", "create secret foo -h", "create service", "config", "config foo bar",
    "auth", "top", "top foo", "plugin", "certificate", "certificate foo", "alpha", "alpha foo", "alpha -h",
    "rollout --nosuch",
    # kubectl help
    "help", "help get pods", "help create secret generic", "help create cm", "help rollout foo", "help frob",
    "help frob bar", "help 'a`b' c", "help help", "help -h", "help get -h", "help --nosuch", "help get --nosuch",
    "help -n x get", "help get --namespace", "help options",
    # kubectl options
    "options", "options foo", "options -n x", "options -h", "options --nosuch", "options --v", "options -hx",
)


@needs_kubectl
@pytest.mark.parametrize("line", LINES)
def test_a_line_answers_as_the_binary_does(cluster, real, line):
    assert engine(cluster, f"kubectl {line}") == real(*shlex.split(line))


# -- commands no module registers -----------------------------------------------------------------

def _unregister(monkeypatch, path: str) -> None:
    """No handler for the command, under any of its names (its module's own registrations gone)."""
    parse._load_verbs()
    for spelling in parse._spellings(path):
        monkeypatch.delitem(COMMANDS, spelling, raising=False)


def _unregistered() -> list[str]:
    parse._load_verbs()
    return [p for p in PATHS if p and not any(s in COMMANDS for s in parse._spellings(p))
            and p not in ("help", "options")
            and STORED[p].get("bare", ("run", 1))[0] == "run"]


def test_every_kubectl_command_no_module_registers_says_it_is_not_simulated(cluster):
    for path in _unregistered():
        assert engine(cluster, f"kubectl {path} some-arg --namespace=x") == (
            f"error: kubeplay does not simulate `kubectl {path}` yet\n", 1), path


@pytest.mark.parametrize("line, path", [
    ("kubectl taint nodes node1 dedicated=lab:NoSchedule", "taint"),
    ("kubectl create role reader --verb=get --resource=pods", "create role"),
    ("kubectl create secret tls web --cert=c.pem --key=k.pem", "create secret tls"),
    ("kubectl config view --minify", "config view"),
    ("kubectl -n kube-system top pod --containers", "top pod"),
])
def test_the_registry_decides_when_the_line_runs(cluster, monkeypatch, line, path):
    # without a handler: kubectl's command, not an unknown word
    _unregister(monkeypatch, path)
    assert engine(cluster, line) == (f"error: kubeplay does not simulate `kubectl {path}` yet\n", 1)
    # with one: it runs, with the arguments after the command's words
    seen = []

    def handler(inv):
        seen.append((inv.command, inv.args))
        return "served"

    words = shlex.split(line)[1:]
    own = (Flag("verb", kind="list"), Flag("resource", kind="str"), Flag("cert", kind="str"),
           Flag("key", kind="str"), Flag("minify"), Flag("containers"))
    monkeypatch.setitem(COMMANDS, path, Command(path, handler, own))
    assert engine(cluster, line) == ("served\n", 0)
    positional = [w for w in words if not w.startswith("-") and w != "kube-system"]
    assert seen == [(path, positional[len(path.split()):])]


def test_an_alias_reaches_the_command_registered_under_its_name(cluster, monkeypatch):
    _unregister(monkeypatch, "create configmap")
    monkeypatch.setitem(COMMANDS, "create configmap", Command("create configmap", lambda inv: " ".join(inv.args), ()))
    assert engine(cluster, "kubectl create cm settings") == ("settings\n", 0)
    monkeypatch.delitem(COMMANDS, "create configmap")
    assert engine(cluster, "kubectl create cm settings") == (
        "error: kubeplay does not simulate `kubectl create configmap` yet\n", 1)


def test_a_command_registered_under_an_alias_only_is_reached_by_its_name(cluster, monkeypatch):
    _unregister(monkeypatch, "create service nodeport")
    monkeypatch.setitem(COMMANDS, "create svc nodeport",
                        Command("create svc nodeport", lambda inv: f"{inv.command}: {inv.args}", ()))
    assert engine(cluster, "kubectl create service nodeport web") == ("create svc nodeport: ['web']\n", 0)


def test_a_group_with_a_handler_of_its_own_is_not_simulated_without_it(cluster, monkeypatch):
    _unregister(monkeypatch, "create")
    assert engine(cluster, "kubectl create -f pod.yaml") == ("error: kubeplay does not simulate `kubectl create` yet\n", 1)
    # its sub-commands still reach theirs
    assert engine(cluster, "kubectl create namespace lab --dry-run=client -o name") == ("namespace/lab\n", 0)


ODD = ("---", "-", "get '' -h", "-=x", "--=", "help ''", "ünïcødé -h", "help ünï",
       "-- get", "options --", "-hh", "get -h -- -x", "'get pods' -h", "help 'a\tb'", "help '\x7f'",
       "rollout -- status", "rollout foo --", "help 'é\u200b\U0001f600'", "help '\ufeff'")


@needs_kubectl
@pytest.mark.parametrize("line", ODD)
def test_odd_lines_answer_as_the_binary_does(cluster, real, line):
    assert engine(cluster, f"kubectl {line}") == real(*shlex.split(line))


def test_a_nul_in_a_help_topic_is_quoted_as_go_does(cluster):
    # Go's %#q of a string strconv.CanBackquote refuses (argv cannot carry a NUL to the binary)
    output, code = engine(cluster, "kubectl help 'a\x00'")
    assert (output.split("\n")[0], code) == ('Unknown help topic ["a\\x00"]', 0)


def test_the_command_gets_the_line_without_the_words_that_named_it(cluster, monkeypatch):
    # cobra's argsMinusFirstX: the first "get" that is not a flag's value goes, an empty word stays
    seen = []
    monkeypatch.setitem(COMMANDS, "get", Command("get", lambda inv: seen.append(inv.args) or "", ()))
    engine(cluster, "kubectl '' get")
    engine(cluster, "kubectl -n get get pods get")
    assert seen == [[""], ["pods", "get"]]
