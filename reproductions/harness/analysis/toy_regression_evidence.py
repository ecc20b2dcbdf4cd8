"""What article 003's ledger reads, by name, and the explanations that read
it: the cells of its tables (`cell`, `ae`, `swept`) and the functions
`(evidence, verdict) -> text` that test a reason for a row's outcome on the
measures they cite (the inkless border of the autoencoder's weight images,
dropout's fluctuation by drop rate, batch norm's prediction moves per
floating-point condition).
"""

import numpy as np

from harness.claims.measures import Cell
from harness.training.float_conditions import REFERENCE, beside_reference

NOISE_SD = 0.3  # the toy targets' noise sd (harness.data.toy_regression)


def cell(column, setting, method, fmt=".3f"):
    return Cell("table", column, f"{column} [{setting} {method}]", fmt,
                setting=setting, method=method)


def ae(column, variant, fmt=".3g"):
    return Cell("autoencoder", column, f"{column} [{variant}]", fmt, variant=variant)


def swept(column, setting, rate, fmt=".3f"):
    return Cell("dropout_sweep", column, f"{column} [{setting} dropout {rate:g}]", fmt,
                setting=setting, rate=rate)


def border_test(*variants):
    """An explanation that tests the inkless border (no data gradient: its
    weights stay at their random start) against the measures over ink."""
    def explain(evidence, _):
        read = {c: {v: evidence.measure(ae(c, v)).value for v in variants}
                for c in ("relative_roughness", "relative_roughness_ink",
                          "border_to_ink_weight")}
        whole, ink, border = read.values()
        text = "; ".join(f"{v} {whole[v]:.3f} -> {ink[v]:.3f}" for v in variants)
        same = sorted(variants, key=whole.get) == sorted(variants, key=ink.get)
        heaviest = max(variants, key=border.get)
        return (f"autoencoder.csv, relative_roughness (all pixels) -> "
                f"relative_roughness_ink (ink pixels alone): {text}. The border's "
                f"positive weight over the ink's (border_to_ink_weight): " + ", ".join(
                    f"{v} {border[v]:.2f}" for v in variants) + ". " + (
                    "The ink pixels keep the whole images' order: the border does not "
                    "explain it." if same else "Over the ink alone the order changes: "
                    "the border's random start explains the whole images' order.")
                + (f" {heaviest}'s learned weights are the smallest beside its random "
                   "border, so its whole images look roughest." if max(
                       variants, key=whole.get) == heaviest and len(variants) > 1 else ""))

    return explain


def dark_test(evidence, _):
    whole, ink = (evidence.measure(ae(c, "input_dropout")).value
                  for c in ("dark_unit_fraction", "dark_unit_fraction_ink"))
    return (f"autoencoder.csv: dark_unit_fraction {whole:.3f} over all pixels, "
            f"dark_unit_fraction_ink {ink:.3f} over the ink alone: the border's random "
            "weights " + ("lit units the ink leaves dark." if ink > whole else
                          "do not hide unused units."))


def fluctuation_by_rate(evidence, setting="plain"):
    """Batch norm's fluctuation beside dropout's at each drop rate (0: the
    baseline), from the dropout sweep."""
    rates = sorted(evidence.distinct("dropout_sweep", "rate", {"setting": setting}))
    levels = {r: evidence.measure(swept("fluctuation_test", setting, r)).value for r in rates}
    bn = evidence.measure(cell("fluctuation_test", setting, "batchnorm")).value
    above = [r for r in rates if levels[r] > bn]
    return (f"dropout_sweep.csv, fluctuation_test [{setting}] by drop rate: " + ", ".join(
        f"{r:g}: {v:.3f}" for r, v in levels.items()) + f"; batch norm's {bn:.3f} "
        "(table.csv): " + (f"below dropout's from rate {min(above):g} on" if above else
                           "below none of them") + (", not below the unregularized "
                                                    "baseline's (rate 0)." if levels.get(
                                                        0.0, np.inf) <= bn else "."))


def prediction_moves(evidence, _, machine_like=False):
    """What each condition did to the test predictions (batch norm's and the
    baseline's), against the reference's."""
    rows = evidence.frame("bn_caution", "condition", "method", "dtype",
                          "max_abs_prediction_change", "first_epoch_differing")
    moves = rows.pivot(index="condition", columns="method",
                       values="max_abs_prediction_change").drop(REFERENCE, errors="ignore")
    shown = beside_reference(rows["condition"], rows["dtype"], machine_like).values()
    moves = moves[moves.index.isin(list(shown))]
    first = rows.pivot(index="condition", columns="method", values="first_epoch_differing")
    return ("bn_caution.csv, max_abs_prediction_change (batch norm / baseline; the "
            "largest move of a test prediction) and first_epoch_differing: " + "; ".join(
                f"{c} {m['batchnorm']:.2g} / {m['baseline']:.2g} (epoch "
                f"{first.at[c, 'batchnorm']:.0f})" for c, m in moves.iterrows())
            + f". Epoch 0: bit-identical training. A move under {NOISE_SD / 100:g} "
            "(a hundredth of the noise sd) is rounding, not another result.")


def l2_weights(evidence, _):
    """Why L2 at weight 1 fails, from the sweep (`l2_sweep.csv`): whether its
    fit collapsed to a constant, and which weight does best per setting."""
    frame = evidence.frame("l2_sweep", "setting", "l2", "final_test_mse",
                           "test_rms_from_mean", "curve_wiggle")
    parts = []
    for setting, rows in frame.groupby("setting", sort=False):
        one, best = rows[rows.l2 == 1.0], rows.loc[rows.final_test_mse.idxmin()]
        if one.empty:
            continue
        flat = one.curve_wiggle.iloc[0] < 0.1 * best.curve_wiggle
        parts.append(f"{setting}: at weight 1 final_test_mse {one.final_test_mse.iloc[0]:.3f}, "
                     f"curve_wiggle {one.curve_wiggle.iloc[0]:.3g} against "
                     f"{best.curve_wiggle:.3g} at the best weight {best.l2:g} "
                     f"(final_test_mse {best.final_test_mse:.3f})"
                     + (": a flat, collapsed fit" if flat else ""))
    return ("l2_sweep.csv, per setting: " + "; ".join(parts) + ". Torch's weight decay "
            "1 is the same penalty (its gradient, lambda * w, is that of 0.5 * lambda * "
            "sum(W^2)), so reading 'L2-1' as Torch's weight decay does not change it."
            ) if parts else ""
