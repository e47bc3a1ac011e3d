"""resource.Quantity (server/sim/quantity.py) against apimachinery v0.32's own tables
(pkg/api/resource/quantity_test.go): parse, errors, canonical String(), Cmp, arithmetic, values."""

from __future__ import annotations

import math

import pytest

from server.sim.quantity import (
    BINARY_SI,
    DECIMAL_EXPONENT,
    DECIMAL_SI,
    ERR_FORMAT_WRONG,
    ERR_SUFFIX,
    MICRO,
    MILLI,
    NANO,
    Quantity,
    QuantityError,
    canonical,
    go_pow10,
    new_milli_quantity,
    new_quantity,
    new_scaled_quantity,
    parse_quantity,
    parse_quantity_string,
)

DS, BS, DE = DECIMAL_SI, BINARY_SI, DECIMAL_EXPONENT


def dq(value: int, scale: int, fmt: str) -> Quantity:
    """decQuantity(value, scale, format) of the Go tests: value * 10^scale."""
    return Quantity(value, scale, fmt)


# TestQuantityParse's table: input -> (expected value, format)
PARSE = [
    ("0", dq(0, 0, DS)), ("0n", dq(0, 0, DS)), ("0u", dq(0, 0, DS)), ("0m", dq(0, 0, DS)),
    ("0Ki", dq(0, 0, BS)), ("0k", dq(0, 0, DS)), ("0Mi", dq(0, 0, BS)), ("0M", dq(0, 0, DS)),
    ("0Gi", dq(0, 0, BS)), ("0G", dq(0, 0, DS)), ("0Ti", dq(0, 0, BS)), ("0T", dq(0, 0, DS)),
    ("1", dq(1, 0, DS)),
    ("1Ki", dq(1024, 0, BS)), ("8Ki", dq(8 * 1024, 0, BS)), ("7Mi", dq(7 * 1024**2, 0, BS)),
    ("6Gi", dq(6 * 1024**3, 0, BS)), ("5Ti", dq(5 * 1024**4, 0, BS)), ("4Pi", dq(4 * 1024**5, 0, BS)),
    ("3Ei", dq(3 * 1024**6, 0, BS)), ("10Ti", dq(10 * 1024**4, 0, BS)), ("100Ti", dq(100 * 1024**4, 0, BS)),
    ("5n", dq(5, -9, DS)), ("4u", dq(4, -6, DS)), ("3m", dq(3, -3, DS)), ("9", dq(9, 0, DS)),
    ("8k", dq(8, 3, DS)), ("50k", dq(5, 4, DS)), ("7M", dq(7, 6, DS)), ("6G", dq(6, 9, DS)),
    ("5T", dq(5, 12, DS)), ("40T", dq(4, 13, DS)), ("300T", dq(3, 14, DS)), ("2P", dq(2, 15, DS)),
    ("1E", dq(1, 18, DS)),
    ("1E-3", dq(1, -3, DE)), ("1e3", dq(1, 3, DE)), ("1E6", dq(1, 6, DE)), ("1e9", dq(1, 9, DE)),
    ("1E12", dq(1, 12, DE)), ("1e15", dq(1, 15, DE)), ("1E18", dq(1, 18, DE)),
    ("1e14", dq(1, 14, DE)), ("1e13", dq(1, 13, DE)), ("100.035k", dq(100035, 0, DS)),
    ("0.001", dq(1, -3, DS)), ("0.0005k", dq(5, -1, DS)), ("0.005", dq(5, -3, DS)), ("0.05", dq(5, -2, DS)),
    ("0.5", dq(5, -1, DS)), ("0.00050k", dq(5, -1, DS)), ("0.00500", dq(5, -3, DS)),
    ("0.05000", dq(5, -2, DS)), ("0.50000", dq(5, -1, DS)), ("0.5e0", dq(5, -1, DE)),
    ("0.5e-1", dq(5, -2, DE)), ("0.5e-2", dq(5, -3, DE)), ("10.035M", dq(10035, 3, DS)),
    ("1.2e3", dq(12, 2, DE)), ("1.3E+6", dq(13, 5, DE)), ("1.40e9", dq(14, 8, DE)),
    ("1.53E12", dq(153, 10, DE)), ("1.6e15", dq(16, 14, DE)), ("1.7E18", dq(17, 17, DE)),
    ("9.01", dq(901, -2, DS)), ("8.1k", dq(81, 2, DS)), ("7.123456M", dq(7123456, 0, DS)),
    ("6.987654321G", dq(6987654321, 0, DS)), ("5.444T", dq(5444, 9, DS)), ("40.1T", dq(401, 11, DS)),
    ("300.2T", dq(3002, 11, DS)), ("2.5P", dq(25, 14, DS)), ("1.01E", dq(101, 16, DS)),
    ("3.001n", dq(4, -9, DS)), ("1.1E-9", dq(2, -9, DE)), ("0.0000000001", dq(1, -9, DS)),
    ("0.0000000005", dq(1, -9, DS)), ("0.00000000050", dq(1, -9, DS)), ("0.5e-9", dq(1, -9, DE)),
    ("0.9n", dq(1, -9, DS)), ("0.00000012345", dq(124, -9, DS)), ("0.00000012354", dq(124, -9, DS)),
    ("9Ei", dq(2**63 - 1, 0, BS)), ("9223372036854775807Ki", dq(2**63 - 1, 0, BS)), ("12E", dq(12, 18, DS)),
    ("100.035Ki", dq(10243584, -2, BS)), ("0.5Mi", dq(512 * 1024, 0, BS)), ("0.05Gi", dq(536870912, -1, BS)),
    ("0.025Ti", dq(274877906944, -1, BS)),
    ("0.000000000001Ki", dq(2, -9, DS)), (".001", dq(1, -3, DS)), (".0001k", dq(100, -3, DS)),
    ("1.", dq(1, 0, DS)), ("1.G", dq(1, 9, DS)),
]


