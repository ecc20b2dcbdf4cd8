"""`harness.analysis.learned_function`: ups and downs of a learned curve
against the true one, and its distance from it."""

import numpy as np
import pytest

from harness.analysis.learned_function import rms_distance, total_variation_ratio


def test_total_variation_ratio_counts_ups_and_downs():
    grid = np.linspace(0, 2 * np.pi, 201)
    truth = np.sin(grid)
    assert total_variation_ratio(truth, truth) == pytest.approx(1.0)
    assert total_variation_ratio(0.5 * truth, truth) == pytest.approx(0.5)
    zigzag = truth + 0.05 * (-1) ** np.arange(len(grid))
    assert total_variation_ratio(zigzag, truth) > 2
    assert total_variation_ratio(np.zeros_like(grid), truth) == 0.0


def test_rms_distance_from_the_truth():
    truth = np.array([0.0, 1.0, 2.0, 3.0])
    assert rms_distance(truth, truth) == 0.0
    assert rms_distance(truth + 0.3, truth) == pytest.approx(0.3)
    assert rms_distance(np.array([[1.0], [1.0]]), np.array([0.0, 2.0])) == 1.0


def test_step_share_is_one_for_a_step_and_the_share_for_a_line():
    from harness.analysis.learned_function import step_share

    grid = np.linspace(-2, 2, 301)
    assert step_share(np.where(grid > 0.3, 1.0, 0.0)) == 1.0
    assert step_share(2 * grid) == pytest.approx(0.1)
    wave = step_share(np.sin(2 * grid) + grid / 2)
    assert 0.1 < wave < step_share(np.tanh(20 * grid)) < 1.0
    assert np.isnan(step_share(np.zeros(5)))
