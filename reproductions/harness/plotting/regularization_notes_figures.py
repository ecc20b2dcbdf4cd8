"""The figures of the CS231n notes' reproduction (article 002), each drawn
from the results of the sections run (`reproductions/cs231n_regularization.py`)."""

import numpy as np
import pandas as pd

from harness.analysis.over_seeds import seed_statistics
from harness.plotting.dropout_expectation import plot_dropout_expectation
from harness.plotting.max_norm_sweep import plot_max_norm_sweep
from harness.plotting.norm_divergence import plot_norm_divergence
from harness.plotting.regularizer_comparison import plot_regularizer_comparison
from harness.plotting.strength_grid import plot_strength_grid
from harness.plotting.tuned_dropout import plot_dropout_tuning
from harness.plotting.weight_magnitudes import plot_weight_magnitudes


def variant_figures(variants, titles, c, label):
    """The weights' magnitudes per variant (the max-norm panels saying
    whether the bound held a unit) and the comparison over seeds."""
    notes = {titles[name]: f"largest unit norm {r['max_unit_norm']:.3g} "
             + ("< c: never binds" if r["max_unit_norm"] < c * (1 - 1e-3) else "= c: binds")
             for name, r in variants.items() if "max_norm" in name}
    runs = pd.DataFrame([row for r in variants.values() for row in r["runs"]])
    stats = seed_statistics(runs, "variant", ["test_accuracy", "train_test_gap"])
    return {
        "weight_distributions.png": plot_weight_magnitudes(
            {titles[name]: r["weights"] for name, r in variants.items()},
            f"All kernel weights of the 3-layer network: log10 |w| (first seed)\n{label}",
            notes=notes),
        "regularizers.png": plot_regularizer_comparison(
            stats, {name: title.replace("\n", ", ") for name, title in titles.items()},
            f"Each regularizer on the same seeds\n{label}")}


def make_figures(results, args, label, titles, divergence_label):
    """`{file name: figure}` of the sections in `results`.

    Args:
        results: `{section: its results}` of the script's run.
        args: the script's command line.
        label: the run's label and data source, under every title.
        titles: `{variant: its title}`.
        divergence_label: the label of the runs at the too-high rate.
    """
    figures = {}
    variants = results.get("variants")
    if variants:
        figures.update(variant_figures(variants, titles, args.max_norm, label))
    if "divergence" in results:
        r, rate = results["divergence"], args.diverge_learning_rate
        figures["max_norm_divergence.png"] = plot_norm_divergence(
            {"no constraint": ("tab:red", r["plain"]),
             f"max norm c={args.max_norm:g}": ("tab:blue", r["max_norm"])},
            args.max_norm, f"Learning rate {rate:g} ({rate / args.learning_rate:g} "
            f"x the {args.learning_rate:g} used elsewhere), momentum "
            f"{args.momentum:g}\n{divergence_label}")
    if "max_norm_sweep" in results:  # sections giving (table, runs)
        none = variants["none"] if variants else None
        stats = (seed_statistics(pd.DataFrame(none["runs"]), "variant", ["test_accuracy"])
                 if none else None)
        figures["max_norm_sweep.png"] = plot_max_norm_sweep(
            results["max_norm_sweep"][0], none and none["max_unit_norm"],
            None if stats is None else (stats["test_accuracy"].iloc[0],
                                        stats["test_accuracy_sd"].iloc[0]),
            f"Max norm swept over c (the networks of the table, every seed)\n{label}")
    if "dropout" in results:
        table = results["dropout"]["table"].set_index("dropout")
        gaps = table[["layer_rms_gap", "network_rms_gap"]]
        figures["dropout_expectation.png"] = plot_dropout_expectation(
            results["dropout"]["layer"], {k: tuple(gaps.loc[k]) for k in gaps.index},
            table["expected_rms_noise"].iloc[0], args.mc_samples, args.keep,
            f"Vanilla and inverted dropout: expected training output vs "
            f"inference\n{label}")
    if "dropout_tuning" in results:
        figures["dropout_tuning.png"] = plot_dropout_tuning(
            results["dropout_tuning"][0], "Inverted dropout tuned on validation "
            f"data, each run until its validation accuracy stops improving\n{label}")
    if "l2_grid" in results:
        r = results["l2_grid"]
        combined = r["with_dropout"].iloc[0]
        figures["l2_grid.png"] = plot_strength_grid(r["grid"], (
            "chosen lambda + dropout: test", combined["test_accuracy"],
            combined["test_accuracy_sd"] if np.isfinite(combined["test_accuracy_sd"])
            else np.nan), "L2 lambda (0.5 lambda w^2)",
            f"One global L2 strength chosen on the validation set\n{label}")
    return figures
