"""The tables of article 003 (Chen's toy regression and MNIST autoencoder),
built from the runs as the script gathers them (`{seed: {"runs", "lr_runs",
"sweep", "rates", "refits", "history"}}`): each a row per arm with every
measure's mean and sd over the seeds (`seed_means`).

A run is what the script's `train` returns: its `history` (epoch,
train_mse, test_mse), `prediction_curve` on `GRID`, `learning_rate` and
its measures.
"""

import math

import numpy as np
import pandas as pd

from harness.analysis.error_curves import curve_measures
from harness.analysis.error_fluctuation import first_epoch_at_most
from harness.analysis.learned_function import rms_distance
from harness.analysis.over_seeds import seed_means
from harness.results.history_table import history_table
from harness.training.float_conditions import condition_tables

SETTINGS = ("plain", "noise")
ARTICLE_METHODS = ("baseline", "dropout", "batchnorm", "l2")  # not DropConnect
GRID = np.linspace(-2, 2, 300)  # where the learned function is drawn
# Two errors are "similar" within this relative difference; a solution is
# "good" within it of the best any of the article's methods reaches.
SIMILAR = 0.10
# Refits are compared with the full fit over |x| <= INNER, where both keep
# their data.
INNER = 1.6
CAUTION_METHODS = ("baseline", "batchnorm")  # the caution's runs


