import pandas as pd

from harness.analysis.short_run_explanations import hidden_l2_fit, rate_and_depth
from harness.claims.evidence import Evidence


def short_runs(l2=0.88, weight_norm=0.93):
    rows = [("lr 0.0001", "none", 0.91, 0.001), ("lr 0.001", "none", 0.93, 0.004),
            ("lr 0.01", "none", 0.92, 0.006), ("hidden", "none", 0.96, 0.01),
            ("hidden", "l2", l2, 0.0), ("hidden", "weight_norm", weight_norm, 0.0)]
    return Evidence({"short_runs": pd.DataFrame(
        rows, columns=["arm", "variant", "test_accuracy", "gap"])})


def test_rate_and_depth_reads_every_rate_its_largest_gap_and_the_hidden_layer():
    text = rate_and_depth((1e-4, 1e-3, 1e-2), 1e-3)(short_runs(), None)
    assert "0.0001 0.9100, 0.001 0.9300, 0.01 0.9200" in text
    assert "at most 0.0060 at any rate" in text
    assert "one hidden layer: 0.9600 against 0.9300" in text


def test_hidden_l2_fit_says_which_penalty_costs_the_fit():
    costly = hidden_l2_fit(short_runs(l2=0.88, weight_norm=0.93), None)
    assert "L2 0.8800, weight norm 0.9300" in costly and "costs the hidden" in costly
    alike = hidden_l2_fit(short_runs(l2=0.95, weight_norm=0.93), None)
    assert "both keep the fit" in alike
