"""`harness.analysis.coadaptation`: units that move together, measured."""

import numpy as np
import pytest

from harness.analysis.coadaptation import mean_abs_correlation


def test_independent_units_score_near_zero_and_copies_one(rng):
    independent = rng.normal(size=(5000, 4))
    assert mean_abs_correlation(independent) < 0.05
    one = rng.normal(size=(100, 1))
    assert mean_abs_correlation(np.hstack([one, -2 * one, one + 1])) == pytest.approx(1.0)


def test_constant_units_are_left_out(rng):
    one = rng.normal(size=(100, 1))
    assert mean_abs_correlation(np.hstack([one, one, np.zeros((100, 1))])) == \
        pytest.approx(1.0)
    assert np.isnan(mean_abs_correlation(np.hstack([one, np.zeros((100, 1))])))
