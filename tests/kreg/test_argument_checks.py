import math

import numpy as np
import pytest

from kreg import argument_checks as checks


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "3", None])
def test_positive_int_rejects(value):
    with pytest.raises(ValueError, match=r"argument `units`\. Expected a positive "
                       r"integer\. Received: units="):
        checks.check_positive_int("units", value)


def test_accepts_good_values():
    checks.check_positive_int("units", np.int64(3))
    checks.check_bool("use_bias", False)
    checks.check_choice("mode", "a", ("a", "b"))
    checks.check_seed(None)
    checks.check_seed(7)
    checks.check_rate("rate", 0.0)
    checks.check_non_negative_float("noise_scale", 0.0)
    checks.check_positive_float("epsilon", 1e-12)


@pytest.mark.parametrize("value", [1.0, -0.1, math.nan, True, "0.5"])
def test_rate_rejects(value):
    with pytest.raises(ValueError, match=r"argument `rate`\. Expected a float "
                       r"value in the range \[0, 1\)"):
        checks.check_rate("rate", value)


@pytest.mark.parametrize("value", [1.5, -0.1, math.nan, True, "0.5"])
def test_rate_including_one_rejects_with_keras_wording(value):
    # `keras.layers.Dropout`'s message, for a rate in [0, 1].
    with pytest.raises(ValueError, match=r"argument `rate`\. Expected a float "
                       rf"value between 0 and 1\. Received: rate={value}"):
        checks.check_rate("rate", value, include_one=True)
    checks.check_rate("rate", 1.0, include_one=True)
    checks.check_rate("rate", 0, include_one=True)


@pytest.mark.parametrize("value, positive", [(math.inf, False), (math.nan, False),
                                             (-1.0, False), (0.0, True),
                                             (False, False), (math.inf, True)])
def test_finite_rejects(value, positive):
    check = checks.check_positive_float if positive else checks.check_non_negative_float
    with pytest.raises(ValueError, match=r"argument `eps`\. Expected a "
                       r"finite float (> 0|>= 0)\. Received: eps="):
        check("eps", value)


@pytest.mark.parametrize("value", [-1, 1.0, True, "2"])
def test_non_negative_int_rejects(value):
    with pytest.raises(ValueError, match=r"argument `epochs`\. Expected an "
                       r"integer >= 0\. Received: epochs="):
        checks.check_non_negative_int("epochs", value)


def test_axis_and_shape():
    assert checks.check_axis("axis", [0, 1]) == (0, 1)
    assert checks.check_axis("axis", None) is None
    assert checks.check_shape("noise_shape", [None, 1, 4]) == (None, 1, 4)
    for bad in ((), 1.5, (0, True)):
        with pytest.raises(ValueError, match=r"argument `axis`\. Expected None, "
                           r"an integer or a non-empty tuple of integers"):
            checks.check_axis("axis", bad)
    assert checks.check_shape("noise_shape", np.array([2, 3])) == (2, 3)
    assert all(type(d) is int for d in checks.check_shape("s", np.array([2])))


@pytest.mark.parametrize("value, expected", [
    ("ab", r"a tuple or list of integers"),
    (3, r"an iterable of integers \(e\.g\., a tuple or list\)"),
    ((1, 1.5), r"all elements to be integers or None"),
    ((0, True), r"all elements to be integers or None"),
    ((0, 2), r"all dimensions to be positive integers or None"),
    ([None, -1], r"all dimensions to be positive integers or None"),
])
def test_shape_rejects_with_keras_wording(value, expected):
    # `keras.layers.Dropout`'s messages for `noise_shape`.
    with pytest.raises(ValueError, match=rf"argument `noise_shape`\. Expected "
                       rf"{expected}\. Received: noise_shape="):
        checks.check_shape("noise_shape", value)


def test_bool_choice_seed_reject():
    with pytest.raises(ValueError, match=r"Expected a boolean\. Received: b=1"):
        checks.check_bool("b", 1)
    with pytest.raises(ValueError, match=r"Expected one of \('a', 'b'\)\. "
                       r"Received: mode=c"):
        checks.check_choice("mode", "c", ("a", "b"))
    with pytest.raises(ValueError, match=r"Expected an integer or None\. "
                       r"Received: seed=1.5"):
        checks.check_seed(1.5)
