"""server.sim.patch: the three PATCH types as a v1.32 apiserver applies them.

Expected results come from the real implementations, not from this module:
- KUBECTL_CASES and ERROR_CASES were captured with the real kubectl v1.32, whose ``patch --local``
  runs the same libraries the apiserver does (strategicpatch with the typed object's patch tags,
  gopkg.in/evanphx/json-patch.v4), on the DEPLOYMENT/POD/NODE objects below:
      kubectl.1.32 patch --local -f obj.json -o json --type {strategic|merge|json} -p "$PATCH"
  (the result's changed subtree is kept; every other field must come back unchanged). The HTTP
  status and reason each error becomes are handlers/patch.go's (interpretStrategicMergePatchError,
  applyJSPatch), which --local does not show.
"""

from __future__ import annotations

import copy
import json
import random
from dataclasses import dataclass, field
from typing import Any

import pytest

from server.sim import patch as P
from server.sim.patch import PatchError, apply_patch, json_patch, merge_patch, strategic_merge_patch

# -- a test double of server.sim.openapi.Schema ----------------------------------------------------

@dataclass
class S:
    """Just the Schema attributes patching reads; ``props``/``value`` are the properties and the
    additionalProperties schema (zero-argument callables allowed, for recursive types)."""

    type: str = "object"
    patch_strategy: str = ""
    patch_merge_key: str = ""
    props: dict[str, Any] = field(default_factory=dict)
    value: Any = None
    item: Any = None
    format: str = ""
    list_type: str = ""
    list_map_keys: tuple[str, ...] = ()
    map_type: str = ""

    def field(self, name: str) -> S | None:
        f = self.props.get(name, self.value)
        return f() if callable(f) else f

    @property
    def items(self) -> S | None:
        return self.item() if callable(self.item) else self.item


STR, INT, BOOL = S(type="string"), S(type="integer"), S(type="boolean")
STRING_MAP = S(value=STR)


def merge_list(key: str, item: Any, strategy: str = "merge") -> S:
    return S(type="array", patch_strategy=strategy, patch_merge_key=key, item=item)


def atomic_list(item: Any) -> S:
    return S(type="array", item=item)


# the patch tags of k8s.io/api v1.32 (as the v1.32 OpenAPI document carries them) for the fields used
OBJECT_META = S(props={
    "name": STR, "namespace": STR, "labels": STRING_MAP, "annotations": STRING_MAP,
    "finalizers": S(type="array", patch_strategy="merge", item=STR),
    "ownerReferences": merge_list("uid", S(props={"uid": STR, "name": STR})),
})
CONTAINER = S(props={
    "name": STR, "image": STR, "args": atomic_list(STR), "command": atomic_list(STR),
    "env": merge_list("name", S(props={"name": STR, "value": STR})),
    "ports": merge_list("containerPort", S(props={"containerPort": INT, "protocol": STR, "name": STR})),
    "volumeMounts": merge_list("mountPath", S(props={"name": STR, "mountPath": STR})),
})
POD_SPEC = S(props={
    "containers": merge_list("name", CONTAINER), "initContainers": merge_list("name", CONTAINER),
    "volumes": merge_list("name", S(props={"name": STR, "emptyDir": S(), "hostPath": S(props={"path": STR}),
                                           "configMap": S(props={"name": STR})}), "merge,retainKeys"),
    "tolerations": atomic_list(S(props={"key": STR, "operator": STR, "effect": STR, "tolerationSeconds": INT})),
    "nodeName": STR,
})
POD_TEMPLATE = S(props={"metadata": OBJECT_META, "spec": POD_SPEC})
DEPLOYMENT_SCHEMA = S(props={
    "apiVersion": STR, "kind": STR, "metadata": OBJECT_META,
    "spec": S(props={
        "replicas": INT, "paused": BOOL, "selector": S(props={"matchLabels": STRING_MAP}), "template": POD_TEMPLATE,
        "strategy": S(patch_strategy="retainKeys", props={
            "type": STR, "rollingUpdate": S(props={"maxSurge": S(type=""), "maxUnavailable": S(type="")})}),
    }),
})
POD_SCHEMA = S(props={"apiVersion": STR, "kind": STR, "metadata": OBJECT_META, "spec": POD_SPEC})
NODE_SCHEMA = S(props={"apiVersion": STR, "kind": STR, "metadata": OBJECT_META, "spec": S(props={
    "podCIDR": STR, "unschedulable": BOOL,
    "taints": atomic_list(S(props={"key": STR, "value": STR, "effect": STR})),
})})

DEPLOYMENT = {'apiVersion': 'apps/v1',
              'kind': 'Deployment',
              'metadata': {'name': 'web', 'namespace': 'default', 'labels': {'app': 'web', 'tier': 'fe'}},
              'spec': {'replicas': 1,
                       'selector': {'matchLabels': {'app': 'web'}},
                       'strategy': {'type': 'RollingUpdate',
                                    'rollingUpdate': {'maxSurge': '25%', 'maxUnavailable': '25%'}},
                       'template': {'metadata': {'labels': {'app': 'web'}},
                                    'spec': {'containers': [{'name': 'nginx',
                                                             'image': 'nginx:1.14',
                                                             'ports': [{'containerPort': 80,
                                                                        'protocol': 'TCP'}],
                                                             'env': [{'name': 'A', 'value': '1'},
                                                                     {'name': 'B', 'value': '2'}]},
                                                            {'name': 'sidecar',
                                                             'image': 'busybox',
                                                             'args': ['sleep', '3600']}],
                                             'tolerations': [{'key': 'a',
                                                              'operator': 'Exists',
                                                              'effect': 'NoSchedule'}]}}}}
