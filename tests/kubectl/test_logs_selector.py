"""``kubectl logs -l SELECTOR``: the real kubectl v1.32 against our API beside kubeplay's terminal.
The selector's pods each give their last 10 lines unless ``--tail`` says otherwise, ``--prefix``
names pod and container, a multi-container pod says which container it defaulted to,
``--all-containers`` reads every one, no pod is ``No resources found in … namespace.``, a
``-l`` beside a pod name is refused, and ``-f`` over more streams than ``--max-log-requests``
is refused in kubectl's words. kubectl reads the requests from a Go map (in no fixed order), so
multi-pod outputs are compared as sorted lines; the Debugging DNS Resolution page's
``kubectl logs --namespace=kube-system -l k8s-app=kube-dns`` shows CoreDNS's start-up lines."""

from __future__ import annotations

import pytest

from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed: the real-client tests need one")

COUNTERS = "".join(f"""---
apiVersion: v1
kind: Pod
metadata:
  name: count-{i}
  labels: {{app: counter}}
spec:
  restartPolicy: Never
  containers:
  - name: count
    image: busybox:1.36
    command: ["sh", "-c", "i=0; while [ $i -lt 14 ]; do echo pod {i} line $i; i=$((i+1)); done; sleep 3600"]
""" for i in range(3))
PAIR = """apiVersion: v1
kind: Pod
metadata:
  name: pair
  labels: {app: pair}
spec:
  containers:
  - name: first
    image: busybox:1.36
    command: ["sh", "-c", "echo first says hi; sleep 3600"]
  - name: second
    image: busybox:1.36
    command: ["sh", "-c", "echo second says hi; sleep 3600"]
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        lab.kubectl("apply", "-f", "-", stdin=COUNTERS + "---\n" + PAIR)
        lab.clock(advance=40)
        yield lab


@pytest.mark.parametrize("args", [
    ["-l", "app=counter"], ["-l", "app=counter", "--tail=2"], ["-l", "app=counter", "--tail=-1"],
    ["-l", "app=counter", "--prefix"], ["-l", "app=counter", "--prefix", "--tail=3"],
    ["-l", "app in (counter,pair)", "--tail=1"], ["-l", "app=pair", "--all-containers", "--prefix"],
    ["-l", "app=pair", "-c", "second"],
])
def test_selector_logs_match_the_real_kubectl(lab, args):
    real = lab.kubectl("logs", *args)
    ours = lab.engine("kubectl logs " + " ".join(f"'{a}'" if " " in a else a for a in args))
    assert real.stdout  # every case has lines to show
    assert sorted(ours.splitlines()) == sorted((real.stderr + real.stdout).splitlines())


def test_ten_lines_per_pod_by_default(lab):
    out = lab.engine("kubectl logs -l app=counter").splitlines()
    assert len(out) == 30
    for i in range(3):
        assert [ln for ln in out if ln.startswith(f"pod {i} ")] == [f"pod {i} line {n}" for n in range(4, 14)]
    # each pod's lines come together, as kubectl consumes one request after the other
    firsts = [out.index(f"pod {i} line 4") for i in range(3)]
    assert sorted(firsts) == [0, 10, 20]


def test_defaulted_container_note_and_prefix(lab):
    real = lab.kubectl("logs", "-l", "app=pair", "--prefix")
    assert real.stderr == 'Defaulted container "first" out of: first, second\n'
    assert real.stdout == "[pod/pair/first] first says hi\n"
    assert lab.engine("kubectl logs -l app=pair --prefix") == real.stderr + real.stdout


def test_no_pods(lab):
    real = lab.kubectl("logs", "-l", "app=nothing")
    assert (real.returncode, real.stdout, real.stderr) == (0, "", "No resources found in default namespace.\n")
    assert lab.engine("kubectl logs -l app=nothing") == real.stderr


def test_refusals_in_kubectls_words(lab):
    real = lab.kubectl("logs", "count-0", "-l", "app=counter", check=False)
    assert real.returncode == 1
    assert lab.engine("kubectl logs count-0 -l app=counter") == real.stderr
    assert real.stderr == ("error: only a selector (-l) or a POD name is allowed\n"
                           "See 'kubectl logs -h' for help and examples\n")
    real = lab.kubectl("logs", "-l", "app in (counter,pair)", "--all-containers", "-f", "--max-log-requests=3",
                       check=False)
    assert real.returncode == 1
    assert real.stderr == ("error: you are attempting to follow 5 log streams, but maximum allowed concurrency is 3, "
                           "use --max-log-requests to increase the limit\n")
    assert lab.engine("kubectl logs -l 'app in (counter,pair)' --all-containers -f --max-log-requests=3") == \
        real.stderr
    real = lab.kubectl("logs", "-l", "app=pair", "-c", "third", check=False)
    assert real.returncode == 1
    assert lab.engine("kubectl logs -l app=pair -c third") == real.stderr


def test_the_dns_pages_coredns_logs(lab):
    real = lab.kubectl("logs", "--namespace=kube-system", "-l", "k8s-app=kube-dns")
    ours = lab.engine("kubectl logs --namespace=kube-system -l k8s-app=kube-dns")
    assert sorted(ours.splitlines()) == sorted(real.stdout.splitlines())
    assert ours.count(".:53\n") == 2 and ours.count("CoreDNS-1.11.3\n") == 2
