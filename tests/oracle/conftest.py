"""The differential "oracle" suite's fixtures: one real server (threaded, as users run it), one
sandbox populated from ``examples/`` with its clock paused, the real kubectl pointed at it through
``/k8s/<id>``, and both sides' answers to every case computed once, in parallel threads.

The real kubectl is the one on the PATH, preferring ``kubectl.1.32`` beside it (the Google Cloud
SDK's dispatcher lives in the SDK's bin folder with its versioned binaries); the suite is skipped
with a message saying so when there is none. It runs with its own ``--kubeconfig``,
``--cache-dir`` and ``HOME`` in a temporary folder, so nothing of the machine's own configuration
leaks in.

At the end of the session the terminal summary prints ``oracle: N/M outputs identical``.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.realkubectl import find_kubectl
from tests.serverproc import running_server

ROOT = Path(__file__).resolve().parents[2]
#: the files of examples/ that are not applied: API versions v1.32 no longer serves, the lesson's
#: deliberate typo, and one whose NodePort (30080) httpd-nodeport.yml has taken
NOT_APPLIED = frozenset({"seeds/cronjob-sample-v1beta1.yml", "seeds/replicaset-extensions-v1beta1.yml",
                         "seeds/pod-kuard-typo.yml", "seeds/wordpress-deployment.yml"})
#: examples/ has no StatefulSet (the default cluster's DaemonSets, kube-proxy and flannel, cover
#: that kind) and no pod that fails; these add them
EXTRA = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 2
  selector:
    matchLabels:
      app: web-sts
  template:
    metadata:
      labels:
        app: web-sts
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
          name: web
---
apiVersion: v1
kind: Pod
metadata:
  name: badimage
spec:
  containers:
  - name: app
    image: nginx:does-not-exist
---
apiVersion: v1
kind: Pod
metadata:
  name: crasher
spec:
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "exit 3"]
---
apiVersion: v1
kind: Pod
metadata:
  name: pinned
spec:
  nodeSelector:
    disk: ssd
  containers:
  - name: app
    image: nginx
"""


@dataclass(frozen=True)
class Outcome:
    output: str
    exit_code: int
    seconds: float = 0.0  # wall time the command took (the real kubectl's; see test_oracle.align_times)


