"""kubeplay's Go text/template engine (server/kubectl/gotemplate.py) against the real kubectl v1.32.

Every case is a template rendered by ``kubectl label -f OBJ --local a=b -o go-template=T`` (client
side only: no cluster) and by :func:`kubectl_template` on the same object with the same label
added; stdout, stderr and the exit code must be the same bytes. The expected text comes from the
binary at test time (skipped without it). The cases cover every construct of text/template as Go
1.23 has it (actions, trim markers, comments, pipelines, variables and their scoping, range over
lists and maps with else/break/continue, if/else if, with/else, define/template/block, the builtin
functions, fmt's verbs and flags) and the parse and execution errors, worded by Go and wrapped by
kubectl (with the debugging block it prints before failing). A few pure tests of the engine's API
(what helm will use) need no kubectl.
"""

from __future__ import annotations

import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from server.kubectl.gotemplate import (
    FuncError,
    GoFunc,
    Template,
    TemplateError,
    kubectl_template,
    parse_kubectl_template,
)
from tests.realkubectl import KUBECTL

# One object for every case: ints, a float, an integral float (3.0: json numbers kubectl re-decodes
# as int64), a big int, null, lists and maps with nulls, empty ones, HTML-ish text, bools, base64.
OBJ = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "x"},
    "data": {"a": "b", "k": "aGVsbG8="},
    "spec": {
        "replicas": 3,
        "f": 3.5,
        "f3": 3.0,
        "big": 1000000,
        "nul": None,
        "l": [1, "a", True, None],
        "m": {"z": 1, "a": 2},
        "s": "a<b&'\"",
        "e": [],
        "em": {},
        "t": True,
        "fl": False,
    },
}

