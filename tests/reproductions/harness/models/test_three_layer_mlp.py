import random

import keras
import numpy as np
import pytest

from harness.models.three_layer_mlp import (
    build_three_layer_mlp,
    dropout_layer,
    with_weights_of,
)
from kreg.constraints.max_norm import MaxNorm
from kreg.layers import VanillaDropout
from kreg.regularizers import L2

KEEP = 0.5


def x():
    return np.random.default_rng(0).uniform(size=(8, 784)).astype("float32")


def test_three_layers_of_relu_units_and_a_compiled_sgd():
    model = build_three_layer_mlp(100, 0.1, 0.9)
    assert [layer.name for layer in model.layers] == ["pixels", "hidden1", "hidden2",
                                                      "scores"]
    assert model.output_shape == (None, 10)
    assert model.count_params() == 784 * 100 + 100 + 100 * 100 + 100 + 100 * 10 + 10
    assert [model.get_layer(n).activation.__name__ for n in ("hidden1", "hidden2",
                                                               "scores")] == [
        "relu", "relu", "linear"]
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.1)
    assert model.optimizer.momentum == 0.9
    assert model.loss.from_logits and not model.losses


def keras_unseeded(seed, dropout):
    """The same network as Keras builds it with unseeded initializers after
    `keras.utils.set_random_seed(seed)`: its weights."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((784,))
    x = inputs
    for i in (1, 2):
        x = keras.layers.Dense(16, activation="relu")(x)
        if dropout:
            x = keras.layers.Dropout(1 - KEEP, seed=seed + i)(x)
    return keras.Model(inputs, keras.layers.Dense(10)(x)).get_weights()


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_initial_weights_are_the_seeds_alone(seed):
    """Keras's weights after `set_random_seed(seed)`, whatever else draws from
    Python's `random` before or between (a Dask worker's event loop does)."""
    for dropout in (None, "inverted"):
        random.seed(99)
        random.random()
        weights = build_three_layer_mlp(16, 0.1, 0.9, dropout=dropout,
                                        seed=seed).get_weights()
        for ours, keras_own in zip(weights, keras_unseeded(seed, dropout)):
            np.testing.assert_array_equal(ours, keras_own)
    other = build_three_layer_mlp(16, 0.1, 0.9, seed=seed + 1).get_weights()
    assert not np.array_equal(other[0], weights[0])


def test_the_regularizer_reaches_every_kernel_and_the_biases_on_request():
    kernels_only = build_three_layer_mlp(4, 0.1, 0.9, regularizer=L2(1e-3))
    with_biases = build_three_layer_mlp(4, 0.1, 0.9, regularizer=L2(1e-3),
                                        include_biases=True)
    assert len(kernels_only.losses) == 3 and len(with_biases.losses) == 6


def test_the_constraint_bounds_every_kernel():
    model = build_three_layer_mlp(4, 0.1, 0.9, constraint=MaxNorm(3.0))
    assert all(isinstance(model.get_layer(n).kernel_constraint, MaxNorm)
               for n in ("hidden1", "hidden2", "scores"))


@pytest.mark.parametrize("kind, layer_type", [
    ("inverted", keras.layers.Dropout), ("vanilla", VanillaDropout),
    ("scale", keras.layers.Rescaling)])
def test_dropout_after_each_hidden_layer_with_its_seed(kind, layer_type):
    model = build_three_layer_mlp(16, 0.1, 0.9, keep=KEEP, dropout=kind, seed=5)
    names = [layer.name for layer in model.layers]
    assert names == ["pixels", "hidden1", "dropout1", "hidden2", "dropout2", "scores"]
    for i in (1, 2):
        layer = model.get_layer(f"dropout{i}")
        assert isinstance(layer, layer_type)
        if kind != "scale":
            assert layer.rate == 1 - KEEP and layer.seed == 5 + i
    # Inference: inverted dropout is the identity, vanilla and "scale" scale
    # by p (the same weights as without dropout give other scores).
    plain = with_weights_of(build_three_layer_mlp(16, 0.1, 0.9), model)
    for name in ("hidden1", "hidden2", "scores"):
        for ours, theirs in zip(plain.get_layer(name).get_weights(),
                                model.get_layer(name).get_weights()):
            np.testing.assert_array_equal(ours, theirs)
    same = np.allclose(model(x(), training=False), plain(x()), atol=1e-6)
    assert same == (kind == "inverted")


def test_rejects_an_unknown_dropout_kind():
    with pytest.raises(ValueError, match="Received: kind='gaussian'"):
        dropout_layer("gaussian", KEEP, 0, "dropout1")


def test_input_dropout_dropconnect_per_layer_penalties_and_more_inputs():
    model = build_three_layer_mlp(8, 0.1, 0.9, keep=KEEP, input_keep=0.8, dropconnect=True,
                                  inputs=800, seed=2)
    first = model.get_layer("dropout0")
    assert model.layers[1] is first and first.rate == pytest.approx(0.2)
    assert model.input_shape == (None, 800)
    from kreg.layers import DropConnectDense
    for i in (1, 2):
        layer = model.get_layer(f"hidden{i}")
        assert isinstance(layer, DropConnectDense) and layer.rate == 1 - KEEP
    # Dropped connections in training, the plain layer at inference.
    inputs = np.ones((4, 800), "float32")
    assert not np.allclose(model(inputs, training=True), model(inputs, training=False))
    penalised = build_three_layer_mlp(8, 0.1, 0.9, layer_regularizers={
        "hidden1": L2(1e-3), "hidden2": L2(1e-3)})
    assert len(penalised.losses) == 2
    assert penalised.get_layer("scores").kernel_regularizer is None
