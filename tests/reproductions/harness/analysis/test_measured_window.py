import math

import numpy as np

from harness.analysis.measured_window import window_blocks, window_summary


def test_the_window_is_the_last_fifth_of_the_blocks_as_final_reads_it():
    assert [window_blocks(n) for n in (1, 5, 6, 40)] == [1, 1, 2, 8]


def test_a_spike_between_samples_is_measured_not_missed():
    steps = np.full(100, 0.1)
    steps[37] = 5.0  # between two samples
    row = window_summary(steps, steps[9::10], "val_mse")
    assert row["val_mse_sampled"] == 0.1
    assert math.isclose(row["val_mse"], 0.1 + 4.9 / 100)
    assert row["val_mse_max"] == 5.0 and row["window_steps"] == 100


def test_an_empty_window_is_nan():
    row = window_summary([], [], "train_mse")
    assert math.isnan(row["train_mse"]) and row["window_steps"] == 0
