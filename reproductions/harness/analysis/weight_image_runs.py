"""The numbers of weight-image trainings (article 000) as tables.

A training returns a dict of numbers: curves over steps (`<name>_curve`,
beside a shared `step`), final accuracies and its `weights` (a
`(784, units)` matrix whose columns are images). These functions turn many
such runs into what a script writes:

- `stack`: one variant's runs over seeds, each number with a seed axis;
- `curves_frame`: the curves, one row per variant, seed and step;
- `pair_correlations`: how alike two variants' images are;
- `arm_measures`: short runs of several arms, one row per arm, their
  accuracies and the images' measures (`image_smoothness`) as mean and sd
  over the seeds.
"""

import numpy as np
import pandas as pd

from harness.analysis.image_smoothness import image_correlation, roughness
from harness.analysis.over_seeds import per_seed, seed_statistics


def stack(runs):
    """One variant's numbers over seeds: each key an array with a leading
    seed axis (the steps are shared)."""
    stacked = {key: np.stack([np.asarray(run[key]) for run in runs])
               for key in runs[0] if key != "step"}
    stacked["step"] = np.asarray(runs[0]["step"])
    return stacked


def curves_frame(numbers, seeds, curves=("test_accuracy", "loss", "max_weight")):
    """`{variant: stacked numbers}` as one row per variant, seed and step,
    a column per curve (`<curve>_curve` in the numbers)."""
    return pd.concat([pd.DataFrame({
        "variant": variant, "seed": seed, "step": n["step"],
        **{curve: n[f"{curve}_curve"][i] for curve in curves}})
        for variant, n in numbers.items() for i, seed in enumerate(seeds)],
        ignore_index=True)


def arm_measures(by_seed, arms, ink, train_size, against="l2"):
    """One row per arm of short runs, mean and `_sd` over the seeds.

    Args:
        by_seed: `[{"seed": seed, (name, variant): numbers, ...}]`, one dict
            per seed (as `harness.training.arm_jobs.run_arms` returns them).
        arms: `(name, variant, changes, hidden, train_examples)` tuples.
        ink: the pixels some training digit inks (`harness.data.ink`).
        train_size: the training digits of an arm whose `train_examples` is
            `None` (all of them).
        against: the variant whose first layer a hidden arm's is compared
            with, seed by seed (`<against>_correlation`; NaN elsewhere).

    Columns: `test_accuracy`, `train_accuracy`, `gap` (train minus test),
    `roughness` and `roughness_ink` of the weight images.
    """
    runs = []
    for run in by_seed:
        for name, variant, _, hidden, examples in arms:
            n = run[name, variant]
            other = run.get((name, against)) if hidden else None
            runs.append({
                "arm": name, "variant": variant, "seed": run["seed"],
                "steps": n["step"][-1], "hidden": hidden,
                "train_examples": examples or train_size,
                "test_accuracy": n["test_accuracy"],
                "train_accuracy": n["train_accuracy"],
                "gap": n["train_accuracy"] - n["test_accuracy"],
                "roughness": roughness(n["weights"]),
                "roughness_ink": roughness(n["weights"], mask=ink),
                f"{against}_correlation": (image_correlation(n["weights"],
                                                             other["weights"])
                                           if other else np.nan)})
    return seed_statistics(pd.DataFrame(runs), ["arm", "variant", "steps", "hidden",
                                                "train_examples"],
                           ["test_accuracy", "train_accuracy", "gap", "roughness",
                            "roughness_ink", f"{against}_correlation"])


def pair_correlations(numbers, pairs):
    """How alike two variants' weight images are, seed by seed: for each
    `(a, b)` of `pairs` whose variants both ran, the mean over the images of
    their correlation (`image_correlation`), as mean and sd over seeds."""
    rows = []
    for a, b in pairs:
        if a in numbers and b in numbers:
            mean, sd = per_seed([
                image_correlation(wa, wb)
                for wa, wb in zip(numbers[a]["weights"], numbers[b]["weights"])])
            rows.append({"variant": a, "other": b, "correlation": mean,
                         "correlation_sd": sd})
    return pd.DataFrame(rows, columns=["variant", "other", "correlation",
                                       "correlation_sd"])
