"""Where the real kubectl v1.32 is, for the tests that compare kubeplay with it.

The ``kubectl`` on the PATH of our machines is the Google Cloud SDK's dispatcher, which words some
errors in its own way; the versioned ``kubectl.1.32`` beside it (symlinks resolved) is the real
binary. Without one, ``find_kubectl`` falls back to the PATH's kubectl; None when there is none.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def find_kubectl() -> str | None:
    found = shutil.which("kubectl")
    if found is None:
        return None
    beside = Path(os.path.realpath(found)).parent / "kubectl.1.32"
    return str(beside) if beside.is_file() else found


KUBECTL = find_kubectl()
