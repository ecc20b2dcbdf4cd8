"""The explanations read their numbers from the tables, cite them, and say
nothing of a reproduced row."""

import pandas as pd

from harness.analysis import regularization_notes_why as why
from harness.claims.evidence import Evidence
from harness.claims.rules import Verdict

FAILED, HELD = Verdict("not reproduced", "", ""), Verdict("reproduced", "", "")
TABLES = {
    "dropout_tuning": pd.DataFrame({
        "arm": ["p=1, lr", "p=0.5, lr", "p=0.5, lr*p", "p=0.9, lr"],
        "train_accuracy_at_steps": [1.0, 0.97, 0.99, 1.0],
        "test_accuracy_at_steps": [0.93, 0.90, 0.921, 0.93],
        "best_step": [1000, 4000, 3000, 2500], "steps_run": [2750, 4000, 4000, 3250],
        "test_accuracy": [0.93, 0.91, 0.925, 0.94],
        "chosen": [False, False, False, True]}),
    "dropout": pd.DataFrame({"dropout": ["vanilla", "inverted"],
                             "test_accuracy": [0.9225, 0.8981]}),
    "max_norm_sweep": pd.DataFrame({"c": [3.0, 1.0], "max_unit_norm": [2.76, 1.0],
                                    "bound_fraction": [0.0, 0.9],
                                    "test_accuracy": [0.9295, 0.91]}),
    "table": pd.DataFrame({"variant": ["none", "dropout"], "test_accuracy": [0.9295, 0.9],
                           "train_accuracy": [1.0, 0.97]}),
    "further_arms": pd.DataFrame({"arm": ["input_dropout"], "train_accuracy": [0.9]})}


def test_undertrained_reads_the_tuning_table_and_cites_it():
    evidence = Evidence(TABLES)
    text = why.undertrained(0.005, why.bound_held)(evidence, FAILED)
    assert "train_accuracy_at_steps 0.9700" in text
    assert "best_step is 4000 of steps_run 4000" in text
    assert "(p=0.9, lr)" in text and "makes dropout win" in text
    assert "c 3: largest unit norm 2.76, 0% of units at c" in text
    assert "dropout_tuning.csv: arm, train_accuracy_at_steps" in evidence.cited()
    assert why.undertrained(0.005)(Evidence(TABLES), HELD) == ""
    # A tuned arm that does not beat the baseline says so.
    tables = dict(TABLES, dropout_tuning=TABLES["dropout_tuning"].assign(
        test_accuracy=[0.95, 0.91, 0.925, 0.94]))
    assert "does not win" in why.undertrained(0.005)(Evidence(tables), FAILED)


def test_learning_rate_gap_says_whether_lr_times_p_closes_it():
    text = why.learning_rate_gap(0.005)(Evidence(TABLES), FAILED)
    assert "0.9210 against vanilla's 0.9225" in text and "explains the difference" in text
    far = dict(TABLES, dropout=TABLES["dropout"].assign(test_accuracy=[0.95, 0.8981]))
    assert "-0.0290 apart" in why.learning_rate_gap(0.005)(Evidence(far), FAILED)


def test_slower_fit_compares_the_training_accuracies():
    text = why.slower_fit(Evidence(TABLES), FAILED)
    assert "train_accuracy 0.9000 (further_arms.csv) against 0.9700" in text
