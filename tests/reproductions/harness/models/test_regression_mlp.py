"""`harness.models.regression_mlp`: the toy regression's deep, narrow ReLU
network with dropout, batch norm, L2 or DropConnect."""

import random

import keras
import numpy as np
import pytest

from harness.models.regression_mlp import build_regression_mlp
from kreg.layers import DropConnectDense


def kinds(model):
    return [type(layer).__name__ for layer in model.layers[1:]]


def test_each_hidden_layer_is_a_linear_map_then_norm_dropout_and_relu():
    plain = build_regression_mlp(4, seed=0)
    assert kinds(plain) == ["Dense", "ReLU"] * 5 + ["Dense"]
    assert plain.output_shape == (None, 1) and plain.count_params() == 4 * 16 + 16 + \
        4 * (16 * 16 + 16) + 17
    every = build_regression_mlp(5, seed=0, dropout=0.1, batchnorm=True, l2=1e-3, depth=2,
                                 units=8)
    assert kinds(every) == ["Dense", "BatchNormalization", "Dropout", "ReLU"] * 2 + ["Dense"]
    norm = every.layers[2]
    assert norm.momentum == 0.9  # Torch7's 0.1
    assert every.layers[3].rate == 0.1
    connect = build_regression_mlp(4, seed=0, dropconnect=0.2)
    assert kinds(connect) == ["DropConnectDense", "ReLU"] * 5 + ["Dense"]
    assert all(layer.rate == 0.2 for layer in connect.layers
               if isinstance(layer, DropConnectDense))


def test_l2_penalizes_every_kernel_by_the_textbook_convention():
    model = build_regression_mlp(4, seed=0, l2=0.01, depth=2)
    kernels = [keras.ops.convert_to_numpy(layer.kernel) for layer in model.layers
               if hasattr(layer, "kernel")]
    assert len(kernels) == 3
    model(np.zeros((1, 4), "float32"))
    penalty = sum(float(keras.ops.convert_to_numpy(loss)) for loss in model.losses)
    assert penalty == pytest.approx(0.5 * 0.01 * sum(float((k ** 2).sum()) for k in kernels),
                                    rel=1e-5)
    assert not build_regression_mlp(4, seed=0, depth=2).losses


@pytest.mark.parametrize("options", [{}, {"dropout": 0.5}, {"dropconnect": 0.5},
                                     {"dropout": 0.5, "batchnorm": True, "l2": 0.1}])
def test_weights_and_masks_come_from_the_seed_alone(options):
    """In a Dask worker other threads draw from Python's global `random`
    while a job builds and trains its network: nothing here reads it."""
    x = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")

    def built(seed):
        model = build_regression_mlp(4, seed, **options)
        weights = [keras.ops.convert_to_numpy(w) for w in model.weights]
        return weights, keras.ops.convert_to_numpy(model(x, training=True))

    random.seed(0)
    first, out = built(3)
    random.random()  # another thread's draw
    again, out_again = built(3)
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(out, out_again)
    assert not np.allclose(first[0], built(4)[0][0])  # the seed draws them


def test_dtype_runs_every_layer_in_it():
    model = build_regression_mlp(4, seed=0, dtype="float64", batchnorm=True, dropout=0.1)
    assert {w.dtype for w in model.weights} == {"float64"}
    assert keras.ops.convert_to_numpy(model(np.ones((2, 4)))).dtype == np.float64