POD = {'apiVersion': 'v1',
       'kind': 'Pod',
       'metadata': {'name': 'p',
                    'namespace': 'default',
                    'finalizers': ['a.example/x', 'b.example/y', 'c.example/z'],
                    'labels': {'app': 'p'}},
       'spec': {'containers': [{'name': 'app',
                                'image': 'nginx',
                                'volumeMounts': [{'name': 'v', 'mountPath': '/data'},
                                                 {'name': 'w', 'mountPath': '/w'}],
                                'ports': [{'containerPort': 80, 'protocol': 'TCP'},
                                          {'containerPort': 443, 'protocol': 'TCP'}]}],
                'volumes': [{'name': 'v', 'emptyDir': {}}, {'name': 'w', 'hostPath': {'path': '/tmp'}}],
                'tolerations': [{'key': 'node.kubernetes.io/not-ready',
                                 'operator': 'Exists',
                                 'effect': 'NoExecute',
                                 'tolerationSeconds': 300}]}}
NODE = {'apiVersion': 'v1',
        'kind': 'Node',
        'metadata': {'name': 'node1', 'labels': {'kubernetes.io/hostname': 'node1'}},
        'spec': {'podCIDR': '10.244.1.0/24', 'taints': [{'key': 'a', 'effect': 'NoSchedule'}]}}
BASES = {"DEPLOYMENT": (DEPLOYMENT, DEPLOYMENT_SCHEMA), "POD": (POD, POD_SCHEMA), "NODE": (NODE, NODE_SCHEMA)}


