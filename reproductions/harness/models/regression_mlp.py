"""A deep, narrow ReLU network for a 1-D regression, with the regularizers
article 003 compares: dropout, batch norm and L2 on every layer, any of them
together, or DropConnect in place of the linear maps."""

import keras

from kreg.layers import DropConnectDense
from kreg.regularizers import L2


def build_regression_mlp(num_inputs, seed, depth=5, units=16, dropout=None,
                         batchnorm=False, l2=None, dropconnect=None, dtype=None):
    """An uncompiled `keras.Model` from `num_inputs` features to one output.

    Each of the `depth` hidden layers is a linear map of `units` units (a
    `DropConnectDense` at drop rate `dropconnect`, else a `Dense`), then batch
    norm (momentum 0.9: Torch7's 0.1), then dropout at rate `dropout`, then
    ReLU: batch norm before dropout, so that its statistics are not those of
    dropped units. L2 at `l2` (textbook convention, `0.5 * l2 * sum(W^2)`)
    penalizes every kernel, the output layer's too.

    Every random draw is seeded from `seed`, none from a global generator:
    layer `i`'s kernel from `seed + i` (the output layer's `seed + depth`),
    its dropout or DropConnect masks from `seed + 100 + i`.

    Args:
        num_inputs: input features.
        seed: the network's seed.
        depth, units: hidden layers and units in each.
        dropout: dropout's drop rate, or `None` for no dropout.
        batchnorm: whether to normalize after each linear map.
        l2: the L2 strength, or `None` for no penalty.
        dropconnect: DropConnect's drop rate, or `None` for plain `Dense`.
        dtype: the layers' dtype (`None`: Keras's float32 default).
    """
    init = keras.initializers.GlorotUniform
    regularizer = None if l2 is None else L2(l2, convention="textbook")
    x = inputs = keras.Input((num_inputs,), dtype=dtype)
    for i in range(depth):
        if dropconnect is not None:
            x = DropConnectDense(units, rate=dropconnect, seed=seed + 100 + i,
                                 kernel_initializer=init(seed + i),
                                 kernel_regularizer=regularizer, dtype=dtype)(x)
        else:
            x = keras.layers.Dense(units, kernel_initializer=init(seed + i),
                                   kernel_regularizer=regularizer, dtype=dtype)(x)
        if batchnorm:
            x = keras.layers.BatchNormalization(momentum=0.9, dtype=dtype)(x)
        if dropout is not None:
            x = keras.layers.Dropout(dropout, seed=seed + 100 + i, dtype=dtype)(x)
        x = keras.layers.ReLU(dtype=dtype)(x)
    outputs = keras.layers.Dense(1, kernel_initializer=init(seed + depth),
                                 kernel_regularizer=regularizer, dtype=dtype)(x)
    return keras.Model(inputs, outputs)
