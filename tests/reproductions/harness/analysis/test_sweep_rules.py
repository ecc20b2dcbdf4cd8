"""`harness.analysis.sweep_rules`: rules on a sweep's table of runs."""

import pandas as pd
import pytest

from harness.analysis import sweep_rules as sweep
from harness.claims.evidence import Evidence
from harness.claims.measures import Missing


def runs(accuracies):
    """`{keep: [test accuracy per seed]}` as a sweep table."""
    return Evidence({"sweep": pd.DataFrame([
        {"keep": keep, "kind": "dropout", "seed": seed, "test_accuracy": value}
        for keep, values in accuracies.items() for seed, value in enumerate(values)])})


GOOD_HIGH_KEEP = {0.3: [0.80, 0.81, 0.79], 0.5: [0.90, 0.91, 0.90],
                  0.7: [0.93, 0.92, 0.93], 1.0: [0.88, 0.89, 0.88]}


def test_the_best_keep_at_least_a_half_beats_those_below():
    verdict = sweep.split_at("sweep", "keep", 0.5, 0.005)(runs(GOOD_HIGH_KEEP))
    assert verdict.status == "reproduced" and "keep 0.7" in verdict.ours
    flipped = {0.3: [0.95, 0.95, 0.95], 0.5: [0.9, 0.9, 0.9]}
    assert sweep.split_at("sweep", "keep", 0.5, 0.005)(runs(flipped)).status == \
        "not reproduced"
    with pytest.raises(Missing):
        sweep.split_at("sweep", "keep", 0.5, 0.005)(runs({0.5: [0.9], 1.0: [0.8]}))


def test_the_best_against_a_setting_or_the_worst():
    evidence = runs(GOOD_HIGH_KEEP)
    assert sweep.best_against("sweep", "keep", 0.005, 1.0)(evidence).status == "reproduced"
    assert sweep.best_against("sweep", "keep", 0.005, 0.5)(evidence).status == "reproduced"
    worst = sweep.best_against("sweep", "keep", 0.005)(evidence)
    assert "keep 0.3" in worst.ours and worst.status == "reproduced"
    # 0.5 the best: the others do not beat it.
    best_half = {0.5: [0.95] * 3, 0.7: [0.9] * 3, 1.0: [0.9] * 3}
    assert sweep.best_against("sweep", "keep", 0.005, 0.5)(runs(best_half)).status == \
        "not reproduced"


def test_lowest_against_highest_and_the_words():
    evidence = runs(GOOD_HIGH_KEEP)
    assert sweep.lowest_against_highest("sweep", "keep", 0.005, kind="dropout")(
        evidence).status == "not reproduced"  # 0.3 is the worst
    words = sweep.sweep_words(evidence, "sweep", "keep", 0.005, {"keep": 1.0}, ("dropout",))
    assert "baseline 0.8833" in words and "dropout at 0.5, 0.7." in words