class Sandbox:
    """One sandbox of a running server, spoken to over HTTP as a client would."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}/api/sandboxes"
        self.id = self._call("POST", self.base, {})["id"]
        self.url = f"{self.base}/{self.id}"

    @staticmethod
    def _call(method: str, url: str, body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read())

    def run(self, command: str, stdin: str = "") -> Outcome:
        answer = self._call("POST", f"{self.url}/run", {"command": command, "stdin": stdin})
        return Outcome(answer["output"], answer["exitCode"])

    def clock(self, **body) -> dict:
        return self._call("POST", f"{self.url}/clock", body)

    def post(self, path: str) -> dict:
        return self._call("POST", f"{self.url}/{path}", {})

    def kubeconfig(self) -> str:
        with urllib.request.urlopen(f"{self.url}/kubeconfig", timeout=30) as resp:
            return resp.read().decode()


class RealKubectl:
    """The real kubectl against the sandbox; the output is stdout and stderr interleaved as a
    terminal shows them (one pipe for both)."""

    def __init__(self, binary: str, home: Path, kubeconfig: Path) -> None:
        self.binary = binary
        self.home = home
        self.kubeconfig = kubeconfig
        self.env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
                    "KUBECONFIG": str(kubeconfig)}

    def argv(self, command: str) -> list[str]:
        words = shlex.split(command)
        assert words[0] == "kubectl", command
        # after the command's own words and as --flag=value (kubectl takes the first word that is
        # not a flag for a plugin's name), but before a "--" that ends the flags
        end = words.index("--") if "--" in words else len(words)
        own = [f"--kubeconfig={self.kubeconfig}", f"--cache-dir={self.home / 'cache'}"]
        return [self.binary, *words[1:end], *own, *words[end:]]

    def run(self, command: str, stdin: str = "") -> Outcome:
        start = time.monotonic()
        proc = subprocess.run(self.argv(command), input=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, env=self.env, cwd=self.home, timeout=60)
        return Outcome(proc.stdout, proc.returncode, time.monotonic() - start)


@dataclass
class Oracle:
    sandbox: Sandbox
    kubectl: RealKubectl
    ours: dict[str, Outcome]
    theirs: dict[str, Outcome]

    def compute(self, commands: list[str]) -> None:
        todo = [c for c in commands if c not in self.ours]
        with ThreadPoolExecutor(max_workers=4) as pool:
            for command, a, b in zip(todo, pool.map(self.sandbox.run, todo), pool.map(self.kubectl.run, todo),
                                     strict=True):
                self.ours[command], self.theirs[command] = a, b


def _populate(sandbox: Sandbox) -> None:
    """Every applicable manifest of examples/ and ``EXTRA``; a minute for pods to pull and run, then
    node2 fails (NotReady, its pods' endpoints not ready) and two more minutes pass (the job
    completes, the cronjob fires, the crasher backs off); then the clock is paused."""
    examples = ROOT / "examples"
    for path in sorted(p.relative_to(examples).as_posix() for p in examples.rglob("*.y*ml")):
        if path not in NOT_APPLIED and not path.startswith("k8s.io/"):  # those are applied by URL
            result = sandbox.run(f"kubectl apply -f {path}")
            assert result.exit_code == 0, (path, result.output)
    result = sandbox.run("kubectl apply -f -", EXTRA)
    assert result.exit_code == 0, result.output
    sandbox.clock(advance=60)
    sandbox.post("nodes/node2/fail")
    sandbox.clock(advance=120)
    sandbox.clock(paused=True)


@pytest.fixture(scope="session")
def kubectl_binary() -> str:
    binary = find_kubectl()
    if binary is None:
        pytest.skip("oracle: no kubectl on the PATH — install kubectl (v1.32) to compare against it")
    return binary


@pytest.fixture(scope="session")
def oracle(kubectl_binary, tmp_path_factory) -> Iterator[Oracle]:
    data = tmp_path_factory.mktemp("oracle-data")
    home = tmp_path_factory.mktemp("oracle-home")
    with running_server(data) as (port, _log):
        sandbox = Sandbox(port)
        _populate(sandbox)
        kubeconfig = home / "kubeconfig"
        kubeconfig.write_text(sandbox.kubeconfig())
        real = RealKubectl(kubectl_binary, home, kubeconfig)
        warm = real.run("kubectl api-versions")  # fills the discovery cache before the parallel runs
        assert warm.exit_code == 0, warm.output
        yield Oracle(sandbox, real, {}, {})


#: filled by the tests (through the ``oracle_results`` fixture): command → True (identical), False,
#: "age" (identical but for ages one second apart, see test_oracle.within_age_rounding) or "order"
#: (the same lines in another order, for test_oracle.ORDER_FREE_DESCRIBES) or "note" (identical once
#: kubeplay's own note line is taken out, test_oracle.KUBEPLAY_NOTE)
RESULTS: dict[str, bool | str] = {}


@pytest.fixture(scope="session")
def oracle_results() -> dict[str, bool | str]:
    return RESULTS


def summary_line(results: dict[str, bool | str]) -> str | None:
    """The ``oracle: N/M outputs identical`` line for the terminal summary (None before any case ran)."""
    if not results:
        return None
    same = sum(v is True for v in results.values())
    ages = sum(v == "age" for v in results.values())
    order = sum(v == "order" for v in results.values())
    notes = sum(v == "note" for v in results.values())
    line = f"oracle: {same}/{len(results)} outputs identical"
    if ages or order or notes:
        line += (f" ({ages} more but for ages one second apart, {order} more but for the order of a Go"
                 f" map's keys, {notes} more but for kubeplay's own note line)")
    return line


def pytest_sessionfinish(session) -> None:
    """Under pytest-xdist the cases run in a worker: its results go back to the controller, whose
    summary line tests/conftest.py prints (this conftest is not loaded there)."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None and RESULTS:
        workeroutput["oracle_results"] = dict(RESULTS)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ARG001
    line = summary_line(RESULTS)
    if line is not None and not hasattr(config, "workeroutput"):
        terminalreporter.write_line(line)
