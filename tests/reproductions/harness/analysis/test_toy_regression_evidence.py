"""`harness.analysis.toy_regression_evidence`: the explanations of article
003's ledger test their reason on the measures they cite."""

import pandas as pd

from harness.analysis.toy_regression_evidence import (
    border_test,
    dark_test,
    fluctuation_by_rate,
    prediction_moves,
)
from harness.claims.evidence import Evidence


def autoencoder(whole, ink, border, dark=(0.0, 0.0)):
    variants = list(whole)
    return {"autoencoder": pd.DataFrame({
        "variant": variants, "seeds": 3, "relative_roughness": list(whole.values()),
        "relative_roughness_ink": [ink[v] for v in variants],
        "border_to_ink_weight": [border[v] for v in variants],
        "dark_unit_fraction": dark[0], "dark_unit_fraction_ink": dark[1]})}


def test_the_border_explains_an_order_only_where_the_ink_changes_it():
    border = {"none": 0.5, "hidden_dropout": 1.2}
    same = autoencoder({"none": 0.70, "hidden_dropout": 0.78},
                       {"none": 0.60, "hidden_dropout": 0.65}, border)
    text = border_test("none", "hidden_dropout")(Evidence(same), None)
    assert "relative_roughness_ink" in text and "none 0.700 -> 0.600" in text
    assert "the border does not explain it" in text
    assert "hidden_dropout's learned weights are the smallest" in text
    swapped = autoencoder({"none": 0.70, "hidden_dropout": 0.78},
                          {"none": 0.65, "hidden_dropout": 0.60}, border)
    assert "the border's random start explains" in border_test(
        "none", "hidden_dropout")(Evidence(swapped), None)


def test_dark_units_over_the_ink_alone():
    tables = autoencoder({"input_dropout": 0.7}, {"input_dropout": 0.6},
                         {"input_dropout": 1.0}, dark=(0.0, 0.2))
    assert "lit units the ink leaves dark" in dark_test(Evidence(tables), None)


def test_fluctuation_by_rate_names_where_batch_norm_is_below_dropout():
    tables = {
        "dropout_sweep": pd.DataFrame({"setting": "plain", "rate": [0.0, 0.1, 0.5],
                                       "fluctuation_test": [0.02, 0.03, 0.2],
                                       "seeds": 3}),
        "table": pd.DataFrame({"setting": ["plain"], "method": ["batchnorm"],
                               "fluctuation_test": [0.05], "seeds": 3})}
    text = fluctuation_by_rate(Evidence(tables))
    assert "0: 0.020, 0.1: 0.030, 0.5: 0.200" in text
    assert "below dropout's from rate 0.5 on" in text
    assert "not below the unregularized baseline's" in text


def test_prediction_moves_per_condition_machine_like_alone_on_request():
    rows = [(c, m, dtype, move, epoch) for c, dtype, moves, epoch in (
        ("reference", "float32", (0.0, 0.0), 0), ("intra_threads_1", "float32", (0.0, 0.0), 0),
        ("float64", "float64", (0.4, 0.5), 1)) for m, move in zip(
            ("batchnorm", "baseline"), moves)]
    tables = {"bn_caution": pd.DataFrame(rows, columns=[
        "condition", "method", "dtype", "max_abs_prediction_change",
        "first_epoch_differing"])}
    every = prediction_moves(Evidence(tables), None)
    assert "float64 0.4 / 0.5 (epoch 1)" in every and "intra_threads_1 0 / 0" in every
    assert "float64" not in prediction_moves(Evidence(tables), None, machine_like=True)


def test_a_table_without_a_column_it_reads_is_missing_not_an_error():
    import pytest

    from harness.claims.measures import Missing

    tables = {"bn_caution": pd.DataFrame({"condition": ["reference"], "dtype": "float32",
                                          "max_abs_prediction_change": [0.0],
                                          "first_epoch_differing": [0]})}
    with pytest.raises(Missing, match="method"):
        prediction_moves(Evidence(tables), None)


def test_l2_weights_says_weight_one_collapsed_and_names_the_best_weight():
    import pandas as pd

    from harness.analysis.toy_regression_evidence import l2_weights
    from harness.claims.evidence import Evidence
    sweep = pd.DataFrame({"setting": "plain", "l2": [0.01, 0.1, 1.0],
                          "final_test_mse": [0.085, 0.094, 0.977],
                          "test_rms_from_mean": [0.10, 0.13, 0.96],
                          "curve_wiggle": [1.03, 1.0, 0.0]})
    text = l2_weights(Evidence({"l2_sweep": sweep}), None)
    assert "at weight 1 final_test_mse 0.977" in text
    assert "best weight 0.01 (final_test_mse 0.085): a flat, collapsed fit" in text
    assert l2_weights(Evidence({"l2_sweep": sweep[sweep.l2 < 1]}), None) == ""
