"""Decoding a manifest against the vendored v1.32 OpenAPI: the request's fieldValidation
(Strict, Warn, Ignore) and Go's type errors for fields and types the schema alone describes."""

from __future__ import annotations

import pytest

from server.sim.admission import validate
from server.sim.api import ApiError


def pod(**container: object) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labelz": {"a": "b"}},
            "spec": {"containers": [{"name": "c", "image": "nginx", **container}], "foo": 1}}


def test_strict_refuses_every_unknown_field_in_document_order() -> None:
    with pytest.raises(ApiError) as e:
        validate(pod(imagee="x"))
    assert (e.value.code, e.value.message) == (400, (
        'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "metadata.labelz", '
        'unknown field "spec.containers[0].imagee", unknown field "spec.foo"'))


def test_strict_is_the_default_and_a_clean_object_gives_no_warnings() -> None:
    obj = pod()
    del obj["metadata"]["labelz"], obj["spec"]["foo"]
    assert validate(obj) == [] == validate(obj, "Warn")


def test_warn_returns_the_apiservers_warnings_and_drops_the_fields() -> None:
    obj = pod(imagee="x")
    assert validate(obj, "Warn") == ['unknown field "metadata.labelz"', 'unknown field "spec.containers[0].imagee"',
                                     'unknown field "spec.foo"']
    assert obj["metadata"] == {"name": "p"}
    assert obj["spec"] == {"containers": [{"name": "c", "image": "nginx"}]}
    assert validate(obj) == []  # what is left decodes strictly


def test_ignore_drops_unknown_fields_silently() -> None:
    obj = pod(imagee="x")
    assert validate(obj, "Ignore") == []
    assert obj["spec"] == {"containers": [{"name": "c", "image": "nginx"}]}


@pytest.mark.parametrize("mode", ["Strict", "Warn", "Ignore"])
def test_type_errors_raise_whatever_the_mode(mode: str) -> None:
    obj = pod(image=5)
    with pytest.raises(ApiError) as e:
        validate(obj, mode)
    assert e.value.message == ('Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into '
                               'Go struct field Container.spec.containers.image of type string')
    assert "labelz" in obj["metadata"], "a refused object is left as it was"


@pytest.mark.parametrize(("container", "message"), [
    # int64 from the schema's format (SleepAction.seconds was missing from the old hand list)
    ({"lifecycle": {"preStop": {"sleep": {"seconds": "5"}}}},
     "json: cannot unmarshal string into Go struct field SleepAction.spec.containers.lifecycle.preStop.sleep.seconds "
     "of type int64"),
    ({"ports": [{"containerPort": 2 ** 31}]},
     "json: cannot unmarshal number 2147483648 into Go struct field ContainerPort.spec.containers.ports.containerPort "
     "of type int32"),
    ({"resources": {"limits": "1"}},
     "json: cannot unmarshal string into Go struct field ResourceRequirements.spec.containers.resources.limits "
     "of type v1.ResourceList"),
    # resource.Quantity parses itself: its parser's error, not a type error
    ({"resources": {"limits": {"cpu": True}}},
     "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
    ({"resources": {"limits": {"cpu": "1Kii"}}}, "unable to parse quantity's suffix"),
    # IntOrString unmarshals a non-string into its int32
    ({"livenessProbe": {"httpGet": {"port": 1.5}}},
     "json: cannot unmarshal number 1.5 into Go struct field HTTPGetAction.spec.containers.livenessProbe.httpGet.port "
     "of type int32"),
    ({"env": [{"name": "A", "valueFrom": {"fieldRef": []}}]},
     "json: cannot unmarshal array into Go struct field EnvVarSource.spec.containers.env.valueFrom.fieldRef "
     "of type v1.ObjectFieldSelector"),
])
def test_go_type_errors_from_the_schema(container: dict, message: str) -> None:
    obj = pod(**container)
    with pytest.raises(ApiError) as e:
        validate(obj, "Ignore")
    assert e.value.message == 'Pod in version "v1" cannot be handled as a Pod: ' + message


def test_int64_fields_take_int64_values_and_time_is_a_string() -> None:
    obj = pod(lifecycle={"preStop": {"sleep": {"seconds": 2 ** 40}}})
    assert validate(obj, "Ignore") == []
    obj["metadata"]["creationTimestamp"] = 5
    with pytest.raises(ApiError) as e:
        validate(obj, "Ignore")
    # metav1.Time.UnmarshalJSON decodes a string first
    assert e.value.message.endswith(
        "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string")


def test_raw_extension_content_is_not_checked() -> None:
    rev = {"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": {"name": "r"}, "revision": 1,
           "data": {"spec": {"anything": [1, {"x": None}]}}}
    assert validate(rev) == []


def test_an_unknown_mode_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        validate(pod(), "strict")
