"""`run_until_plateau` stops where the validation accuracy stops improving
and restores the best block's weights."""

import pytest

from harness.training.validation_stopping import run_until_plateau


class Counting:
    """A model whose one weight counts the steps run, and its loop."""

    def __init__(self):
        self.steps = 0

    def run(self, indices):
        self.steps += len(indices)

    def get_weights(self):
        return [self.steps]

    def set_weights(self, weights):
        self.steps = weights[0]


def accuracy_peaking_at(model, peak):
    return lambda: -abs(model.steps - peak)


def test_stops_after_patience_blocks_and_restores_the_best():
    model = Counting()
    seen = []
    out = run_until_plateau(model, model, list(range(100)), accuracy_peaking_at(model, 30),
                            every=10, patience=2, after_block=seen.append)
    assert out["best_step"] == 30 and out["steps_run"] == 50
    assert model.steps == 30  # the best block's weights restored
    assert seen == [10, 20, 30, 40, 50]
    assert [s for s, _ in out["curve"]] == seen


def test_never_stops_before_at_least_and_stops_at_the_cap():
    model = Counting()
    out = run_until_plateau(model, model, list(range(100)), accuracy_peaking_at(model, 30),
                            every=10, patience=2, at_least=80)
    assert out["steps_run"] == 80 and out["best_step"] == 30
    model = Counting()
    out = run_until_plateau(model, model, list(range(95)), accuracy_peaking_at(model, 500),
                            every=10, patience=2)
    assert out["steps_run"] == 95 and out["best_step"] == 95 and model.steps == 95


@pytest.mark.parametrize("every, patience", [(0, 2), (10, 0)])
def test_refuses_empty_blocks_or_patience(every, patience):
    model = Counting()
    with pytest.raises(ValueError, match="every"):
        run_until_plateau(model, model, list(range(10)), lambda: 0, every, patience)
