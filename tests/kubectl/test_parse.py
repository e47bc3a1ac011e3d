"""The command line as kubectl v1.32's cobra/pflag layer answers it: typos, command groups, flag
values. Expected texts were taken from the real kubectl v1.32 binary."""

from __future__ import annotations

from server.kubectl import run


def test_a_mistyped_command_suggests_what_cobra_would(cluster):
    r = run(cluster, "kubectl gt pods")
    assert r.exit_code == 1
    assert r.output == ('Error: unknown command "gt" for "kubectl"\n\n'
                        "Did you mean this?\n\tset\n\tget\n\tcp\n\n")
    assert run(cluster, "kubectl describ pod x").output.endswith("Did you mean this?\n\tdescribe\n\n")
    # a prefix is suggested too, however far it is
    assert run(cluster, "kubectl api").output.endswith("Did you mean this?\n\tcp\n\tapi-versions\n\tapi-resources\n\n")


def test_an_unknown_word_far_from_every_command_gets_no_suggestion(cluster):
    r = run(cluster, "kubectl node")
    assert (r.output, r.exit_code) == ('Error: unknown command "node" for "kubectl"\n', 1)


def test_a_command_group_without_its_subcommand_prints_its_help(cluster):
    r = run(cluster, "kubectl rollout")
    assert r.exit_code == 1
    assert r.output.startswith("Manage the rollout of one or many resources.\n        \n Valid resource types include:")
    assert "  undo          Undo a previous rollout\n" in r.output
    r = run(cluster, "kubectl set")
    assert r.exit_code == 1
    assert "  image            Update the image of a pod template\n" in r.output


def test_an_unknown_subcommand_of_a_group(cluster):
    r = run(cluster, "kubectl rollout stats deploy/web")
    assert (r.output, r.exit_code) == ("error: unknown command \"stats\"\nSee 'kubectl rollout -h' for help and examples\n", 1)


def test_a_boolean_flag_takes_the_values_strconv_parsebool_knows(cluster, kubectl):
    assert "LABELS" not in kubectl("get ns --show-labels=F")
    assert kubectl("get ns --no-headers=1").startswith("default ")
    r = run(cluster, "kubectl get pods -A=x")
    assert r.exit_code == 1
    assert r.output == ('Error: invalid argument "x" for "-A, --all-namespaces" flag: strconv.ParseBool: '
                        "parsing \"x\": invalid syntax\nSee 'kubectl get --help' for usage.\n")


def test_an_int_flag_error_names_both_spellings(cluster):
    r = run(cluster, "kubectl create deployment x --image=n --replicas=abc")
    assert r.output == ('Error: invalid argument "abc" for "-r, --replicas" flag: strconv.ParseInt: '
                        "parsing \"abc\": invalid syntax\nSee 'kubectl create deployment --help' for usage.\n")


def test_a_bare_dry_run_is_the_deprecated_client_dry_run_and_takes_no_value(cluster, kubectl):
    assert kubectl("create deployment x --dry-run --image=nginx") == "deployment.apps/x created (dry run)\n"
    assert kubectl("run x --image=nginx --dry-run -o name") == "pod/x\n"
    assert kubectl("get deploy,pods", rc=0) == "No resources found in default namespace.\n"
