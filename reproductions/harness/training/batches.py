"""Which examples each training step sees."""

import numpy as np


def epoch_batch_indices(num_examples, batch_size, steps, seed):
    """Indices of `steps` mini-batches, reshuffled every epoch.

    Like the old TensorFlow tutorial reader's `next_batch`: each epoch is a
    fresh permutation, consumed `batch_size` at a time; a batch that straddles
    the end of an epoch takes the rest of the old permutation and the start of
    the next one.

    Returns:
        An int32 array of shape `(steps, batch_size)`.
    """
    for name, value in (
        ("num_examples", num_examples),
        ("batch_size", batch_size),
        ("steps", steps),
    ):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(
                f"Invalid value received for argument `{name}`. Expected a "
                f"positive integer. Received: {name}={value!r}"
            )
    rng = np.random.default_rng(seed)
    needed = steps * batch_size
    epochs = -(-needed // num_examples)
    order = np.concatenate([rng.permutation(num_examples) for _ in range(epochs)])
    return order[:needed].astype(np.int32).reshape(steps, batch_size)
