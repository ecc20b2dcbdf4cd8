"""`harness.analysis.early_stopping_rules`: checks on every seed's curve
and the test loss's explanation of the error's turn."""

import pandas as pd

from harness.analysis.early_stopping_rules import after_the_turn, every_run
from harness.analysis.early_stopping_runs import losses_turn
from harness.claims.evidence import Evidence
from harness.claims.measures import Final, SeedRows
from harness.claims.rules import Above, Paired


def table(test_loss):
    return Evidence({"early_stopping": pd.DataFrame({
        "seed": [0] * 4 + [1] * 4, "epoch": [1, 2, 3, 4] * 2,
        "chosen": [False, True, False, False] * 2,
        "loss": [0.5, 0.3, 0.2, 0.1] * 2, "val_loss": [0.5, 0.3, 0.4, 0.5] * 2,
        "test_accuracy": [0.9, 0.95, 0.95, 0.951] * 2, "test_loss": test_loss * 2})})


AT_CHOSEN = SeedRows("early_stopping", "test_accuracy", chosen=True)
AT_END = Final("early_stopping", "test_accuracy")
TURN = Paired(Final("early_stopping", "test_loss"),
              SeedRows("early_stopping", "test_loss", chosen=True), floor=0.005)


def test_every_run_checks_each_seed():
    rule = every_run(losses_turn, "the losses turn", "loss", "val_loss")
    verdict = rule.decide(table([0.3, 0.2, 0.25, 0.3]))
    assert verdict.status == "reproduced" and "seed 1:" in verdict.ours


def test_the_turn_is_explained_by_the_test_loss():
    explain = after_the_turn(AT_CHOSEN, AT_END, TURN, 0.005)
    evidence = table([0.3, 0.2, 0.25, 0.3])
    verdict = Above(AT_CHOSEN, AT_END).decide(evidence)
    assert verdict.status != "reproduced"
    words = explain(evidence, verdict)
    assert "test_loss" in words and "the loss gets worse" in words
    flat = explain(table([0.3, 0.2, 0.2, 0.2]), verdict)
    assert "does not clearly turn" in flat
