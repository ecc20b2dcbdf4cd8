"""Does a dropout layer's inference output equal its expected training output?"""

import keras
import numpy as np


def dropout_expectation(layer, x, samples):
    """Monte Carlo mean of `layer(x, training=True)` against `layer(x)`.

    Draws `samples` independent training-mode outputs for the fixed input
    `x`, averages them, and compares the average with the inference-mode
    output. For one correct dropout layer with keep probability `p` the
    gap is Monte Carlo noise whose standard deviation, relative to the
    inference output, is `sqrt((1 - p) / (p * samples))` per entry, for
    inverted (`keras.layers.Dropout`) and vanilla
    (`kreg.layers.VanillaDropout`) dropout alike. Through nonlinear layers
    (a whole network) the inference output is only an approximation of the
    ensemble mean, so a systematic gap remains.

    Args:
        layer: a callable taking a `training` argument: a dropout layer or
            a whole `keras.Model`.
        x: a NumPy array, the input.
        samples: the number of training-mode draws.

    Returns:
        A dict with `train_mean` (the average of the draws), `inference`
        (the inference output), `scale` (the root mean square of the
        inference output) and `max_abs_gap` and `rms_gap` (of
        `train_mean - inference`, divided by `scale`).
    """
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise ValueError(
            "Invalid value received for argument `samples`. Expected a "
            f"positive integer. Received: samples={samples!r}"
        )
    x = np.asarray(x, dtype=np.float32)
    total = None
    for _ in range(samples):
        draw = keras.ops.convert_to_numpy(layer(x, training=True)).astype(np.float64)
        total = draw if total is None else total + draw
    train_mean = total / samples
    inference = keras.ops.convert_to_numpy(layer(x, training=False)).astype(np.float64)
    scale = float(np.sqrt(np.mean(inference ** 2))) or 1.0
    gap = train_mean - inference
    return {
        "train_mean": train_mean,
        "inference": inference,
        "scale": scale,
        "max_abs_gap": float(np.max(np.abs(gap))) / scale,
        "rms_gap": float(np.sqrt(np.mean(gap ** 2))) / scale,
    }