KUBECTL_CASES = [
    ('kubectl scale',
     'DEPLOYMENT',
     'MERGE_PATCH',
     '{"spec":{"replicas":3}}',
     'spec.replicas',
     3),
    ('kubectl set image',
     'DEPLOYMENT',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"sidecar"}],"containers":[{"image":"nginx:1.16","name":"nginx"}]}}}}',
     'spec.template.spec.containers',
     [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}], 'image': 'nginx:1.16', 'name': 'nginx', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}]}, {'args': ['sleep', '3600'], 'image': 'busybox', 'name': 'sidecar'}]),
    ('kubectl edit reorders containers',
     'DEPLOYMENT',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"nginx"}],"containers":[{"image":"nginx:1.16","name":"nginx"}]}}}}',
     'spec.template.spec.containers',
     [{'args': ['sleep', '3600'], 'image': 'busybox', 'name': 'sidecar'}, {'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}], 'image': 'nginx:1.16', 'name': 'nginx', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}]}]),
    ('kubectl rollout restart',
     'DEPLOYMENT',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-12-01T09:00:00Z"}}}}}',
     'spec.template.metadata',
     {'annotations': {'kubectl.kubernetes.io/restartedAt': '2026-12-01T09:00:00Z'}, 'labels': {'app': 'web'}}),
    ('kubectl cordon',
     'NODE',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"unschedulable":true}}',
     'spec',
     {'podCIDR': '10.244.1.0/24', 'taints': [{'effect': 'NoSchedule', 'key': 'a'}], 'unschedulable': True}),
    ('kubectl uncordon',
     'NODE',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"unschedulable":null}}',
     'spec',
     {'podCIDR': '10.244.1.0/24', 'taints': [{'effect': 'NoSchedule', 'key': 'a'}]}),
    ('kubectl label x-',
     'DEPLOYMENT',
     'STRATEGIC_MERGE_PATCH',
     '{"metadata":{"labels":{"tier":null}}}',
     'metadata.labels',
     {'app': 'web'}),
    ('label removal as merge patch',
     'DEPLOYMENT',
     'MERGE_PATCH',
     '{"metadata":{"labels":{"new":"x","tier":null}}}',
     'metadata.labels',
     {'app': 'web', 'new': 'x'}),
    ('container removal with $patch: delete',
     'DEPLOYMENT',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"template":{"spec":{"containers":[{"$patch":"delete","name":"sidecar"}]}}}}',
     'spec.template.spec.containers',
     [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}], 'image': 'nginx:1.14', 'name': 'nginx', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}]}]),
    ('tolerations have no merge key: replaced',
     'DEPLOYMENT',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"template":{"spec":{"tolerations":[{"key":"b","operator":"Exists"}]}}}}',
     'spec.template.spec.tolerations',
     [{'key': 'b', 'operator': 'Exists'}]),
    ('$retainKeys: RollingUpdate to Recreate',
     'DEPLOYMENT',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}',
     'spec.strategy',
     {'type': 'Recreate'}),
    ('Recreate without $retainKeys keeps rollingUpdate',
     'DEPLOYMENT',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"strategy":{"type":"Recreate"}}}',
     'spec.strategy',
     {'rollingUpdate': {'maxSurge': '25%', 'maxUnavailable': '25%'}, 'type': 'Recreate'}),
    ('env: delete one, add one, $setElementOrder',
     'DEPLOYMENT',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"template":{"spec":{"containers":[{"$setElementOrder/env":[{"name":"C"},{"name":"B"}],"env":[{"$patch":"delete","name":"A"},{"name":"C","value":"3"}],"name":"nginx"}]}}}}',
     'spec.template.spec.containers',
     [{'env': [{'name': 'C', 'value': '3'}, {'name': 'B', 'value': '2'}], 'image': 'nginx:1.14', 'name': 'nginx', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}]}, {'args': ['sleep', '3600'], 'image': 'busybox', 'name': 'sidecar'}]),
    ('env merged by name without an order list',
     'DEPLOYMENT',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"template":{"spec":{"containers":[{"env":[{"name":"C","value":"3"},{"name":"A","value":"9"}],"name":"nginx"}]}}}}',
     'spec.template.spec.containers',
     [{'env': [{'name': 'C', 'value': '3'}, {'name': 'A', 'value': '9'}, {'name': 'B', 'value': '2'}], 'image': 'nginx:1.14', 'name': 'nginx', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}]}, {'args': ['sleep', '3600'], 'image': 'busybox', 'name': 'sidecar'}]),
    ('a new container is appended whole',
     'DEPLOYMENT',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"template":{"spec":{"containers":[{"env":[{"name":"X","value":"1"}],"image":"redis","name":"c3"}]}}}}',
     'spec.template.spec.containers',
     [{'env': [{'name': 'X', 'value': '1'}], 'image': 'redis', 'name': 'c3'}, {'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}], 'image': 'nginx:1.14', 'name': 'nginx', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}]}, {'args': ['sleep', '3600'], 'image': 'busybox', 'name': 'sidecar'}]),
    ('$patch: replace in a merge list',
     'DEPLOYMENT',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"template":{"spec":{"containers":[{"image":"a","name":"only"},{"$patch":"replace"}]}}}}',
     'spec.template.spec.containers',
     [{'image': 'a', 'name': 'only'}]),
    ('args (atomic) are replaced',
     'DEPLOYMENT',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"template":{"spec":{"containers":[{"args":["sleep","10"],"name":"sidecar"}]}}}}',
     'spec.template.spec.containers',
     [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}], 'image': 'nginx:1.14', 'name': 'nginx', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}]}, {'args': ['sleep', '10'], 'image': 'busybox', 'name': 'sidecar'}]),
    ('$patch: replace in a map',
     'DEPLOYMENT',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"template":{"spec":{"$patch":"replace","containers":[{"image":"z","name":"z"}]}}}}',
     'spec.template.spec',
     {'containers': [{'image': 'z', 'name': 'z'}]}),
    ('$patch: delete in a map',
     'DEPLOYMENT',
     'STRATEGIC_MERGE_PATCH',
     '{"metadata":{"labels":{"$patch":"delete"}}}',
     'metadata.labels',
     {}),
    ('finalizers: primitive merge list is a union',
     'POD',
     'STRATEGIC_MERGE_PATCH',
     '{"metadata":{"finalizers":["d.example/w","a.example/x"]}}',
     'metadata.finalizers',
     ['d.example/w', 'a.example/x', 'b.example/y', 'c.example/z']),
    ('$deleteFromPrimitiveList/finalizers',
     'POD',
     'STRATEGIC_MERGE_PATCH',
     '{"metadata":{"$deleteFromPrimitiveList/finalizers":["b.example/y"]}}',
     'metadata.finalizers',
     ['a.example/x', 'c.example/z']),
    ('$setElementOrder/finalizers alone reorders',
     'POD',
     'STRATEGIC_MERGE_PATCH',
     '{"metadata":{"$setElementOrder/finalizers":["c.example/z","a.example/x","b.example/y"]}}',
     'metadata.finalizers',
     ['c.example/z', 'a.example/x', 'b.example/y']),
    ('finalizers: add, delete and order together',
     'POD',
     'STRATEGIC_MERGE_PATCH',
     '{"metadata":{"$deleteFromPrimitiveList/finalizers":["b.example/y"],"$setElementOrder/finalizers":["c.example/z","n.example/q","a.example/x"],"finalizers":["n.example/q"]}}',
     'metadata.finalizers',
     ['c.example/z', 'n.example/q', 'a.example/x']),
    ('volumes: $retainKeys in a list item swaps the source',
     'POD',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"volumes":[{"$retainKeys":["configMap","name"],"configMap":{"name":"cm"},"name":"w"}]}}',
     'spec.volumes',
     [{'emptyDir': {}, 'name': 'v'}, {'configMap': {'name': 'cm'}, 'name': 'w'}]),
    ('volumeMounts merged by mountPath',
     'POD',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"containers":[{"name":"app","volumeMounts":[{"$patch":"delete","mountPath":"/w"}]}]}}',
     'spec.containers',
     [{'image': 'nginx', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}, {'containerPort': 443, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'v'}]}]),
    ('ports merged by containerPort, ordered',
     'POD',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"containers":[{"$setElementOrder/ports":[{"containerPort":443},{"containerPort":8080},{"containerPort":80}],"name":"app","ports":[{"containerPort":8080,"protocol":"TCP"}]}]}}',
     'spec.containers',
     [{'image': 'nginx', 'name': 'app', 'ports': [{'containerPort': 443, 'protocol': 'TCP'}, {'containerPort': 8080, 'protocol': 'TCP'}, {'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'v'}, {'mountPath': '/w', 'name': 'w'}]}]),
    ('node taints (atomic) are replaced',
     'NODE',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"taints":[{"effect":"NoExecute","key":"b"}]}}',
     'spec.taints',
     [{'effect': 'NoExecute', 'key': 'b'}]),
    ('json patch: add a label',
     'DEPLOYMENT',
     'JSON_PATCH',
     '[{"op":"add","path":"/metadata/labels/new","value":"v"}]',
     'metadata.labels',
     {'app': 'web', 'new': 'v', 'tier': 'fe'}),
    ('json patch: replace an image',
     'DEPLOYMENT',
     'JSON_PATCH',
     '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"nginx:2"}]',
     'spec.template.spec.containers',
     [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}], 'image': 'nginx:2', 'name': 'nginx', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}]}, {'args': ['sleep', '3600'], 'image': 'busybox', 'name': 'sidecar'}]),
    ('json patch: append with -',
     'DEPLOYMENT',
     'JSON_PATCH',
     '[{"op":"add","path":"/spec/template/spec/containers/0/env/-","value":{"name":"Z","value":"z"}}]',
     'spec.template.spec.containers',
     [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}, {'name': 'Z', 'value': 'z'}], 'image': 'nginx:1.14', 'name': 'nginx', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}]}, {'args': ['sleep', '3600'], 'image': 'busybox', 'name': 'sidecar'}]),
    ('json patch: negative index inserts before the end',
     'DEPLOYMENT',
     'JSON_PATCH',
     '[{"op":"add","path":"/spec/template/spec/containers/0/env/-1","value":{"name":"Z","value":"z"}}]',
     'spec.template.spec.containers',
     [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}, {'name': 'Z', 'value': 'z'}], 'image': 'nginx:1.14', 'name': 'nginx', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}]}, {'args': ['sleep', '3600'], 'image': 'busybox', 'name': 'sidecar'}]),
    ('json patch: test then replace',
     'DEPLOYMENT',
     'JSON_PATCH',
     '[{"op":"test","path":"/spec/replicas","value":1},{"op":"replace","path":"/spec/replicas","value":5}]',
     'spec.replicas',
     5),
    ('json patch: move',
     'DEPLOYMENT',
     'JSON_PATCH',
     '[{"op":"move","from":"/metadata/labels/tier","path":"/metadata/labels/layer"}]',
     'metadata.labels',
     {'app': 'web', 'layer': 'fe'}),
    ('json patch: copy',
     'DEPLOYMENT',
     'JSON_PATCH',
     '[{"op":"copy","from":"/metadata/labels","path":"/spec/template/metadata/labels"}]',
     'spec.template.metadata.labels',
     {'app': 'web', 'tier': 'fe'}),
    ('json patch: ~1 and ~0 escapes',
     'DEPLOYMENT',
     'JSON_PATCH',
     '[{"op":"add","path":"/metadata/annotations","value":{}},{"op":"add","path":"/metadata/annotations/a~1b~0c","value":"x"}]',
     'metadata.annotations',
     {'a/b~c': 'x'}),
    ('json patch: replace of a missing map key adds it (v4)',
     'DEPLOYMENT',
     'JSON_PATCH',
     '[{"op":"replace","path":"/spec/paused","value":true}]',
     'spec.paused',
     True),
    ('json patch: a path without the leading / drops its first segment (v4)',
     'DEPLOYMENT',
     'JSON_PATCH',
     '[{"op":"add","path":"spec/x","value":1}]',
     'x',
     1),
    ('merge patch: lists are replaced, nulls in added values pruned',
     'DEPLOYMENT',
     'MERGE_PATCH',
     '{"spec":{"template":{"spec":{"containers":[{"env":[{"name":"x","value":null}],"image":"b","name":"a"}]}}}}',
     'spec.template.spec.containers',
     [{'env': [{'name': 'x'}], 'image': 'b', 'name': 'a'}]),
    ('merge patch: nulls pruned at any depth of a new subtree',
     'DEPLOYMENT',
     'MERGE_PATCH',
     '{"spec":{"newthing":{"a":null,"b":{"c":null,"d":1}}}}',
     'spec.newthing',
     {'b': {'d': 1}}),
]


