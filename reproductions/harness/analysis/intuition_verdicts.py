"""Article 004's bespoke rules and its explanations that read the tables
(the vocabulary has no monotonicity and no "on some seeds"): each a function
of the evidence, its thresholds first (bind them with functools.partial).
"""

import numpy as np

from harness.claims.measures import Missing
from harness.claims.rules import Verdict


def monotone(most, evidence):
    """Bespoke (the vocabulary has no monotonicity)."""
    curve = evidence.frame("history", "step", "train_mse", sweep="l2", strength=0.0)
    curve = curve.sort_values("step")["train_mse"].to_numpy(np.float64)
    if len(curve) < 5:
        raise Missing(f"history.csv: a curve of {len(curve)} points has no fifths")
    with np.errstate(divide="ignore", invalid="ignore"):
        rise = float(np.max(curve[1:] / np.minimum.accumulate(curve)[:-1] - 1))
    fifths = [part.mean() for part in np.array_split(curve, 5)]
    falls = all(later < earlier for earlier, later in zip(fifths, fifths[1:]))
    return Verdict(
        "reproduced" if rise <= most else "partly" if falls else "not reproduced",
        f"largest rise {rise:+.0%}; means over fifths of the steps "
        + ", ".join(f"{m:.3g}" for m in fifths),
        f"Rule (bespoke): no measurement of the unregularized training MSE "
        f"more than {most:.0%} above the lowest before it; partly when only "
        "its means over successive fifths of the steps fall.")


def failed_seeds(evidence, verdict):
    """The regularized arm, and the seeds whose output ReLU never fires."""
    check = evidence.frame("seed_check", "arm", "sweep", "strength", "seed",
                           "prediction_spread")
    dead = check[check.prediction_spread == 0]
    return ("The regularized arm: " + ", ".join(sorted({
        f"{r.sweep} = {r.strength:g}" for r in check.itertuples()
        if r.arm == "regularized"})) + ", the grid's lowest final validation "
        "MSE. As fixed before any run, every seed counts: a model whose output "
        "ReLU never fires (prediction spread 0) is a failed training of this "
        "model and enters with its validation MSE. Such seeds here: "
        + (", ".join(f"{r.seed} ({r.arm})" for r in dead.itertuples()) or "none")
        + ".")


def saturating(fits, saturating_activations, evidence):
    """Bespoke (the vocabulary has no "on some seeds"): the share of seeds
    whose R^2 stays below fits, per activation."""
    frame = evidence.frame("activations", "activation", "seed", "clean_r2")
    fails = (frame.clean_r2 < fits).groupby(frame.activation).mean()
    if "leaky_relu" not in fails or not set(saturating_activations) & set(fails.index):
        raise Missing("activations.csv: LeakyReLU and a saturating activation")
    worst = max(fails.get(a, 0.0) for a in saturating_activations)
    status = ("not reproduced" if worst == 0 else "reproduced"
              if worst > fails["leaky_relu"] else "partly")
    return Verdict(status, "; ".join(f"{a}: {fails[a]:.0%} of seeds fail" for a in fails.index),
                   f"Rule (bespoke): a seed fails when its clean_r2 stays below {fits}; "
                   "reproduced when tanh or sigmoid fails on some seed, and on more "
                   "seeds than LeakyReLU; partly when no more often. activations.csv, "
                   "clean_r2, lowest over the seeds: " + ", ".join(
                       f"{a} {frame.clean_r2[frame.activation == a].min():.3f}"
                       for a in fails.index) + ".")


def where_turns(column, threshold, what, passes):
    """An explanation: the weakest p whose `column` (dropout on), and its
    dropout-off twin, falls below `threshold` (table.csv), and whether the
    training MSE still falls there."""
    def explain(evidence, verdict):
        frame = evidence.frame("table", "sweep", "strength", column,
                               column.replace("_dropout_on", ""))
        frame = frame[frame.sweep == "dropout"].sort_values("strength")

        def first(c):
            below = frame[frame[c] < threshold]
            return (f"first below {threshold} at p = {below.strength.iloc[0]:g}"
                    if len(below) else f"never below {threshold} up to p = "
                    f"{frame.strength.iloc[-1]:g} ({frame[c].iloc[-1]:.3g} there)")
        off = column.replace("_dropout_on", "")
        return (f"Decided with dropout on at prediction ({passes} passes, "
                f"the article's figures' form). table.csv, {column} (dropout on): "
                f"{first(column)}; {off} (dropout off, shown): {first(off)}; "
                f"the article sees {what} at the claim's p.")
    return explain


def ratio(values):
    """Smallest / largest of `values`, NaN (no warning) when both are 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.float64(values.min()) / np.float64(values.max())


def iqr_over_p(settled, changed, evidence, verdict):
    """The parameter IQR and the distance to the uniform init (KS, moved when
    at least `changed`) over p, from p = 0 and from `settled` on."""
    frame = evidence.frame("table", "sweep", "strength", "param_iqr_after",
                           "param_ks_to_init")
    frame = frame[frame.sweep == "dropout"].set_index("strength").sort_index()
    later = frame[frame.index >= settled]
    if frame.empty or later.empty:
        return "No dropout points to compare."
    iqr, ks = frame.param_iqr_after, frame.param_ks_to_init
    return (f"table.csv, param_iqr_after: {iqr.iloc[0]:.3g} at p = {iqr.index[0]:g}, "
            f"{later.param_iqr_after.min():.3g} to {later.param_iqr_after.max():.3g} "
            f"for p >= {settled:g} (smallest / largest "
            f"{ratio(later.param_iqr_after):.2f}); "
            f"param_ks_to_init: {ks.iloc[0]:.3g} at p = {ks.index[0]:g}, up to "
            f"{ks.max():.3g} above. " + (
                f"p = {ks.index[0]:g} leaves the uniform init's bulk in place (KS "
                f"below {changed:g}); from p = {settled:g} every model has left it "
                "and p changes the IQR by the ratio above: the effect is dropout "
                "on or off, not p." if ks.iloc[0] < changed <= later.param_ks_to_init.min()
                else f"The KS distances do not split small p from large at {changed:g}."))


def units_over_p(evidence, verdict):
    """Explains the effective-units trend over p: dropout on against off, and
    where the units fall again (the rates at which the model underfits)."""
    frame = evidence.frame("table", "sweep", "strength", "effective_units", "top2_share")
    frame = frame[frame.sweep == "dropout"].sort_values("strength")
    off = frame[frame.strength == 0]
    on = frame[frame.strength > 0]
    if off.empty or on.empty:
        return ""
    peak = on.loc[on.effective_units.idxmax()]
    return ("table.csv, effective_units (the participation ratio of |w_out_j| * std(h_j) "
            f"over the last hidden units, inference mode): {off.effective_units.iloc[0]:.1f} "
            f"without dropout, {on.effective_units.min():.1f} to "
            f"{on.effective_units.max():.1f} with it (most at p = {peak.strength:g}); "
            f"at p = {on.strength.max():g} {on.effective_units.iloc[-1]:.1f}: dropout "
            "on spreads the output over more units than off where "
            f"{int((on.effective_units > off.effective_units.iloc[0]).sum())} of "
            f"{len(on)} rates exceed p = 0, and the trend over p turns where the "
            "larger rates underfit (see the final training MSE rows).")
