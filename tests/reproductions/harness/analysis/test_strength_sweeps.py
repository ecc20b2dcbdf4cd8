import argparse

import numpy as np
import pytest

from harness.analysis.strength_sweeps import (
    add_fit_columns,
    sweep_table,
    turning_points,
)

X = np.linspace(0, 20, 200)
CLEAN = 3 + np.sin(X)
SIGNAL = argparse.Namespace(x=X, clean=CLEAN, y=CLEAN + 0.1 * np.cos(37 * X),
                            mean=float(np.mean(CLEAN + 0.1 * np.cos(37 * X))))
BEFORE = np.linspace(-0.3, 0.3, 101)


def run(prediction, after, passes=None):
    r = {"prediction": np.asarray(prediction), "before": BEFORE, "after": after,
         "train_mse": np.array([0.5, 0.1, 0.2]), "val_mse": np.array([0.6, 0.3]),
         "seconds": 1.5, "tuner_id": "local"}
    if passes is not None:
        r["prediction_dropout_on"] = np.asarray(passes)
    return r


RUNS = {("l2", 0.0): run(CLEAN, 2 * BEFORE),
        ("l2", 1.0): run(np.full(len(X), 3.0), 1e-4 * BEFORE),
        ("dropout", 0.5): run(CLEAN, BEFORE, passes=[CLEAN + 0.2, CLEAN - 0.2])}


def test_sweep_table_reads_the_last_measurements_and_the_spreads():
    table = sweep_table(RUNS, SIGNAL, flat=0.25)
    assert list(table.sweep) == ["l2", "l2", "dropout"]
    assert (table.final_train_mse == 0.2).all() and (table.final_val_mse == 0.3).all()
    assert list(table.predicts_mean) == [False, True, False]
    assert table.param_std_after[0] == pytest.approx(2 * BEFORE.std())
    assert table.param_iqr_after[1] == pytest.approx(1e-4 * 0.3)


def test_fit_columns_average_the_dropout_on_passes():
    regions = (np.ones(len(X), bool), np.abs(X - 11) < 1.2, X < 5, 9)
    table = add_fit_columns(sweep_table(RUNS, SIGNAL, 0.25), RUNS, SIGNAL, regions,
                            moved=1e-3)
    assert table.clean_r2[0] == 1.0 and table.clean_r2[1] < 0.01
    assert np.isnan(table.roughness_dropout_on[:2]).all()
    spreads = [np.std(CLEAN + d) / np.std(SIGNAL.y) for d in (0.2, -0.2)]
    assert table.prediction_spread_dropout_on[2] == pytest.approx(np.mean(spreads))
    assert table.param_fraction_moved[2] == 0 and table.param_fraction_moved[0] > 0.9
    assert "prediction_spread" in table and list(table.columns).count(
        "prediction_spread") == 1


def test_turning_points_take_the_weakest_strength_predicting_the_mean():
    turning = turning_points(sweep_table(RUNS, SIGNAL, 0.25),
                             {"l2": 0.01, "dropout": 0.6}).set_index("sweep")
    assert turning.at["l2", "first_strength_predicting_mean"] == 1.0
    assert np.isnan(turning.at["dropout", "first_strength_predicting_mean"])
    assert turning.at["dropout", "article"] == 0.6
