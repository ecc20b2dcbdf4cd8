"""How a trained network copes with missing units: its accuracy with
hidden units dropped at test time.

Dropout's argument ("if one worker gets sick, the building still goes up")
is that a network trained with it does not rely on any one unit. The
measure: drop each unit of chosen layers at random at test time and see how
much accuracy is lost, for networks trained with and without dropout.
"""

import keras
import numpy as np


def accuracy_with_units_dropped(model, x, y, after, rate, seed, batch_size=2000):
    """Top-1 accuracy of `model` on `(x, y)` with the units of the layers
    named in `after` dropped at random, each example its own mask.

    Every layer runs in inference mode, the model's own `Dropout` layers are
    left out (they are the identity at inference), and after each layer of
    `after` every unit is zeroed with probability `rate` and the others
    scaled by `1 / (1 - rate)` (`keras.random.dropout`, the scaling of
    inverted dropout, which keeps each unit's expected value).

    Args:
        model: a `keras.Sequential` returning class scores.
        x: inputs, a NumPy array.
        y: one-hot or integer labels.
        after: names of the layers whose outputs lose units.
        rate: the probability of dropping a unit, in [0, 1).
        seed: the seed of the masks (the same seed, the same masks).
        batch_size: rows per forward pass.

    Returns:
        The accuracy, a Python float.
    """
    names = set(after)
    unknown = names - {layer.name for layer in model.layers}
    if unknown:
        raise ValueError(f"Invalid value received for argument `after`: no "
                         f"layer named {sorted(unknown)}. Received: after={after!r}")
    if not 0 <= rate < 1:
        raise ValueError(f"Invalid value received for argument `rate`. Expected "
                         f"a float in [0, 1). Received: rate={rate}")
    y = np.asarray(y)
    labels = y.argmax(axis=-1) if y.ndim == 2 else y
    generator = keras.random.SeedGenerator(seed)
    hits = 0
    for start in range(0, len(x), batch_size):
        h = keras.ops.convert_to_tensor(x[start:start + batch_size])
        for layer in model.layers:
            if isinstance(layer, keras.layers.Dropout):
                continue
            h = layer(h, training=False)
            if layer.name in names and rate:
                h = keras.random.dropout(h, rate, seed=generator)
        predicted = keras.ops.convert_to_numpy(keras.ops.argmax(h, axis=-1))
        hits += int(np.sum(predicted == labels[start:start + batch_size]))
    return hits / len(x)
