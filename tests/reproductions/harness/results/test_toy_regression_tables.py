"""`harness.results.toy_regression_tables`: the new tables of article 003
(the dropout sweep, the ease of tuning and the refits), from runs shaped as
the script gathers them."""

import argparse

import numpy as np
import pytest

from harness.results.toy_regression_tables import (
    GRID,
    rate_rows,
    refit_table,
    tuning_table,
    window_final,
)


def run(level, curve=None, epochs=10):
    return {"history": {"epoch": list(range(1, epochs + 1)), "train_mse": [level] * epochs,
                        "test_mse": [level] * epochs},
            "prediction_curve": np.zeros(len(GRID)) if curve is None else curve,
            "test_rms_from_mean": 0.1, "curve_wiggle": 1.0, "seconds": 1.0}


ARGS = argparse.Namespace(dropout_rate=0.1, noise_dropout_rate=0.12, l2=0.001, epochs=10)


def repeats():
    """Two seeds: dropout best at its own rate, L2's range ten times wider."""
    out = {}
    for seed in (0, 1):
        runs = {s: {"baseline": run(0.2), "dropout": run(0.1), "l2": run(0.1)}
                for s in ("plain", "noise")}
        out[seed] = {"runs": runs, "rates": {(s, 0.5): run(0.15 + seed / 100)
                                             for s in ("plain", "noise")},
                     "sweep": {(s, 1.0): run(1.0) for s in ("plain", "noise")},
                     "refits": {("baseline", "ends"): run(0.2, np.full(len(GRID), 0.3)),
                                ("baseline", "middle"): run(0.2)}}
    return out


def test_window_final_is_the_last_fifth_mean():
    r = run(0.1)
    r["history"]["test_mse"] = [1.0] * 8 + [0.2, 0.4]
    assert window_final(r) == pytest.approx(0.3)


def test_rate_rows_hold_the_baseline_at_rate_0_and_the_own_rate():
    rows = rate_rows(repeats(), ARGS)
    rates = {(r["setting"], r["rate"]) for r in rows}
    assert rates == {(s, x) for s, own in (("plain", 0.1), ("noise", 0.12))
                     for x in (0.0, own, 0.5)}


def test_tuning_is_the_worst_over_the_best_seed_by_seed():
    table = tuning_table(repeats(), ARGS).set_index(["setting", "regularizer"])
    # Dropout (rate 0 left out): 0.15 or 0.16 over 0.1; L2: 1.0 over 0.1.
    assert table.at[("plain", "dropout"), "worst_over_best_test_mse"] == pytest.approx(1.55)
    assert table.at[("plain", "l2"), "worst_over_best_test_mse"] == pytest.approx(10.0)
    assert table.at[("plain", "dropout"), "settings"] == "0.1 0.5"
    # Without the L2 runs there is nothing to compare.
    alone = {seed: dict(rep, sweep={}) for seed, rep in repeats().items()}
    assert tuning_table(alone, ARGS).empty


def test_refit_shift_is_the_rms_move_over_the_inner_grid():
    table = refit_table(repeats()).set_index(["method", "removed"])
    assert table.at[("baseline", "ends"), "curve_shift"] == pytest.approx(0.3)
    assert table.at[("baseline", "middle"), "curve_shift"] == 0.0
