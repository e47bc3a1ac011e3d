"""Every verb module; importing this package registers all commands."""

from . import basic  # noqa: F401
from . import get  # noqa: F401
from . import apply  # noqa: F401
from . import delete  # noqa: F401
from . import meta  # noqa: F401
from . import nodes  # noqa: F401
from . import rollout  # noqa: F401
from . import scale  # noqa: F401
from . import describe  # noqa: F401
from . import info  # noqa: F401
