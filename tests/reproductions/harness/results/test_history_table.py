"""`harness.results.history_table`: curves as one long table."""

from harness.results.history_table import history_table


def test_each_run_becomes_its_rows_beside_its_columns():
    frame = history_table([({"setting": "a", "seed": 0}, {"epoch": [1, 2], "mse": [3, 2]}),
                           ({"setting": "b", "seed": 1}, {"epoch": [1], "mse": [5]})])
    assert list(frame.columns) == ["setting", "seed", "epoch", "mse"]
    assert frame.to_dict("list") == {"setting": ["a", "a", "b"], "seed": [0, 0, 1],
                                     "epoch": [1, 2, 1], "mse": [3, 2, 5]}
