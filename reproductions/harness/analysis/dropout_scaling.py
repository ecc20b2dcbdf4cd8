"""One kind of dropout (vanilla or inverted): its expected training output
against its inference output, at a bare dropout layer and through a trained
network, and how far copies of the network that scale differently at test
time predict from it.

The two checks are apart because they need different things: the network's
needs the trained network (it runs where the network was trained, a job of
`harness.jobs`), the bare layer's only the activations it is checked on."""

import keras
import numpy as np
import pandas as pd

from harness.analysis.dropout_expectation import dropout_expectation


def layer_scaling(layer, hidden, samples):
    """Checks a bare dropout layer's scaling on the activations `hidden`.

    Args:
        layer: a bare dropout layer.
        hidden: the activations the layer is checked on.
        samples: the number of masks averaged (`dropout_expectation`).

    Returns:
        A dict: `layer`, the layer's `dropout_expectation`; `layer_rms_gap`;
        `layer_mean_ratio_train_to_inference` (the mean training output over
        the inference output, summed over entries).
    """
    check = dropout_expectation(layer, hidden, samples)
    return {"layer": check, "layer_rms_gap": check["rms_gap"],
            "layer_mean_ratio_train_to_inference": float(
                check["train_mean"].sum() / check["inference"].sum())}


def network_scaling(network, x, copies, samples):
    """Checks where a trained network's dropout scaling happens.

    Args:
        network: the trained network (scores out) with its dropout layers.
        x: the inputs the network (with a softmax) and its copies run on.
        copies: `{name: network}`, the same weights with other test-time
            scaling (none, or a fixed factor).
        samples: the number of masks averaged (`dropout_expectation`).

    Returns:
        A dict: `network_rms_gap` (the mean training output over masks
        against the inference output, through the network and a softmax),
        and per copy the largest absolute difference of its scores from the
        network's.
    """
    softmax = keras.Sequential([network, keras.layers.Softmax()])
    network_gap = dropout_expectation(softmax, x, samples)["rms_gap"]
    own = keras.ops.convert_to_numpy(network(x, training=False))
    return {"network_rms_gap": network_gap,
            **{name: float(np.max(np.abs(own - keras.ops.convert_to_numpy(copy(x)))))
               for name, copy in copies.items()}}


def scaling_checks(bare, hidden, keep, samples, accuracy, network_checks):
    """`(table, layers)`: each kind's row of the dropout table (its
    `accuracy`, the bare layer's `layer_scaling` on `hidden`, the relative
    RMS gap that Monte Carlo noise alone gives over `samples` masks at keep
    probability `keep`, `expected_rms_noise`, and its `network_checks`), and
    each kind's bare-layer check for a figure.

    Args:
        bare: `{kind: a bare dropout layer}`.
        accuracy, network_checks: `{kind: dict of numbers}`.
    """
    noise = float(np.sqrt((1 - keep) / (keep * samples)))
    rows, layers = [], {}
    for kind, layer in bare.items():
        check = layer_scaling(layer, hidden, samples)
        layers[kind] = check.pop("layer")
        rows.append({"dropout": kind, **accuracy[kind],
                     "layer_rms_gap": check["layer_rms_gap"], "expected_rms_noise": noise,
                     **check, **network_checks[kind]})
    return pd.DataFrame(rows), layers
