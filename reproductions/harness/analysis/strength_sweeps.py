"""A sweep over a regularizer's strength as tables: a row per trained model
of a 1-D signal (`sweep_table`, then `add_fit_columns`), and where each
sweep first predicts the data's mean (`turning_points`).

A run is a dict of NumPy arrays: `prediction` (on the signal's grid of x),
`before` and `after` (`parameter_change.all_parameters` before and after
training), `train_mse` and `val_mse` curves, `seconds`, `tuner_id`, and
optionally `kernel_mask` and `prediction_dropout_on` (a row per pass).
"""

import numpy as np
import pandas as pd

from harness.analysis.parameter_change import interquartile_range, parameter_change
from harness.analysis.prediction_fit import fit_measures

DROPOUT_ON_COLUMNS = ("prediction_spread", "roughness", "hard_region_roughness",
                      "noise_fit", "clean_r2_first_part", "clean_r2_rest")


def sweep_table(runs, signal, flat):
    """A row per `{(sweep, strength): run}`: the last training and validation
    MSE, the prediction's spread (its std over x / the data's) and whether it
    is below `flat` (`predicts_mean`), its mean's offset from the data's, and
    the spread of the parameters before and after training."""
    rows = []
    data_std = float(signal.y.std())
    for (sweep, strength), r in runs.items():
        spread = float(r["prediction"].std()) / data_std
        rows.append({
            "sweep": sweep, "strength": strength,
            "final_train_mse": float(r["train_mse"][-1]),
            "final_val_mse": float(r["val_mse"][-1]),
            "prediction_spread": spread,
            "predicts_mean": bool(spread < flat),
            "prediction_mean_minus_data_mean": float(r["prediction"].mean()
                                                     - signal.mean),
            "param_std_before": float(r["before"].std()),
            "param_std_after": float(r["after"].std()),
            "param_iqr_after": interquartile_range(r["after"]),
            "param_abs_max_after": float(np.abs(r["after"]).max()),
            "runtime_s": float(r["seconds"]),
            "tuner_id": str(r["tuner_id"]),
        })
    return pd.DataFrame(rows)


def fit_columns(run, signal, regions, moved):
    """How a run's prediction fits the signal (`fit_measures` with
    `regions`, a tuple of its masks and window; with dropout on, the mean
    and sd over the passes, NaN without) and how its parameters changed
    (`parameter_change` with `moved`)."""
    row = fit_measures(run["prediction"], signal.clean, signal.y, *regions)
    del row["prediction_spread"]  # sweep_table's
    passes = np.asarray(run.get("prediction_dropout_on",
                                np.zeros((0, len(signal.x)))))
    on = [fit_measures(p, signal.clean, signal.y, *regions) for p in passes]
    for column in DROPOUT_ON_COLUMNS:
        values = [m[column] for m in on]
        row[f"{column}_dropout_on"] = float(np.mean(values)) if on else np.nan
        row[f"{column}_dropout_on_sd"] = (float(np.std(values, ddof=1)) if on
                                          else np.nan)
    kernels = np.asarray(run.get("kernel_mask", np.zeros(0, bool)), bool)
    return {**row, **parameter_change(run["before"], run["after"], moved, kernels)}


def add_fit_columns(table, runs, signal, regions, moved):
    """`table` (`sweep_table`'s) with the columns of `fit_columns` after
    its own."""
    extra = pd.DataFrame([fit_columns(runs[(row.sweep, row.strength)], signal,
                                      regions, moved)
                          for row in table.itertuples()], index=table.index)
    return pd.concat([table, extra], axis=1)


def turning_points(table, article):
    """A row per sweep of `article` (`{sweep: the article's turning point}`):
    the weakest strength whose model predicts the mean (NaN if none), beside
    the article's, and the parameters' std at the weakest and strongest."""
    rows = []
    for sweep in article:
        points = table[table.sweep == sweep].sort_values("strength")
        flat = points[points.predicts_mean]
        rows.append({
            "sweep": sweep,
            "first_strength_predicting_mean": float(flat.strength.min())
            if len(flat) else np.nan,
            "article": article[sweep],
            "param_std_at_weakest": float(points.param_std_after.iloc[0]),
            "param_std_at_strongest": float(points.param_std_after.iloc[-1]),
        })
    return pd.DataFrame(rows)
