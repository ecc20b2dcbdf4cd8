"""`harness.analysis.error_fluctuation`: the jitter of an error curve and
the epoch it first reaches a target."""

import math

import numpy as np
import pytest

from harness.analysis.error_fluctuation import first_epoch_at_most, fluctuation


def test_fluctuation_is_the_mean_jump_of_log10_error_in_the_window():
    errors = [9.0, 1.0, 10.0, 1.0, 10.0, 3.0]
    assert fluctuation(errors, 1, 5) == pytest.approx(1.0)  # 1, 10, 1, 10
    assert fluctuation([0.5] * 10, 0, 10) == 0.0
    # A factor of 10^0.1 each epoch, either way.
    wobble = 10.0 ** (0.1 * np.array([0, 1, 0, 1, 0]))
    assert fluctuation(wobble, 0, 5) == pytest.approx(0.1)


def test_fluctuation_of_too_short_a_window_is_missing():
    assert math.isnan(fluctuation([1.0, 2.0, 3.0], 5, 1))
    assert math.isnan(fluctuation([1.0, 2.0, 3.0], 2, 3))


def test_first_epoch_at_most_counts_from_one():
    errors = [0.9, 0.5, 0.2, 0.1, 0.3]
    assert first_epoch_at_most(errors, 0.2) == 3
    assert first_epoch_at_most(errors, 1.0) == 1
    assert first_epoch_at_most(errors, 0.05) == 6  # never: one past the last
