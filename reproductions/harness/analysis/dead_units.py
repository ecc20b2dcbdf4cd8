"""ReLU units that never fire on a data set ("dead" units)."""

import keras
import numpy as np


def dead_unit_mask(model, layer_name, x):
    """Which units of layer `layer_name` output `<= 0` for every row of `x`.

    A dead unit receives no gradient from the data, so its incoming weights
    only move under the weight penalty: L2 decays them towards zero as
    surely as L1 does, which has nothing to do with L1's sparsity.

    Args:
        model: a functional or sequential `keras.Model`.
        layer_name: the name of a layer of `model` (its output after the
            activation is inspected).
        x: inputs, a NumPy array.

    Returns:
        A boolean NumPy array with one entry per unit of the layer.
    """
    layer = model.get_layer(layer_name)
    probe = keras.Model(model.input, layer.output)
    outputs = keras.ops.convert_to_numpy(probe(x, training=False))
    outputs = outputs.reshape(len(outputs), -1)
    return np.all(outputs <= 0, axis=0)