CASES = [
    "{{.spec.replicas}} {{.spec.f}} {{.spec.big}} {{.spec.nul}} {{.spec.l}} {{.spec.m}} {{.nope}}",
    "{{.spec.x.y}}",
    "{{.spec.nul.y}}",
    "{{.spec.x}",
    "{{foo}}",
    "{{.spec.l.y}}",
    "{{index .spec.l 5}}",
    '{{index .spec.l 1}} {{index .spec.m "a"}} {{index . "spec" "m" "z"}} {{index .spec.m "q"}}',
    '{{printf "%d|%5.2f|%-10s|%q|%x|%t|%v|%s" .spec.replicas .spec.f "ab" "q\\"" 255 true .spec.m .spec.l}}',
    '{{printf "%d" .spec.f}} {{printf "%s" 3}} {{printf "%d"}} {{printf "%d" 1 2}}',
    '{{printf "%v %v %T %T %T %T" nil .spec.nul .spec.replicas .spec.f 3 .spec.m}}',
    "{{range .spec.l}}[{{.}}]{{end}}",
    "{{range $i, $v := .spec.l}}{{$i}}={{$v}};{{end}}",
    "{{range $k, $v := .spec.m}}{{$k}}={{$v}};{{end}}",
    "{{range .spec.e}}x{{else}}empty{{end}} {{range .spec.nope}}x{{else}}none{{end}}",
    "{{range .spec.l}}{{if eq . 1}}{{continue}}{{end}}{{if eq . true}}{{break}}{{end}}{{.}}{{end}}",
    "{{if .spec.t}}T{{else if .spec.fl}}F{{else}}E{{end}} {{if .spec.e}}a{{else}}b{{end}}",
    "{{with .spec.m}}{{.a}}{{end}} {{with .spec.nope}}x{{else}}no{{end}}",
    '{{define "x"}}[{{.}}]{{end}}{{template "x" .spec.replicas}}{{block "y" .spec.f}}<{{.}}>{{end}}',
    '{{and 1 0 2}} {{or 0 "" "z"}} {{and .spec.t .spec.replicas}} {{or .nope .spec.fl}} {{not 0}} {{not .spec.l}}',
    '{{len .spec.l}} {{len .spec.m}} {{len "héllo"}} {{len .spec.nope}}',
    "{{len .spec.nul}}",
    "{{len 3}}",
    '{{slice .spec.l 1 3}} {{slice "abcdef" 2}} {{slice .spec.l 3 1}}',
    '{{print 1 2 "a" 3 "b" "c"}} {{println 1 "a"}}{{print nil}}',
    '{{eq 1 1 2}} {{eq .spec.replicas 3}} {{ne "a" "b"}} {{lt 1 2}} {{le 2 2}} {{gt 3.5 .spec.f}} {{ge "b" "a"}}',
    '{{eq "a" 1}}',
    "{{lt .spec.t .spec.t}}",
    "{{eq .spec.nope .spec.nul}}",
    '{{html .spec.s}} {{js .spec.s}} {{urlquery "a b&c=d/é"}} {{html .nope}}',
    "{{call .spec.s}}",
    '{{exists . "spec" "m" "a"}} {{exists . "spec" "q"}} {{exists .spec.l 2}} {{exists .spec.l 9}} {{exists . "spec" "nul"}}',
    '{{base64decode .data.k}} {{base64decode "!!"}}',
    "{{$x := 1}}{{$x}}{{$x = 2}}{{$x}}{{if true}}{{$x = 3}}{{$y := 4}}{{end}}{{$x}}",
    "{{$y}}",
    '{{- "a" -}}  {{- "b" }}  {{ "c" -}}  d {{/* comment */}} e {{- /* c2 */ -}} f',
    "{{ .spec.replicas } }}",
    "{{end}}",
    "{{if 1}}x",
    "{{range .spec.replicas}}x{{end}}",
    "{{.spec.replicas.x}}",
    '{{(index .spec.m "a")}} {{(.spec.m).a}} {{.spec.m | len}} {{"x" | printf "%s-%s" "y"}}',
    '{{3 | printf "%d"}} {{.spec.f | printf "%v %v" 1}}',
    '{{printf "%6.2f|%-6d|%06d|%+d|%x|%X|%o|%e|%g|%.3s|%c|%U" 1.23456 42 -42 5 "hi" 3054 8 123456.789 0.000012 "abcdef" 65 65}}',
    "{{1e6}} {{1.5}} {{0x10}} {{'a'}} {{-3}} {{1_000}}",
    '{{printf "%v" .spec}}',
    '{{template "nope"}}',
    "{{nil}}",
    "{{.spec.replicas 1}}",
    "{{$}}{{.}}",
    "{{range $i, $v := .spec.m}}{{$i}}{{end}}{{range $a, $b, $c := .spec.m}}{{end}}",
    "{{break}}",
    '{{"\\u00e9\\t\\x41"}} {{`raw\n`}}',
    "{{index .spec.m 1}}",
    "{{index 3 1}}",
    '{{printf "%s" .spec.nul}} {{printf "%s" .nope}}',
    "{{printf .spec.replicas}}",
    '{{ .metadata.name | printf "%q" }}',
    "{{.spec.replicas | not}}",
    "{{.}} ",
    '{{printf "%5t|%-5v|%5q" true 1 "a"}}',
    "line1\n{{.spec.nul.y}}",
    "a\n\n  {{ if }}",
    "{{if .spec.t}}\n{{.x.y.z}}\n{{end",
    "{{range .spec.l}}\n{{end}}{{.spec.l.q}}",
    '{{ "unterminated }}',
    "{{ `raw }}",
    "{{ 'ab' }}",
    "{{ 1a }}",
    "{{ .spec.replicas | 3 }}",
    "{{ $x }}",
    "{{ $x := 1 }}{{ $x := 2 }}{{ $x }}",
    "{{ with $x := .spec.m }}{{ $x.a }}{{ end }}{{ $x }}",
    "{{ range $i := .spec.l }}{{ $i }}{{ end }}",
    "{{ $i := 0 }}{{ range $i = .spec.l }}{{ end }}{{ $i }}",
    '{{ $k := "" }}{{ $v := 0 }}{{ range $k, $v = .spec.m }}{{ end }}{{ $k }}{{ $v }}',
    "{{ else }}",
    "{{ if 1 }}{{ else }}{{ else }}{{ end }}",
    '{{ define "a" }}x{{ end }}{{ define "a" }}y{{ end }}',
    '{{ template "a" }}{{ define "a" }}A{{ .spec.replicas }}{{ end }}',
    '{{ template "a" . }}{{ define "a" }}A{{ .spec.replicas }}{{ end }}',
    '{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}',
    "{{ template 3 }}",
    '{{ printf "%v" (index .spec.l 3) }} {{ index .spec.l 3 }}',
    '{{ .spec.l | len | printf "%03d" }}',
    '{{ (1) }} {{ (.spec.m).z }} {{ ("s").x }}',
    "{{ 1.x }}",
    "{{ .spec.m.a.b }}",
    "{{ $.spec.replicas }}{{ $.nope.x }}",
    "{{ range .spec.m }}{{ . }}{{ end }}{{ range $v := .spec.m }}{{ $v }}{{ end }}",
    "{{ range .spec.l }}{{ $.kind }}{{ end }}",
    "{{ index .spec.l -1 }}",
    '{{ index .spec.l "a" }}',
    '{{ index .spec.nul "a" }}',
    "{{ index .nope 1 }}",
    "{{ slice .spec.l 1 2 3 4 }}",
    "{{ slice .spec.m 1 }}",
    '{{ printf "%*d|%-*d|%.*f" 5 1 4 2 2 3.14159 }}',
    '{{ printf "%[1]d" 1 }}',
    '{{ printf "%!" }} {{ printf "%z" 1 }} {{ printf "100%%" }}',
    "{{ printf \"%q %v %d\" 'x' 'x' 'x' }}",
    '{{ printf "%#x %#o %#v %+q" 255 8 "a" "é" }}',
    '{{ printf "%8.3e|%-8.2g|%G|%E" 1234.5678 0.000123 1e-7 12.5 }}',
    '{{ printf "%s" .spec.l }} {{ printf "%d" .spec.m }} {{ printf "%q" .spec.l }}',
    '{{ printf "%x" .spec.f }} {{ printf "%v" 1e100 }} {{ 0.1 }} {{ 100000.5 }} {{ 1e-5 }} {{ 123456.7 }}',
    '{{ print .spec.nope .spec.nope }} {{ print "a" .spec.nope }} {{ println }}',
    '{{ urlquery .nope }} {{ js "\\u2028é\\x01" }} {{ html "\\x00" }}',
    "{{ not }}",
    "{{ and }}",
    "{{ eq 1 }}",
    "{{ ne 1 2 3 }}",
    "{{ len }}",
    "{{ index }}",
    "{{ call }}",
    "{{ call .nope }}",
    "{{ .spec.replicas.x.y }}",
    "{{ .metadata.labels.a }}{{ .metadata }}",
    '{{ exists }} {{ exists . }} {{ exists .nope "a" }}',
    "{{ base64decode .spec.replicas }}",
    "{{ base64decode 3 }}",
    '{{ base64decode "YWJj" }}{{ base64decode "YW==" }}{{ base64decode "YQ" }}',
    '{{ base64decode "Y" }}',
    '{{ base64decode "YQ==YQ==" }}',
    "{{ lt .spec.m .spec.m }}",
    "{{ lt 1 1.5 }}",
    "{{ eq .spec.m .spec.m }}",
    "{{ eq .spec.l .spec.nul }}",
    "{{ eq nil nil }}",
    "{{ if nil }}x{{ end }}",
    "{{ with $ }}{{ .kind }}{{ end }}",
    "{{- range .spec.l -}}\n  {{ . }}\n{{- end }}",
    "{{/* unclosed",
    "{{/* a */ }}",
    "{{ 1 }} {{- 2 }} {{ -3 }}",
    '{{ .spec.f | printf "%.1f" }}{{ 3 | printf "%d %d" 4 }}',
    '{{ "a" | .spec.m }}',
    '{{ "a" | $ }}',
    '{{ "a" | nil }}',
    "{{ 0x1p4 }} {{ 0b101 }} {{ 0o17 }} {{ 017 }} {{ 1e3 }} {{ 9223372036854775808 }}",
    "{{ 99999999999999999999 }}",
    "{{ 1+2i }}",
    "{{ .spec.replicas }}{{ break }}",
    "{{ range .spec.l }}{{ break 1 }}{{ end }}",
    "{{ true.x }}",
    "{{ (.spec.m) .x }}",
    '{{ printf "%v" .spec.replicas .spec.nope }}',
    '{{ printf "%5.1f|%-8.3f|%08.3f|% d|%+.2e" 3.14159 2.5 -1.5 5 12345.678 }}',
    '{{ printf "%10s|%-10q|%.2q|%5x|%-5X|" "héllo" "a" "abc" "hi" 255 }}',
    "{{ printf \"%c%c|%q|%U|%#U\" 0x4E16 'é' 0x1F600 0x1F600 0x1F600 }}",
    '{{ printf "%v|%d|%s" .spec.l .spec.l .spec.m }}',
    '{{ printf "%t" 1 }} {{ printf "%t" .spec.t }} {{ printf "%5t" false }}',
    '{{ printf "%b|%o|%O|%#b" 5 64 64 5 }}',
    '{{ printf "%.0f|%.0f|%.0f|%g|%g" 0.5 1.5 2.5 100000.0 1000000.0 }}',
    '{{ printf "%6.2v|%.3v|%10.4g" 3.14159 2.0 123.456789 }}',
    '{{ printf "%x|%X|% x|%#x" "hello" "hi" "abc" "ab" }}',
    '{{ printf "%-5d|%05d|%+05d|%x|%X|%#X" -3 -3 3 -255 255 255 }}',
    '{{ printf "%e|%E|%.2e|%g|%G" 0.0 1e-10 123456.0 1e-7 1e21 }}',
    '{{ printf "%s %s" "only" }}',
    '{{ printf "%d %d" 1 }}',
    '{{ printf "%.3d|%8.3d|%-8.3d" 7 7 7 }}',
    '{{ printf "%v %v" true false }}{{ printf "%s" true }}',
    '{{ printf "%T %T %T %T %T %T" 1 1.5 "s" true .spec.l .spec.nul }}',
    '{{ printf "%q" 65 }} {{ printf "%q" "\\u00e9\\x01\\t" }} {{ printf "%+q" "é" }} {{ printf "%#q" "a`b" }} {{ printf "%#q" "ab" }}',
    '{{ printf "%v" .metadata }}',
    '{{ printf "%08.3f|%-08.3f|%+08.3f" 3.14159 3.14159 3.14159 }}',
    '{{ printf "%3c|%-3c|" 65 66 }}',
    '{{ printf "%6.3s|" "abcdef" }}',
    '{{ printf "%.1f %.2f %.3f" 0.05 0.125 2.0005 }}',
    '{{ printf "%d" -0 }} {{ -0.0 }} {{ printf "%v" -0.0 }}',
    '{{ printf "%v" 1e-7 }} {{ printf "%v" 123456789012345678.0 }} {{ 0.000123 }}',
    '{{ printf "%s" nil }}',
    "{{ printf nil }}",
    '{{ print 1 2 }} {{ print "a" "b" }} {{ print 1 "a" 2 }} {{ print .spec.l .spec.m }} {{ print 1.5 true }}',
    '{{ println "a" 1 }}{{ println .spec.nope }}',
]
# more of the grammar and the builtins' edges
CASES += [
    "{{with .nope}}a{{else with .spec.m}}{{.a}}{{end}}",
    "{{with .nope}}a{{else with .nope2}}b{{else}}c{{end}}",
    "{{-/* c */}}",
    "{{/*a*/}}x{{- /* b */}}y{{/* c */ -}} z",
    "{{/* a */ 1}}",
    "{{.spec.l.0}}",
    "{{ .spec.m\n .a }}",
    "{{ $ä := 1 }}{{ $ä }}",
    "{{ .a1.b_c }}",
    '{{ define "x" }}{{ define "y" }}{{ end }}{{ end }}',
    '{{ template "x" $x := 1 }}',
    "{{ if }}{{ end }}",
    "{{ range }}{{ end }}",
    "{{ with }}{{ end }}",
    "{{ if 1 }}{{ else 2 }}{{ end }}",
    "{{ range .spec.l }}{{ else if 1 }}{{ end }}",
    "{{ end 1 }}",
    "{{ $x, $y := 1 }}",
    "{{ range $x, $y := .spec.l }}{{ $x }}{{ $y }}{{ end }}",
    "{{ range $x, 3 := .spec.l }}{{ end }}",
    "{{ (1 2) }}",
    "{{ ( ) }}",
    "{{ (.spec.m | len }}",
    "{{ .spec.m) }}",
    "{{ | }}",
    "{{ 1 | }}",
    '{{ "a" "b" }}',
    "{{ .spec.replicas | .spec.f }}",
    "{{ print | len }}",
    "{{ @ }}",
    "{{ é }}",
    "{{ 1. }} {{ .5 }} {{ -.5 }} {{ +1 }}",
    "{{ 0x }}",
    "{{ 1e }}",
    "{{ 08 }}",
    "{{ '\\n' }} {{ '\\'' }} {{ 'ab }}",
    '{{ "\\q" }}',
    '{{ block "b" }}{{ end }}',
    '{{ template "a" }}{{ define "a" }}{{ template "b" }}{{ end }}',
    "{{ continue }}",
    "{{ range .spec.l }}{{ if true }}{{ break }}{{ end }}{{ end }}done",
    "{{ range $i, $e := .spec.m }}{{ $i }}{{ end }}",
    "{{ index .spec.m.a }}",
    '{{ index . "spec" "l" 1 }} {{ index .spec.l 1.0 }}',
    '{{ slice .spec.l }} {{ slice .spec.l 1 }} {{ slice "héllo" 1 3 }} {{ slice .spec.l 0 2 4 }}',
    "{{ slice .spec.l 0 2 3 }}",
    '{{ printf "%v" (slice .spec.l 1 2) }}',
    "{{ len .spec.s }} {{ len .data }}",
    "{{ and }}{{ or 1 }}",
    "{{ and 1 (index .spec.l 9) }}",
    "{{ or 1 (index .spec.l 9) }}",
    "{{ not 1 2 }}",
    "{{ .spec.replicas | eq 3 }} {{ 3 | eq .spec.replicas 4 }}",
    "{{ eq 1.5 .spec.f }} {{ eq .spec.replicas 3.0 }}",
    "{{ lt 1 2.0 }}",
    '{{ eq "a" "a" "b" }} {{ eq true true }} {{ lt "a" "b" }} {{ lt "é" "z" }}',
    "{{ gt .spec.nope 1 }}",
    "{{ eq .spec.nope 1 }}",
    "{{ ne .spec.nope .spec.nul }}",
    '{{ html 1 2 "a" }} {{ js 1 "a" nil }} {{ urlquery 1 }} {{ print nil 1 nil }}',
    "{{ html }}{{ print }}{{ urlquery }}",
    "{{ printf }}",
    "{{ printf 1 }}",
    "{{ printf .spec.nope }}",
    '{{ printf "%s" }}',
    "{{ call 1 }}",
    '{{ exists .spec.l 1 }} {{ exists .spec.l "x" }} {{ exists .spec.s 0 }} {{ exists .spec.m "a" "b" }} {{ exists 3 }}',
    "{{ exists .spec.l 3 }} {{ exists .spec.l -1 }} {{ exists nil }} {{ exists .spec.nul }}",
    "{{ base64decode .nope }}",
    '{{ base64decode "YWJjZA==" }} {{ base64decode "" }} {{ base64decode "YW\\nJj" }} {{ base64decode "YWJ=" }}',
    '{{ base64decode "YQ=" }}',
    '{{ base64decode "Y===" }}',
    '{{ base64decode "/w==" }}',
    "{{ .spec.t.x }}",
    "{{ $x := .spec.m }}{{ $x.a }}{{ $x.nope }}{{ $x.a.b }}",
    "{{ $x := .spec.s }}{{ $x.y }}",
    "{{ range .spec.m }}{{ $.kind }}{{ . }}{{ end }}",
    "{{ range $k, $v := .data }}{{ $k }}{{ $v }}{{ else }}none{{ end }}",
    "{{ range .nope }}{{ else }}{{ . | len }}{{ end }}",
    "{{ with .spec.l }}{{ index . 0 }}{{ end }}",
    '{{ template "x" }}{{ define "x" }}{{ .kind }}{{ end }}',
    '{{ template "x" . }}{{ define "x" }}{{ $.kind }}{{ end }}',
    '{{ define "x" }}{{ $y := 2 }}{{ end }}{{ $y := 1 }}{{ template "x" }}{{ $y }}',
    '{{ printf "%v %v" . . | len }}',
    "{{ 1 }}{{ 2 -}}",
    "{{ 1 -}}{{- 2 }}",
    "a {{- 1 -}} b",
    "a {{-1}} b",
    "a {{- -1 -}} b",
    '{{ "a" }}   {{- /* x */ -}}   {{ "b" }}',
]

