"""Checks of layer constructor arguments, with Keras-style messages.

Each check raises `ValueError("Invalid value received for argument `name`.
Expected <what is allowed>. Received: name=<value>")` and returns nothing.
"""

import math
import numbers


def _invalid(name, expected, value):
    return ValueError(
        f"Invalid value received for argument `{name}`. Expected {expected}. "
        f"Received: {name}={value}"
    )


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_positive_int(name, value):
    if not _is_int(value) or value <= 0:
        raise _invalid(name, "a positive integer", value)


def check_bool(name, value):
    if not isinstance(value, bool):
        raise _invalid(name, "a boolean", value)


def check_choice(name, value, choices):
    if value not in choices:
        raise _invalid(name, f"one of {choices}", value)


def check_seed(seed):
    if seed is not None and not _is_int(seed):
        raise _invalid("seed", "an integer or None", seed)


def check_rate(value, name="rate"):
    """A drop probability in [0, 1)."""
    if not _is_real(value) or not 0 <= value < 1:
        raise _invalid(name, "a float value in the range [0, 1)", value)


def check_finite(name, value, positive=False):
    """A finite real number, > 0 if `positive`, else >= 0."""
    ok = _is_real(value) and math.isfinite(value)
    ok = ok and (value > 0 if positive else value >= 0)
    if not ok:
        what = "positive" if positive else "non-negative"
        raise _invalid(name, f"a {what} finite float", value)
