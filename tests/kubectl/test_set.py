"""kubectl set env | resources | selector | serviceaccount: kubeplay's terminal against the real kubectl v1.32.

Client side (``--local -f``): the same manifests on the workstation and in a temporary directory,
the real binary run with a kubeconfig that points nowhere; output and exit code must be the same
(kubeplay's terminal is one stream: the real stderr's warnings come first, its errors last, as they
reach a terminal). Server side: a real kubeplay server, the real kubectl against its API, then the
same command in kubeplay's terminal on the same objects (put back between the two runs).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from server.kubectl import run
from server.sim.cluster import Cluster
from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed: the comparisons need the real one")

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      initContainers:
      - name: init
        image: busybox
      containers:
      - name: nginx
        image: nginx
        env:
        - name: A
          value: "1"
        - name: SECRET_X
          valueFrom:
            secretKeyRef: {name: s1, key: x}
      - name: side
        image: busybox
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
"""
POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  containers:
  - name: c
    image: nginx
    ports:
    - containerPort: 80
"""
CRONJOB = """\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: x
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
          - name: c
            image: nginx
"""


def _workload(kind: str, api: str) -> str:
    return f"""\
apiVersion: {api}
kind: {kind}
metadata:
  name: x
spec:
  selector:
    matchLabels: {{app: x}}
  template:
    metadata:
      labels: {{app: x}}
    spec:
      containers:
      - name: c
        image: nginx
"""


FILES = {"dep.yaml": DEPLOYMENT, "svc.yaml": SERVICE, "pod.yaml": POD, "cj.yaml": CRONJOB,
         "ds.yaml": _workload("DaemonSet", "apps/v1"), "sts.yaml": _workload("StatefulSet", "apps/v1"),
         "rs.yaml": _workload("ReplicaSet", "apps/v1")}
KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters:
- cluster: {server: "https://127.0.0.1:1"}
  name: none
contexts:
- context: {cluster: none, user: none, namespace: default}
  name: none
current-context: none
users:
- name: none
  user: {token: none}
"""

LOCAL_CASES = [
    "set env --local -f dep.yaml B=2 -o yaml",
    "set env --local -f dep.yaml A-",
    "set env --local -f dep.yaml A=1",
    "set env --local -f dep.yaml --list",
    "set env --local -f dep.yaml -c side C=3 --list",
    "set env --local -f dep.yaml -c 'si*' C=3 -o yaml",
    "set env --local -f dep.yaml -e X=1 Y=2 --prefix=P_ -o yaml",
    "set env --local -f dep.yaml A=9 --overwrite=false",
    "set env --local -f dep.yaml A=1 --overwrite=false -o name",
    "set env --local -f dep.yaml 1A=9",
    "set env --local -f dep.yaml A=1 A-",
    "set env --local -f dep.yaml A=1 B=2 C",
    "set env --local -f dep.yaml --keys=a",
    "set env --local -f dep.yaml --list -o yaml",
    "set env --local -f dep.yaml --from=configmap/cfg",
    "set env --local -f dep.yaml A=2 --dry-run=client",
    "set env --local -f dep.yaml A=2 --dry-run=server",
    "set env --local -f svc.yaml -f dep.yaml A=1",
    "set env --local -f pod.yaml A=1 -o yaml",
    "set env --local -f cj.yaml A=1 -o yaml",
    "set env --local -f ds.yaml A=1 -o yaml",
    "set env --local -f sts.yaml A=1 -o yaml",
    "set env --local -f rs.yaml A=1 -o yaml",
    "set env --local -f rs.yaml A=1 -o json",
    "set env deploy/web A=1 --local",
    "set env",
    "set resources --local -f dep.yaml --limits=cpu=0.5,memory=1024Mi --requests=cpu=100m -c nginx -o yaml",
    "set resources --local -f dep.yaml -c nope --limits=cpu=1",
    "set resources --local -f dep.yaml",
    "set resources --local -f dep.yaml --limits=cpu=abc",
    "set resources --local -f dep.yaml --limits=cpu",
    "set resources --local -f dep.yaml --limits=foo=1",
    "set resources --local -f dep.yaml --limits=cpu=1 --dry-run=server",
    "set resources --local -f dep.yaml --limits=cpu=1 --all -l a=b",
    "set resources --local -f svc.yaml --limits=cpu=1",
    "set resources deploy/web --local --limits=cpu=1",
    "set selector --local -f svc.yaml a=b,c=d -o yaml",
    "set selector --local -f svc.yaml a=b",
    "set selector --local -f svc.yaml 'app in (a,b)'",
    "set selector --local -f dep.yaml app=x",
    "set selector svc/web a=b --local",
    "set selector",
    "set serviceaccount --local -f dep.yaml sa2 -o yaml",
    "set sa --local -f pod.yaml sa2",
    "set sa --local -f svc.yaml sa1",
    "set sa",
]
#: cases whose real stderr is a warning written before the output
WARNING_FIRST = {"set env --local -f dep.yaml -c nope A=1"}
LOCAL_CASES.append("set env --local -f dep.yaml -c nope A=1")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("set")
    for name, text in FILES.items():
        (d / name).write_text(text)
    (d / "kubeconfig").write_text(KUBECONFIG)
    return d


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    c = Cluster(seed=1, empty=True)
    c.workspace.update(FILES)
    return c


