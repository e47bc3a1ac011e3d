"""kubernetes.io "Distribute Credentials Securely Using Secrets" (v1.32), typed as the page says,
through the HTTP contract: the Secret from its manifest, a pod mounting it as a volume read in an
interactive bash (``ls /etc/secret-volume``, ``cat`` of each key), and a Secret passed as an
environment variable. The values are the page's: my-app, 39528$vdg7Jb, backend-admin."""

from __future__ import annotations

from tests.scenarios.volterm import term  # noqa: F401  (the fixture)


def test_secret_volume_and_env(term):  # noqa: F811
    assert term.run("kubectl apply -f https://k8s.io/examples/pods/inject/secret.yaml") == \
        "secret/test-secret created\n"
    listed = term.run("kubectl get secret test-secret").splitlines()
    assert listed[0].split() == ["NAME", "TYPE", "DATA", "AGE"] and listed[1].split()[:3] == \
        ["test-secret", "Opaque", "2"]
    described = term.run("kubectl describe secret test-secret")
    # kubectl ranges over the Secret's data map: its order is Go's map order, not fixed
    assert sorted(described.split("====\n")[1].splitlines()) == ["password:  12 bytes", "username:  6 bytes"]

    assert term.run("kubectl apply -f https://k8s.io/examples/pods/inject/secret-pod.yaml") == \
        "pod/secret-test-pod created\n"
    term.advance(30)
    row = term.run("kubectl get pod secret-test-pod").splitlines()[1].split()
    assert row[:3] == ["secret-test-pod", "1/1", "Running"]

    assert term.run("kubectl exec -i -t secret-test-pod -- /bin/bash") == ""
    assert term.session and term.prompt == "root@secret-test-pod:/# "
    # a terminal: GNU ls lays the names out in columns
    assert term.run("ls /etc/secret-volume") == "password  username\n"
    assert term.run('echo "$( cat /etc/secret-volume/username )"') == "my-app\n"
    assert term.run('echo "$( cat /etc/secret-volume/password )"') == "39528$vdg7Jb\n"
    # the volume is mounted readOnly (and Secret volumes always are)
    assert term.run("touch /etc/secret-volume/x", rc=1) == \
        "touch: cannot touch '/etc/secret-volume/x': Read-only file system\n"
    # exit takes the last command's status (the failed touch), which kubectl reports
    assert term.run("exit", rc=1) == "command terminated with exit code 1\n"
    assert term.session is None

    assert term.run("kubectl create secret generic backend-user --from-literal=backend-username='backend-admin'") \
        == "secret/backend-user created\n"
    assert term.run("kubectl create -f https://k8s.io/examples/pods/inject/pod-single-secret-env-variable.yaml") \
        == "pod/env-single-secret created\n"
    term.advance(30)
    assert term.run("kubectl exec -i -t env-single-secret -- /bin/sh -c 'echo $SECRET_USERNAME'") == \
        "backend-admin\n"
