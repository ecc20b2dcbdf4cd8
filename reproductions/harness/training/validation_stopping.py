"""Training until the validation accuracy stops improving (early stopping
on a validation set, with a cap on the steps), the best weights kept."""

import math


def run_until_plateau(loop, model, indices, validate, every, patience, at_least=0,
                      after_block=None):
    """Trains block by block until the validation accuracy stops improving.

    Runs `loop` (a `CompiledLoop` of `model`) over the rows of `indices` (the
    batches of every step up to the cap), `every` steps at a time, measuring
    `validate()` after each block. Stops once `patience` blocks in a row have
    not raised the best validation accuracy, but never before `at_least`
    steps; then restores the weights of the best block.

    Args:
        after_block: optional `function(step)` called after each block,
            before the stopping test (what a caller records at a given step).

    Returns:
        `{"best_step", "steps_run", "best_validation_accuracy", "curve"}`,
        `curve` the `(step, validation accuracy)` of each block.
    """
    if every < 1 or patience < 1:
        raise ValueError("Invalid value received for arguments `every` and "
                         "`patience`. Expected positive integers. Received: "
                         f"every={every!r}, patience={patience!r}")
    best, best_step, best_weights, waited, curve = -math.inf, 0, model.get_weights(), 0, []
    for start in range(0, len(indices), every):
        loop.run(indices[start:start + every])
        step = min(start + every, len(indices))
        accuracy = float(validate())
        curve.append((step, accuracy))
        if after_block is not None:
            after_block(step)
        if accuracy > best:
            best, best_step, best_weights, waited = accuracy, step, model.get_weights(), 0
        else:
            waited += 1
        if waited >= patience and step >= at_least:
            break
    model.set_weights(best_weights)
    return {"best_step": best_step, "steps_run": curve[-1][0],
            "best_validation_accuracy": best, "curve": curve}
