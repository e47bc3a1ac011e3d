"""The editor's apply: ``kubectl apply -f -`` per document, with the editor line of each result."""

from __future__ import annotations

from server.sandbox import split_documents

GOOD_POD = """apiVersion: v1
kind: Pod
metadata:
  name: p{n}
spec:
  containers:
  - name: c
    image: nginx
"""

TYPO = """apiVersion: v1
kind: Pod
metadata:
  name: kuard
spec:
  containres:
  - name: kuard
    image: gcr.io/kuar-demo/kuard-amd64:1
"""


def test_split_documents_finds_each_documents_first_line():
    text = "# leading comment\n" + GOOD_POD.format(n=1) + "---\n\n# c\n" + GOOD_POD.format(n=2) + "---\n...\n---\n"
    docs = split_documents(text)
    assert [d.first for d in docs] == [2, 13]
    assert [d.start for d in docs] == [1, 10]
    assert "name: p2" in docs[1].text and "name: p1" not in docs[1].text


def test_split_documents_of_nothing_is_empty():
    assert split_documents("") == []
    assert split_documents("# only a comment\n---\n") == []


def test_apply_reports_each_document_at_its_line(client, sid):
    text = GOOD_POD.format(n=1) + "---\n" + TYPO + "---\n" + GOOD_POD.format(n=2)
    r = client.post(f"/api/sandboxes/{sid}/apply", json={"manifest": text}).json
    assert r["exitCode"] == 1
    assert [x["line"] for x in r["results"]] == [1, 10, 19]
    assert [x["ok"] for x in r["results"]] == [True, False, True]
    assert r["results"][0]["output"] == "pod/p1 created\n"
    assert 'unknown field "spec.containres"' in r["results"][1]["output"]
    assert r["results"][2]["output"] == "pod/p2 created\n"
    names = client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl get pods -o name"}).json["output"]
    assert names.split() == ["pod/p1", "pod/p2"]  # the bad document created nothing


def test_apply_twice_is_unchanged(client, sid):
    text = GOOD_POD.format(n=1)
    client.post(f"/api/sandboxes/{sid}/apply", json={"manifest": text})
    r = client.post(f"/api/sandboxes/{sid}/apply", json={"manifest": text}).json
    assert r == {"exitCode": 0, "output": "pod/p1 unchanged\n",
                 "results": [{"line": 1, "endLine": 8, "ok": True, "output": "pod/p1 unchanged\n", "exitCode": 0}]}


def test_yaml_error_is_marked_at_its_line_in_the_editor(client, sid):
    bad = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   labels: {a: b}\n"
    text = GOOD_POD.format(n=1) + "---\n" + bad
    r = client.post(f"/api/sandboxes/{sid}/apply", json={"manifest": text}).json
    assert r["results"][0]["ok"] is True
    err = r["results"][1]
    assert err["ok"] is False and "yaml" in err["output"]
    # the offending line is the 5th of the second document, i.e. line 9 + 5 = 14 of the text
    assert text.splitlines()[err["line"] - 1].strip() == "labels: {a: b}"


def test_empty_manifest_says_no_objects(client, sid):
    r = client.post(f"/api/sandboxes/{sid}/apply", json={"manifest": "# nothing\n"}).json
    assert r["exitCode"] == 1
    assert r["results"][0]["line"] == 1
    assert "no objects passed to apply" in r["output"]


def test_split_documents_counts_only_newlines_as_line_ends():
    docs = split_documents("a: '\x0c'\n---\nb: 1\nc: 2")
    assert [(d.first, d.end) for d in docs] == [(1, 1), (3, 4)]
