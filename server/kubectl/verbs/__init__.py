"""Every verb module; importing this package registers all commands."""

from . import basic  # noqa: F401
from . import get  # noqa: F401
