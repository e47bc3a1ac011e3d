"""Where the real kubectl v1.32 is, for the tests that compare kubeplay with it.

The ``kubectl`` on the PATH of our machines is the Google Cloud SDK's dispatcher, which words some
errors in its own way; the versioned ``kubectl.1.32`` beside it (symlinks resolved) is the real
binary. Without one, ``find_kubectl`` falls back to the PATH's kubectl; None when there is none.

``within_age_rounding`` is how a comparison allows for the ages the real kubectl reads from its own
clock, a second later than the server's answer.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path


def find_kubectl() -> str | None:
    found = shutil.which("kubectl")
    if found is None:
        return None
    beside = Path(os.path.realpath(found)).parent / "kubectl.1.32"
    return str(beside) if beside.is_file() else found


KUBECTL = find_kubectl()


AGE = re.compile(r"\b(?:\d+[dhms])+\b")


def _seconds(age: str) -> int:
    units = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)([dhms])", age))


def within_age_rounding(ours: str, theirs: str) -> bool:
    """The two texts differ only in ages a second or two apart (and in the column padding that
    follows from "5m" being narrower than "4m59s"): the API shifts times by whole seconds per
    response (server/web/k8s.py ``_offset``) while the real kubectl computes ages from its own
    clock when it prints, so a command that runs across a wall-clock second (describe -A fetches
    each object, then its events) reads its ages a second older than the first response's."""
    a, b = ours.split("\n"), theirs.split("\n")
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if x == y:
            continue
        if re.sub(r"\s+", " ", AGE.sub("#", x)) != re.sub(r"\s+", " ", AGE.sub("#", y)):
            return False
        if not all(abs(_seconds(u) - _seconds(v)) <= 2 for u, v in zip(AGE.findall(x), AGE.findall(y), strict=True)):
            return False
    return True