ERROR_CASES = [
    ('json remove of a missing key',
     'JSON_PATCH',
     '[{"op":"remove","path":"/spec/foo"}]',
     "error in remove for path: '/spec/foo': Unable to remove nonexistent key: foo: missing value"),
    ('json add under a missing parent',
     'JSON_PATCH',
     '[{"op":"add","path":"/spec/foo/bar","value":1}]',
     'add operation does not apply: doc is missing path: "/spec/foo/bar": missing value'),
    ('json add past the end',
     'JSON_PATCH',
     '[{"op":"add","path":"/spec/template/spec/containers/0/env/5","value":{"name":"Z"}}]',
     "error in add for path: '/spec/template/spec/containers/0/env/5': Unable to access invalid index: 5: invalid index referenced"),
    ('json index that is no number',
     'JSON_PATCH',
     '[{"op":"remove","path":"/spec/template/spec/containers/x"}]',
     'error in remove for path: \'/spec/template/spec/containers/x\': strconv.Atoi: parsing "x": invalid syntax'),
    ('json failed test',
     'JSON_PATCH',
     '[{"op":"test","path":"/spec/replicas","value":2}]',
     'testing value /spec/replicas failed: test failed'),
    ('json unknown op',
     'JSON_PATCH',
     '[{"op":"frob","path":"/spec"}]',
     'Unexpected kind: frob'),
    ('json add without path',
     'JSON_PATCH',
     '[{"op":"add","value":1}]',
     'add operation failed to decode path: missing value'),
    ('json replace without path',
     'JSON_PATCH',
     '[{"op":"replace","value":1}]',
     'replace operation failed to decode path: operation missing path field: missing value'),
    ('json replace past the end',
     'JSON_PATCH',
     '[{"op":"replace","path":"/spec/template/spec/containers/7","value":{}}]',
     # kubectl --local prints 'Object to be patched is missing field (...)': kubectl rewrites
     # this one message (getPatchedJSON); the library's text is json-patch.v4 patch.go's
     'replace operation does not apply: doc is missing key: /spec/template/spec/containers/7: missing value'),
    ('json move from a missing key',
     'JSON_PATCH',
     '[{"op":"move","from":"/metadata/nope","path":"/metadata/x"}]',
     "error in move for path: 'nope': Unable to remove nonexistent key: nope: missing value"),
    ('json copy to a missing parent',
     'JSON_PATCH',
     '[{"op":"copy","from":"/spec/replicas","path":"/nope/x"}]',
     'copy operation does not apply: doc is missing destination path: /nope/x: missing value'),
    ('json test of a missing parent',
     'JSON_PATCH',
     '[{"op":"test","path":"/nope/x","value":1}]',
     'test operation does not apply: is missing path: /nope/x: missing value'),
    ('json path that is a number',
     'JSON_PATCH',
     '[{"op":"replace","path":7,"value":1}]',
     'replace operation failed to decode path: json: cannot unmarshal number into Go value of type string'),
    ('smp item without its merge key',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}',
     'map: map[image:x] does not contain declared merge key: name'),
    ('smp unknown $patch in a map',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"$patch":"foo","replicas":2}}',
     'unknown patch type: foo in map: map[$patch:foo replicas:2]'),
    ('smp $patch that is no string',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"$patch":1.5}}',
     'unknown patch type: %!s(float64=1.5) in map: map[$patch:1.5]'),
    ('smp $retainKeys that is no list',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"strategy":{"$retainKeys":"type","type":"Recreate"}}}',
     'invalid patch format of retainKeys'),
    ('smp field missing from $retainKeys',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{"maxSurge":1}}}}',
     'invalid patch format of retainKeys'),
    ('smp patch list out of $setElementOrder order',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"sidecar"}],"containers":[{"image":"a","name":"sidecar"},{"image":"b","name":"nginx"}]}}}}',
     # the message ends in a newline of its own (kubectl adds none after it)
     "The order in patch list:\n[map[image:a name:sidecar] map[image:b name:nginx]]\n doesn't match $setElementOrder list:\n[map[name:nginx] map[name:sidecar]]\n"),
    ('smp list of lists in a merge list',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"template":{"spec":{"containers":[["a"]]}}}}',
     'list element types are not identical: [[map[env:[map[name:A value:1] map[name:B value:2]] image:nginx:1.14 name:nginx ports:[map[containerPort:80 protocol:TCP]]] map[args:[sleep 3600] image:busybox name:sidecar]] [[a]]]'),
    ('smp $patch: merge in a list',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"template":{"spec":{"containers":[{"$patch":"merge","name":"x"}]}}}}',
     'merging lists cannot yet be specified in the patch'),
    ('smp unknown $patch in a list item',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"template":{"spec":{"containers":[{"$patch":"foo","name":"nginx"}]}}}}',
     'unknown patch type: foo in map: map[$patch:foo name:nginx]'),
    ('smp $patch: delete without the merge key',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"template":{"spec":{"containers":[{"$patch":"delete"}]}}}}',
     'map: map[$patch:delete] does not contain declared merge key: name'),
    ('smp $setElementOrder that is no list',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"template":{"spec":{"$setElementOrder/containers":{"name":"x"}}}}}',
     'expected a []interface {}, but received a map[string]interface {}'),
    ('smp $deleteFromPrimitiveList without a field',
     'STRATEGIC_MERGE_PATCH',
     '{"metadata":{"$deleteFromPrimitiveList":["a"]}}',
     'invalid patch format of primitive list'),
    ('smp $setElementOrder with a bad prefix',
     'STRATEGIC_MERGE_PATCH',
     '{"metadata":{"$setElementOrderX/finalizers":["a"]}}',
     'invalid patch format of setElementOrder list'),
    ('smp values quoted as Go prints them',
     'STRATEGIC_MERGE_PATCH',
     '{"spec":{"template":{"spec":{"containers":[{"image":1e6,"t":100,"u":[1,"a"],"v":null,"w":true,"x":0.00001,"y":123456.5}]}}}}',
     'map: map[image:1e+06 t:100 u:[1 a] v:<nil> w:true x:1e-05 y:123456.5] does not contain declared merge key: name'),
]


