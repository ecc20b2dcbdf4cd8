"""Checks of constructor arguments, with Keras-style messages.

Every layer, regularizer, constraint, callback and helper of kreg checks its
arguments here, so that each rule is worded once. A failed check raises

    ValueError("Invalid value received for argument `name`. Expected <what is
    allowed>. Received: name=<value>")

and a passing check returns nothing (or, where noted, the normalized value).
"""

import math
import numbers


def invalid_argument(name, expected, value):
    """The `ValueError` of a bad argument, in the one wording of kreg."""
    return ValueError(
        f"Invalid value received for argument `{name}`. Expected {expected}. "
        f"Received: {name}={value}"
    )


def is_int(value):
    """An integer that is not a boolean (`True` is an `int` in Python)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value):
    """A real number that is not a boolean."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_positive_int(name, value):
    if not is_int(value) or value <= 0:
        raise invalid_argument(name, "a positive integer", value)


def check_non_negative_int(name, value):
    if not is_int(value) or value < 0:
        raise invalid_argument(name, "an integer >= 0", value)


def check_bool(name, value):
    if not isinstance(value, bool):
        raise invalid_argument(name, "a boolean", value)


def check_choice(name, value, choices):
    if not isinstance(value, str) or value not in choices:
        raise invalid_argument(name, f"one of {tuple(choices)}", value)


def check_seed(seed, name="seed"):
    if seed is not None and not is_int(seed):
        raise invalid_argument(name, "an integer or None", seed)


def check_rate(name, value, include_one=False):
    """A probability in [0, 1): a drop rate, a pruned fraction; in [0, 1]
    with `include_one=True` (the rate of `keras.layers.Dropout`, worded as
    Keras words it: "a float value between 0 and 1")."""
    if include_one:
        if not is_real(value) or not 0 <= value <= 1:
            raise invalid_argument(name, "a float value between 0 and 1", value)
    elif not is_real(value) or not 0 <= value < 1:
        raise invalid_argument(name, "a float value in the range [0, 1)", value)


def check_non_negative_float(name, value):
    """A finite real number >= 0: a penalty strength, a noise scale."""
    if not is_real(value) or not math.isfinite(value) or value < 0:
        raise invalid_argument(name, "a finite float >= 0", value)


def check_positive_float(name, value):
    """A finite real number > 0: a norm bound, an epsilon, a scale."""
    if not is_real(value) or not math.isfinite(value) or value <= 0:
        raise invalid_argument(name, "a finite float > 0", value)


def check_axis(name, value):
    """`None`, an integer or a non-empty tuple of integers; returns it with
    a list turned into a tuple."""
    if value is None or is_int(value):
        return value
    if isinstance(value, (list, tuple)) and value and all(map(is_int, value)):
        return tuple(value)
    raise invalid_argument(
        name, "None, an integer or a non-empty tuple of integers", value
    )


def check_shape(name, value):
    """`None` or an iterable of positive integers and `None`s (a noise
    shape); returns it as a tuple of Python integers and `None`s.

    The messages are those of `keras.layers.Dropout`'s `noise_shape`: "a
    tuple or list of integers" (a string), "an iterable of integers (e.g., a
    tuple or list)", "all elements to be integers or None", "all dimensions
    to be positive integers or None".
    """
    if value is None:
        return None
    if isinstance(value, str):
        raise invalid_argument(name, "a tuple or list of integers", value)
    try:
        dims = tuple(value)
    except TypeError:
        raise invalid_argument(
            name, "an iterable of integers (e.g., a tuple or list)", value
        ) from None
    if not all(dim is None or is_int(dim) for dim in dims):
        raise invalid_argument(name, "all elements to be integers or None", value)
    if not all(dim is None or dim > 0 for dim in dims):
        raise invalid_argument(
            name, "all dimensions to be positive integers or None", value
        )
    return tuple(None if dim is None else int(dim) for dim in dims)
