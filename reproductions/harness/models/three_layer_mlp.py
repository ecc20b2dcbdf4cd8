"""The CS231n notes' "example 3-layer neural network" for 28x28 digits:
784 -> hidden -> hidden -> 10, ReLU, with the notes' regularizers."""

import random

import keras

from kreg.layers import DropConnectDense, VanillaDropout
from kreg.regularizers.apply_to_kernels import apply_regularizer

DROPOUT_KINDS = ("inverted", "vanilla", "scale")
WEIGHTED = ("hidden1", "hidden2", "scores")  # the layers that hold weights


def dropout_layer(kind, keep, seed, name):
    """Dropout keeping a unit with probability `keep`: "inverted" (scaled by
    1 / keep in training), "vanilla" (scaled by keep at inference), or
    "scale" (x keep always: vanilla's test-time pass alone)."""
    if kind == "inverted":
        return keras.layers.Dropout(1 - keep, seed=seed, name=name)
    if kind == "vanilla":
        return VanillaDropout(1 - keep, seed=seed, name=name)
    if kind == "scale":
        return keras.layers.Rescaling(keep, name=name)
    raise ValueError("Invalid value received for argument `kind`. Expected one of "
                     f"{DROPOUT_KINDS}. Received: kind={kind!r}")


def build_three_layer_mlp(hidden, learning_rate, momentum, keep=0.5,
                          regularizer=None, constraint=None, dropout=None,
                          include_biases=False, seed=0, input_keep=None,
                          dropconnect=False, layer_regularizers=None, inputs=784):
    """A compiled 784 -> hidden -> hidden -> 10 ReLU network, scores out.

    Layers `hidden1`, `hidden2` and `scores` (`Dense`); with `dropout`, a
    dropout layer after each hidden one (`dropout1`, `dropout2`). Compiled
    with SGD with momentum and the softmax cross-entropy of the scores.

    Args:
        hidden: units per hidden layer.
        learning_rate: SGD's learning rate.
        momentum: SGD's momentum.
        keep: the keep probability of the dropout layers.
        regularizer: a weight regularizer put on every kernel
            (`kreg.regularizers.apply_to_kernels.apply_regularizer`), or
            `None`.
        constraint: a kernel constraint of every layer (max norm), or `None`.
        dropout: `None` or a kind of `dropout_layer`.
        include_biases: whether `regularizer` is put on the biases too.
        seed: the initial weights' seed (Glorot uniform kernels, zero
            biases); the dropout layers' seeds are `seed + 1` and `seed + 2`.
        input_keep: with a keep probability, inverted dropout on the input
            too (`dropout0`, seed `seed + 3`).
        dropconnect: hidden layers that drop single weights with
            probability `1 - keep` in training (`kreg.layers.DropConnectDense`,
            one mask a batch, inverted scaling) instead of `Dense`.
        layer_regularizers: `{layer name: regularizer}`, a penalty per
            layer (instead of `regularizer`'s one for all).
        inputs: the input features (784 pixels, more with added ones).

    The kernels' initializers get the seeds Keras's unseeded ones would draw
    from Python's `random` after `keras.utils.set_random_seed(seed)`, drawn
    here from a generator of their own: the same weights, whatever else
    draws from `random` meanwhile (a Dask worker's event loop does).
    """
    draws = random.Random(seed)  # as `random.seed(seed)` leaves `random`

    def kernels():
        return keras.initializers.GlorotUniform(seed=draws.randint(1, int(1e9)))

    penalty = (layer_regularizers or {}).get
    pixels = keras.Input((inputs,), name="pixels")
    x = pixels
    if input_keep is not None:
        x = dropout_layer("inverted", input_keep, seed + 3, "dropout0")(x)
    for i in (1, 2):
        name = f"hidden{i}"
        if dropconnect:
            x = DropConnectDense(hidden, 1 - keep, activation="relu", sampling="per_batch",
                                 kernel_initializer=kernels(), kernel_constraint=constraint,
                                 seed=seed + i, name=name)(x)
        else:
            x = keras.layers.Dense(hidden, activation="relu", kernel_initializer=kernels(),
                                   kernel_constraint=constraint,
                                   kernel_regularizer=penalty(name), name=name)(x)
        if dropout:
            x = dropout_layer(dropout, keep, seed + i, f"dropout{i}")(x)
    scores = keras.layers.Dense(10, kernel_initializer=kernels(), kernel_constraint=constraint,
                                kernel_regularizer=penalty("scores"), name="scores")(x)
    model = keras.Model(pixels, scores, name="mlp")
    if regularizer is not None:
        apply_regularizer(model, regularizer, include_biases=include_biases)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate, momentum=momentum),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    return model


def with_weights_of(network, model):
    """`network` (a `build_three_layer_mlp`) given `model`'s weights, layer by
    layer: the same network with other (or no) dropout."""
    for name in WEIGHTED:
        network.get_layer(name).set_weights(model.get_layer(name).get_weights())
    return network
