"""`harness.analysis.early_stopping_runs`: each seed's early-stopped curve,
its chosen epoch, and what the curves do after it."""

import numpy as np
import pandas as pd

from harness.analysis.early_stopping_runs import (
    check_runs,
    losses_turn,
    restored_is_chosen,
    stopping_runs,
    stopping_table,
)


def table():
    """Two seeds: seed 0 turns at epoch 2 of 4; seed 1 lists its epochs out
    of order and its validation loss falls again at the end."""
    return pd.DataFrame({
        "seed": [0, 0, 0, 0, 1, 1, 1],
        "epoch": [1, 2, 3, 4, 3, 1, 2],
        "loss": [0.5, 0.3, 0.2, 0.1, 0.2, 0.5, 0.3],
        "val_loss": [0.6, 0.4, 0.5, 0.45, 0.3, 0.6, 0.4],
        "test_accuracy": [0.9, 0.95, 0.94, 0.93, 0.96, 0.9, 0.95],
        "chosen": [False, True, False, False, True, False, False],
        "restored_test_accuracy": [np.nan, 0.95, np.nan, np.nan, 0.96, np.nan, np.nan]})


def test_each_seed_in_epoch_order_with_its_chosen_epoch():
    runs = stopping_runs(table())
    assert [(seed, chosen) for seed, _, chosen in runs] == [(0, 2), (1, 3)]
    assert list(runs[1][1].index) == [1, 2, 3]
    # No chosen epoch, or two: None; one seed without a seed column: seed 0.
    frame = table()
    frame["chosen"] = frame["epoch"] <= 2
    assert [chosen for _, _, chosen in stopping_runs(frame)] == [None, None]
    single = table()[lambda f: f["seed"] == 0].drop(columns="seed")
    assert [(seed, chosen) for seed, _, chosen in stopping_runs(single)] == [(0, 2)]


def test_losses_turn_after_the_chosen_epoch():
    (_, run0, chosen0), (_, run1, chosen1) = stopping_runs(table())
    holds, words = losses_turn(run0, chosen0)
    assert holds and "chosen epoch 2 of 4" in words and "0.4500 to 0.5000" in words
    # Seed 1 chose its last epoch: nothing after it.
    holds, words = losses_turn(run1, chosen1)
    assert not holds and "no epoch after it" in words
    # A validation loss back below the chosen one's breaks it.
    run0.loc[4, "val_loss"] = 0.3
    assert not losses_turn(run0, chosen0)[0]


def test_the_restored_model_is_the_chosen_epochs():
    (_, run0, chosen0), _ = stopping_runs(table())
    assert restored_is_chosen(run0, chosen0, 1e-6)[0]
    run0.loc[2, "restored_test_accuracy"] = 0.94
    holds, words = restored_is_chosen(run0, chosen0, 1e-6)
    assert not holds and "restored 0.9400, recorded at epoch 2 0.9500" in words
    assert restored_is_chosen(run0, 3, 1.0)[0] is False  # epoch 3 is not the least


def test_a_run_written_and_read_back():
    rows = stopping_table([0.5, 0.3, 0.2], [0.6, 0.4, 0.5], [0.9, 0.95, 0.94],
                          chosen=2, restored_accuracy=0.95)
    assert list(rows["chosen"]) == [False, True, False]
    assert np.isnan(rows["restored_test_accuracy"][0])
    assert rows["restored_test_accuracy"][1] == 0.95
    (seed, holds, words), = check_runs(rows, losses_turn)
    assert seed == 0 and holds and "chosen epoch 2 of 3" in words
    assert check_runs(rows.assign(chosen=False), losses_turn) is None
