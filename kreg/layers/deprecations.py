"""The deprecated names of `kreg.layers` and the release that removes them.

kreg 0.3.0 renamed some layers and arguments. Until kreg `REMOVED_IN`, the
former names keep working as they did, each with a `DeprecationWarning` that
names its replacement and `REMOVED_IN`:

- `GaussianWeightDense` (`kreg.layers.gaussian_weight_dense`): the layers it
  makes are `GaussianFunctionDense` and `BayesianDense`;
- `DropConnectDense(mask=...)` is `sampling=...`, and its `inference`
  values `"deterministic"` and `"gaussian"` are `"mean"` and
  `"moment_matched"`.
"""

import warnings

REMOVED_IN = "0.5.0"


def warn_deprecated(message, stacklevel=1):
    """Warns that a former name is deprecated, and until when it works.

    Args:
        message: What is deprecated and what replaces it, a sentence.
        stacklevel: As for `warnings.warn`, counted from the caller.
    """
    warnings.warn(f"{message} It will be removed in kreg {REMOVED_IN}.",
                  DeprecationWarning, stacklevel=stacklevel + 1)
