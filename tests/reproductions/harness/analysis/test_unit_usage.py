"""`harness.analysis.unit_usage`: dead, rarely active and dark units."""

import numpy as np
import pytest

from harness.analysis.unit_usage import unit_usage


def test_each_share_counts_its_units():
    # 200 examples, 4 units: dead; active once (0.5 %); active half the time;
    # always active.
    activations = np.zeros((200, 4))
    activations[0, 1] = 1.0
    activations[::2, 2] = 1.0
    activations[:, 3] = 1.0
    # Unit 0's positive weights peak at 0.05 of the largest (drawn dark), the
    # others' at least at half of it; negative weights do not count.
    weights = np.array([[0.05, 0.5, 1.0, -3.0],
                        [-2.0, 0.2, 0.1, 0.6]])
    usage = unit_usage(activations, weights)
    assert usage["dead_fraction"] == pytest.approx(0.25)
    assert usage["rarely_active_fraction"] == pytest.approx(0.5)
    assert usage["dark_unit_fraction"] == pytest.approx(0.25)
    assert unit_usage(activations, weights, dark=0.01)["dark_unit_fraction"] == 0.0