@pytest.mark.parametrize(("text", "expect"), PARSE)
def test_parse_value_and_format(text: str, expect: Quantity) -> None:
    got = parse_quantity(text)
    assert got.cmp(expect) == 0, (text, str(got), str(expect))
    assert got.format == expect.format
    # an explicit sign parses to the same amount, negated for "-"
    assert parse_quantity("+" + text).cmp(expect) == 0
    neg = parse_quantity("-" + text)
    assert neg.cmp(expect.neg()) == 0 and neg.format == expect.format


@pytest.mark.parametrize("text", ["1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-",
                                  " 1", "1 ", ""])
def test_invalid(text: str) -> None:
    with pytest.raises(QuantityError):
        parse_quantity(text)


@pytest.mark.parametrize(("text", "message"), [
    ("aoeu", ERR_FORMAT_WRONG), ("1 ", ERR_FORMAT_WRONG), ("", ERR_FORMAT_WRONG), ("1.1.M", ERR_FORMAT_WRONG),
    ("0.1mi", ERR_SUFFIX), ("1i", ERR_SUFFIX), ("1e", ERR_SUFFIX), ("-3.01e-", ERR_SUFFIX),
])
def test_error_messages(text: str, message: str) -> None:
    with pytest.raises(ValueError) as e:
        parse_quantity(text)
    assert str(e.value) == message
    assert ERR_FORMAT_WRONG == ("quantities must match the regular expression "
                                "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    assert ERR_SUFFIX == "unable to parse quantity's suffix"


@pytest.mark.parametrize(("text", "positive", "value", "num", "denom", "suffix"), [
    ("0.025Ti", True, "0.025", "0", "025", "Ti"), ("1.025Ti", True, "1.025", "1", "025", "Ti"),
    ("-1.025Ti", False, "-1.025", "1", "025", "Ti"), (".", True, ".", "0", "", ""),
    ("-.", False, "-.", "0", "", ""), ("1E-3", True, "1", "1", "", "E-3"),
])
def test_parse_quantity_string(text, positive, value, num, denom, suffix) -> None:
    assert parse_quantity_string(text) == (positive, value, num, denom, suffix)


# TestQuantityString: (quantity, canonical, an alternate spelling that canonicalizes to it)
STRING = [
    (dq(1024**3, 0, BS), "1Gi", "1024Mi"), (dq(300 * 1024**2, 0, BS), "300Mi", "307200Ki"),
    (dq(6 * 1024, 0, BS), "6Ki", ""), (dq(1001 * 1024**3, 0, BS), "1001Gi", "1025024Mi"),
    (dq(1024**4, 0, BS), "1Ti", "1024Gi"), (dq(5, 0, BS), "5", "5000m"), (dq(500, -3, BS), "500m", "0.5"),
    (dq(1, 9, DS), "1G", "1000M"), (dq(1000, 6, DS), "1G", "0.001T"), (dq(1000000, 3, DS), "1G", ""),
    (dq(1000000000, 0, DS), "1G", ""), (dq(1, -3, DS), "1m", "1000u"), (dq(80, -3, DS), "80m", ""),
    (dq(1080, -3, DS), "1080m", "1.08"), (dq(108, -2, DS), "1080m", "1080000000n"), (dq(10800, -4, DS), "1080m", ""),
    (dq(300, 6, DS), "300M", ""), (dq(1, 12, DS), "1T", ""), (dq(1234567, 6, DS), "1234567M", ""),
    (dq(1234567, -3, BS), "1234567m", ""), (dq(3, 3, DS), "3k", ""), (dq(1025, 0, BS), "1025", ""),
    (dq(0, 0, DS), "0", ""), (dq(0, 0, BS), "0", ""), (dq(1, 9, DE), "1e9", ".001e12"),
    (dq(1, -3, DE), "1e-3", "0.001e0"), (dq(1, -9, DE), "1e-9", "1000e-12"), (dq(80, -3, DE), "80e-3", ""),
    (dq(300, 6, DE), "300e6", ""), (dq(1, 12, DE), "1e12", ""), (dq(1, 3, DE), "1e3", ""), (dq(3, 3, DE), "3e3", ""),
    (dq(0, 0, DE), "0", "00"), (dq(1, -9, DS), "1n", ""), (dq(80, -9, DS), "80n", ""),
    (dq(1080, -9, DS), "1080n", ""), (dq(108, -8, DS), "1080n", ""), (dq(10800, -10, DS), "1080n", ""),
    (dq(1, -6, DS), "1u", ""), (dq(80, -6, DS), "80u", ""), (dq(1080, -6, DS), "1080u", ""),
]


@pytest.mark.parametrize(("q", "expect", "alternate"), STRING)
def test_string(q: Quantity, expect: str, alternate: str) -> None:
    assert str(q) == expect
    assert str(parse_quantity(expect)) == expect
    if alternate:
        assert str(parse_quantity(alternate)) == expect
    if not q.is_zero():
        assert str(q.neg()) == "-" + expect


@pytest.mark.parametrize(("text", "expect"), [
    ("1Ki", "1Ki"), ("1Mi", "1Mi"), ("1Gi", "1Gi"), ("1024Mi", "1Gi"), ("1000M", "1G"), (".001Ki", "1024m"),
    (".000001Ki", "1024u"), (".000000001Ki", "1024n"), (".000000000001Ki", "2n"),
    # the canonical forms the apiserver stores of what tutorials write
    ("1.5Gi", "1536Mi"), ("1500m", "1500m"), ("2Gi", "2Gi"), ("0.5", "500m"), ("100M", "100M"),
    ("1.5", "1500m"), ("2.5Gi", "2560Mi"), ("1000m", "1"), ("1e4", "10e3"), ("1.2e3", "1200"),
    ("5Pi", "5Pi"), ("3Ei", "3Ei"), ("9Ei", "9223372036854775807"), ("100.035Ki", "102435840m"),
    # text that looks canonical is kept as typed (the parser's cached string)
    ("1e3", "1e3"), ("129e6", "129e6"), ("+1", "+1"), ("010", "010"), ("1.G", "1.G"),
    # no decimal suffix beyond E: the number without one, as constructBytes answers
    ("1000E", "1"),
])
def test_parse_emit(text: str, expect: str) -> None:
    assert str(parse_quantity(text)) == expect
    if not text.startswith("+"):
        q = parse_quantity("-" + text)
        assert q.is_zero() or str(q) == "-" + expect


def test_cmp() -> None:
    for x, y, expect in [("0", "0", 0), ("100m", "50m", 1), ("50m", "100m", -1), ("10000T", "100Gi", 1)]:
        assert parse_quantity(x).cmp(parse_quantity(y)) == expect
    assert parse_quantity("1Gi") == parse_quantity("1024Mi") and parse_quantity("1k") < parse_quantity("1Ki")
    most_pos, most_neg = 2**63 - 1, -(2**63)
    for a, b, expect in [
        (dq(901, -2, DS), dq(901, -2, DS), 0), (dq(90, -1, DS), dq(901, -2, DS), -1),
        (dq(0, 1, DS), dq(0, -1, DS), 0), (dq(800, -3, DS), dq(79, -2, DS), 1),
        (dq(most_pos, 1, DS), dq(1, 1, DS), 1), (dq(most_pos, -16, DS), dq(1, 3, DS), -1),
        (dq(most_neg, -18, DS), dq(-1, 0, DS), -1), (dq(most_neg, -19, DS), dq(-1, 0, DS), 1),
        (dq(10**18, -17, DS), dq(1, 1, DS), 0), (dq(10**18 + 1, -17, DS), dq(1, 1, DS), 1),
        (dq(10**18 - 1, -17, DS), dq(1, 1, DS), -1),
    ]:
        assert a.cmp(b) == expect and b.cmp(a) == -expect


def test_add_sub_mul_neg() -> None:
    assert dq(10, 0, DS).add(dq(1, 1, DS)).cmp(dq(20, 0, DS)) == 0
    added = dq(10, 0, DS).add(dq(1, 0, BS))
    assert added.cmp(dq(11, 0, DS)) == 0 and added.format == DS
    assert dq(10, 0, BS).add(dq(1, 0, DS)).format == BS
    # a zero receiver takes the other's format (TestQuantityAddZeroPreservesSuffix)
    assert str(parse_quantity("0").add(parse_quantity("1Mi"))) == "1Mi"
    assert str(parse_quantity("0").sub(parse_quantity("1Mi"))) == "-1Mi"
    assert dq(10, 0, DS).sub(dq(1, 1, DS)).is_zero()
    assert dq(10, 0, BS).sub(dq(1, 0, DS)).cmp(dq(9, 0, BS)) == 0
    assert Quantity().sub(dq(50, 0, DS)).cmp(dq(-50, 0, DS)) == 0
    assert dq(-50, 0, DS).mul(-50).cmp(dq(2500, 0, DS)) == 0
    assert str(dq(901, -2, DS).neg()) == "-9010m"
    total = Quantity()
    for text in ("100m", "250m", "1"):
        total = total + parse_quantity(text)
    assert str(total) == "1350m"
    assert str(parse_quantity("1Gi") - parse_quantity("512Mi")) == "512Mi"


def test_round_up() -> None:
    for text, scale, expect, exact in [
        ("9.01", -3, dq(901, -2, DS), True), ("9.01", -2, dq(901, -2, DS), True), ("9.01", -1, dq(91, -1, DS), False),
        ("9.01", 0, dq(10, 0, DS), False), ("9.01", 1, dq(10, 0, DS), False), ("9.01", 2, dq(100, 0, DS), False),
        ("-9.01", -1, dq(-91, -1, DS), False), ("-9.01", 0, dq(-10, 0, DS), False), ("-9.01", 2, dq(-100, 0, DS), False),
    ]:
        got, ok = parse_quantity(text).round_up(scale)
        assert (got.cmp(expect), ok) == (0, exact), text


def test_scaled_values() -> None:
    for from_scale, to_scale, expect in [
        (NANO, NANO, 1), (NANO, MICRO, 1), (NANO, MILLI, 1), (NANO, 0, 1), (MICRO, NANO, 1000), (MICRO, 0, 1),
        (MILLI, NANO, 10**6), (MILLI, MICRO, 1000), (MILLI, 0, 1), (0, NANO, 10**9), (0, MILLI, 1000), (0, 0, 1),
        (2, -2, 10**4),
    ]:
        assert new_scaled_quantity(1, from_scale).scaled_value(to_scale) == expect
    assert parse_quantity("100m").milli_value() == 100 and parse_quantity("100m").value() == 1
    assert parse_quantity("1.5Gi").value() == 1610612736 and parse_quantity("1n").milli_value() == 1
    assert parse_quantity("2").milli_value() == 2000 and parse_quantity("64Mi").value() == 64 * 2**20
    assert new_milli_quantity(1500).value() == 2 and str(new_milli_quantity(1500)) == "1500m"
    assert str(new_quantity(64 * 2**20, BINARY_SI)) == "64Mi" and str(new_quantity(1000)) == "1k"


def test_as_approximate_float64() -> None:
    mib7 = 7 * 1024 * 1024
    for fmt in (DS, BS, DE):
        assert dq(0, 0, fmt).as_approximate_float64() == 0.0
        assert dq(1024, 0, fmt).as_approximate_float64() == 1024
        assert dq(mib7, 8, fmt).as_approximate_float64() == mib7 * 100000000
        assert dq(mib7, -1, fmt).as_approximate_float64() == mib7 * go_pow10(-1)
        assert dq(mib7, -8, fmt).as_approximate_float64() == mib7 / 100000000.0
    assert dq(2**63 - 1, 0, DS).as_approximate_float64() == float(2**63 - 1)
    assert dq(12, 18, DS).as_approximate_float64() == 1.2e19
    assert dq(12, 500, DS).as_approximate_float64() == math.inf
    assert dq(-12, 500, DS).as_approximate_float64() == -math.inf
    assert parse_quantity("250m").as_approximate_float64() == 0.25


def test_stored_values() -> None:
    """What a decoded manifest holds: text (trimmed, as UnmarshalJSON trims) or a JSON number."""
    assert canonical(" 128Mi ") == "128Mi" and canonical(2) == "2" and canonical(0.5) == "500m"
    assert canonical(1.0) == "1" and Quantity.of(parse_quantity("1Gi")) == parse_quantity("1Gi")
    with pytest.raises(QuantityError):
        Quantity.of(True)


# -- against the real thing: kubectl v1.32's own ParseQuantity and String() ---------------------------

def _corpus(n: int, seed: int) -> list[str]:
    """Quantity-like text from the grammar's pieces (signs, zeros, digits, dots, every suffix, signed
    exponents, and a few stray characters), seeded so the corpus is the same on every run."""
    import random

    rng = random.Random(seed)
    suffixes = ["", "", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "e3", "E-2",
                "e+6", "e0", "e-9", "E18", "e", "i", "mi", "K", "Kb", "e1.5", "-", "ee3"]
    out = []
    for _ in range(n):
        sign = rng.choice(["", "", "", "+", "-"])
        whole = rng.choice(["", "0", "00", "1", "7", "10", "100", "1000", "1024", "1536", "999999",
                            str(rng.randrange(10**rng.randrange(1, 20)))])
        frac = rng.choice(["", "", "", ".", ".5", ".25", ".000001", ".0000000001", "." + "9" * rng.randrange(1, 12),
                           ".1.2"])
        text = sign + whole + frac + rng.choice(suffixes)
        out.append(text or "0")
    return out


@pytest.fixture(scope="module")
def go(tmp_path_factory):
    """``kubectl create quota --dry-run=client`` parses each ``--hard`` value with ParseQuantity and prints
    the object, whose quantities marshal as String() does: a Go oracle needing no cluster."""
    import subprocess

    from tests.realkubectl import KUBECTL

    if KUBECTL is None:
        pytest.skip("no kubectl installed")
    home = tmp_path_factory.mktemp("quantity")
    kubeconfig = home / "kubeconfig"
    kubeconfig.write_text('apiVersion: v1\nkind: Config\nclusters: [{cluster: {server: "http://127.0.0.1:1"}, '
                          "name: x}]\ncontexts: [{context: {cluster: x, user: x, namespace: default}, name: x}]\n"
                          "current-context: x\nusers: [{name: x, user: {token: x}}]\n")

    def call(values: list[str]) -> subprocess.CompletedProcess:
        hard = ",".join(f"r{i}={v}" for i, v in enumerate(values))
        return subprocess.run([KUBECTL, "--kubeconfig", str(kubeconfig), "create", "quota", "q", f"--hard={hard}",
                               "--dry-run=client", "-o", "json"], capture_output=True, text=True, timeout=60,
                              env={"HOME": str(home), "PATH": "/usr/bin:/bin"})

    return call


def test_canonical_text_matches_go(go):
    import json

    corpus = sorted(set(_corpus(1500, 8)) | {text for text, _ in PARSE} | {q[1] for q in STRING} |
                    {q[2] for q in STRING if q[2]})
    accepted, refused = [], []
    for text in corpus:
        try:
            accepted.append((text, str(parse_quantity(text))))
        except QuantityError as e:
            refused.append((text, str(e)))
    assert len(accepted) > 300 and len(refused) > 100
    real = go([t for t, _ in accepted])
    assert real.returncode == 0, real.stderr  # Go takes every text we take
    hard = json.loads(real.stdout)["spec"]["hard"]
    assert [hard[f"r{i}"] for i in range(len(accepted))] == [s for _, s in accepted]
    # and refuses what we refuse, with the same words (one call each: the first error ends the command)
    for text, message in refused[::max(1, len(refused) // 20)]:
        out = go([text])
        assert (out.returncode, out.stderr) == (1, f"error: {message}\n"), text
