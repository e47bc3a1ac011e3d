"""The review requests kubectl sends in protobuf, decodable without the k8s.io ``generated.proto`` files.

``kubectl auth can-i`` (``--list``) and ``auth whoami`` post their reviews through typed client-go
clients, so the bodies are ``application/vnd.kubernetes.protobuf`` (kubectl's
``setKubernetesDefaults``). ``server.web.protobuf`` decodes any Kubernetes message once the
``generated.proto`` files are installed (``protobuf.available()``); a machine without them would
refuse every ``auth`` line with a 415. The review messages are tiny, so their schema is written out
here — the field numbers of k8s.io/api ``authorization/v1`` and ``authentication/v1`` (v1.32) for the
fields the reviews read — and decoded by ``server.web.protobuf``'s own parser and decoder (one
decoder; this module adds only a schema). The label and field selectors of ResourceAttributes
(fields 8 and 9, behind the AuthorizeWithSelectors gate) are not read, as kubectl never sends them.

Hands off: what the review means to ``server.apiserver.review``.
"""

from __future__ import annotations

import json
from functools import cache

from . import protobuf

#: the review messages, as proto2 (field names are the Go JSON names; every field is optional)
_SCHEMA = {
    "k8s.io.apimachinery.pkg.apis.meta.v1": """
package k8s.io.apimachinery.pkg.apis.meta.v1;
message ObjectMeta {
  optional string name = 1;
  optional string generateName = 2;
  optional string namespace = 3;
}
""",
    "k8s.io.api.authorization.v1": """
package k8s.io.api.authorization.v1;
import "k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto";
message ResourceAttributes {
  optional string namespace = 1;
  optional string verb = 2;
  optional string group = 3;
  optional string version = 4;
  optional string resource = 5;
  optional string subresource = 6;
  optional string name = 7;
}
message NonResourceAttributes {
  optional string path = 1;
  optional string verb = 2;
}
message SelfSubjectAccessReviewSpec {
  optional ResourceAttributes resourceAttributes = 1;
  optional NonResourceAttributes nonResourceAttributes = 2;
}
message SelfSubjectAccessReview {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional SelfSubjectAccessReviewSpec spec = 2;
}
message SelfSubjectRulesReviewSpec {
  optional string namespace = 1;
}
message SelfSubjectRulesReview {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional SelfSubjectRulesReviewSpec spec = 2;
}
message SubjectAccessReviewSpec {
  optional ResourceAttributes resourceAttributes = 1;
  optional NonResourceAttributes nonResourceAttributes = 2;
  optional string user = 3;
  repeated string groups = 4;
  optional string uid = 6;
}
message SubjectAccessReview {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional SubjectAccessReviewSpec spec = 2;
}
message LocalSubjectAccessReview {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional SubjectAccessReviewSpec spec = 2;
}
""",
    "k8s.io.api.authentication.v1": """
package k8s.io.api.authentication.v1;
import "k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto";
message SelfSubjectReview {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
}
""",
}


@cache
def _registry() -> protobuf.Registry:
    return protobuf.Registry([protobuf.parse_proto(text) for text in _SCHEMA.values()])


def to_json_text(body: bytes, endpoint: tuple[str, str]) -> str:
    """A review's protobuf body (``endpoint``: its apiVersion and kind) as the JSON its client would
    have sent; raises ``protobuf.ProtobufError`` as ``protobuf.decode`` does."""
    if not body.startswith(protobuf.MAGIC):
        raise protobuf.ProtobufError("provided data does not appear to be a protobuf message, expected prefix "
                                     f"[{' '.join(str(c) for c in protobuf.MAGIC)}]")
    envelope = {n: v for n, w, v in protobuf._fields(body[len(protobuf.MAGIC):]) if w == 2}  # noqa: SLF001
    api_version, kind = endpoint
    group, _, version = api_version.rpartition("/")
    full_name = f"k8s.io.api.{group.split('.')[0]}.{version}.{kind}"
    try:
        obj = protobuf._message(_registry(), full_name, envelope.get(2, b""))  # noqa: SLF001
    except (protobuf.ProtobufError, KeyError, IndexError, ValueError) as e:
        raise protobuf.ProtobufError(str(e), kind, version) from None
    return json.dumps({"apiVersion": api_version, "kind": kind, **obj}, separators=(",", ":"), ensure_ascii=False)
