"""Dropout as an average of thinned networks: the weight-scaled network's
predictions (inference mode) against the average of many thinned networks'
(dropout masks drawn, training mode), and how a bare Keras `Dropout` scales."""

import keras
import numpy as np


def thinned_average(model, x, y, samples, batch_size=2000):
    """The mean of `samples` thinned networks' softmax outputs (`model`
    called with `training=True`: a fresh dropout mask each time) against
    the weight-scaled network (`training=False`).

    Returns:
        A dict: `thinned_average_accuracy`, `weight_scaled_accuracy` and
        `agreement` (the fraction of inputs both predict the same class for).
    """
    labels = np.asarray(y).argmax(-1) if np.ndim(y) == 2 else np.asarray(y)
    average, scaled = [], []
    for start in range(0, len(x), batch_size):
        batch = x[start:start + batch_size]
        scaled.append(keras.ops.convert_to_numpy(model(batch, training=False)))
        average.append(np.mean([keras.ops.convert_to_numpy(keras.ops.softmax(
            model(batch, training=True))) for _ in range(samples)], axis=0))
    average, scaled = (np.concatenate(p).argmax(-1) for p in (average, scaled))
    return {"thinned_average_accuracy": float(np.mean(average == labels)),
            "weight_scaled_accuracy": float(np.mean(scaled == labels)),
            "agreement": float(np.mean(average == scaled))}


def keras_dropout_scaling(rate, seed, size=10_000):
    """A bare `keras.layers.Dropout(rate)` on ones: in training the kept
    units' value times the keep probability (1 for inverted dropout, whose
    kept units are scaled by 1 / keep) and the fraction dropped; at
    inference the largest change it makes to its input (0: no conversion)."""
    layer, ones = keras.layers.Dropout(rate, seed=seed), np.ones((1, size), "float32")
    trained = keras.ops.convert_to_numpy(layer(ones, training=True))[0]
    kept = trained[trained != 0]
    inferred = keras.ops.convert_to_numpy(layer(ones, training=False))[0]
    return {"kept_value_times_keep": float(kept.mean() * (1 - rate)) if kept.size else 0.0,
            "dropped_fraction": float(np.mean(trained == 0)),
            "inference_change": float(np.abs(inferred - 1).max())}