def _real(workdir: Path, line: str, stdin: str = "") -> tuple[str, str, int]:
    import shlex

    cmd = [KUBECTL, "--kubeconfig", str(workdir / "kubeconfig"), *shlex.split(line)]
    p = subprocess.run(cmd, cwd=workdir, input=stdin, capture_output=True, text=True, timeout=60,
                       env={"HOME": str(workdir), "PATH": "/usr/bin:/bin"})
    return p.stdout, p.stderr, p.returncode


@pytest.mark.parametrize("line", LOCAL_CASES)
def test_local_matches_real_kubectl(workdir, cluster, line):
    out, err, code = _real(workdir, line)
    want = err + out if line in WARNING_FIRST else out + err
    got = run(cluster, "kubectl " + line)
    assert (got.output, got.exit_code) == (want, code)


def test_env_from_stdin_file(workdir, cluster):
    stdin = "# settings\nMODE=fast # trailing\nEMPTY=\nnot a variable\n"
    out, err, code = _real(workdir, "set env --local -f dep.yaml -c side - -o yaml", stdin)
    got = run(cluster, "kubectl set env --local -f dep.yaml -c side - -o yaml", stdin)
    assert (got.output, got.exit_code) == (out + err, code)
    assert "- name: MODE\n          value: 'fast '\n        - name: EMPTY\n" in got.output


# -- against a kubeplay server ---------------------------------------------------------------------