CASES += [
    '{{.spec.f3}} {{printf "%T %v" .spec.f3 .spec.f3}}',
    "{{range .items}}{{.metadata.name}}{{end}}",
    # variables as function arguments (a range variable holds an interface {} value)
    "{{range $v := .data}}{{len $v}} {{$v | len}} {{end}}",
    '{{range $k, $v := .spec.m}}{{$k}}{{printf "%d" $v}}{{end}} {{with $x := .data.k}}{{base64decode $x}}{{end}}',
    "{{$l := .spec.l}}{{index $l 1}} {{len $l}} {{slice $l 1 2}} {{$l}}",
    "{{range $v := .spec.l}}{{$v.x}}{{end}}",
]

# scoping, pipelines into functions, Go's types as %T names them, template/block order
CASES += [
    "{{if $x := .spec.replicas}}{{$x}}{{end}}{{if $y := 0}}a{{else}}{{$y}}{{end}}",
    "{{range $i, $v := .spec.l}}{{$i = 5}}{{$i}}{{end}}",
    '{{true | and 1}} {{0 | or ""}} {{.spec.t | not}}',
    '{{"%d-%s" | printf}}',
    "{{.spec.l | index 1}}",
    "{{ 3 | len }}",
    "{{(index .spec.l 0).x}}",
    "{{ .spec.m.a 1 }}",
    "{{ .spec.m | .a }}",
    "line one\nline two {{ .spec.nul.x }}",
    "a\n  b {{ if .x }}\n {{ .spec.l.q }}{{ end }}",
    '{{ printf "%v" .spec.nope | printf "%q" }}',
    '{{ index .spec.m "a" | printf "%T" }}',
    '{{ range .spec.l }}{{ printf "%T " . }}{{ end }}',
    '{{ range $k, $v := .spec.m }}{{ printf "%T %T " $k $v }}{{ end }}',
    '{{ printf "%T" (len .spec.l) }} {{ printf "%T" (slice .spec.l 1) }} {{ printf "%T" (index .spec.s 0) }} {{ index .spec.s 0 }}',
    '{{ printf "%T %T %T" (eq 1 1) (html "a") (print 1) }}',
    "{{ $x := 1 }}{{ with $x := 2 }}{{ $x }}{{ end }}{{ $x }}",
    "{{ $x := 1 }}{{ range .spec.l }}{{ $x = . }}{{ end }}{{ $x }}",
    '{{ template "x" 1 }}{{ define "x" }}{{ . }}{{ template "y" . }}{{ end }}{{ define "y" }}y{{ .x }}{{ end }}',
    '{{ define "x" }}a{{ end }}{{ block "x" . }}b{{ end }}',
    "{{ print 1.0 2.5e10 -1e-9 }}",
    '{{ printf "%08.3e|%x|%X" 1234.5 1.0 -0.5 }}',
    '{{ printf "%.2x" 3.14159 }}',
    '{{ printf "%5.1q|%-4c|" "abc" 0x263A }}',
]

