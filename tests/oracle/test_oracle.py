"""The same command lines through the real kubectl (against the sandbox's ``/k8s/<id>`` API) and
through kubeplay's own kubectl engine (``POST /api/sandboxes/<id>/run``): output text and exit
code must be identical.

Timestamps: the API shifts every meta/v1 Time by a whole number of seconds so that the
sandbox's virtual now reads as the wall-clock now of the response, while the engine prints
virtual times. Before comparing, ``align_times`` takes the real kubectl's timestamp wherever it
is the engine's moved by that offset (or not moved: times the API does not shift, such as
annotation values); a timestamp that differs by anything else still differs.

Two tolerances, each counted apart in the summary line: ages the real kubectl reads one second
younger (``within_age_rounding``: the API rounds its offset, see there) and, for the
``ORDER_FREE_DESCRIBES`` cases, the same lines in another order (kubectl ranges over a Go map).
One addition of kubeplay's own is taken out before comparing and counted too: the one line that
``describe`` adds after a pod's Events when the simulated registry has no such image
(``KUBEPLAY_NOTE``, a line that starts with ``kubeplay: ``), which the real kubectl cannot print.

A difference is a bug on one side; one the suite knows about is listed in
``known_differences.yaml`` (``command`` and ``why``), and its case is xfail-strict, so a
difference that goes away is noticed.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from tests.realkubectl import within_age_rounding

HERE = Path(__file__).resolve().parent

KINDS = ("pods", "deployments", "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs", "services",
         "endpoints", "endpointslices", "configmaps", "secrets", "serviceaccounts", "events", "leases",
         "controllerrevisions", "nodes", "namespaces")
OUTPUTS = ("", "-o wide", "-o yaml", "-o json", "-o name", "-o 'jsonpath={.items[*].metadata.name}{\"\\n\"}'",
           "-o custom-columns=NAME:.metadata.name,NAMESPACE:.metadata.namespace,KIND:.kind")
EXPLAIN = ("pods", "pod.spec.containers", "deployments.spec.strategy", "services.spec", "cronjobs.spec.jobTemplate",
           "nodes.status.conditions", "configmap")
CLIENT_SIDE = (
    "kubectl create deployment web --image=nginx:1.27 --replicas=3 --port=80 --dry-run=client -o yaml",
    "kubectl create configmap settings --from-literal=color=blue --from-literal=size=L --dry-run=client -o yaml",
    "kubectl create secret generic creds --from-literal=user=admin --dry-run=client -o yaml",
    "kubectl create service clusterip web --tcp=80:8080 --dry-run=client -o yaml",
    "kubectl create service nodeport web --tcp=80:8080 --dry-run=client -o yaml",
    "kubectl create job once --image=busybox --dry-run=client -o yaml -- echo hi",
    "kubectl create cronjob tick --image=busybox --schedule='*/5 * * * *' --dry-run=client -o yaml",
    "kubectl create namespace lab --dry-run=client -o yaml",
    "kubectl create serviceaccount robot --dry-run=client -o yaml",
    "kubectl run web --image=nginx --dry-run=client -o yaml",
    "kubectl run web --image=nginx --port=80 --labels=app=web,tier=front --dry-run=client -o json",
    "kubectl create deployment web --image=nginx --dry-run=client",
    "kubectl expose deployment nginx-deployment --port=80 --dry-run=client -o yaml",
)
ERRORS = (
    "kubectl get pod does-not-exist",
    "kubectl get deployments does-not-exist",
    "kubectl describe pod does-not-exist",
    "kubectl get flurbs",
    "kubectl get pods -o yamll",
    "kubectl get pods --no-such-flag",
    "kubectl frobnicate",
    "kubectl delete pod",
    "kubectl get",
    "kubectl logs does-not-exist",
    "kubectl create deployment web",
    "kubectl scale deployment nginx-deployment",
    "kubectl get nodes -n kube-system master2",
    "kubectl describe nosuchkind",
    "kubectl describe pod",
    "kubectl get pods -l 'app in (x'",
    "kubectl get pods --field-selector spec.color=red",
    "kubectl get pods -o jsonpath={.items[0].metadata.name",
    "kubectl get pods -o custom-columns=NAME",
    "kubectl get pods --sort-by=.metadata.nope",
    "kubectl get deploy,nosuch",
    "kubectl get pod httpd nosuch",
    "kubectl get pods -n nosuch",
    "kubectl get namespace nosuch",
)
HELP = ("kubectl get --help", "kubectl describe --help", "kubectl apply --help", "kubectl create --help",
        "kubectl create deployment --help", "kubectl run --help", "kubectl logs --help", "kubectl delete --help",
        "kubectl explain --help", "kubectl --help")


def cases() -> list[str]:
    out: list[str] = []
    for kind in KINDS:
        scope = "" if kind in ("nodes", "namespaces") else " -A"
        out.append(f"kubectl get {kind}")
        out += [f"kubectl get {kind}{scope} {o}".rstrip() for o in OUTPUTS]
        out.append(f"kubectl describe {kind}{scope}")
    out += ["kubectl get pods --show-labels", "kubectl get deploy,rs,po", "kubectl get all", "kubectl get all -A",
            "kubectl get pod -l app=nginx -o wide", "kubectl get pods -A --sort-by=.metadata.name",
            "kubectl get pods -A --sort-by=.metadata.creationTimestamp",
            "kubectl get events -A --sort-by=.lastTimestamp",
            "kubectl get pods -A --sort-by=.status.containerStatuses[0].restartCount -o wide",
            "kubectl get pods -A --sort-by={.spec.nodeName} -o name", "kubectl get svc -A --sort-by=.spec.clusterIP",
            "kubectl get pods -o jsonpath={.items[0].metadata.name}",
            "kubectl get pods -A -o 'jsonpath={range .items[*]}{.metadata.name}{\"\\t\"}{.status.phase}{\"\\n\"}{end}'",
            "kubectl get pods -o custom-columns=NAME:.metadata.name,IMAGES:.spec.containers[*].image,NODE:spec.nodeName",
            "kubectl get svc nginx-service -o yaml", "kubectl describe deployment nginx-deployment",
            "kubectl describe node node1", "kubectl get nodes -o wide --show-labels",
            "kubectl get pod httpd", "kubectl get pod httpd -o yaml", "kubectl get pod httpd -o json",
            "kubectl get pod httpd -o wide", "kubectl get pod httpd -o yaml --show-managed-fields", "kubectl get pod httpd -o name", "kubectl get node node1 -o yaml",
            "kubectl get deploy sample-deployment -o yaml", "kubectl get svc,ep -o wide", "kubectl get po,svc -A",
            "kubectl get pods --no-headers", "kubectl get pods -L app", "kubectl get pods --show-kind",
            "kubectl get pods -l app=web-sts", "kubectl get pods -l 'app in (web-sts,httpd)'",
            "kubectl get pods -A --field-selector spec.nodeName=node1",
            "kubectl get pods -A --field-selector status.phase=Running -o name",
            "kubectl get pods -n kube-system", "kubectl get cm,secret -n kube-system",
            "kubectl get pods -o 'jsonpath={.items[?(@.metadata.name==\"httpd\")].spec.nodeName}{\"\\n\"}'",
            "kubectl get pods -o 'jsonpath={.items[*].spec.containers[*].image}{\"\\n\"}'",
            "kubectl get nodes -o 'jsonpath={range .items[*]}{.metadata.name} {.status.addresses[0].address}"
            "{\"\\n\"}{end}'",
            "kubectl get pod httpd -o 'jsonpath={.metadata.labels}{\"\\n\"}'",
            "kubectl get pod httpd -o 'jsonpath={.spec.containers[0]}{\"\\n\"}'",
            "kubectl get pods -A -o custom-columns=POD:metadata.name,NODE:.spec.nodeName,IP:.status.podIP",
            "kubectl get pods -o custom-columns=NAME:.metadata.name,LABELS:.metadata.labels --no-headers",
            "kubectl get nodes -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints[*].key",
            "kubectl describe pod httpd", "kubectl describe pods -l app=web-sts", "kubectl describe svc",
            "kubectl describe ds -n kube-system kube-proxy", "kubectl describe sts web",
            "kubectl describe deploy -n kube-system", "kubectl describe job sample-job", "kubectl describe cj",
            "kubectl describe cm sample-configmap", "kubectl describe pod sample", "kubectl describe pod sample web",
            "kubectl describe deploy sample-deployment nosuch",
            "kubectl api-resources", "kubectl api-resources --namespaced=false", "kubectl api-resources -o wide",
            "kubectl api-resources -o name", "kubectl api-versions", "kubectl version"]
    out += [f"kubectl explain {e}" for e in EXPLAIN]
    out += ["kubectl explain pods --recursive"]
    out += list(CLIENT_SIDE) + list(ERRORS) + list(HELP)
    for extra in sorted((HERE / "cases").glob("*.txt")):
        # one file per topic: a command line per line ("#" starts a comment); read-only commands
        # and dry runs only, as every case runs against the same sandbox at once
        out += [line.strip() for line in extra.read_text().splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    return list(dict.fromkeys(out))  # "get nodes" is both the plain and the -A case


CASES = cases()
#: cases whose order kubectl v1.32 does not fix: describe ranges over a Go map for a ConfigMap's
#: and a Secret's data (a different order each run), so their lines are compared as a multiset
ORDER_FREE_DESCRIBES = re.compile(r"^kubectl describe (?:cm|configmaps?|secrets?)\b")
#: kubeplay's own note after a pod's Events (server/sim/registry.py ``missing_note``)
KUBEPLAY_NOTE = re.compile(r"^kubeplay: [^\n]*\n", re.M)
KNOWN: dict[str, str] = {e["command"]: e["why"]
                         for e in yaml.safe_load((HERE / "known_differences.yaml").read_text()) or []}

#: the two forms kubectl prints times in: RFC 3339 (yaml, json, events) and RFC 1123Z (describe)
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z")
RFC1123Z = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                      r"\d{4} \d\d:\d\d:\d\d [+-]\d{4}")


def _instant(ts: str) -> datetime:
    if ts[4] == "-":
        return datetime.fromisoformat(ts[:19] + "+00:00")
    return datetime.strptime(ts, "%a, %d %b %Y %H:%M:%S %z")


def align_times(ours: str, theirs: str, seconds: float = 0.0) -> str:
    """``ours`` with each timestamp replaced by the real kubectl's in the same place when that one
    is the same instant moved by the API's offset, or not moved at all (a time the API does not
    shift, such as an annotation's value). Anything else is left as it is and shows in the
    comparison.

    The offset is the most common nonzero difference between paired timestamps (whole seconds).
    The API takes it per read (server/web/k8s.py ``_offset``): with the clock paused the wall clock
    runs on, so one kubectl command that makes several requests (describe GETs each object again,
    then its events) sees it grow by a second for every second the command runs. A timestamp may
    therefore be off the common offset by up to the ``seconds`` the real kubectl took, rounded up,
    plus one."""
    pairs = []
    for pattern in (RFC3339, RFC1123Z):
        a, b = list(pattern.finditer(ours)), list(pattern.finditer(theirs))
        if a and len(a) == len(b):
            pairs += [(x, y) for x, y in zip(a, b, strict=True)
                      if pattern is RFC1123Z or x.group()[19:] == y.group()[19:]]  # same fraction
    if not pairs:
        return ours
    # times the API does not shift pair up unmoved: the offset is the most common of the others
    offsets = Counter(d for x, y in pairs if (d := _instant(y.group()) - _instant(x.group())))
    if not offsets:
        return ours
    offset = offsets.most_common(1)[0][0]
    if offset % timedelta(seconds=1):
        return ours
    slack = timedelta(seconds=math.ceil(seconds) + 1)
    edits = sorted((x.start(), x.end(), y.group()) for x, y in pairs
                   if abs(_instant(y.group()) - _instant(x.group()) - offset) <= slack
                   or _instant(y.group()) == _instant(x.group()))
    out, at = [], 0
    for start, end, text in edits:
        out += [ours[at:start], text]
        at = end
    return "".join(out) + ours[at:]


@pytest.fixture(scope="module")
def outcomes(oracle):
    oracle.compute(CASES)
    return oracle


def test_known_differences_are_cases():
    """Every entry of known_differences.yaml names a case, with its reason."""
    assert set(KNOWN) <= set(CASES), sorted(set(KNOWN) - set(CASES))
    assert all(why and why.strip() for why in KNOWN.values())


@pytest.mark.parametrize("command", [
    pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=KNOWN[c])) if c in KNOWN else c for c in CASES], ids=CASES)
def test_same_as_kubectl(outcomes, oracle_results, command):
    ours, theirs = outcomes.ours[command], outcomes.theirs[command]
    text = KUBEPLAY_NOTE.sub("", ours.output) if command.startswith("kubectl describe") else ours.output
    mine = align_times(text, theirs.output, theirs.seconds)
    same = (mine, ours.exit_code) == (theirs.output, theirs.exit_code)
    oracle_results[command] = "note" if same and text != ours.output else same
    if not same and ours.exit_code == theirs.exit_code:
        if within_age_rounding(mine, theirs.output):
            oracle_results[command] = "age"
            return
        if ORDER_FREE_DESCRIBES.match(command) and sorted(mine.split("\n")) == sorted(theirs.output.split("\n")):
            oracle_results[command] = "order"
            return
    assert mine == theirs.output, "".join(difflib.unified_diff(
        theirs.output.splitlines(True), mine.splitlines(True), "kubectl", "kubeplay"))
    assert ours.exit_code == theirs.exit_code, command
