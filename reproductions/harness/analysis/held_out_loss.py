"""A classifier's mean softmax cross-entropy on held-out data, in inference
mode: the test loss beside the test error (what early stopping watches on
its validation set, measured on the test set)."""

import keras
import numpy as np


def cross_entropy(model, x, y, batch_size=2000):
    """The mean softmax cross-entropy of `model`'s logits on `(x, y)`
    (one-hot or integer labels), called with `training=False`, in batches."""
    labels = np.asarray(y).argmax(-1) if np.ndim(y) == 2 else np.asarray(y)
    losses = []
    for start in range(0, len(x), batch_size):
        logits = keras.ops.convert_to_numpy(
            model(x[start:start + batch_size], training=False)).astype(np.float64)
        logits -= logits.max(axis=-1, keepdims=True)
        log_softmax = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
        losses.append(-log_softmax[np.arange(len(logits)),
                                   labels[start:start + batch_size]])
    return float(np.concatenate(losses).mean())
