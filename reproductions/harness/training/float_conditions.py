"""The same training under other floating-point conditions, on one machine.

The same code and seed can give other numbers when the arithmetic changes:
how many threads split a reduction, oneDNN's kernels or TensorFlow's own,
the precision. TensorFlow fixes its threads and oneDNN when it starts, so
each condition runs in a fresh process of its own (`harness.jobs`); threads
and oneDNN stand in for another machine's CPU, float64 for another
precision.
"""

import os
import sys

import numpy as np
from tqdm import tqdm

from harness.jobs import Job, run_jobs

REFERENCE = "reference"
CONDITIONS = {
    # name: (environment overrides, intra-op threads or None, dtype)
    REFERENCE: ({"TF_ENABLE_ONEDNN_OPTS": "1"}, None, "float32"),
    "intra_threads_1": ({"TF_ENABLE_ONEDNN_OPTS": "1"}, 1, "float32"),
    "intra_threads_2": ({"TF_ENABLE_ONEDNN_OPTS": "1"}, 2, "float32"),
    "onednn_off": ({"TF_ENABLE_ONEDNN_OPTS": "0"}, None, "float32"),
    "float64": ({"TF_ENABLE_ONEDNN_OPTS": "1"}, None, "float64"),
}


def _under_condition(_, name, function, args):
    _, threads, dtype = CONDITIONS[name]
    if threads:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
    return {"condition": name, "threads": threads, "dtype": dtype,
            "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),
            **function(dtype, *args)}


def run_under_conditions(function, args, names, progress=True):
    """`function(dtype, *args)` (a module-level function returning a dict)
    under each condition of `names`, each in a fresh process; returns
    `{name: {"condition", "threads", "dtype", "onednn", **its result}}`."""
    jobs = [Job(name, _under_condition, (name, function, args),
                env={**CONDITIONS[name][0], "TF_CPP_MIN_LOG_LEVEL": "2"},
                own_process=True) for name in names]
    with tqdm(total=len(jobs), desc="conditions", file=sys.stdout,
              disable=not progress) as bar:
        runs = run_jobs(jobs, on_result=lambda *_: bar.update(1))
    return {name: runs[name] for name in names}


def changes(curve, predictions, reference_curve, reference_predictions):
    """What a condition changed against the reference's run: the largest
    change of a prediction, the largest relative change of the (error)
    curve, and the first epoch (1-based) where the curves differ (0: never;
    bit-identical training)."""
    curve, reference_curve = np.asarray(curve), np.asarray(reference_curve)
    differ = curve != reference_curve
    return {"max_abs_prediction_change": float(np.abs(
                np.asarray(predictions) - np.asarray(reference_predictions)).max()),
            "max_relative_curve_change": float(np.max(
                np.abs(curve - reference_curve) / reference_curve)),
            "first_epoch_differing": int(np.argmax(differ) + 1) if differ.any() else 0}


def beside_reference(conditions, dtypes, machine_like=False, reference=REFERENCE):
    """`{label: condition}`: each of `conditions` (with their `dtypes`, as
    `condition_tables` writes them) but the reference, labelled
    "(machine-like)" where it keeps the reference's precision (threads and
    oneDNN stand in for another machine's CPU; float64 does not); with
    `machine_like`, those only. Empty where the reference is missing."""
    pairs = list(zip(conditions, dtypes))
    same = {dtype for condition, dtype in pairs if condition == reference}
    return {f"{c}{' (machine-like)' if dtype in same else ''}": c for c, dtype in pairs
            if same and c != reference and (dtype in same or not machine_like)}


def condition_tables(runs, methods, reference=REFERENCE):
    """`runs` (`run_under_conditions`'s, each method's run a dict of
    `test_mse` and `train_mse` curves and `test_predictions`) as two tables:
    one row per condition and method, with what the condition changed
    against the `reference` run (the first run where it is missing), and
    every run's curves, a row per epoch."""
    # pandas on use: a script names CONDITIONS in its command line, which
    # answers before the heavy stack loads.
    import pandas as pd

    from harness.results.history_table import history_table

    base = runs.get(reference) or next(iter(runs.values()))
    rows, curves = [], []
    for name, run in runs.items():
        for method in methods:
            test = np.asarray(run[method]["test_mse"])
            key = {"condition": name, "method": method}
            rows.append({**key, "dtype": run["dtype"], "onednn": run["onednn"],
                         "intra_op_threads": run["threads"] or "default",
                         "final_test_mse": float(test[-1]),
                         "best_test_mse": float(test.min()),
                         **changes(test, run[method]["test_predictions"],
                                   base[method]["test_mse"],
                                   base[method]["test_predictions"])})
            curves.append((key, {"epoch": np.arange(1, len(test) + 1),
                                 "train_mse": run[method]["train_mse"],
                                 "test_mse": test}))
    return pd.DataFrame(rows), history_table(curves)
