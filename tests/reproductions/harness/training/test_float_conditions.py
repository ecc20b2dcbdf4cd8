"""`harness.training.float_conditions`: a run under each floating-point
condition, in a fresh process, and what each changed."""

import os

import numpy as np
import pytest

from harness.training.float_conditions import (
    CONDITIONS,
    REFERENCE,
    beside_reference,
    changes,
    condition_tables,
    run_under_conditions,
)


def environment(dtype, tag):
    """What a run sees: its process, its dtype and oneDNN's switch."""
    return {"pid": os.getpid(), "seen_dtype": dtype, "tag": tag,
            "seen_onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS")}


def test_each_condition_runs_in_its_own_process_with_its_environment():
    runs = run_under_conditions(environment, ("x",), ["onednn_off", "float64"],
                                progress=False)
    assert list(runs) == ["onednn_off", "float64"]
    off, f64 = runs["onednn_off"], runs["float64"]
    assert off["seen_onednn"] == off["onednn"] == "0" and f64["seen_onednn"] == "1"
    assert (off["seen_dtype"], f64["seen_dtype"]) == ("float32", "float64")
    assert len({off["pid"], f64["pid"], os.getpid()}) == 3 and off["tag"] == "x"
    assert CONDITIONS[REFERENCE][2] == "float32"


def test_changes_against_the_reference():
    same = changes([1.0, 0.5], [3.0], [1.0, 0.5], [3.0])
    assert same == {"max_abs_prediction_change": 0.0, "max_relative_curve_change": 0.0,
                    "first_epoch_differing": 0}
    moved = changes([1.0, 0.6, 0.4], [3.0, 1.0], [1.0, 0.5, 0.5], [2.5, 1.0])
    assert moved["max_abs_prediction_change"] == pytest.approx(0.5)
    assert moved["max_relative_curve_change"] == pytest.approx(0.2)
    assert moved["first_epoch_differing"] == 2


def test_condition_tables_compare_with_the_reference_and_keep_the_curves():
    def run(name, dtype, scale):
        curve = list(np.array([0.4, 0.2, 0.1]) * scale)
        return {"condition": name, "threads": None, "dtype": dtype, "onednn": "1",
                "m": {"test_mse": curve, "train_mse": curve, "test_predictions": [scale]}}

    table, curves = condition_tables({"float64": run("float64", "float64", 1.5),
                                      REFERENCE: run(REFERENCE, "float32", 1.0)}, ["m"])
    row = table.set_index("condition").loc["float64"]
    assert row["max_relative_curve_change"] == pytest.approx(0.5)
    assert row["final_test_mse"] == pytest.approx(0.15) and row["dtype"] == "float64"
    assert row["intra_op_threads"] == "default"
    assert list(curves.columns) == ["condition", "method", "epoch", "train_mse",
                                    "test_mse"]
    assert len(curves) == 6 and list(curves["epoch"][:3]) == [1, 2, 3]
    # Without a reference run, the first run is the reference.
    alone, _ = condition_tables({"float64": run("float64", "float64", 1.5)}, ["m"])
    assert alone["max_relative_curve_change"].item() == 0.0


def test_conditions_beside_the_reference_and_the_machine_like_ones():
    conditions = ["reference", "intra_threads_1", "float64", "onednn_off"]
    dtypes = ["float32", "float32", "float64", "float32"]
    assert beside_reference(conditions, dtypes) == {
        "intra_threads_1 (machine-like)": "intra_threads_1", "float64": "float64",
        "onednn_off (machine-like)": "onednn_off"}
    assert list(beside_reference(conditions, dtypes, machine_like=True).values()) == [
        "intra_threads_1", "onednn_off"]
    assert beside_reference(conditions[1:], dtypes[1:]) == {}  # no reference