def decay_epochs(epochs):
    """The epochs after which the learning rate is divided by 4."""
    return [epochs // 4, epochs // 2, 3 * epochs // 4]


def window_final(result):
    """A run's final test error as the ledger's `Final`: its last fifth's mean."""
    curve = result["history"]["test_mse"]
    return float(np.mean(curve[-math.ceil(len(curve) / 5):]))


def summarize(result, epochs):
    """A run's row of measures, before the means over seeds (see the notes)."""
    history = result["history"]
    return {**curve_measures(history["train_mse"], history["test_mse"],
                             decay_epochs(epochs)),
            **{k: result[k] for k in ("test_rms_from_mean", "curve_wiggle",
                                      "curve_step_share") if k in result},
            "runtime_s": result["seconds"]}


def epochs_to_good(results):
    """`{method: first epoch within SIMILAR of the best test error of the
    article's methods}` for one seed's runs of one setting."""
    best = min((min(r["history"]["test_mse"]) for m, r in results.items()
                if m in ARTICLE_METHODS), default=np.nan)
    return {m: first_epoch_at_most(r["history"]["test_mse"], (1 + SIMILAR) * best)
            for m, r in results.items()}


def build_table(repeats, args):
    rows = [{"setting": s, "method": m, "seed": seed, **summarize(r, args.epochs),
             "epochs_to_near_best": epochs_to_good(results)[m]}
            for seed, rep in repeats.items() for s, results in rep["runs"].items()
            for m, r in results.items()]
    table = seed_means(rows, ["setting", "method"])
    table.insert(2, "strength", [
        {"dropout": args.noise_dropout_rate if s == "noise" else args.dropout_rate,
         "dropconnect": args.dropout_rate, "l2": args.l2}.get(m, np.nan)
        for s, m in zip(table["setting"], table["method"])])
    return table


def l2_runs(repeats, args):
    """`{(setting, l2, seed): run}`: the sweep's, and the L2 method's at `--l2`."""
    runs = {(s, l2, seed): r for seed, rep in repeats.items()
            for (s, l2), r in rep["sweep"].items()}
    runs.update({(s, args.l2, seed): rep["runs"][s]["l2"] for seed, rep in repeats.items()
                 for s in SETTINGS if runs and "l2" in rep["runs"][s]})
    return runs


def sweep_tables(repeats, args):
    """L2 at each weight of the sweep and at `--l2`: means, and curves."""
    runs = l2_runs(repeats, args)
    if not runs:
        return pd.DataFrame(), pd.DataFrame()
    keyed = [(dict(zip(("setting", "l2", "seed"), key)), r) for key, r in runs.items()]
    table = seed_means([{**key, **summarize(r, args.epochs)} for key, r in keyed],
                       ["setting", "l2"])
    return (table.sort_values(["setting", "l2"], ignore_index=True),
            history_table([(key, r["history"]) for key, r in keyed]))


def refit_table(repeats):
    """Per noise-feature method and points removed: how far the refit's
    learned function moved from the full fit's over |x| <= INNER."""
    inner = np.abs(GRID) <= INNER
    rows = [{"method": m, "removed": removed, "seed": seed, "curve_shift": rms_distance(
                r["prediction_curve"][inner], rep["runs"]["noise"][m]["prediction_curve"][inner]),
             "final_test_mse": window_final(r)}
            for seed, rep in repeats.items() for (m, removed), r in rep.get("refits", {}).items()]
    return seed_means(rows, ["method", "removed"]) if rows else pd.DataFrame()


def autoencoder_table(repeats):
    """One row per variant: each measure's mean and sd over the seeds."""
    arrays = ("reconstructions", "encoder_kernel")
    rows = [{"variant": v, "seed": seed,
             **{k: value for k, value in r.items() if k not in arrays}}
            for seed, results in repeats.items() for v, r in results.items()]
    return seed_means(rows, ["variant"])


def learning_rate_table(repeats, args):
    rows = [{"method": method, "rate": key, "learning_rate": r["learning_rate"],
             "seed": seed, **summarize(r, args.epochs)}
            for seed, rep in repeats.items()
            for method, pair in rep["lr_runs"].items() for key, r in pair.items()]
    return (seed_means(rows, ["method", "rate", "learning_rate"]) if rows
            else pd.DataFrame())


def own_rates(args):
    return {"plain": args.dropout_rate, "noise": args.noise_dropout_rate}


def rate_rows(repeats, args):
    """A row per setting, drop rate and seed: the sweep's runs, the dropout
    method's own and the baseline's (rate 0)."""
    rows = []
    for seed, rep in repeats.items():
        runs = dict(rep.get("rates", {}))
        for s in SETTINGS if rep.get("rates") else ():
            own = rep["runs"][s]
            runs.update({(s, rate): own[m] for m, rate in (("baseline", 0.0), (
                "dropout", own_rates(args)[s])) if m in own})
        rows += [{"setting": s, "rate": rate, "seed": seed, **summarize(r, args.epochs),
                  "final_window_test_mse": window_final(r), "diverged": diverged(r)}
                 for (s, rate), r in runs.items()]
    return rows


def diverged(result):
    """1.0 where a run's test error became NaN (its training diverged), else 0.0."""
    return float(np.isnan(result["history"]["test_mse"]).any())


def l2_rows(repeats, args):
    return [{"setting": s, "l2": l2, "seed": seed, "final_window_test_mse": window_final(r)}
            for (s, l2, seed), r in l2_runs(repeats, args).items()]


def tuning_table(repeats, args):
    """Per setting and regularizer: the worst final test error over its range
    of settings (dropout's rates above 0, L2's weights) over the best, seed by
    seed, over the settings at which no seed diverged."""
    rows = []
    for name, key, found in (("dropout", "rate", rate_rows(repeats, args)),
                             ("l2", "l2", l2_rows(repeats, args))):
        frame = pd.DataFrame(found or {"setting": [], key: [], "seed": []})
        frame = frame[frame[key] > 0]
        if "diverged" in frame:  # only where every seed trained: see dropout_sweep
            trained = frame.groupby(["setting", key])["diverged"].transform("max") == 0
            frame = frame[trained]
        for (s, seed), group in frame.groupby(["setting", "seed"], sort=False):
            error = group["final_window_test_mse"]
            rows.append({"setting": s, "regularizer": name, "seed": seed,
                         "settings": " ".join(f"{v:g}" for v in sorted(group[key])),
                         "worst_over_best_test_mse": error.max() / error.min()})
    both = {"dropout", "l2"} <= {row["regularizer"] for row in rows}
    return seed_means(rows, ["setting", "regularizer", "settings"]) if both else pd.DataFrame()

def result_tables(repeats, caution, ae, args):
    """The tables of the results folder, as `write_results` takes them, and
    the extra CSV files: `(tables, csv_files)`; what a run lacks is left out."""
    none = pd.DataFrame()
    sweep, sweep_history = sweep_tables(repeats, args)
    rates = rate_rows(repeats, args)
    conditions, curves = (condition_tables(caution, CAUTION_METHODS) if caution
                          else (none, none))
    tables = [("table", build_table(repeats, args), "### Toy regression"),
              ("learning_rate", learning_rate_table(repeats, args),
               "### Learning rate vs lr/16"),
              ("l2_sweep", sweep, "### L2 at other strengths"),
              ("dropout_sweep", seed_means(rates, ["setting", "rate"]).sort_values(
                  ["setting", "rate"], ignore_index=True) if rates else none,
               "### Dropout at other drop rates"),
              ("tuning", tuning_table(repeats, args), "### Ease of tuning: worst over "
               "best final test error over each one's settings"),
              ("outlier_refits", refit_table(repeats), "### Refits without the end points "
               "(noise feature)"),
              ("bn_caution", conditions, "### Batch-norm caution (noise feature)"),
              ("autoencoder", autoencoder_table(ae) if ae else none,
               "### MNIST autoencoder")]
    history = history_table([run for rep in repeats.values() for run in rep["history"]])
    csv_files = {"history": history, "l2_sweep_history": sweep_history,
                 "bn_caution_history": curves}
    return ([table for table in tables if len(table[1])],
            {name: frame for name, frame in csv_files.items() if len(frame)})
