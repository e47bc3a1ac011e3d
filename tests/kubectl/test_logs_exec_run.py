"""kubectl logs, exec and run: what they print and their errors, as kubectl v1.32."""

from __future__ import annotations


def test_run_builds_the_pod_as_kubectl_does(cluster, kubectl):
    assert kubectl("run web --image=nginx --port=80 --labels=app=web,tier=fe --env=A=1 --env=B=2") == \
        "pod/web created\n"
    out = kubectl("get pod web -o yaml")
    for text in ("app: web", "tier: fe", "containerPort: 80", "name: A", "value: \"1\"", "restartPolicy: Always"):
        assert text in out, text
    assert "run: web" not in out
    out = kubectl("run s --image=busybox --restart=Never --dry-run=client -o yaml -- sleep 10")
    assert "  - args:\n    - sleep\n    - \"10\"\n" in out and "run: s" in out
    # captured from the real binary (KUBECONFIG server http://127.0.0.1:1; printed before any request):
    # kubectl.1.32 run x | run x --image=busybox --rm | run x --image=busybox -t |
    # run x --image=busybox --restart=Sometimes [-t] | run --image=busybox -- x  (each exit 1)
    usage = "See 'kubectl run -h' for help and examples\n"
    assert kubectl("run x", rc=1) == 'error: required flag(s) "image" not set\n'
    assert kubectl("run x --image=busybox --rm", rc=1) == \
        "error: --rm should only be used for attached containers\n" + usage
    assert kubectl("run x --image=busybox -t", rc=1) == \
        "error: -i/--stdin is required for containers with -t/--tty=true\n" + usage
    assert kubectl("run x --image=busybox --restart=Sometimes", rc=1) == "error: invalid restart policy: Sometimes\n" + usage
    # -t without -i is refused before the restart policy is read
    assert kubectl("run x --image=busybox --restart=Sometimes -t", rc=1) == \
        "error: -i/--stdin is required for containers with -t/--tty=true\n" + usage
    assert kubectl("run --image=busybox -- x", rc=1) == "error: NAME is required for run\n" + usage
    assert kubectl("run web --image=nginx", rc=1) == 'Error from server (AlreadyExists): pods "web" already exists\n'


def test_run_attached_command_prints_its_output_and_rm_deletes(cluster, kubectl):
    kubectl("apply -f step09-deploy.yml")
    kubectl("apply -f step09-svc.yml")
    cluster.advance(30)
    out = kubectl("run -i --rm probe --image=busybox --restart=Never -- wget -qO- web-service")
    assert "<title>Welcome to nginx!</title>" in out and out.endswith('pod "probe" deleted\n')
    start = cluster.clock.now()
    out = kubectl("run -it ghost --image=busybox:9.9 --restart=Never -- sh", rc=1)
    assert out == "error: timed out waiting for the condition\n" and cluster.clock.now() - start == 60


def test_exec_output_exit_codes_and_errors(cluster, kubectl):
    kubectl("run bb --image=busybox --restart=Never -- sleep 3600")
    assert kubectl("exec bb -- echo hi", rc=1).startswith("error: unable to upgrade connection: container not found")
    cluster.advance(20)
    assert kubectl("exec bb -- echo hi") == "hi\n"
    assert kubectl("exec bb -- sh -c 'echo out; exit 4'", rc=4) == "out\ncommand terminated with exit code 4\n"
    # captured: kubectl.1.32 exec bb ls (exit 1)
    assert kubectl("exec bb ls", rc=1) == ("error: exec [POD] [COMMAND] is not supported anymore. "
                                           "Use exec [POD] -- [COMMAND] instead\n"
                                           "See 'kubectl exec -h' for help and examples\n")
    assert kubectl("exec bb", rc=1) == "error: you must specify at least one command for the container\n"
    # captured: kubectl.1.32 exec; kubectl.1.32 exec -- ls (exit 1)
    assert kubectl("exec", rc=1) == "error: pod, type/name or --filename must be specified\n"
    assert kubectl("exec -- ls", rc=1) == "error: pod, type/name or --filename must be specified\n"
    assert kubectl("exec nope -- ls", rc=1) == 'Error from server (NotFound): pods "nope" not found\n'
    assert kubectl("exec bb -- sh") == ""  # no stdin: the shell reads EOF and exits


