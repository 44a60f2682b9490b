"""Official lists of recognised enterprises: read, matched to the directory, applied."""

from .applying import NEW, ApplyError, apply
from .matching import review
from .outcomes import Outcome, Target
from .reading import MAX_BYTES, ListError, ListFile, ListRow, read_list

__all__ = [
    "MAX_BYTES",
    "NEW",
    "ApplyError",
    "ListError",
    "ListFile",
    "ListRow",
    "Outcome",
    "Target",
    "apply",
    "read_list",
    "review",
]
