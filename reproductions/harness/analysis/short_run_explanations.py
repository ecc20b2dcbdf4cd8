"""Why the main job's short variations (`short_runs.csv`) decide as they do:
explanations that read the table's numbers, so that a failed claim cites them."""

from harness.claims.measures import Cell


def _short(evidence, arm, column, variant="none"):
    return evidence.measure(Cell("short_runs", column, f"{column} [{arm}, {variant}]",
                                 ".4f", arm=arm, variant=variant)).value


def rate_and_depth(rates, side_rate):
    """Explains the footnote's verdict: how far each learning rate gets, with
    its train - test gap (an underfit model moves little), and what one
    hidden layer adds."""
    def explain(evidence, verdict):
        arms = [f"lr {rate:g}" for rate in rates]
        test = {arm: _short(evidence, arm, "test_accuracy") for arm in arms}
        gaps = [_short(evidence, arm, "gap") for arm in arms]
        hidden = _short(evidence, "hidden", "test_accuracy")
        return ("short_runs.csv, test_accuracy by learning rate: "
                + ", ".join(f"{a[3:]} {v:.4f}" for a, v in test.items())
                + f"; gap (train - test) at most {max(gaps):.4f} at any rate: the "
                "one-layer softmax model (a convex problem) reaches about the same fit "
                f"at each rate, so the rate moves it little; one hidden layer: "
                f"{hidden:.4f} against {test[f'lr {side_rate:g}']:.4f}.")
    return explain


def hidden_l2_fit(evidence, verdict):
    """Explains the likeness in the hidden-layer network: whether L2 and
    weight norm still reach the same fit there."""
    fits = {v: _short(evidence, "hidden", "test_accuracy", v)
            for v in ("none", "l2", "weight_norm")}
    return ("short_runs.csv, test_accuracy [hidden]: none {none:.4f}, L2 {l2:.4f}, "
            "weight norm {weight_norm:.4f}: ".format(**fits)
            + ("L2 at the article's strength costs the hidden network more than weight "
               "norm does, so the two no longer constrain its first layer alike."
               if fits["l2"] < fits["weight_norm"] else
               "both keep the fit, and still their first layers differ."))
