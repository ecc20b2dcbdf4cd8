"""`harness.analysis.regularization_effect`: Goodfellow's definition."""

import pandas as pd

from harness.analysis.regularization_effect import lowers_test_error_only
from harness.claims.evidence import Evidence


def curves(train_gain, test_gain):
    rows = []
    for seed in range(3):
        for variant, train, test in (("plain", 1.0, 0.90 + seed / 100),
                                     ("reg", 1.0 + train_gain, 0.90 + seed / 100 + test_gain)):
            rows += [{"variant": variant, "seed": seed, "epoch": e, "train": train,
                      "test": test} for e in range(1, 6)]
    return Evidence({"t": pd.DataFrame(rows)})


def test_test_error_lowered_training_error_not():
    rule = lowers_test_error_only("t", "reg", "plain", 0.005)
    assert rule.decide(curves(-0.02, 0.02)).status == "reproduced"
    assert rule.decide(curves(-0.02, -0.02)).status == "partly"
    assert rule.decide(curves(0.0, -0.02)).status == "partly"