# with --allow-missing-template-keys=false (missingkey=error)
STRICT_CASES = [
    "{{.nope}}",
    "{{.spec.nope.x}}",
    "{{$x := .spec.nope}}{{$x.y}}",
    "{{.spec.nul.x}}",
    '{{.spec.replicas}} {{index .spec.m "q"}}',
]


def _real(home: str, template: str, strict: bool) -> tuple[str, str, int]:
    path = os.path.join(home, "obj.json")
    args = [KUBECTL, "label", "-f", path, "--local", "a=b", "-o", "go-template=" + template]
    if strict:
        args.insert(-2, "--allow-missing-template-keys=false")
    p = subprocess.run(
        args, capture_output=True, text=True, errors="replace", env={"HOME": home, "PATH": "/nonexistent"}
    )
    return p.stdout, p.stderr, p.returncode


@pytest.fixture(scope="module")
def expected(tmp_path_factory) -> dict[tuple[str, bool], tuple[str, str, int]]:
    """What the real binary prints for every case (run once, a few at a time)."""
    if KUBECTL is None:
        pytest.skip("the real kubectl v1.32 is not installed here")
    home = str(tmp_path_factory.mktemp("kubectl-home"))
    with open(os.path.join(home, "obj.json"), "w") as f:
        json.dump(OBJ, f)
    keys = [(t, False) for t in CASES] + [(t, True) for t in STRICT_CASES]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = pool.map(lambda k: _real(home, k[0], k[1]), keys)
    return dict(zip(keys, results, strict=True))


