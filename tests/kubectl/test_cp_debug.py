"""kubectl cp and kubectl debug: client-side errors from the real kubectl v1.32, the rest as a user sees it."""

from __future__ import annotations

import pytest

from server.kubectl import run
from tests.kubectl.offline_kubectl import needs_kubectl, real


@pytest.fixture
def pods(cluster, kubectl):
    kubectl("run bb --image=busybox --restart=Never -- sleep 3600")
    kubectl("run ng --image=nginx --restart=Never")
    cluster.advance(60)
    return cluster


@needs_kubectl
@pytest.mark.parametrize("line", [
    "cp", "cp a", "cp a b", "cp a:x b:y", "cp :x y", "cp ns/p/q:x y", "cp p: x", "cp nope p:/tmp/x",
])
def test_cp_client_side_errors(kubectl, line):
    expected, code = real(*line.split())
    assert kubectl(line, rc=code) == expected


def test_cp_uploads_into_the_running_container(pods, kubectl):
    pods.workspace["notes.txt"] = "hello\n"
    assert kubectl("cp notes.txt bb:/tmp/n.txt") == ""
    assert kubectl("exec bb -- cat /tmp/n.txt") == "hello\n"
    # an existing directory as the destination: the file keeps its name inside it (test -d)
    assert kubectl("cp notes.txt ng:/tmp") == ""
    assert kubectl("exec ng -- cat /tmp/notes.txt") == "hello\n"
    pods.workspace.update({"site/index.html": "<h1>hi</h1>\n", "site/css/a.css": "body{}\n"})
    assert kubectl("cp site default/ng:/tmp/web") == ""
    assert kubectl("exec ng -- cat /tmp/web/css/a.css") == "body{}\n"


def test_cp_upload_to_a_missing_directory_fails_in_tars_words(pods, kubectl):
    pods.workspace["f"] = "x"
    assert kubectl("cp f bb:/nope/f", rc=1) == ("tar: can't change directory to '/nope': No such file or directory\n"
                                                "command terminated with exit code 1\n")
    assert kubectl("cp f ng:/nope/f", rc=2) == ("tar: /nope: Cannot open: No such file or directory\n"
                                                "tar: Error is not recoverable: exiting now\n"
                                                "command terminated with exit code 2\n")


def test_cp_downloads_to_the_workstation(pods, kubectl):
    assert kubectl("cp bb:/etc/hostname ./hn") == "tar: removing leading '/' from member names\n"
    assert pods.workspace["hn"] == "bb\n"
    assert kubectl("cp ng:/etc/hostname /home/user/copies/hn") == "tar: Removing leading `/' from member names\n"
    assert pods.workspace["copies/hn"] == "ng\n"
    assert kubectl("cp ng:etc/hosts hosts") == ""  # a relative path: nothing to strip, nothing said
    assert pods.workspace["hosts"] == kubectl("exec ng -- cat /etc/hosts")


def test_cp_download_of_a_missing_file(pods, kubectl):
    assert kubectl("cp bb:/etc/nope x", rc=1) == ("tar: /etc/nope: No such file or directory\n"
                                                  "command terminated with exit code 1\n")
    assert kubectl("cp ng:/etc/nope x", rc=2) == ("tar: Removing leading `/' from member names\n"
                                                  "tar: /etc/nope: Cannot stat: No such file or directory\n"
                                                  "tar: Exiting with failure status due to previous errors\n"
                                                  "command terminated with exit code 2\n")
    assert "x" not in pods.workspace
    assert kubectl("cp ghost:/x y", rc=1) == 'Error from server (NotFound): pods "ghost" not found\n'


def test_cp_needs_tar_in_the_image(cluster, kubectl):
    kubectl("run pause --image=registry.k8s.io/pause:3.10 --restart=Never")
    cluster.advance(60)
    out = kubectl("cp pause:/etc/hostname x", rc=1)
    assert 'exec: "tar": executable file not found in $PATH' in out


@needs_kubectl
@pytest.mark.parametrize("line", [
    "debug", "debug web", "debug -it web", "debug --attach=true web", "debug web --image=busybox --replace",
    "debug web --image=busybox --same-node", "debug web --set-image=a=b", "debug web --copy-to=x",
    "debug web --copy-to=x -- sh", "debug web --image=BAD:image", "debug --image=busybox",
    "debug web --image=busybox --image-pull-policy=Sometimes", "debug web --copy-to=x --image=busybox --target=a",
    "debug web -t --image=busybox", "debug web --image=busybox --profile=foo",
])
def test_debug_validation_is_kubectls(kubectl, line):
    expected, code = real(*line.split())
    assert kubectl(line, rc=code) == expected


