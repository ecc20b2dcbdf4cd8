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
