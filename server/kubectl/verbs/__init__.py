"""Every verb module; importing this package registers all commands."""

from . import (
    apply,  # noqa: F401
    auth,  # noqa: F401
    autoscale,  # noqa: F401
    basic,  # noqa: F401
    certificate,  # noqa: F401
    config,  # noqa: F401
    cp,  # noqa: F401
    create,  # noqa: F401
    debug,  # noqa: F401
    delete,  # noqa: F401
    describe,  # noqa: F401
    events,  # noqa: F401
    exec,  # noqa: F401
    explain,  # noqa: F401
    expose,  # noqa: F401
    get,  # noqa: F401
    info,  # noqa: F401
    kustomize,  # noqa: F401
    logs,  # noqa: F401
    meta,  # noqa: F401
    modify,  # noqa: F401
    nodes,  # noqa: F401
    other,  # noqa: F401
    portforward,  # noqa: F401
    rollout,  # noqa: F401
    run,  # noqa: F401
    scale,  # noqa: F401
    setcmds,  # noqa: F401
    taint,  # noqa: F401
    top,  # noqa: F401
    wait,  # noqa: F401
)
