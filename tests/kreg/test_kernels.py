"""`kreg.kernels`: one definition of a model's kernels and their unit axes,
used by every helper; nothing is skipped silently."""

import keras
import numpy as np
import pytest

from kreg import kernels
from kreg.callbacks import DenseSparseDense
from kreg.layers import (
    DropConnectDense,
    GaussianWeightDense,
    WeightNormalization,
    WeightNormDense,
)
from kreg.regularizers import L2, apply_regularizer

L = keras.layers


@pytest.mark.parametrize("layer, shape, expected", [
    (L.Dense(4), (None, 3), {"kernel": (1,)}),
    (L.Conv2D(4, 3), (None, 8, 8, 3), {"kernel": (3,)}),
    (L.Conv2DTranspose(4, 3), (None, 8, 8, 3), {"kernel": (2,)}),
    (L.Conv1DTranspose(4, 3), (None, 8, 3), {"kernel": (1,)}),
    (L.DepthwiseConv2D(3), (None, 8, 8, 3), {"kernel": (2, 3)}),
    (L.SeparableConv2D(4, 3), (None, 8, 8, 3),
     {"depthwise_kernel": (2, 3), "pointwise_kernel": (3,)}),
    (L.EinsumDense("abc,cde->abde", (None, 4, 5)), (None, 2, 3), {"kernel": (1, 2)}),
    (L.Embedding(10, 5), (None, 7), {"embeddings": (0,)}),
    (L.LSTM(4), (None, 3, 2), {"kernel": (1,), "recurrent_kernel": (1,)}),
])
def test_unit_axes_of_every_kernel_layer(layer, shape, expected):
    layer.build(shape)
    found = {k.variable.name: k.unit_axes for k in kernels.model_kernels(layer)}
    assert found == expected


def test_kreg_layers_declare_their_kernels():
    model = keras.Sequential([
        keras.Input((6,)),
        GaussianWeightDense(5, mode="reparameterized", name="gauss"),
        WeightNormDense(4, name="wn"),
        WeightNormalization(L.Dense(3, name="inner"), name="wrap"),
        DropConnectDense(2, name="dc"),
    ])
    found = [(k.variable.path.split("/")[-1], k.regularizer_attribute)
             for k in kernels.model_kernels(model)]
    assert found == [("kernel_mean", "mean_regularizer"),
                     ("kernel_v", "kernel_regularizer"),
                     ("kernel", "kernel_regularizer"),  # the wrapped kernel, once
                     ("kernel", "kernel_regularizer")]


def test_apply_regularizer_reaches_every_kernel_layer():
    model = keras.Sequential([
        keras.Input((8, 8, 3)),
        L.DepthwiseConv2D(3, name="depthwise"),
        L.SeparableConv2D(4, 3, name="separable"),
        L.Flatten(),
        GaussianWeightDense(3, mode="reparameterized", name="gauss"),
    ])
    paths = apply_regularizer(model, L2(0.1))
    assert [p.split("/", 1)[1] for p in paths] == [
        "depthwise/kernel", "separable/depthwise_kernel",
        "separable/pointwise_kernel", "gauss/kernel_mean"]
    assert model.get_layer("depthwise").depthwise_regularizer is not None
    assert model.get_layer("gauss").mean_regularizer is not None
    assert len(model.losses) == 4


class Opaque(L.Layer):
    """A custom layer with a kernel nobody describes."""

    def build(self, shape):
        self.kernel = self.add_weight(shape=(shape[-1], 2), name="kernel")

    def call(self, x):
        return keras.ops.matmul(x, self.kernel)


def test_unknown_kernels_are_named_not_skipped_silently():
    model = keras.Sequential([keras.Input((4,)), L.Dense(3), Opaque()])
    assert kernels.unrecognized_kernels(model) == [model.layers[1].kernel.path]
    with pytest.warns(UserWarning, match=r"apply_regularizer leaves alone "
                      r"\['.*opaque.*/kernel'\]"):
        apply_regularizer(model, L2(0.1))
    assert len(model.losses) == 1


def test_dense_sparse_dense_prunes_kreg_kernels():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((6,)),
        WeightNormDense(8, name="wn"),
        GaussianWeightDense(3, mode="reparameterized", name="gauss"),
    ])
    model.compile(keras.optimizers.SGD(0.01), "mse")
    x = np.random.default_rng(0).normal(size=(32, 6)).astype("float32")
    dsd = DenseSparseDense(0, 1, 0, sparsity=0.5)
    model.fit(x, np.zeros((32, 3)), epochs=1, verbose=0, callbacks=[dsd])
    sparsity = dsd.phase_log[0]["layer_sparsity"]
    assert sorted(p.split("/")[-1] for p in sparsity) == ["kernel_mean", "kernel_v"]
    assert all(value == 0.5 for value in sparsity.values())
