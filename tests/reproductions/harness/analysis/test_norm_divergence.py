import math

import pytest

from harness.analysis.norm_divergence import norm_divergence


def test_a_bounded_run_never_passes_its_limit():
    summary = norm_divergence([0, 1, 2, 3], [1.0, 2.5, 3.0, 2.9], [2.0, 1.5, 1.2],
                              limit=300)
    assert summary == {"largest_unit_norm_ever": 3.0, "final_unit_norm": 2.9,
                       "first_step_over_limit": -1, "largest_loss": 2.0,
                       "final_loss": 1.2}


def test_the_first_step_over_the_limit_or_not_finite_is_the_explosion():
    summary = norm_divergence([0, 1, 2, 3], [1.0, 50.0, 400.0, 1e4], [1.0, 9.0, 80.0],
                              limit=300)
    assert summary["first_step_over_limit"] == 2
    assert summary["largest_unit_norm_ever"] == 1e4
    overflowed = norm_divergence([0, 1, 2, 3], [1.0, 5.0, math.inf, math.nan],
                                 [1.0, math.nan, math.nan], limit=300)
    assert overflowed["first_step_over_limit"] == 2
    assert overflowed["largest_unit_norm_ever"] == math.inf
    assert overflowed["largest_loss"] == math.inf
    assert math.isnan(overflowed["final_loss"])


def test_the_steps_may_start_anywhere():
    summary = norm_divergence([10, 20], [500.0, 1.0], [3.0], limit=300)
    assert summary["first_step_over_limit"] == 10
    assert summary["final_unit_norm"] == pytest.approx(1.0)
