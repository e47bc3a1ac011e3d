"""The command line as kubectl v1.32's cobra/pflag layer answers it: typos, command groups, flag
values. Expected texts (bytes and exit codes) were captured from the real kubectl v1.32 binary, not the
PATH's dispatcher (which prints cobra's own "Error: ...\n\n"), as
``KUBECONFIG=k /usr/lib/google-cloud-sdk/bin/kubectl.1.32 <args>; echo $?`` with ``k`` a kubeconfig whose
server is http://127.0.0.1:1: these errors are printed before any request."""

from __future__ import annotations

from server.kubectl import run


def test_a_mistyped_command_suggests_what_cobra_would(cluster):
    # captured: kubectl.1.32 gt pods; kubectl.1.32 describ pod x; kubectl.1.32 api (each exit 1)
    r = run(cluster, "kubectl gt pods")
    assert (r.output, r.exit_code) == ('error: unknown command "gt" for "kubectl"\n\n'
                                       "Did you mean this?\n\tset\n\tget\n\tcp\n", 1)
    r = run(cluster, "kubectl describ pod x")
    assert (r.output, r.exit_code) == ('error: unknown command "describ" for "kubectl"\n\n'
                                       "Did you mean this?\n\tdescribe\n", 1)
    # a prefix is suggested too, however far it is
    r = run(cluster, "kubectl api")
    assert (r.output, r.exit_code) == ('error: unknown command "api" for "kubectl"\n\n'
                                       "Did you mean this?\n\tcp\n\tapi-versions\n\tapi-resources\n", 1)


def test_an_unknown_word_far_from_every_command_gets_no_suggestion(cluster):
    r = run(cluster, "kubectl node")  # captured: kubectl.1.32 node
    assert (r.output, r.exit_code) == ('error: unknown command "node" for "kubectl"\n', 1)


def test_a_command_group_without_its_subcommand_prints_its_help(cluster):
    r = run(cluster, "kubectl rollout")
    assert r.exit_code == 1
    assert r.output.startswith("Manage the rollout of one or many resources.\n        \n Valid resource types include:")
    assert "  undo          Undo a previous rollout\n" in r.output
    r = run(cluster, "kubectl set")
    assert r.exit_code == 1
    assert "  image            Update the image of a pod template\n" in r.output


def test_an_unknown_subcommand_of_a_group(cluster):
    # captured: kubectl.1.32 rollout stats deploy/web; kubectl.1.32 set foo bar -n x
    # (cmdutil.RequireNoArguments joins every argument: "stats deploy/web")
    r = run(cluster, "kubectl rollout stats deploy/web")
    assert (r.output, r.exit_code) == (
        "error: unknown command \"stats deploy/web\"\nSee 'kubectl rollout -h' for help and examples\n", 1)
    r = run(cluster, "kubectl set foo bar -n x")
    assert (r.output, r.exit_code) == ("error: unknown command \"foo bar\"\nSee 'kubectl set -h' for help and examples\n", 1)


def test_a_boolean_flag_takes_the_values_strconv_parsebool_knows(cluster, kubectl):
    assert "LABELS" not in kubectl("get ns --show-labels=F")
    assert kubectl("get ns --no-headers=1").startswith("default ")
    r = run(cluster, "kubectl get pods -A=x")  # captured: kubectl.1.32 get pods -A=x
    assert r.exit_code == 1
    assert r.output == ('error: invalid argument "x" for "-A, --all-namespaces" flag: strconv.ParseBool: '
                        "parsing \"x\": invalid syntax\nSee 'kubectl get --help' for usage.\n")


def test_an_int_flag_error_names_both_spellings(cluster):
    # captured: kubectl.1.32 create deployment x --image=n --replicas=abc
    r = run(cluster, "kubectl create deployment x --image=n --replicas=abc")
    assert r.exit_code == 1
    assert r.output == ('error: invalid argument "abc" for "-r, --replicas" flag: strconv.ParseInt: '
                        "parsing \"abc\": invalid syntax\nSee 'kubectl create deployment --help' for usage.\n")


def test_unknown_and_valueless_flags(cluster):
    # captured: kubectl.1.32 get pods --bogus; ... get pods -Z; ... get pods -n; ... get pods --namespace
    cases = {
        "get pods --bogus": "error: unknown flag: --bogus\n",
        "get pods -Z": "error: unknown shorthand flag: 'Z' in -Z\n",
        "get pods -n": "error: flag needs an argument: 'n' in -n\n",
        "get pods --namespace": "error: flag needs an argument: --namespace\n",
    }
    for line, first in cases.items():
        r = run(cluster, "kubectl " + line)
        assert (r.output, r.exit_code) == (first + "See 'kubectl get --help' for usage.\n", 1), line


def test_a_bare_dry_run_is_the_deprecated_client_dry_run_and_takes_no_value(cluster, kubectl):
    assert kubectl("create deployment x --dry-run --image=nginx") == "deployment.apps/x created (dry run)\n"
    assert kubectl("run x --image=nginx --dry-run -o name") == "pod/x\n"
    assert kubectl("get deploy,pods", rc=0) == "No resources found in default namespace.\n"
