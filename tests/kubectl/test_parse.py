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