def _at(obj: dict, path: str) -> Any:
    for p in path.split("."):
        obj = obj[p]
    return obj


def _with(obj: dict, path: str, value: Any) -> dict:
    out = copy.deepcopy(obj)
    *parents, last = path.split(".")
    d = out
    for p in parents:
        d = d.setdefault(p, {})
    d[last] = value
    return out


@pytest.mark.parametrize("name,base,ctype,body,path,expected", KUBECTL_CASES, ids=[c[0] for c in KUBECTL_CASES])
def test_what_kubectl_sends(name, base, ctype, body, path, expected):
    doc, schema = BASES[base]
    before = copy.deepcopy(doc)
    got = apply_patch(doc, body.encode(), getattr(P, ctype), schema)
    assert got == _with(doc, path, expected)
    assert doc == before


def test_set_image_keeps_container_order_and_fields():
    got = apply_patch(DEPLOYMENT, json.dumps({"spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "nginx"}, {"name": "sidecar"}],
        "containers": [{"name": "nginx", "image": "nginx:1.16"}]}}}}).encode(),
        P.STRATEGIC_MERGE_PATCH, DEPLOYMENT_SCHEMA)
    containers = got["spec"]["template"]["spec"]["containers"]
    assert [(c["name"], c["image"]) for c in containers] == [("nginx", "nginx:1.16"), ("sidecar", "busybox")]
    assert containers[0]["env"] == DEPLOYMENT["spec"]["template"]["spec"]["containers"][0]["env"]
    assert "$setElementOrder/containers" not in got["spec"]["template"]["spec"]


def test_rollout_undo_of_a_deployment_is_a_json_patch():
    """kubectl rollout undo (getDeploymentPatch): replace /spec/template and /metadata/annotations;
    the Deployment has no annotations yet, and v4's replace adds the missing key (as kubectl.1.32
    patch --local shows for the same body)."""
    template = {"metadata": {"labels": {"app": "web", "pod-template-hash": "x"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.13"}]}}
    body = json.dumps([{"op": "replace", "path": "/spec/template", "value": template},
                       {"op": "replace", "path": "/metadata/annotations",
                        "value": {"deployment.kubernetes.io/revision": "3"}}])
    got = apply_patch(DEPLOYMENT, body.encode(), P.JSON_PATCH, DEPLOYMENT_SCHEMA)
    assert got["spec"]["template"] == template
    assert got["metadata"] == {**DEPLOYMENT["metadata"], "annotations": {"deployment.kubernetes.io/revision": "3"}}


def test_rollout_undo_of_a_statefulset_replaces_the_template():
    """kubectl rollout undo for a DaemonSet/StatefulSet sends the revision's template with
    "$patch": "replace": nothing of the live template survives."""
    body = {"spec": {"template": {"$patch": "replace", "metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1.13"}]}}}}
    got = strategic_merge_patch(DEPLOYMENT, body, DEPLOYMENT_SCHEMA)
    assert got["spec"]["template"] == {"metadata": {"labels": {"app": "web"}},
                                       "spec": {"containers": [{"name": "nginx", "image": "nginx:1.13"}]}}