def _mine(template: str, strict: bool) -> tuple[str, str, int]:
    obj = json.loads(json.dumps(OBJ))
    obj["metadata"]["labels"] = {"a": "b"}
    try:
        return kubectl_template(template, obj, allow_missing_keys=not strict), "", 0
    except TemplateError as e:
        return e.output, f"error: {e}\n", 1


@pytest.mark.parametrize("template", CASES)
def test_same_as_kubectl(expected, template):
    assert _mine(template, False) == expected[(template, False)]


@pytest.mark.parametrize("template", STRICT_CASES)
def test_same_as_kubectl_without_missing_keys(expected, template):
    assert _mine(template, True) == expected[(template, True)]


def test_create_dry_run_client(tmp_path):
    """The other client-side oracle the printer serves: ``create configmap --dry-run=client``."""
    if KUBECTL is None:
        pytest.skip("the real kubectl v1.32 is not installed here")
    template = "{{.kind}} {{range $k, $v := .data}}{{$k}}={{$v}};{{end}} {{.metadata}}"
    p = subprocess.run(
        [
            KUBECTL,
            "create",
            "configmap",
            "x",
            "--from-literal=b=2",
            "--from-literal=a=1",
            "--dry-run=client",
            "-o",
            "go-template=" + template,
        ],
        capture_output=True,
        text=True,
        env={"HOME": str(tmp_path), "PATH": "/nonexistent"},
    )
    obj = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "data": {"a": "1", "b": "2"},
        "metadata": {"name": "x", "creationTimestamp": None},
    }
    assert (kubectl_template(template, obj), p.returncode) == (p.stdout, 0)


