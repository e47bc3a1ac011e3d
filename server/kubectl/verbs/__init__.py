"""Every verb module; importing this package registers all commands."""

from . import (
    apply,  # noqa: F401
    basic,  # noqa: F401
    delete,  # noqa: F401
    describe,  # noqa: F401
    exec,  # noqa: F401
    explain,  # noqa: F401
    expose,  # noqa: F401
    get,  # noqa: F401
    info,  # noqa: F401
    logs,  # noqa: F401
    meta,  # noqa: F401
    nodes,  # noqa: F401
    rollout,  # noqa: F401
    run,  # noqa: F401
    scale,  # noqa: F401
)
