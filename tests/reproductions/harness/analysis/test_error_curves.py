"""`harness.analysis.error_curves`: final and best errors, the rise after
the best, and the jitter before the first drop and after the last."""

import math

import numpy as np
import pytest

from harness.analysis.error_curves import curve_measures
from harness.analysis.error_fluctuation import fluctuation


def test_a_run_that_overfits():
    train = np.linspace(1.0, 0.1, 20)
    test = np.concatenate([np.linspace(1.0, 0.2, 8), np.linspace(0.22, 0.3, 12)])
    measures = curve_measures(train, test, drops=[10, 12])
    assert measures["final_train_mse"] == pytest.approx(0.1)
    assert measures["final_test_mse"] == pytest.approx(0.3)
    assert measures["best_test_mse"] == pytest.approx(0.2)
    assert measures["best_test_epoch"] == 8  # 1-based
    assert measures["test_rise_after_best"] == pytest.approx(0.5)
    assert measures["train_fall_after_best"] == pytest.approx(1 - 0.1 / train[7])
    assert measures["fluctuation_test"] == fluctuation(test, 5, 10)
    assert measures["fluctuation_train"] == fluctuation(train, 5, 10)
    assert measures["fluctuation_test_late"] == fluctuation(test, 17, 20) > 0


def test_windows_follow_the_drops_and_may_be_too_short():
    test = 10.0 ** (0.1 * (np.arange(40) % 2))  # jumps by 10^0.1 each epoch
    measures = curve_measures(test, test, drops=[10, 20, 30], skip=2)
    assert measures["fluctuation_test"] == pytest.approx(0.1)
    assert measures["fluctuation_test_late"] == pytest.approx(0.1)
    short = curve_measures([1.0] * 4, [1.0] * 4, drops=[1, 2, 3])
    assert math.isnan(short["fluctuation_test"]) and math.isnan(
        short["fluctuation_test_late"])
    assert short["test_rise_after_best"] == 0.0 and short["best_test_epoch"] == 1