def legacy_line() -> str:
    return ('--profile=legacy is deprecated and will be removed in the future. It is recommended to explicitly '
            'specify a profile, for example "--profile=general".\n')


def test_debug_adds_an_ephemeral_container_and_attaches(pods, kubectl):
    result = run(pods, "kubectl debug -it ng --image=busybox --target=ng")
    lines = result.output.splitlines(keepends=True)
    assert lines[0] == ('Targeting container "ng". If you don\'t see processes from this container it may be '
                        "because the container runtime doesn't support this feature.\n")
    assert lines[1] == legacy_line()
    assert lines[2].startswith("Defaulting debug container name to debugger-") and lines[2].endswith(".\n")
    assert lines[3:] == ["If you don't see a command prompt, try pressing enter.\n"]
    name = lines[2].removeprefix("Defaulting debug container name to ").removesuffix(".\n")
    assert result.attach is not None and (result.attach.pod, result.attach.container) == ("ng", name)
    pod = pods.store.get("Pod", "default", "ng")
    (ec,) = pod["spec"]["ephemeralContainers"]
    assert (ec["name"], ec["image"], ec["targetContainerName"], ec["stdin"], ec["tty"]) == \
        (name, "busybox", "ng", True, True)
    (status,) = pod["status"]["ephemeralContainerStatuses"]
    assert status["name"] == name and "running" in status["state"]
    # the pod itself is untouched: same containers, still Running
    assert [c["name"] for c in pod["spec"]["containers"]] == ["ng"] and pod["status"]["phase"] == "Running"
    events = kubectl("get events --field-selector involvedObject.name=ng")
    assert f"Started container {name}" in events


def test_debug_without_attach_just_adds_it(pods, kubectl):
    out = kubectl("debug ng --image=busybox --profile=general -c dbg")
    assert out == ""  # a named container: no "Defaulting" note; an explicit profile: no deprecation line
    pods.advance(5)
    pod = pods.store.get("Pod", "default", "ng")
    assert [c["name"] for c in pod["spec"]["ephemeralContainers"]] == ["dbg"]
    assert "running" in pod["status"]["ephemeralContainerStatuses"][0]["state"]
    assert "Duplicate value" in kubectl("debug ng --image=busybox --profile=general -c dbg", rc=1)
    assert kubectl("debug ghost --image=busybox", rc=1) == legacy_line() + \
        'Error from server (NotFound): pods "ghost" not found\n'


def test_debug_node_creates_the_node_debugger_pod(pods, kubectl):
    out = kubectl("debug node/node1 --image=busybox --profile=legacy -- sleep 600")
    assert out.startswith(legacy_line() + "Creating debugging pod node-debugger-node1-")
    assert out.endswith(" with container debugger on node node1.\n")
    name = out.split("Creating debugging pod ")[1].split(" ")[0]
    pod = pods.store.get("Pod", "default", name)
    spec = pod["spec"]
    assert (spec["nodeName"], spec["restartPolicy"], spec["hostPID"], spec["hostNetwork"]) == \
        ("node1", "Never", True, True)
    assert spec["containers"][0]["command"] == ["sleep", "600"]
    # then the ServiceAccount admission's token volume and mount
    token = spec["volumes"][1]["name"]
    assert token.startswith("kube-api-access-")
    assert spec["containers"][0]["volumeMounts"] == [
        {"mountPath": "/host", "name": "host-root"},
        {"name": token, "readOnly": True, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]
    assert spec["volumes"][0] == {"hostPath": {"path": "/", "type": ""}, "name": "host-root"}  # type: defaulted
    assert kubectl("debug node/nowhere --image=busybox", rc=1) == legacy_line() + \
        'Error from server (NotFound): nodes "nowhere" not found\n'


def test_debug_copy_to_makes_a_new_pod(pods, kubectl):
    out = kubectl("debug ng --copy-to=ng-debug --image=busybox --profile=general")
    assert out.startswith("Defaulting debug container name to debugger-")
    pods.advance(30)
    copy = pods.store.get("Pod", "default", "ng-debug")
    names = [c["name"] for c in copy["spec"]["containers"]]
    assert names[0] == "ng" and names[1].startswith("debugger-") and len(names) == 2
    assert copy["spec"]["shareProcessNamespace"] is True
    assert "run" not in (copy["metadata"].get("labels") or {})  # labels are dropped unless --keep-labels
    # busybox's sh without -i reads EOF and ends, as on a real node; the copied nginx runs
    statuses = {cs["name"]: cs["state"] for cs in copy["status"]["containerStatuses"]}
    assert "running" in statuses["ng"] and "terminated" in statuses[names[1]]
    assert pods.store.get("Pod", "default", "ng") is not None
