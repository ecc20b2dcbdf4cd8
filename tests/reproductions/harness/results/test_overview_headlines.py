"""`harness.results.overview_headlines`: the overview's headline rows."""

import argparse

import pandas as pd

from harness.results.overview_headlines import augmentation_rows, dsd_rows, sweep_rows


def test_rows_per_arm_and_per_variant():
    arm = {"curves": {"epoch": [1], "train": [1.0], "test": [0.5]}}
    seeds = [{"seed": 0, "train_size": 20, "plain": arm, "negatives": arm,
              "examples": None}]
    quantities = [q for q, _ in augmentation_rows(seeds, None)]
    assert quantities[0].startswith("plain: final train") and "negatives" in quantities[2]
    runs = pd.DataFrame({"variant": ["a", "a", "b"], "test_accuracy": [0.1, 0.3, 0.5]})
    rows = sweep_rows("input ")({"train_size": 20, "runs": runs}, None)
    assert [q for q, _ in rows][0] == "input a: test accuracy (20 training digits)"
    assert list(rows[0][1]) == [0.1, 0.3]


def test_dsd_rows_give_the_control():
    arm = {"curves": {"test": [0.5, 0.6, 0.7]}, "sparsity": [0, 0.5, 0.1]}
    seeds = [{"plain": arm, "dsd": arm, "lr_drop": arm}]
    rows = dict(dsd_rows(seeds, argparse.Namespace(dsd_epochs=[1, 1, 1])))
    assert rows["plain training with re-dense's learning-rate drop: final test "
                "accuracy"] == [0.7]
