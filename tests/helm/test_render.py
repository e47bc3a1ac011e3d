"""helm's template engine: Go text/template with sprig and helm's own functions, the chart's
objects (.Values .Release .Chart .Capabilities .Template), defines in _helpers.tpl, ``<no value>``
erased, NOTES.txt apart, hooks apart, manifests sorted in install order, helm's error words.
Expected texts follow sprig's and helm's Go code (see server/helm/sprig.py, render.py)."""

from __future__ import annotations

import random

import pytest

from server.helm.chart import Chart, coalesce, parse_set, read_values
from server.helm.render import RenderError, render

RELEASE = {"Name": "demo", "Namespace": "team", "Revision": 1, "IsInstall": True, "IsUpgrade": False,
           "Service": "Helm"}


def chart(templates: dict[str, str], values: str = "", **meta) -> Chart:
    return Chart({"apiVersion": "v2", "name": "app", "version": "0.1.0", "appVersion": "1.2.3", **meta},
                 values_text=values, templates={f"templates/{k}": v for k, v in templates.items()})


def one(text: str, values: str = "", user: dict | None = None, seed: int = 1) -> str:
    c = chart({"cm.yaml": "kind: ConfigMap\nmetadata:\n  name: x\ndata:\n  v: |-\n    " + text}, values)
    r = render(c, coalesce(c.values, user or {}), RELEASE, rng=random.Random(seed))
    return r.manifests[0].content.split("v: |-\n    ", 1)[1]


@pytest.mark.parametrize("text, out", [
    ('{{ "hello" | upper | quote }}', '"HELLO"'),
    ("{{ squote .Values.name }}", "'web'"),
    ('{{ default "x" .Values.missing }}|{{ default "x" .Values.name }}|{{ default "x" "" }}', "x|web|x"),
    ('{{ "abcdef" | trunc 3 }}|{{ trunc -2 "abcdef" }}|{{ "ab-" | trimSuffix "-" }}', "abc|ef|ab"),
    ('{{ "a-b-c" | replace "-" "_" }}|{{ trimPrefix "v" "v1.2" }}|{{ "Hello" | lower }}', "a_b_c|1.2|hello"),
    ("{{ .Values.port }}|{{ .Values.port | int }}|{{ add 1 .Values.port }}", "3306|3306|3307"),
    ('{{ ternary "yes" "no" .Values.enabled }}|{{ empty .Values.list }}|{{ empty "" }}|{{ empty 0 }}',
     "yes|false|true|true"),
    # YAML 1.1: the key ``on`` is the boolean true (go-yaml v2 and PyYAML agree), so .Values.on is missing
    ('[{{ .Values.on }}]', "[]"),
    ('{{ coalesce .Values.missing "" "third" }}|{{ hasKey .Values.map "a" }}', "third|true"),
    ('{{ contains "eb" .Values.name }}|{{ hasPrefix "w" .Values.name }}|{{ hasSuffix "b" .Values.name }}',
     "true|true|true"),
    ('{{ "secret" | b64enc }}|{{ "c2VjcmV0" | b64dec }}', "c2VjcmV0|secret"),
    ('{{ toJson .Values.map }}|{{ toJson .Values.list }}', '{"a":1,"b":"x\\u003cy"}|[1,2]'),
    ('{{ printf "%s-%d" .Values.name 7 }}|{{ list 1 "a" | toJson }}', "web-7|[1,\"a\"]"),
    ('{{ $d := dict "k" "v" "n" 1 }}{{ $d.k }}{{ $d.n }}', "v1"),
    # GitVersion: KubeVersion's deprecated method, what older charts still call
    ('{{ semverCompare ">=1.19-0" .Capabilities.KubeVersion.GitVersion }}', "true"),
    ('{{ semverCompare ">=1.19-0" .Capabilities.KubeVersion.Version }}|{{ semverCompare "<1.16" "v1.32.0" }}',
     "true|false"),
    ('{{ semverCompare "^1.2.0" "1.9.3" }}|{{ semverCompare "~1.2.0" "1.3.0" }}', "true|false"),
    ("{{ .Chart.Name }}-{{ .Chart.Version }}-{{ .Chart.AppVersion }}|{{ .Release.Namespace }}|{{ .Release.Service }}",
     "app-0.1.0-1.2.3|team|Helm"),
    ("{{ .Template.Name }}|{{ .Template.BasePath }}", "app/templates/cm.yaml|app/templates"),
    ("[{{ .Values.nope }}][{{ .Values.map.nope }}]", "[][]"),
    ('{{ tpl "{{ .Values.name }}-x" . }}', "web-x"),
    ('{{ until 3 | toJson }}|{{ keys .Values.map | sortAlpha | join "," }}', "[0,1,2]|a,b"),
])
def test_functions(text, out):
    values = "name: web\nport: 3306\non: true\nenabled: true\nlist: [1, 2]\nmap:\n  a: 1\n  b: x<y\n"
    # ``<no value>`` is erased after rendering (helm's engine), so a missing field prints nothing
    assert one(text, values) == out.replace("<no value>", "")