# -- the engine alone (no kubectl) --------------------------------------------------------------


def test_define_and_template_share_definitions_but_not_variables():
    t = Template("root").parse(
        '{{define "item"}}<{{.name}}{{with $.extra}}+{{.}}{{end}}>{{end}}'
        '{{$x := "outer"}}{{range .items}}{{template "item" .}}{{end}} {{$x}}'
    )
    data = {"items": [{"name": "a", "extra": "e"}, {"name": "b"}]}
    assert t.execute(data) == "<a+e><b> outer"
    assert t.lookup("item").execute({"name": "z"}) == "<z>"


def test_block_is_a_default_a_later_define_replaces():
    t = Template("page").parse('[{{block "body" .}}default {{.}}{{end}}]')
    assert t.execute("x") == "[default x]"
    t.parse('{{define "body"}}custom {{.}}{{end}}')
    assert t.execute("x") == "[custom x]"


def test_custom_functions_and_their_errors():
    def fail(s):
        raise FuncError(f"no {s}")

    t = Template("helm").funcs(
        {
            "upper": GoFunc(lambda s: s.upper(), ["string"]),
            "join": lambda *parts: "-".join(str(p) for p in parts),
            "fail": GoFunc(fail, ["string"]),
        }
    )
    assert t.parse('{{upper .a}} {{join 1 "b" .a}} {{.a | upper}}').execute({"a": "x"}) == "X 1-b-x X"
    with pytest.raises(TemplateError) as e:
        Template("helm").funcs({"fail": GoFunc(fail, ["string"])}).parse('ok {{fail "it"}}').execute({})
    assert str(e.value) == 'template: helm:1:5: executing "helm" at <fail "it">: error calling fail: no it'
    assert e.value.output == "ok "
    with pytest.raises(TemplateError) as e:
        t.parse("{{upper 3}}").execute({})
    assert str(e.value) == 'template: helm:1:8: executing "helm" at <3>: expected string; found 3'