CONFIG = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {b.key: "2", a-key: "1", LOG_LEVEL: debug}
"""
SERVER_CASES = [
    # (command, whether it changes the objects)
    ("set env deploy/web X=1", True),
    ("set env deploy/web A=1", True),
    ("set env deploy/web A=1 -c nginx", False),
    ("set env deploy/web B=1 --dry-run=client -o yaml", False),
    ("set env deploy/web X=1 --dry-run=client", False),
    ("set env deploy/web X=1 --dry-run=server", False),
    ("set env deploy/web A-", True),
    ("set env deploy/web A=10 --overwrite=false", False),
    ("set env deploy/web --from=configmap/cfg -c nginx", True),
    ("set env deploy/web --from=configmap/cfg --keys=a-key --prefix=CFG_ -c nginx", True),
    ("set env deploy/web --from=configmap/nope", False),
    ("set env deploy/web --from=deploy/web", False),
    ("set env deploy/web --list", False),
    ("set env deploy/web --list --resolve", False),
    ("set env deploy/web -c nope A=1", False),
    ("set env deploy/web deploy/nope A=1", False),
    ("set env deploy --all X=2", True),
    ("set env deploy -l app=web X=3", True),
    ("set env deploy X=3", False),
    ("set env svc/web A=1", False),
    ("set resources deploy/web --limits=cpu=1,memory=512Mi -c nginx", True),
    ("set resources deploy/nope", False),
    ("set resources deploy/web -c nope --limits=cpu=1", False),
    ("set selector svc/web app=web2", True),
    ("set selector svc/web 'app in (a,b)'", False),
    ("set selector svc/web '!!'", False),
    ("set selector svc/web a=b --resource-version=1", False),
    ("set selector svc/web svc/nope a=b", True),
    ("set selector deploy/web app=x", False),
    ("set serviceaccount deploy/web sa1", True),
    ("set sa deploy/web sa1 --dry-run=client", False),
    ("set sa deploy/web deploy/nope sa2", False),
    ("set sa svc/web x", False),
    # a pod's spec is immutable but for images: the server refuses, dry run or not
    ("set env pod/p A=1", False),
    ("set env pod/p A=1 --dry-run=server", False),
    ("set resources pod/p --limits=cpu=1", False),
    ("set sa pod/p foo", False),
    ("set sa pod/p foo --dry-run=server", False),
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        lab.clock(paused=True)
        lab.kubectl("apply", "-f", "-", stdin=CONFIG + "---\n" + POD.replace("name: x", "name: p"))
        yield lab


def _env_sorted(state: tuple) -> tuple:
    spec, selector = state
    for c in spec.get("containers", []):
        c["env"] = sorted(c.get("env", []), key=lambda e: e["name"])
    return spec, selector


def _times(text: str) -> str:
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "<time>", text)


def _reset(lab) -> None:
    """The deployment and service as the manifests have them (deleted and created again, through
    the terminal: two requests where two real kubectl processes took a second or more)."""
    for command, stdin in (("kubectl delete deployment/web service/web --ignore-not-found --wait=false", ""),
                           ("kubectl apply -f -", DEPLOYMENT + "---\n" + SERVICE)):
        answer = lab.request("POST", f"/api/sandboxes/{lab.sid}/run", {"command": command, "stdin": stdin})
        assert answer["exitCode"] == 0, answer["output"]


@pytest.mark.parametrize(("line", "changes"), SERVER_CASES)
def test_against_the_api_matches_real_kubectl(lab, line, changes):
    import shlex

    _reset(lab)
    before = lab.objects("Deployment")["web"]["spec"]["template"]["spec"], \
        lab.objects("Service")["web"]["spec"].get("selector")
    real = lab.kubectl(*shlex.split(line), check=False)
    after_real = lab.objects("Deployment")["web"]["spec"]["template"]["spec"], \
        lab.objects("Service")["web"]["spec"].get("selector")
    if changes:
        _reset(lab)  # (recreated objects have new timestamps: only where the first run changed them)
    got = lab.engine("kubectl " + line)
    after_engine = lab.objects("Deployment")["web"]["spec"]["template"]["spec"], \
        lab.objects("Service")["web"]["spec"].get("selector")
    if "--list" in line:
        # the listing's resolution errors reach the terminal between its lines: without them the
        # listing is the real stdout, and each is there
        err_lines = real.stderr.splitlines()
        assert [x for x in got.splitlines() if x not in err_lines] == real.stdout.splitlines()
        assert all(x in got.splitlines() for x in err_lines)
    else:
        warnings = "".join(x + "\n" for x in real.stderr.splitlines() if x.startswith("Warning:"))
        if "--from" in line:  # Go walks the ConfigMap's keys in random order; kubeplay sorts them
            warnings = "".join(sorted(warnings.splitlines(keepends=True)))
        errors = "".join(x + "\n" for x in real.stderr.splitlines() if not x.startswith("Warning:"))
        # the API shows the sandbox's virtual time shifted to the wall clock; the terminal shows it as is
        assert _times(got) == _times(warnings + real.stdout + errors)
    assert (after_real != before) == changes
    if "--from" in line:
        after_engine, after_real = _env_sorted(after_engine), _env_sorted(after_real)
    assert after_engine == after_real