@pytest.mark.parametrize("name,ctype,body,detail", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_errors_in_the_libraries_words(name, ctype, body, detail):
    with pytest.raises(PatchError) as e:
        apply_patch(DEPLOYMENT, body.encode(), getattr(P, ctype), DEPLOYMENT_SCHEMA)
    err = e.value
    assert err.detail == detail
    if ctype == "JSON_PATCH":
        # applyJSPatch: NewGenericServerResponse(422, ...) keeps its generic text, not the library's
        assert (err.code, err.reason) == (422, "Invalid")
        assert err.message == "the server rejected our request due to an error in our request"
    else:
        assert err.message == detail
        expected = {"invalid patch format of retainKeys": (400, "BadRequest"),
                    "invalid patch format of primitive list": (400, "BadRequest"),
                    "invalid patch format of setElementOrder list": (400, "BadRequest")}.get(detail, (500, ""))
        assert (err.code, err.reason) == expected


def test_smp_lists_of_lists_are_422():
    doc = {"spec": {"template": {"spec": {"containers": []}}}}
    with pytest.raises(PatchError) as e:
        strategic_merge_patch(doc, {"spec": {"template": {"spec": {"containers": [["a"]]}}}}, DEPLOYMENT_SCHEMA)
    assert (e.value.code, e.value.reason, e.value.message) == (422, "Invalid", "lists of lists are not supported")


# -- the body and the Content-Type, as PatchResource reads them --------------------------------------

def test_unknown_content_type_is_415_with_the_accepted_list():
    with pytest.raises(PatchError) as e:
        apply_patch(DEPLOYMENT, b"{}", "application/json", DEPLOYMENT_SCHEMA)
    assert (e.value.code, e.value.reason) == (415, "UnsupportedMediaType")
    assert e.value.message == (
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, "
        "application/strategic-merge-patch+json, application/apply-patch+yaml")


def test_charset_parameter_is_cut_but_the_type_is_compared_exactly():
    got = apply_patch(DEPLOYMENT, b'{"spec":{"replicas":2}}', "application/merge-patch+json; charset=utf-8", None)
    assert got["spec"]["replicas"] == 2
    with pytest.raises(PatchError) as e:
        apply_patch(DEPLOYMENT, b'{"spec":{"replicas":2}}', "Application/Merge-Patch+JSON", None)
    assert e.value.code == 415


def test_server_side_apply_is_not_a_patch_here():
    with pytest.raises(ValueError):
        apply_patch(DEPLOYMENT, b"spec: {}", P.APPLY_PATCH, DEPLOYMENT_SCHEMA)


@pytest.mark.parametrize("ctype,body,code,message", [
    (P.JSON_PATCH, b'{"op":"add"}', 400, "json: cannot unmarshal object into Go value of type jsonpatch.Patch"),
    (P.JSON_PATCH, b'["add"]', 400, "json: cannot unmarshal string into Go value of type jsonpatch.Operation"),
    (P.JSON_PATCH, b'[{"op":', 400, "unexpected end of JSON input"),
    (P.JSON_PATCH, b"", 400, "unexpected end of JSON input"),
    (P.JSON_PATCH, b"[x]", 400, "invalid character 'x' looking for beginning of value"),
    (P.JSON_PATCH, b"[] x", 400, "invalid character 'x' after top-level value"),
    (P.JSON_PATCH, b'[{"op":"add"} {}]', 400, "invalid character '{' after array element"),
    (P.JSON_PATCH, b'[{"op":"add" "path":"/a"}]', 400, "invalid character '\"' after object key:value pair"),
    (P.JSON_PATCH, b'[{"op" "add"}]', 400, "invalid character '\"' after object key"),
    (P.MERGE_PATCH, b"{not json", 400, "Invalid JSON Patch"),
    (P.MERGE_PATCH, b"null", 400, "Invalid JSON Patch"),
    (P.MERGE_PATCH, b'"bar"', 400, "Invalid JSON Patch"),
    (P.STRATEGIC_MERGE_PATCH, b"[1]", 400, "json: cannot unmarshal array into Go value of type map[string]interface {}"),
    (P.STRATEGIC_MERGE_PATCH, b"{'a': 1}", 400, "invalid character '\\'' looking for beginning of object key string"),
    (P.STRATEGIC_MERGE_PATCH, b'{"a": NaN}', 400, "invalid character 'N' looking for beginning of value"),
    (P.STRATEGIC_MERGE_PATCH, b"spec:\n  replicas: 2", 400, "invalid character 's' looking for beginning of value"),
])
def test_bodies_that_do_not_decode_are_400(ctype, body, code, message):
    with pytest.raises(PatchError) as e:
        apply_patch(DEPLOYMENT, body, ctype, DEPLOYMENT_SCHEMA)
    assert (e.value.code, e.value.reason, e.value.message) == (code, "BadRequest", message)


def test_null_bodies_change_nothing_for_json_and_strategic_patches():
    for ctype in (P.JSON_PATCH, P.STRATEGIC_MERGE_PATCH):
        assert apply_patch(DEPLOYMENT, b"null", ctype, DEPLOYMENT_SCHEMA) == DEPLOYMENT


def test_more_than_10000_operations_is_413():
    ops = [{"op": "test", "path": "/kind", "value": "Deployment"}] * 10001
    with pytest.raises(PatchError) as e:
        json_patch(DEPLOYMENT, ops)
    assert (e.value.code, e.value.reason, e.value.message) == (
        413, "RequestEntityTooLarge",
        "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001")
    assert json_patch(DEPLOYMENT, ops[:10000]) == DEPLOYMENT


def test_copies_are_capped_at_3_mib_in_total():
    size = 1024 * 1024 - 10  # each copy counts the marshalled string: size + 2 quotes
    doc = {"kind": "ConfigMap", "data": {"big": "x" * size}}
    ops = [{"op": "copy", "from": "/data/big", "path": f"/data/c{i}"} for i in range(3)]
    assert len(json_patch(doc, ops)["data"]) == 4
    with pytest.raises(PatchError) as e:
        json_patch(doc, ops + [{"op": "copy", "from": "/data/big", "path": "/data/c3"}])
    assert e.value.code == 422
    assert e.value.detail == ("Unable to complete the copy, the accumulated size increase of copy is "
                              f"{4 * (size + 2)}, exceeding the limit {3 * 1024 * 1024}")


def test_a_patch_that_leaves_an_array_is_invalid():
    expected = (' "" is invalid: patch: Invalid value: "[{\\"a\\":1},null]": couldn\'t get version/kind; json parse '
                'error: json: cannot unmarshal array into Go value of type struct { APIVersion string '
                '"json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }')
    with pytest.raises(PatchError) as e:
        apply_patch(DEPLOYMENT, b'[{"a":1,"b":null},null]', P.MERGE_PATCH, None)
    assert (e.value.code, e.value.reason, e.value.message) == (422, "Invalid", expected)
    with pytest.raises(PatchError) as e:
        json_patch(DEPLOYMENT, [{"op": "replace", "path": "", "value": [{"a": 1}, None]}])
    assert e.value.message == expected


def test_replace_of_the_whole_document():
    got = json_patch(DEPLOYMENT, [{"op": "replace", "path": "", "value": {"kind": "X"}}])
    assert got == {"kind": "X"}
    # a scalar value is silently ignored by v4 (its error is wrapped around a nil error)
    assert json_patch(DEPLOYMENT, [{"op": "replace", "path": "", "value": 3}]) == DEPLOYMENT


# -- purity -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,base,ctype,body,path,expected", KUBECTL_CASES[:20], ids=[c[0] for c in KUBECTL_CASES[:20]])
def test_results_share_nothing_with_their_inputs(name, base, ctype, body, path, expected):
    doc, schema = BASES[base]
    doc = copy.deepcopy(doc)
    patch_obj = json.loads(body)
    doc_before, patch_before = copy.deepcopy(doc), copy.deepcopy(patch_obj)
    fn = {"MERGE_PATCH": merge_patch, "JSON_PATCH": json_patch}.get(ctype)
    got = fn(doc, patch_obj) if fn else strategic_merge_patch(doc, patch_obj, schema)
    assert doc == doc_before and patch_obj == patch_before

    def scramble(v):
        if isinstance(v, dict):
            for x in v.values():
                scramble(x)
            v["zz-scrambled"] = 1
        elif isinstance(v, list):
            for x in v:
                scramble(x)
            v.append("zz-scrambled")

    scramble(got)
    assert doc == doc_before and patch_obj == patch_before


# -- RFC 6902 appendix A (on an object document) -----------------------------------------------------

RFC6902 = [
    ("A.1 add an object member", {"foo": "bar"}, [{"op": "add", "path": "/baz", "value": "qux"}],
     {"baz": "qux", "foo": "bar"}),
    ("A.2 add an array element", {"foo": ["bar", "baz"]}, [{"op": "add", "path": "/foo/1", "value": "qux"}],
     {"foo": ["bar", "qux", "baz"]}),
    ("A.3 remove an object member", {"baz": "qux", "foo": "bar"}, [{"op": "remove", "path": "/baz"}], {"foo": "bar"}),
    ("A.4 remove an array element", {"foo": ["bar", "qux", "baz"]}, [{"op": "remove", "path": "/foo/1"}],
     {"foo": ["bar", "baz"]}),
    ("A.5 replace a value", {"baz": "qux", "foo": "bar"}, [{"op": "replace", "path": "/baz", "value": "boo"}],
     {"baz": "boo", "foo": "bar"}),
    ("A.6 move a value", {"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}},
     [{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}],
     {"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}}),
    ("A.7 move an array element", {"foo": ["all", "grass", "cows", "eat"]},
     [{"op": "move", "from": "/foo/1", "path": "/foo/3"}], {"foo": ["all", "cows", "eat", "grass"]}),
    ("A.8 test a value: success", {"baz": "qux", "foo": ["a", 2, "c"]},
     [{"op": "test", "path": "/baz", "value": "qux"}, {"op": "test", "path": "/foo/1", "value": 2}],
     {"baz": "qux", "foo": ["a", 2, "c"]}),
    ("A.10 add a nested member object", {"foo": "bar"}, [{"op": "add", "path": "/child", "value": {"grandchild": {}}}],
     {"foo": "bar", "child": {"grandchild": {}}}),
    ("A.11 ignore unrecognized elements", {"foo": "bar"}, [{"op": "add", "path": "/baz", "value": "qux", "xyz": 123}],
     {"foo": "bar", "baz": "qux"}),
    ("A.14 ~ escape ordering", {"/": 9, "~1": 10}, [{"op": "test", "path": "/~01", "value": 10}], {"/": 9, "~1": 10}),
    ("A.16 add an array value", {"foo": ["bar"]}, [{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}],
     {"foo": ["bar", ["abc", "def"]]}),
    # where json-patch.v4 departs from the RFC
    ("v4: replace of a missing member adds it", {"foo": "bar"}, [{"op": "replace", "path": "/baz", "value": 1}],
     {"foo": "bar", "baz": 1}),
    ("v4: test of a missing member against null passes", {"foo": "bar"}, [{"op": "test", "path": "/baz", "value": None}],
     {"foo": "bar"}),
    ("v4: numeric indices may be signed", {"a": [1, 2, 3]}, [{"op": "remove", "path": "/a/-3"},
                                                              {"op": "add", "path": "/a/+0", "value": 0}], {"a": [0, 2, 3]}),
]


@pytest.mark.parametrize("name,doc,ops,expected", RFC6902, ids=[c[0] for c in RFC6902])
def test_rfc6902_examples(name, doc, ops, expected):
    assert json_patch(doc, ops) == expected


@pytest.mark.parametrize("name,doc,ops,detail", [
    ("A.9 test a value: error", {"baz": "qux"}, [{"op": "test", "path": "/baz", "value": "bar"}],
     "testing value /baz failed: test failed"),
    ("A.12 add to a nonexistent target", {"foo": "bar"}, [{"op": "add", "path": "/baz/bat", "value": "qux"}],
     'add operation does not apply: doc is missing path: "/baz/bat": missing value'),
    ("A.15 comparing strings and numbers", {"/": 9, "~1": 10}, [{"op": "test", "path": "/~01", "value": "10"}],
     "testing value /~01 failed: test failed"),
    ("numbers compare by type: 1 is not 1.0", {"a": 1}, [{"op": "test", "path": "/a", "value": 1.0}],
     "testing value /a failed: test failed"),
    ("an index out of range", {"a": [1]}, [{"op": "remove", "path": "/a/-2"}],
     "error in remove for path: '/a/-2': Unable to access invalid index: -2: invalid index referenced"),
    ("a path through a scalar", {"a": 1}, [{"op": "add", "path": "/a/b", "value": 1}],
     'add operation does not apply: doc is missing path: "/a/b": missing value'),
    ("an empty path for add", {"a": 1}, [{"op": "add", "path": "", "value": {}}],
     'add operation does not apply: doc is missing path: "": missing value'),
    ("move without from", {"a": 1}, [{"op": "move", "path": "/b"}],
     "move operation failed to decode from: operation, missing from field: missing value"),
    ("a null operation", {"a": 1}, [None], "Unexpected kind: unknown"),
    ("the first failing operation stops the patch", {"a": 1},
     [{"op": "add", "path": "/b", "value": 2}, {"op": "remove", "path": "/c"}, {"op": "remove", "path": "/d"}],
     "error in remove for path: '/c': Unable to remove nonexistent key: c: missing value"),
])
def test_json_patch_failures(name, doc, ops, detail):
    with pytest.raises(PatchError) as e:
        json_patch(doc, ops)
    assert (e.value.code, e.value.reason, e.value.detail) == (422, "Invalid", detail)


@pytest.mark.parametrize("op", [{"op": "test", "path": "/nope"}, {"op": "test", "path": ""},
                                {"op": "replace", "path": ""}])
def test_operations_that_make_json_patch_v4_panic(op):
    """v4 dereferences the missing "value" here (kubectl.1.32 patch --local crashes with a nil pointer
    dereference in Patch.test); the apiserver's panic filter answers a plain-text 500."""
    with pytest.raises(PatchError) as e:
        json_patch({"a": 1}, [op])
    assert (e.value.code, e.value.panicked) == (500, True)
    assert e.value.message == "This request caused apiserver to panic. Look in the logs for details."


# -- RFC 7386 appendix A (the rows whose target is an object) ----------------------------------------

@pytest.mark.parametrize("doc,patch,expected", [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
    # json-patch.v4: an existing null is replaced (and pruned) like a missing member
    ({"a": None}, {"a": {"b": None, "c": 1}}, {"a": {"c": 1}}),
    # ... but a non-object replacing an object keeps the nulls inside it
    ({"a": {"b": 1}}, {"a": [{"c": None}]}, {"a": [{"c": None}]}),
])
def test_rfc7386_examples(doc, patch, expected):
    assert merge_patch(doc, patch) == expected


# -- the Go algorithms the result depends on ---------------------------------------------------------

def _go_dedupe_reference(s: list) -> list:
    """deduplicateScalars exactly as patch.go writes it (quadratic), as the reference."""
    s = list(s)
    length = len(s) - 1
    i = 0
    while i < length:
        j = i + 1
        while j <= length:
            if P._same(s[i], s[j]):
                s[j] = s[length]
                s = s[:length]
                length -= 1
                j -= 1
            j += 1
        i += 1
    return s


def test_dedupe_takes_the_same_steps_as_go():
    rng = random.Random(7)
    for _ in range(2000):
        s = [rng.choice(["a", "b", "c", 1, 1.0, True, 2, "d"]) for _ in range(rng.randint(0, 25))]
        assert P._dedupe_scalars(s) == _go_dedupe_reference(s), s
    assert P._dedupe_scalars(["a", "b", "a", "c", "b"]) == ["a", "b", "c"]
    assert P._dedupe_scalars([1, 2, 1, 3, 4]) == [1, 2, 4, 3]  # the last element fills the hole


def test_go_stable_sort_is_a_stable_sort_for_a_proper_order():
    rng = random.Random(3)
    for n in (0, 1, 5, 19, 20, 21, 40, 41, 97, 300):
        keys = [rng.randint(0, 9) for _ in range(n)]
        data = list(range(n))
        P._go_stable_sort(data, lambda a, b, k=keys, d=data: k[d[a]] < k[d[b]])
        assert data == sorted(range(n), key=lambda i: keys[i])


def test_items_missing_from_the_order_move_as_go_moves_them():
    # normalizeSliceOrder's comparator says "less" when either item is not in the order list, so
    # Go's insertion sort walks each unordered item down past everything before it:
    # [5 1 7 2] -> [1 5 7 2] -> [1 7 5 2] -> [7 1 5 2] -> [7 1 2 5] (2 stops behind 1: both ordered)
    got = P._normalize_slice_order([5, 1, 7, 2], [1, 2], "", "int64")
    assert got == [7, 1, 2, 5]


def test_large_merge_lists_stay_fast_and_ordered():
    n = 3000
    doc = {"spec": {"template": {"spec": {"containers": [{"name": f"c{i}", "image": "a"} for i in range(n)]}}}}
    patch_obj = {"spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": f"c{i}"} for i in reversed(range(n))],
        "containers": [{"name": f"c{i}", "image": "b"} for i in reversed(range(0, n, 2))]}}}}
    got = strategic_merge_patch(doc, patch_obj, DEPLOYMENT_SCHEMA)["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in got] == [f"c{i}" for i in reversed(range(n))]
    assert [c["image"] for c in got[:2]] == ["a", "b"]  # c2999 untouched, c2998 patched
