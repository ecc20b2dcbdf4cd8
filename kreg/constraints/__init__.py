"""Weight constraints for Keras 3."""

from kreg.constraints.apply_max_norm import apply_max_norm
from kreg.constraints.max_norm import MaxNorm
