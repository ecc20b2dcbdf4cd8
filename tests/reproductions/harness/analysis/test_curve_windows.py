import pandas as pd
import pytest

from harness.analysis.curve_windows import (
    last_fifth_change,
    last_fifth_start,
    window_change,
)


def test_last_fifth_start_takes_the_measurement_at_or_before_it():
    curve = pd.Series([5.0, 4.0, 3.0, 2.0], index=[250, 500, 750, 1000])
    assert last_fifth_start(curve) == 3.0  # the last fifth starts at step 800
    assert last_fifth_change(curve) == pytest.approx(2.0 / 3.0 - 1)


def test_window_change_compares_means_of_the_last_two_fifths():
    steps = list(range(100, 1001, 100))
    curve = pd.Series([9, 9, 9, 9, 9, 9, 4, 4, 2, 2.0], index=steps)
    assert window_change(curve) == pytest.approx(2 / 4 - 1)
    flat = pd.Series([1.0] * 10, index=steps)
    assert window_change(flat) == 0.0
