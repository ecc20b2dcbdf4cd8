"""`harness.results.seed_tables`: every seed's rows in one table, and the
mean and sd over seeds of each headline number."""

import numpy as np
import pandas as pd

from harness.results.seed_tables import arms_frame, headline_table, stacked


def run(seed, shift):
    curves = {"epoch": [1, 2], "test": [0.5 + shift, 0.6 + shift]}
    return {"seed": seed, "plain": {"curves": curves, "phase": ["a", "b"]},
            "dsd": {"curves": curves, "phase": ["c", "d"]}}


def test_every_seed_and_arm_in_one_table():
    frame = arms_frame([run(0, 0.0), run(1, 0.1)], ("plain", "dsd"), phase="phase")
    assert list(frame.columns) == ["variant", "epoch", "test", "phase", "seed"]
    assert len(frame) == 8
    seed1 = frame[(frame["seed"] == 1) & (frame["variant"] == "dsd")]
    np.testing.assert_allclose(seed1["test"], [0.6, 0.7])
    assert list(seed1["phase"]) == ["c", "d"]
    one = stacked([run(3, 0.0)], lambda r: pd.DataFrame({"x": [r["seed"]]}))
    assert one.to_dict("list") == {"x": [3], "seed": [3]}


def test_headline_numbers_are_mean_and_sd_over_seeds():
    table = headline_table({"a": [("q1", [1.0, 3.0]), ("q2", [5.0])],
                            "b": [("q3", [2.0, 2.0, 2.0])]},
                           {"a": "says a", "b": "says b"})
    assert list(table["quantity"]) == ["q1", "q2", "q3"]
    np.testing.assert_allclose(table["value"], [2.0, 5.0, 2.0])
    assert table["sd"].iloc[0] == np.std([1.0, 3.0], ddof=1)
    assert np.isnan(table["sd"].iloc[1]) and table["sd"].iloc[2] == 0
    assert list(table["seeds"]) == [2, 1, 3]
    assert list(table["article_says"]) == ["says a", "", "says b"]