def test_parse_errors_name_the_template_and_line():
    with pytest.raises(TemplateError) as e:
        Template("t").parse("a\nb\n{{if .x}}")
    assert str(e.value) == "template: t:3: unexpected EOF"
    with pytest.raises(TemplateError) as e:
        Template("t").parse("{{nosuch 1}}")
    assert str(e.value) == 'template: t:1: function "nosuch" not defined'


def test_missingkey_error_option():
    t = Template("t").option("missingkey=error").parse("{{.a}} {{.b}}")
    with pytest.raises(TemplateError) as e:
        t.execute({"a": 1})
    assert str(e.value) == 'template: t:1:9: executing "t" at <.b>: map has no entry for key "b"'
    assert e.value.output == "1 "


def test_long_templates_render_in_linear_time():
    n = 20000
    text = "".join(f"{{{{.k{i % 7}}}}}," for i in range(n))
    out = Template("big").parse(text).execute({f"k{i}": i for i in range(7)})
    assert out.count(",") == n and out.startswith("0,1,2,3,4,5,6,0,")


def test_debug_block_prints_numbers_and_text_as_go_encodes_them(tmp_path):
    """The failing-template block shows json.Marshal's numbers (1e-7, 0.0000015, a uint64-size
    int as float64) and ``%+v`` of the map beside it; escapes as encoding/json writes them."""
    if KUBECTL is None:
        pytest.skip("the real kubectl v1.32 is not installed here")
    spec = {
        "a": 1e-7,
        "b": 1.5e-6,
        "c": 1e21,
        "d": 123456789.125,
        "e": -0.5,
        "g": 1e300,
        "big": 12345678901234567890,
        "u": "\u2028\x7f\x01é",
    }
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "spec": spec}
    (tmp_path / "obj.json").write_text(json.dumps(obj))
    template = "{{.spec}} {{.spec.x.y.z | len}}"
    p = subprocess.run(
        [
            KUBECTL,
            "label",
            "-f",
            str(tmp_path / "obj.json"),
            "--local",
            "a=b",
            "-o",
            "go-template=" + template,
        ],
        capture_output=True,
        text=True,
        env={"HOME": str(tmp_path), "PATH": "/nonexistent"},
    )
    obj["metadata"]["labels"] = {"a": "b"}
    with pytest.raises(TemplateError) as e:
        kubectl_template(template, obj)
    assert (e.value.output, f"error: {e.value}\n", 1) == (p.stdout, p.stderr, p.returncode)


def test_parse_alone_words_the_error_as_kubectl_does(expected):
    """kubectl parses when it builds its printer: the same message, nothing printed before it."""
    template = "{{.spec.x}"
    with pytest.raises(TemplateError) as e:
        parse_kubectl_template(template)
    assert ("", f"error: {e.value}\n", 1) == expected[(template, False)]
    assert parse_kubectl_template("{{.a}}").execute({"a": 1}) == "1"
