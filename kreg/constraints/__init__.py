"""Weight constraints for Keras 3."""

from kreg.constraints.max_norm import MaxNorm
