"""Training epoch by epoch: one compiled call an epoch, the learning rate
divided at fixed epochs, the model measured after each epoch."""

import sys

from tqdm import tqdm

from harness.training.batches import epoch_batch_indices
from harness.training.compiled_loop import CompiledLoop


def train_epochs(model, x, y, epochs, batch_size, seed, measures, drops=(), factor=4,
                 desc="", quiet=False):
    """Trains a compiled `model` on `(x, y)` and records its measures.

    Each epoch is `len(x) // batch_size` steps of one `CompiledLoop` call, in
    the shuffled order `epoch_batch_indices` draws from `seed`. Before each
    epoch in `drops` (the number of epochs done), the optimizer's learning
    rate is divided by `factor`. After each epoch every `measures[name]()`
    (an `Evaluator`, say) is recorded.

    Args:
        model: a compiled `keras.Model`.
        x, y: the training data, NumPy arrays.
        epochs: how many epochs.
        batch_size: examples per step, at most `len(x)`.
        seed: the batch order's seed.
        measures: `{name: function of no arguments}`, in the order recorded.
        drops: the epochs before which the learning rate falls.
        factor: what it is divided by.
        desc: the progress bar's label; `quiet` hides the bar.

    Returns:
        `{"epoch": [1, 2, ...], name: [value after each epoch], ...}`.
    """
    if not 0 < batch_size <= len(x):
        raise ValueError(f"Invalid value received for argument `batch_size`: "
                         f"expected 1 to {len(x)}. Received: batch_size={batch_size}")
    loop = CompiledLoop(model, x, y)
    steps = len(x) // batch_size
    indices = epoch_batch_indices(len(x), batch_size, steps * epochs, seed=seed)
    history = {"epoch": [], **{name: [] for name in measures}}
    last = list(measures)[-1:]
    with tqdm(total=epochs, desc=desc, unit="epoch", file=sys.stdout,
              mininterval=2.0, dynamic_ncols=True, disable=quiet) as bar:
        for epoch in range(epochs):
            if epoch in drops:
                model.optimizer.learning_rate.assign(
                    model.optimizer.learning_rate.numpy() / factor)
            loop.run(indices[epoch * steps:(epoch + 1) * steps])
            history["epoch"].append(epoch + 1)
            for name, measure in measures.items():
                history[name].append(measure())
            bar.update(1)
            if epoch % 50 == 49:
                bar.set_postfix({name: f"{history[name][-1]:.4f}" for name in last})
    return history
