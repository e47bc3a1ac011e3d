"""Every verb module; importing this package registers all commands."""

from . import basic  # noqa: F401
