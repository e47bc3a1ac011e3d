"""Printers as pure functions: AGE, tabwriter layout, the pod STATUS column, cell formats, encodings."""

from __future__ import annotations

import json

import pytest
import yaml

from server.kubectl import printers
from server.kubectl.printers import go_tabwriter, human_duration, pod_status_cells, tabwrite

NOW = 1741006800.0 + 3600  # 14:00:00Z
T0 = "2025-03-03T13:00:00Z"


@pytest.mark.parametrize("seconds,text", [
    (-5, "<invalid>"), (-1, "0s"), (0, "0s"), (65, "65s"), (119, "119s"), (120, "2m"), (269, "4m29s"),
    (599, "9m59s"), (600, "10m"), (179 * 60 + 59, "179m"), (3 * 3600, "3h"), (5 * 3600 + 3 * 60, "5h3m"),
    (8 * 3600, "8h"), (30 * 3600, "30h"), (4 * 86400 + 20 * 3600, "4d20h"), (3 * 86400, "3d"),
    (30 * 86400, "30d"), (800 * 86400, "2y70d"), (3 * 365 * 86400, "3y"), (9 * 365 * 86400, "9y"),
])
def test_human_duration_matches_apimachinery(seconds, text):
    assert human_duration(seconds) == text


H, D = 3600, 86400


# every branch edge of apimachinery's duration.HumanDuration (k8s.io/apimachinery/pkg/util/duration), both
# sides, so moving a boundary by one unit or dropping a remainder is caught
@pytest.mark.parametrize("seconds,text", [
    (-2, "<invalid>"), (-1.5, "0s"), (1.9, "1s"), (119.9, "119s"), (121, "2m1s"),
    (9 * 60 + 59, "9m59s"), (10 * 60 + 1, "10m"), (10 * 60 + 59, "10m"), (180 * 60, "3h"), (180 * 60 + 59, "3h"),
    (3 * H + 60, "3h1m"), (7 * H + 59 * 60, "7h59m"), (7 * H + 59 * 60 + 59, "7h59m"), (8 * H + 60, "8h"),
    (47 * H + 3599, "47h"), (48 * H, "2d"), (48 * H + H, "2d1h"),
    (7 * D + 23 * H, "7d23h"), (7 * D + 23 * H + 3599, "7d23h"), (8 * D, "8d"), (8 * D + H, "8d"),
    (729 * D + 23 * H, "729d"), (730 * D, "2y"), (731 * D, "2y1d"), (8 * 365 * D - D, "7y364d"),
    (8 * 365 * D, "8y"), (8 * 365 * D + 5 * D, "8y"),
])
def test_human_duration_boundaries(seconds, text):
    assert human_duration(seconds) == text


def test_age_from_a_timestamp_crosses_the_eight_day_boundary():
    # AGE is translateTimestampSince: HumanDuration(now - creationTimestamp)
    assert printers.since(T0, printers.parse_time(T0) + 8 * D - 1) == "7d23h"
    assert printers.since(T0, printers.parse_time(T0) + 8 * D) == "8d"
    assert printers.since(None, NOW) == "<unknown>"


def test_tabwriter_pads_to_widest_cell_plus_three_and_leaves_last_column_alone():
    text = tabwrite([["NAME", "READY", "AGE"], ["web-deploy-abc", "3/3", "65s"], ["x", "1/1", "4d20h"]])
    assert text == (
        "NAME             READY   AGE\n"
        "web-deploy-abc   3/3     65s\n"
        "x                1/1     4d20h\n"
    )


def test_tabwriter_minimum_width_is_six():
    assert tabwrite([["A", "B"], ["c", "d"]]) == "A     B\nc     d\n"


def test_go_tabwriter_aligns_column_blocks_separately():
    text = "Name:\tweb\nService Account:\tdefault\nIPs:\n  IP:\t10.244.1.2\nControlled By:\tReplicaSet/web\n"
    assert go_tabwriter(text) == (
        "Name:             web\n"
        "Service Account:  default\n"
        "IPs:\n"
        "  IP:           10.244.1.2\n"
        "Controlled By:  ReplicaSet/web\n"
    )


def _pod(containers, statuses, phase="Running", conditions=None, deletion=None, reason=None, init=None,
         init_statuses=None):
    pod = {"kind": "Pod", "metadata": {"name": "p", "creationTimestamp": T0},
           "spec": {"containers": [{"name": n} for n in containers]},
           "status": {"phase": phase, "containerStatuses": statuses, "conditions": conditions or []}}
    if deletion:
        pod["metadata"]["deletionTimestamp"] = deletion
    if reason:
        pod["status"]["reason"] = reason
    if init:
        pod["spec"]["initContainers"] = [{"name": n} for n in init]
        pod["status"]["initContainerStatuses"] = init_statuses
    return pod


RUNNING = {"name": "a", "ready": True, "restartCount": 0, "state": {"running": {"startedAt": T0}}}
READY = [{"type": "Ready", "status": "True"}]


def test_pod_running_and_ready():
    assert pod_status_cells(_pod(["a"], [RUNNING], conditions=READY), NOW) == ("1/1", "Running", "0")


