"""kubectl kustomize: build() against the real kubectl v1.32 (its vendored kustomize v5.5.0) on the same files."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.kubectl.parse import KubectlError
from server.kubectl.verbs.kustomize import build, build_with_warnings, content_hash
from tests.kubectl.offline_kubectl import needs_kubectl, real

#: namespace, prefix/suffix, commonLabels, commonAnnotations, images, replicas, both generators
PLAIN = {
    'deploy.yaml': r'''apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  replicas: 1
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports:
        - containerPort: 80
---
kind: Service
apiVersion: v1
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
''',
    'kustomization.yaml': r'''resources:
- deploy.yaml
namespace: prod
namePrefix: dev-
nameSuffix: -v1
commonLabels:
  team: a
commonAnnotations:
  note: "hi"
images:
- name: nginx
  newTag: "1.27"
replicas:
- name: web
  count: 3
configMapGenerator:
- name: cfg
  literals:
  - A=1
  - B=two
secretGenerator:
- name: sec
  literals:
  - P=x
''',
}

#: a configMapGenerator alone
GENERATOR_ONLY = {
    'kustomization.yaml': r'''namespace: prod
configMapGenerator:
- name: cfg
  literals:
  - A=1
  - B=two
''',
}

#: kyaml's reading of plain scalars (yes/on stay strings, timestamps, hex) and its quoting
QUOTING = {
    'kustomization.yaml': r'''resources:
- r.yaml
''',
    'r.yaml': r'''apiVersion: v1
kind: ConfigMap
metadata:
  name: "quoted"
  labels: {app: 'x', 'tier': "y"}
data:
  a: 'single'
  b: "double"
  c: plain
  d: yes
  e: on
  f: 2024-01-01
  g: 1.10
  h: 0x1F
  i: ~
  j: null
  k: 1e3
  l: "multi\nline"
''',
}

#: an overlay over a base: labels with includeSelectors, env/file generators, patches (file, inline JSON 6902, inline strategic), images by name and digest, namespace renaming a Namespace, name references
OVERLAY = {
    'overlay/patch.yaml': r'''apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        resources:
          limits:
            memory: 128Mi
''',
    'overlay/kustomization.yaml': r'''resources:
- ../base
namespace: staging
namePrefix: stg-
patches:
- path: patch.yaml
- target:
    kind: Deployment
    name: web
  patch: |-
    - op: replace
      path: /spec/replicas
      value: 4
    - op: add
      path: /metadata/annotations
      value: {patched: "yes"}
- patch: |-
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      type: NodePort
images:
- name: nginx
  newName: registry.local/nginx
  newTag: "1.27"
- name: docker.io/library/busybox
  digest: sha256:def
commonAnnotations:
  owner: me
''',
    'base/kustomization.yaml': r'''resources:
- app.yaml
labels:
- pairs:
    app.kubernetes.io/name: web
  includeSelectors: true
- pairs:
    env: base
configMapGenerator:
- name: web-config
  envs:
  - app.env
  files:
  - conf/nginx.conf
  - custom=conf/nginx.conf
''',
    'base/app.yaml': r'''apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: web
      containers:
      - name: web
        image: nginx
        envFrom:
        - configMapRef:
            name: web-config
        volumeMounts:
        - name: cfg
          mountPath: /etc/nginx/conf.d
      - name: side
        image: docker.io/library/busybox:1.36@sha256:abc
      volumes:
      - name: cfg
        configMap:
          name: web-config
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
---
apiVersion: v1
kind: Namespace
metadata:
  name: stuff
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: tick
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: t
            image: busybox
''',
    'base/app.env': r'''A=1
# c
B=x y
''',
    'base/conf/nginx.conf': r'''server {
  listen 80;
}
''',
}

#: patchesStrategicMerge inline, a basic-auth secret with characters JSON escapes, generatorOptions, a Job under commonLabels
PATCHES_AND_SECRETS = {
    'kustomization.yaml': r'''resources:
- d.yaml
commonLabels:
  app: demo
patchesStrategicMerge:
- |-
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: d
  spec:
    template:
      spec:
        containers:
        - name: c
          env:
          - name: MODE
            value: prod
secretGenerator:
- name: creds
  literals:
  - user=admin
  - "pass=s3cr&t<>"
  type: kubernetes.io/basic-auth
generatorOptions:
  labels:
    gen: "true"
  disableNameSuffixHash: false
replicas:
- name: d
  count: 2
''',
    'd.yaml': r'''apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  selector:
    matchLabels:
      run: d
  template:
    metadata:
      labels:
        run: d
    spec:
      containers:
      - name: c
        image: nginx:1.25
        env:
        - name: U
          valueFrom:
            secretKeyRef:
              name: creds
              key: user
---
apiVersion: batch/v1
kind: Job
metadata:
  name: j
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: j
        image: busybox
''',
}


def write(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return tmp_path


@needs_kubectl
@pytest.mark.parametrize(("files", "directory"), [
    (PLAIN, "."), (GENERATOR_ONLY, "."), (QUOTING, "."), (OVERLAY, "overlay"), (OVERLAY, "base"),
    (PATCHES_AND_SECRETS, "."),
])
def test_build_prints_what_kubectl_kustomize_prints(tmp_path, files, directory):
    root = write(tmp_path, files)
    expected, code = real("kustomize", directory, cwd=root)
    assert code == 0, expected
    text, warnings = build_with_warnings(files, directory)
    # kustomize's deprecation warnings go to stderr before the YAML is written
    assert "".join(w + "\n" for w in warnings) + text == expected


@needs_kubectl
@pytest.mark.parametrize(("files", "directory"), [
    ({"kustomization.yaml": "resources:\n- nope.yaml\n"}, "."),
    ({"kustomization.yaml": "resources:\n- sub\n", "sub/a.yaml": "x: 1\n"}, "."),
    ({"kustomization.yaml": "resources: []\n"}, "missing"),
    ({"kustomization.yaml": "resources: []\n", "a.yaml": "x: 1\n"}, "a.yaml"),
    ({"a.yaml": "x: 1\n", "sub/kustomization.yaml": "resources: []\n"}, "."),
])
def test_build_errors_are_kustomizes(tmp_path, files, directory):
    root = write(tmp_path, files)
    expected, code = real("kustomize", directory, cwd=root)
    assert code == 1
    with pytest.raises(KubectlError) as e:
        build(files, directory)
    # the real paths are absolute under the temporary directory; the workstation's are under $HOME
    assert e.value.message + "\n" == expected.replace(str(root), "/home/user")


def test_generated_names_carry_kustomizes_content_hash():
    # the hash ignores the name (kustomize's lookup of "metadata/name" misses) but not the data
    a = content_hash({"kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"A": "1"}})
    assert a == content_hash({"kind": "ConfigMap", "metadata": {"name": "y"}, "data": {"A": "1"}})
    assert a != content_hash({"kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"A": "2"}})
    assert len(a) == 10 and not set(a) & set("013ae")


def test_the_kustomize_command_reads_the_workspace(cluster, kubectl):
    cluster.workspace.update({f"app/{k}": v for k, v in PLAIN.items()})
    text = kubectl("kustomize app")
    assert text.startswith("# Warning: 'commonLabels' is deprecated.")
    assert text.endswith(build(cluster.workspace, "app"))
    assert kubectl("kustomize app other", rc=1) == "error: specify one path to kustomization.yaml\n"
    assert kubectl("kustomize app -o out.yaml").startswith("# Warning")
    assert cluster.workspace["out.yaml"] == build(cluster.workspace, "app")


@needs_kubectl
@pytest.mark.parametrize("kustomization", [
    "resources: foo", "labels: foo", "namePrefix: [a]", "replicas:\n- name: x\n  count: abc", "commonLabels: [a]",
    "labels:\n- pairs: x", "images:\n- 1", "[1, 2]", "foo: 1", "images:\n- name: a\n  bogus: 1",
    "replicas:\n- name: x\n  count: '3'", "patches:\n- target: x", "secretGenerator:\n- name: a\n  options:\n    labels: [x]",
])
def test_a_kustomization_of_the_wrong_shape_is_refused_as_kustomize_does(tmp_path, kustomization):
    files = {"kustomization.yaml": kustomization + "\n"}
    expected, code = real("kustomize", ".", cwd=write(tmp_path, files))
    assert code == 1
    with pytest.raises(KubectlError) as e:
        build(files, ".")
    assert e.value.message + "\n" == expected
