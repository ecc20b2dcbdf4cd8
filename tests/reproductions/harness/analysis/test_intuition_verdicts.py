import numpy as np
import pandas as pd
import pytest

from harness.analysis.intuition_verdicts import (
    iqr_over_p,
    monotone,
    saturating,
    where_turns,
)
from harness.claims.evidence import Evidence
from harness.claims.measures import Missing


def history(curve):
    return Evidence({"history": pd.DataFrame({
        "sweep": "l2", "strength": 0.0, "step": np.arange(len(curve)), "train_mse": curve})})


def test_monotone_every_point_or_only_the_fifths():
    falling = np.linspace(1, 0.1, 20)
    assert monotone(0.1, history(falling)).status == "reproduced"
    bumpy = falling * np.where(np.arange(20) % 4, 1, 1.3)
    assert monotone(0.1, history(bumpy)).status == "partly"
    assert monotone(0.1, history(falling[::-1])).status == "not reproduced"
    with pytest.raises(Missing):
        monotone(0.1, history(falling[:3]))


def activations(r2):
    return Evidence({"activations": pd.DataFrame({
        "activation": ["leaky_relu", "leaky_relu", "tanh", "tanh"], "seed": [0, 1, 0, 1],
        "clean_r2": r2})})


def test_saturating_fails_on_some_seeds_more_than_leaky_relu():
    decide = lambda r2: saturating(0.9, ("tanh", "sigmoid"), activations(r2)).status  # noqa: E731
    assert decide([0.95, 0.95, 0.95, 0.3]) == "reproduced"
    assert decide([0.95, 0.5, 0.95, 0.3]) == "partly"
    assert decide([0.95, 0.95, 0.95, 0.95]) == "not reproduced"


def sweep_table():
    return pd.DataFrame({
        "sweep": "dropout", "strength": [0.0, 0.3, 0.6, 0.9],
        "prediction_spread": [1.0, 0.8, 0.2, 0.1],
        "prediction_spread_dropout_on": [np.nan, 0.9, 0.5, 0.2],
        "param_iqr_after": [0.3, 0.08, 0.09, 0.1],
        "param_ks_to_init": [0.05, 0.2, 0.25, 0.3]})


def test_explanations_cite_their_table_columns_and_numbers():
    evidence = Evidence({"table": sweep_table()})
    text = where_turns("prediction_spread_dropout_on", 0.25, "the mean", 20)(evidence, None)
    assert "prediction_spread_dropout_on (dropout on): first below 0.25 at p = 0.9" in text
    assert "prediction_spread (dropout off, shown): first below 0.25 at p = 0.6" in text
    text = iqr_over_p(0.3, 0.1, evidence, None)
    assert "param_iqr_after: 0.3 at p = 0" in text and "0.08 to 0.1" in text
    assert "(smallest / largest 0.80)" in text and "param_ks_to_init" in text
    assert "the effect is dropout on or off, not p" in text
    assert "do not split" in iqr_over_p(0.3, 0.01, evidence, None)


def test_units_over_p_says_dropout_on_against_off_and_where_it_turns():
    from harness.analysis.intuition_verdicts import units_over_p
    table = pd.DataFrame({"sweep": "dropout", "strength": [0.0, 0.2, 0.5, 0.9],
                          "effective_units": [10.0, 25.0, 20.0, 5.0],
                          "top2_share": [0.3, 0.15, 0.2, 0.5]})
    text = units_over_p(Evidence({"table": table}), None)
    assert "10.0 without dropout, 5.0 to 25.0 with it (most at p = 0.2)" in text
    assert "where 2 of 3 rates exceed p = 0" in text
    assert units_over_p(Evidence({"table": table[table.strength > 0]}), None) == ""
