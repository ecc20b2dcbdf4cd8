import math

import numpy as np
import pytest

from kreg.layers import argument_checks as checks


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
    checks.check_rate(0.0)
    checks.check_finite("noise_scale", 0.0)
    checks.check_finite("epsilon", 1e-12, positive=True)


@pytest.mark.parametrize("value", [1.0, -0.1, math.nan, True, "0.5"])
def test_rate_rejects(value):
    with pytest.raises(ValueError, match=r"argument `rate`\. Expected a float "
                       r"value in the range \[0, 1\)"):
        checks.check_rate(value)


@pytest.mark.parametrize("value, positive", [(math.inf, False), (math.nan, False),
                                             (-1.0, False), (0.0, True),
                                             (False, False)])
def test_finite_rejects(value, positive):
    with pytest.raises(ValueError, match=r"argument `eps`\. Expected a "
                       r"(positive|non-negative) finite float\. Received: eps="):
        checks.check_finite("eps", value, positive=positive)


def test_bool_choice_seed_reject():
    with pytest.raises(ValueError, match=r"Expected a boolean\. Received: b=1"):
        checks.check_bool("b", 1)
    with pytest.raises(ValueError, match=r"Expected one of \('a', 'b'\)\. "
                       r"Received: mode=c"):
        checks.check_choice("mode", "c", ("a", "b"))
    with pytest.raises(ValueError, match=r"Expected an integer or None\. "
                       r"Received: seed=1.5"):
        checks.check_seed(1.5)
