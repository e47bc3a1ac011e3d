"""A manifest whose metadata does not decode is refused per document, in encoding/json's words,
after the other documents have been applied — compared with the real kubectl v1.32 against a real
kubeplay server (the same documents through ``-f -``, under different names). Skipped where no
kubectl is installed."""

from __future__ import annotations

import pytest

from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed: this test compares with the real one")

HEAD = "apiVersion: v1\nkind: ConfigMap\n"
BAD = {
    "metadata-number": HEAD + "metadata: 3\n",
    "name-list": HEAD + "metadata:\n  name: [x]\n",
    "labels-list": HEAD + "metadata:\n  name: {p}-a\n  labels: [a]\n",
    "label-number": HEAD + "metadata:\n  name: {p}-a\n  labels:\n    a: 1\n",
    "annotation-number": HEAD + "metadata:\n  name: {p}-a\n  annotations:\n    a: 1\n",
    "namespace-map": HEAD + "metadata:\n  name: {p}-a\n  namespace: {{}}\n",
    "finalizer-number": HEAD + "metadata:\n  name: {p}-a\n  finalizers: [1]\n",
    "generation-string": HEAD + "metadata:\n  name: {p}-a\n  generation: x\n",
    "uid-number": HEAD + "metadata:\n  name: {p}-a\n  uid: 1\n",
}
MIDDLE = (HEAD + "metadata:\n  name: {p}-one\n---\n" + HEAD + "metadata:\n  name: [x]\n---\n" + HEAD
          + "metadata:\n  name: {p}-two\n")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        yield lab


def both(lab, args: str, doc: str, case: str) -> tuple[tuple[str, int], tuple[str, int]]:
    theirs = lab.kubectl(*args.split(), stdin=doc.format(p=f"{case}-r"), check=False)
    ours = lab.request("POST", f"/api/sandboxes/{lab.sid}/run",
                       {"command": f"kubectl {args}", "stdin": doc.format(p=f"{case}-e")})
    return (theirs.stdout + theirs.stderr, theirs.returncode), \
        (ours["output"].replace(f"{case}-e", f"{case}-r"), ours["exitCode"])


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_metadata_field(lab, case):
    theirs, ours = both(lab, "apply -f -", BAD[case], case)
    assert theirs[1] == 1 and "unable to decode" in theirs[0]
    assert ours == theirs


@pytest.mark.parametrize("verb", ["apply", "create", "delete"])
def test_the_other_documents_go_on(lab, verb):
    if verb == "delete":
        both(lab, "apply -f -", MIDDLE, "mid-delete")
    theirs, ours = both(lab, f"{verb} -f -", MIDDLE, f"mid-{verb}")
    assert ours == theirs