def test_pod_waiting_reason_wins():
    waiting = {"name": "a", "ready": False, "restartCount": 0, "state": {"waiting": {"reason": "ContainerCreating"}}}
    assert pod_status_cells(_pod(["a"], [waiting], phase="Pending"), NOW) == ("0/1", "ContainerCreating", "0")


def test_pod_restarts_show_when_the_last_one_ended():
    crashing = {"name": "a", "ready": False, "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": "2025-03-03T13:59:15Z"}}}
    assert pod_status_cells(_pod(["a"], [crashing]), NOW) == ("0/1", "CrashLoopBackOff", "4 (45s ago)")


def test_pod_first_container_decides_when_scanned_last_to_first():
    waiting = {"name": "a", "ready": False, "restartCount": 0, "state": {"waiting": {"reason": "ErrImagePull"}}}
    other = dict(RUNNING, name="b")
    assert pod_status_cells(_pod(["a", "b"], [waiting, other]), NOW) == ("1/2", "ErrImagePull", "0")


def test_pod_terminated_without_reason_shows_exit_code():
    term = {"name": "a", "ready": False, "restartCount": 0, "state": {"terminated": {"exitCode": 137}}}
    assert pod_status_cells(_pod(["a"], [term], phase="Failed"), NOW)[1] == "ExitCode:137"


def test_pod_completed_with_a_running_sibling_is_running_or_notready():
    done = {"name": "a", "ready": False, "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}
    running = dict(RUNNING, name="b")
    assert pod_status_cells(_pod(["a", "b"], [running, done], conditions=READY), NOW)[1] == "Running"
    assert pod_status_cells(_pod(["a", "b"], [running, done]), NOW)[1] == "NotReady"


def test_pod_being_deleted_is_terminating_or_unknown_when_node_lost():
    assert pod_status_cells(_pod(["a"], [RUNNING], deletion=T0), NOW)[1] == "Terminating"
    assert pod_status_cells(_pod(["a"], [RUNNING], deletion=T0, reason="NodeLost"), NOW)[1] == "Unknown"
    done = {"name": "a", "ready": False, "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}
    assert pod_status_cells(_pod(["a"], [done], phase="Succeeded", deletion=T0), NOW)[1] == "Completed"


def test_pod_init_containers():
    waiting = {"name": "i", "ready": False, "restartCount": 0, "state": {"waiting": {"reason": "PodInitializing"}}}
    pod = _pod(["a"], [], phase="Pending", init=["i"], init_statuses=[waiting])
    assert pod_status_cells(pod, NOW)[1] == "Init:0/1"
    failed = {"name": "i", "ready": False, "restartCount": 2, "state": {"terminated": {"exitCode": 3}}}
    pod = _pod(["a"], [], phase="Pending", init=["i"], init_statuses=[failed])
    assert pod_status_cells(pod, NOW)[1:] == ("Init:ExitCode:3", "2")


def test_node_status_and_roles():
    node = {"metadata": {"name": "n", "labels": {"node-role.kubernetes.io/control-plane": ""}},
            "spec": {"unschedulable": True}, "status": {"conditions": [{"type": "Ready", "status": "Unknown"}]}}
    assert printers.node_status(node) == "NotReady,SchedulingDisabled"
    assert printers.node_roles(node) == "control-plane"
    assert printers.node_status({"metadata": {"name": "n"}}) == "Unknown"


def test_service_cells():
    lb = {"spec": {"type": "LoadBalancer", "ports": [{"port": 80, "nodePort": 30082, "protocol": "TCP"}]}}
    assert printers.service_external_ip(lb) == "<pending>"
    assert printers.service_ports(lb) == "80:30082/TCP"
    ext = {"spec": {"type": "ExternalName", "externalName": "yahoo.com"}}
    assert printers.service_external_ip(ext) == "yahoo.com"
    assert printers.service_ports(ext) == "<none>"


def test_endpoints_show_three_then_count_the_rest():
    ep = {"subsets": [{"addresses": [{"ip": f"10.244.1.{i}"} for i in range(5)], "ports": [{"port": 80}]}]}
    assert printers.format_endpoints(ep) == "10.244.1.0:80,10.244.1.1:80,10.244.1.2:80 + 2 more..."
    assert printers.format_endpoints({}) == "<none>"


def test_selector_string_sorts_requirements_by_key():
    sel = {"matchLabels": {"tier": "web", "app": "x"}, "matchExpressions": [{"key": "env", "operator": "In",
                                                                            "values": ["b", "a"]}]}
    assert printers.selector_string(sel) == "app=x,env in (a,b),tier=web"


def test_yaml_quotes_like_go_yaml_and_round_trips():
    obj = {"data": {"n": "80", "b": "true", "e": "", "t": T0, "s": "hello", "m": "a\nb"}, "kind": "ConfigMap"}
    text = printers.to_yaml(obj)
    assert '"n": "80"' in text and 'b: "true"' in text and 'e: ""' in text and f't: "{T0}"' in text
    assert "s: hello" in text and "m: |-\n    a\n    b" in text
    assert yaml.safe_load(text) == obj


def test_json_is_indented_by_four_with_sorted_keys():
    text = printers.to_json({"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "<x>"}})
    assert text.startswith('{\n    "apiVersion": "v1",\n    "kind": "Pod",')
    assert "\\u003cx\\u003e" in text
    assert json.loads(text)["metadata"]["name"] == "<x>"
