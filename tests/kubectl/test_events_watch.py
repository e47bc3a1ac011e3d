"""``kubectl events -w`` followed in the terminal: the table, then a row for each new event as the
cluster makes it, in the same columns, until Ctrl-C."""

from __future__ import annotations

from server.kubectl import run
from server.sim.cluster import Cluster


def test_new_events_print_as_rows_until_stopped():
    cluster = Cluster(seed=1)
    result = run(cluster, "kubectl events -w --for pod/web", follow=True)
    assert result.output == "" and not result.stream.done  # no events yet: nothing, and it waits
    run(cluster, "kubectl run web --image=nginx")
    cluster.advance(10)
    lines = result.stream.poll().splitlines()
    assert lines[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]  # with the first row
    rows = [line.split(None, 4) for line in lines[1:]]
    assert [r[2] for r in rows][:2] == ["Scheduled", "Pulling"]
    assert all(r[3] == "Pod/web" for r in rows) and "Started" in [r[2] for r in rows]
    run(cluster, "kubectl run other --image=nginx")  # another pod's events are not this watch's
    cluster.advance(10)
    assert result.stream.poll() == ""
    assert result.stream.stop() == "" and result.stream.done
    run(cluster, "kubectl delete pod web --wait=false")
    cluster.advance(30)
    assert result.stream.poll() == ""  # stopped: it no longer follows the store
