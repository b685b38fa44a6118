"""The contract's resources now live in `sitegen.contract`; this module re-exports them."""

from ..contract import *  # noqa: F403
from ..contract import (  # noqa: F401
    BY_NAME,
    PROFILE_VERSION,
    RESOURCES,
    ROW_SUMS,
    SOURCE_PAGE,
    TABLE_RESOURCES,
    Field,
    Resource,
    extra_resource,
    money,
    resource,
    text,
)
