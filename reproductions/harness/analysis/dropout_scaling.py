"""One kind of dropout (vanilla or inverted) in a trained network: its
expected training output against its inference output, at one dropout layer
and through the network, and how far copies of the network that scale
differently at test time predict from it."""

import keras
import numpy as np

from harness.analysis.dropout_expectation import dropout_expectation


def dropout_scaling(network, layer, hidden, x, copies, samples):
    """Checks where a trained network's dropout scaling happens.

    Args:
        network: the trained network (scores out) with its dropout layers.
        layer: a bare dropout layer of the same kind and rate.
        hidden: the activations the bare layer is checked on.
        x: the inputs the network (with a softmax) and its copies run on.
        copies: `{name: network}`, the same weights with other test-time
            scaling (none, or a fixed factor).
        samples: the number of masks averaged (`dropout_expectation`).

    Returns:
        A dict: `layer`, the bare layer's `dropout_expectation`;
        `layer_rms_gap`; `layer_mean_ratio_train_to_inference` (the mean
        training output over the inference output, summed over entries);
        `network_rms_gap` (through the network and a softmax); and per copy
        the largest absolute difference of its scores from the network's.
    """
    check = dropout_expectation(layer, hidden, samples)
    softmax = keras.Sequential([network, keras.layers.Softmax()])
    network_gap = dropout_expectation(softmax, x, samples)["rms_gap"]
    own = keras.ops.convert_to_numpy(network(x, training=False))
    return {"layer": check, "layer_rms_gap": check["rms_gap"],
            "layer_mean_ratio_train_to_inference": float(
                check["train_mean"].sum() / check["inference"].sum()),
            "network_rms_gap": network_gap,
            **{name: float(np.max(np.abs(own - keras.ops.convert_to_numpy(copy(x)))))
               for name, copy in copies.items()}}
