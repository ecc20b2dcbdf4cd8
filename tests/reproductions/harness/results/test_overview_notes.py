"""`harness.results.overview_notes`: the overview's method notes, worded
from the run."""

import argparse

import numpy as np

from harness.results.overview_notes import method_notes


def test_notes_give_the_run_sizes_seeds_and_seconds():
    data = argparse.Namespace(y_test=np.zeros(715), x_train=np.zeros((1000, 784)))
    args = argparse.Namespace(whole_set_seeds=2, seeds=3, augment_size=200,
                              dropout_rate=0.5)
    whole = ("dropout", "dsd")
    text = method_notes(data, args, {"dropout": 600.0, "dsd": 600.0}, whole, 0.005)
    assert "10 minutes a seed in this run" in text
    assert "(715 test digits)" in text and "beyond 0.005" in text
    assert "not all of these sections ran" in method_notes(
        data, args, {"dropout": 1.0}, whole, 0.005)
