"""The node IPAM range allocator's CidrSet (server/sim/controllers/nodeipam.py), against what
pkg/controller/nodeipam/ipam/cidrset does: blocks in turn, a rotating next candidate, release, exhaustion,
and the service CIDR kept out of an overlapping cluster CIDR."""

from __future__ import annotations

from server.sim.controllers.nodeipam import CidrSet


def test_blocks_are_handed_out_in_turn_and_run_out() -> None:
    s = CidrSet("10.244.0.0/22", 24)
    assert [s.allocate_next() for _ in range(5)] == [
        "10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24", "10.244.3.0/24", None]
    assert s.allocated == 4


def test_a_released_block_comes_back_only_when_the_scan_wraps() -> None:
    s = CidrSet("10.244.0.0/22", 24)
    for _ in range(3):
        s.allocate_next()
    s.release("10.244.0.0/24")
    # next candidate is block 3: the freed block 0 waits until the scan comes round
    assert s.allocate_next() == "10.244.3.0/24"
    assert s.allocate_next() == "10.244.0.0/24"
    assert s.allocate_next() is None


def test_occupy_counts_once_and_ignores_what_is_outside() -> None:
    s = CidrSet("10.244.0.0/16", 24)
    assert s.occupy("10.244.0.0/24") and s.occupy("10.244.0.0/24")
    assert s.allocated == 1
    assert not s.occupy("10.245.0.0/24")
    assert s.allocate_next() == "10.244.1.0/24"


def test_an_overlapping_service_cidr_is_kept_out() -> None:
    # 10.64.0.0/10 spans 10.96.0.0/12: filterOutServiceRange occupies its 4,096 blocks
    s = CidrSet("10.64.0.0/10", 24)
    s.occupy("10.96.0.0/12")
    assert s.max_cidrs == 16384 and s.allocated == 4096
    s.next_candidate = (0x60 - 0x40) << 8  # the scan starting at 10.96.0.0/24 skips the service range
    assert s.allocate_next() == "10.112.0.0/24"


def test_a_large_range_allocates_thousands_without_repeating() -> None:
    s = CidrSet("10.64.0.0/11", 24)
    got = [s.allocate_next() for _ in range(5000)]
    assert len(set(got)) == 5000 and got[-1] == "10.83.135.0/24"