def test_to_yaml_indent_and_nindent():
    values = "resources:\n  requests:\n    memory: 256Mi\n    cpu: 100m\n  limits: {}\nargs: [a, 'b c']\n"
    assert one("{{ toYaml .Values.resources | indent 4 | trim }}", values) == \
        "limits: {}\n    requests:\n      cpu: 100m\n      memory: 256Mi"
    assert one("x:{{ toYaml .Values.args | nindent 6 }}", values) == "x:\n      - a\n      - b c"


def test_random_text_comes_from_the_seeded_rng():
    a = one("{{ randAlphaNum 10 }} {{ randAlphaNum 10 }}", seed=5)
    assert len(a) == 21 and a[:10].isalnum() and a[:10] != a[11:]
    assert one("{{ randAlphaNum 10 }} {{ randAlphaNum 10 }}", seed=5) == a
    assert one("{{ randAlphaNum 10 }} {{ randAlphaNum 10 }}", seed=6) != a


def test_defines_includes_and_the_manifest():
    c = chart({
        "_helpers.tpl": '{{- define "app.fullname" -}}{{ printf "%s-%s" .Release.Name .Chart.Name }}{{- end -}}',
        "deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"app.fullname\" . }}\n",
        "svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ template \"app.fullname\" . }}\n"
                    "---\n# empty\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
        "hook.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n"
                     "    helm.sh/hook: test\n",
        "NOTES.txt": "Installed {{ .Release.Name }}.\n",
        "off.yaml": "{{- if .Values.enabled }}\nkind: Secret\n{{- end }}\n",
    })
    r = render(c, {}, RELEASE, rng=random.Random(1))
    assert r.notes == "Installed demo.\n"
    assert [h.name for h in r.hooks] == ["t"] and r.hooks[0].events == ["test"]
    assert r.manifest == (
        "---\n# Source: app/templates/svc.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n"
        "---\n# Source: app/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: demo-app\n"
        "---\n# Source: app/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
        "  name: demo-app\n"
        # a document without a kind sorts after every known kind (kind_sorter.go)
        "---\n# Source: app/templates/svc.yaml\n# empty\n")


def test_errors_in_helms_words():
    c = chart({"a.yaml": 'x: {{ required "a name is required" .Values.name }}\n'})
    with pytest.raises(RenderError) as e:
        render(c, {}, RELEASE, rng=random.Random(1))
    assert str(e.value) == "execution error at (app/templates/a.yaml:1:6): a name is required"
    c = chart({"b.yaml": "x: {{ fail \"no\" }}\n"})
    with pytest.raises(RenderError) as e:
        render(c, {}, RELEASE, rng=random.Random(1))
    assert str(e.value) == "execution error at (app/templates/b.yaml:1:6): no"
    c = chart({"c.yaml": "x: {{ .Values.name \n"})
    with pytest.raises(RenderError) as e:
        render(c, {}, RELEASE, rng=random.Random(1))
    assert str(e.value) == "parse error at (app/templates/c.yaml:2): unclosed action started at app/templates/c.yaml:1"
    c = chart({"d.yaml": 'x: {{ include "nope" . }}\n'})
    with pytest.raises(RenderError) as e:
        render(c, {}, RELEASE, rng=random.Random(1))
    assert 'error calling include: template: no template "nope" associated with template "gotpl"' in str(e.value)


def test_values_and_set():
    assert read_values("a: 1\nb: [2, x]\n") == {"a": 1.0, "b": [2.0, "x"]}  # JSON numbers: float64
    vals: dict = {}
    parse_set("a.b=1,c=true,d=null,e=x\\,y,f[1]=z", vals)
    assert vals == {"a": {"b": 1}, "c": True, "d": None, "e": "x,y", "f": [None, "z"]}
    parse_set("a.b=1", vals, string=True)
    assert vals["a"] == {"b": "1"}
    merged = coalesce({"a": {"b": 1.0, "c": 2.0}, "d": 3.0}, {"a": {"b": 5}, "d": None})
    assert merged == {"a": {"b": 5, "c": 2.0}}


def test_files_and_api_versions_have_their_go_methods():
    c = chart({"cm.yaml": "kind: ConfigMap\nmetadata:\n  name: x\ndata:\n"
                          "  one: {{ .Files.Get \"conf/a.ini\" | quote }}\n"
                          "  none: {{ .Files.Get \"missing\" | quote }}\n"
                          "{{ (.Files.Glob \"conf/*.ini\").AsConfig | indent 2 }}\n"
                          "  deploy: {{ .Capabilities.APIVersions.Has \"apps/v1/Deployment\" | quote }}\n"
                          "  gone: {{ .Capabilities.APIVersions.Has \"extensions/v1beta1\" | quote }}\n"})
    c.files = {"conf/a.ini": "x=1", "conf/b.ini": "y=2", "README.md": "hi"}
    out = render(c, {}, RELEASE, rng=random.Random(1)).manifests[0].content
    assert out == ('kind: ConfigMap\nmetadata:\n  name: x\ndata:\n  one: "x=1"\n  none: ""\n  a.ini: x=1\n'
                   '  b.ini: y=2\n  deploy: "true"\n  gone: "false"')