def test_logs_choices_and_refusals(cluster, kubectl):
    kubectl("run bb --image=busybox --restart=Never -- sleep 3600")
    assert kubectl("logs bb", rc=1) == \
        'Error from server (BadRequest): container "bb" in pod "bb" is waiting to start: ContainerCreating\n'
    cluster.advance(20)
    pod = cluster.store.peek("Pod", "default", "bb")
    for i in range(5):
        cluster.runtime.log(pod["metadata"]["uid"], "bb", f"line {i}", cluster.clock.now())
    assert kubectl("logs bb") == "".join(f"line {i}\n" for i in range(5))
    assert kubectl("logs bb --tail=2") == "line 3\nline 4\n"
    # kubectl v1.32 finds the container itself (podcmd.FindContainerByName) before asking for the log
    assert kubectl("logs bb -c other", rc=1) == "error: container other is not valid for pod bb\n"
    assert kubectl("logs bb -p", rc=1) == \
        'Error from server (BadRequest): previous terminated container "bb" in pod "bb" not found\n'
    # captured: kubectl.1.32 logs (exit 1)
    assert kubectl("logs", rc=1) == ("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
                                     "POD or TYPE/NAME is a required argument for the logs command\n"
                                     "See 'kubectl logs -h' for help and examples\n")


def test_logs_of_a_deployment_and_of_a_bad_image(cluster, kubectl):
    kubectl("apply -f step09-deploy.yml")
    cluster.advance(30)
    assert kubectl("logs deploy/web-deploy").startswith("Found 3 pods, using pod/web-deploy-")
    kubectl("run bad --image=nginx:0.0.0-nope")
    cluster.advance(20)
    assert kubectl("logs bad", rc=1) == \
        'Error from server (BadRequest): container "bad" in pod "bad" is waiting to start: trying and failing to pull image\n'


def test_combined_shorthand_flags(cluster, kubectl):
    out = kubectl("run -it --rm t --image=busybox --restart=Never -- sh")
    assert out == "If you don't see a command prompt, try pressing enter.\n"
    assert "tty: true" in kubectl("get pod t -o yaml")


def test_attach_to_a_shell_left_running(cluster, kubectl):
    """``kubectl attach -it`` joins the shell that is the container's main process; the argument
    errors are kubectl v1.32's (captured: ``kubectl.1.32 --server=http://127.0.0.1:1 attach``)."""
    from server.kubectl import run

    kubectl("run bb --image=busybox -it --restart=Never")
    cluster.advance(30)
    result = run(cluster, "kubectl attach bb -it")
    assert result.output == "If you don't see a command prompt, try pressing enter.\n"
    assert (result.attach.pod, result.attach.shell, result.attach.main) == ("bb", "sh", True)
    assert getattr(run(cluster, "kubectl attach bb"), "attach", None) is None
    assert kubectl("attach", rc=1) == "error: at least 1 argument is required for attach\n"
    assert kubectl("attach a b c", rc=1) == \
        "error: expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw 3: [a b c]\n"


def test_logs_since_timestamps_and_limits(cluster, kubectl):
    """The kubelet's log options: lines written over time, picked by age, stamped as the kubelet
    stamps them (RFC 3339, nanoseconds at a fixed width), cut at a byte count."""
    from server.sim.logs import nano_fixed

    kubectl("run bb --image=busybox --restart=Never -- sleep 3600")
    cluster.advance(20)
    uid = cluster.store.peek("Pod", "default", "bb")["metadata"]["uid"]
    stamps = []
    for i in range(4):
        stamps.append(cluster.clock.now())
        cluster.runtime.log(uid, "bb", f"line {i}", cluster.clock.now())
        cluster.advance(60)
    # now is 4 minutes after the first line: --since=150s reaches back past two lines' times
    assert kubectl("logs bb --since=150s") == "line 2\nline 3\n"
    assert kubectl("logs bb --since=1h --tail=1") == "line 3\n"
    assert kubectl("logs bb --timestamps --tail=1") == f"{nano_fixed(stamps[3])} line 3\n"
    assert nano_fixed(stamps[3]).endswith(".000000000Z") and len(nano_fixed(0.25)) == 30
    # cut after 9 bytes, printed as cut (the real kubectl v1.32 prints "line 0\nli", no newline)
    assert kubectl("logs bb --limit-bytes=9") == "line 0\nli"
    assert kubectl(f"logs bb --since-time={cluster.clock.iso(stamps[1])}") == "line 1\nline 2\nline 3\n"
    assert kubectl("logs bb --since=5x", rc=1) == \
        'error: invalid argument "5x" for "--since" flag: time: unknown unit "x" in duration "5x"\n'
    assert kubectl("logs nope", rc=1) == 'error: error from server (NotFound): pods "nope" not found in namespace "default"\n'
