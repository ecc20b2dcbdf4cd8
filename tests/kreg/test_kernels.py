"""`kreg.kernels`: one definition of a model's kernels and their unit axes,
used by every helper; nothing is skipped silently."""

import warnings

import keras
import numpy as np
import pytest

from kreg import kernels
from kreg.callbacks import DenseSparseDense
from kreg.constraints import apply_max_norm
from kreg.layers import (
    BayesianDense,
    DropConnectDense,
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
    (L.Conv3D(4, 2), (None, 4, 4, 4, 3), {"kernel": (4,)}),
    (L.Conv3DTranspose(4, 2), (None, 4, 4, 4, 3), {"kernel": (3,)}),
    (L.DepthwiseConv1D(3), (None, 8, 3), {"kernel": (1, 2)}),
    (L.SeparableConv1D(4, 3), (None, 8, 3),
     {"depthwise_kernel": (1, 2), "pointwise_kernel": (2,)}),
    (L.ConvLSTM2D(2, 3), (None, 3, 6, 6, 2),
     {"kernel": (3,), "recurrent_kernel": (3,)}),
    (L.TimeDistributed(L.Dense(4)), (None, 5, 3), {"kernel": (1,)}),
])
def test_unit_axes_of_every_kernel_layer(layer, shape, expected):
    layer.build(shape)
    found = {k.variable.name: k.unit_axes for k in kernels.model_kernels(layer)}
    assert found == expected


def test_each_variable_once_through_wrappers_and_cells():
    model = keras.Sequential([
        keras.Input((5, 3)),
        L.Bidirectional(L.GRU(4, return_sequences=True), name="bi"),
        L.TimeDistributed(L.Dense(2), name="td"),
    ])
    found = [k.path.split("/", 1)[1] for k in kernels.model_kernels(
        model, roles=(kernels.INPUT_KERNEL,))]
    assert sorted(found) == ["bi/backward_gru/gru_cell/kernel",
                             "bi/forward_gru/gru_cell/kernel", "td/dense/kernel"]
    paths = [k.path for k in kernels.model_kernels(model)]
    assert len(paths) == len(set(paths)) == 5
    assert kernels.unhandled_layers(model) == ([], [])


def test_kreg_layers_declare_their_kernels():
    model = keras.Sequential([
        keras.Input((6,)),
        BayesianDense(5, name="gauss"),
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
        BayesianDense(3, name="gauss"),
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


class Linear(L.Layer):
    """A custom layer whose matrix is not named like a kernel."""

    def build(self, shape):
        self.w = self.add_weight(shape=(shape[-1], 2), name="w")
        self.b = self.add_weight(shape=(2,), name="b")

    def call(self, x):
        return keras.ops.matmul(x, self.w) + self.b


class DeclaresNone(Linear):
    """The same layer, saying that it has no kernel for kreg."""

    def kreg_kernels(self):
        return []


class NoAttribute(Linear):
    """Declares its matrix as a kernel but has no attribute to hold a
    regularizer or a constraint for it."""

    def kreg_kernels(self):
        return [kernels.kernel(self, "w", (-1,))]


def test_unknown_kernels_are_named_not_skipped_silently():
    model = keras.Sequential([keras.Input((4,)), L.Dense(3), Opaque()])
    assert kernels.unhandled_layers(model) == (
        [model.layers[1].kernel.path], [])
    with pytest.warns(UserWarning, match=r"apply_regularizer leaves alone "
                      r"\['.*opaque.*/kernel'\]"):
        apply_regularizer(model, L2(0.1))
    assert len(model.losses) == 1


def test_a_matrix_of_a_custom_layer_is_named_unless_declared():
    model = keras.Sequential([keras.Input((4,)), Linear(name="lin")], name="s")
    assert kernels.unhandled_layers(model) == (["s/lin/w"], [])
    with pytest.warns(UserWarning, match=r"apply_max_norm leaves alone "
                      r"\['s/lin/w'\]"):
        apply_max_norm(model, 2.0)
    assert model.layers[0].w.constraint is None
    declared = keras.Sequential([keras.Input((4,)), DeclaresNone()])
    assert kernels.unhandled_layers(declared) == ([], [])


def test_declared_kernels_are_the_whole_truth_about_a_layer():
    """The Gaussian layer's log-scale is named like a kernel but is not
    one: the layer's declaration says so, and nothing warns."""
    model = keras.Sequential([keras.Input((4,)), BayesianDense(
        3, scale_parameterization="exp", name="gauss")])
    names = [v.name for v in model.trainable_weights]
    assert "kernel_log_scale" in names or "kernel_scale" in names
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert kernels.unhandled_layers(model) == ([], [])
        apply_regularizer(model, L2(0.1))
    assert len(model.losses) == 1


def test_lora_adapters_of_a_dense_are_named():
    model = keras.Sequential([keras.Input((4,)), L.Dense(3, name="d")], name="s")
    model.layers[0].enable_lora(2)
    found = kernels.model_kernels(model)
    assert [k.path for k in found] == ["s/d/kernel"]  # the frozen base kernel
    assert kernels.unhandled_layers(model)[0] == ["s/d/lora_kernel_a",
                                                  "s/d/lora_kernel_b"]


def test_missing_attribute_raises_before_anything_changes():
    model = keras.Sequential([keras.Input((4,)), L.Dense(3, name="d"),
                              NoAttribute(name="odd")])
    for helper in (lambda: apply_regularizer(model, L2(0.1)),
                   lambda: apply_max_norm(model, 2.0)):
        with pytest.raises(ValueError, match=r"'odd' \(NoAttribute\) has no "
                           r"`\*_(regularizer|constraint)` attribute"):
            helper()
    assert model.layers[0].kernel.regularizer is None
    assert model.layers[0].kernel.constraint is None
    assert model.losses == []


# name: (layer factory, input shape)
UNBUILT = {
    "dense": (lambda: L.Dense(4), (None, 3)),
    "conv1d": (lambda: L.Conv1D(4, 3), (None, 8, 3)),
    "conv3d_transpose": (lambda: L.Conv3DTranspose(4, 2), (None, 4, 4, 4, 3)),
    "depthwise_conv1d": (lambda: L.DepthwiseConv1D(3, depth_multiplier=2),
                         (None, 8, 3)),
    "separable_conv2d": (lambda: L.SeparableConv2D(4, 3), (None, 8, 8, 3)),
    "einsum_dense": (lambda: L.EinsumDense("abc,cde->abde", (None, 4, 5)),
                     (None, 2, 3)),
    "embedding": (lambda: L.Embedding(10, 5), (None, 7)),
    "gru": (lambda: L.GRU(4), (None, 3, 2)),
    "conv_lstm1d": (lambda: L.ConvLSTM1D(2, 3), (None, 3, 6, 2)),
}


@pytest.mark.parametrize("equation, subscripts, unit_axes", [
    ("ab,bc->ac", ("ab", "bc", "ac"), (1,)),
    ("...b,bc->...c", ("...b", "bc", "...c"), (1,)),
    ("abc,cde->abde", ("abc", "cde", "abde"), (1, 2)),
    ("abcd,cde->abe", ("abcd", "cde", "abe"), (2,)),
])
def test_einsum_equation_is_parsed_once(equation, subscripts, unit_axes):
    assert kernels.einsum_subscripts(equation) == subscripts
    assert kernels.einsum_unit_axes(equation) == unit_axes


@pytest.mark.parametrize("name", sorted(UNBUILT))
def test_planned_kernels_match_the_built_ones(name):
    factory, shape = UNBUILT[name]
    layer = factory()
    planned = [(k.path, k.role, k.norm_axes, k.regularizer_attribute)
               for k in kernels.unbuilt_kernels(layer)]
    assert planned, "a built-in kernel layer has planned kernels"
    assert kernels.model_kernels(layer) == []
    layer.build(shape)
    assert kernels.unbuilt_kernels(layer) == []
    built = [(f"{k.layer.name}/{k.variable.name}", k.role, k.norm_axes,
              k.regularizer_attribute) for k in kernels.model_kernels(layer)]
    assert planned == built


def test_unbuilt_layers_of_every_kind():
    """Keras layers get their attributes (depthwise ones included) before
    `build`; kreg's own layers cannot be seen yet and are named."""
    model = keras.Sequential([
        L.DepthwiseConv2D(3, name="dw"),
        L.Conv2DTranspose(2, 3, name="up"),
        L.Flatten(),
        BayesianDense(3, name="gauss"),
    ])
    with pytest.warns(UserWarning, match=r"leaves alone the layers \['gauss'\]"
                      r": they are not built"):
        paths = apply_regularizer(model, L2(0.1))
    assert paths == ["dw/kernel", "up/kernel"]
    with pytest.warns(UserWarning, match="not built"):
        axes = apply_max_norm(model, 2.0)
    assert axes == {"dw/kernel": [0, 1], "up/kernel": [0, 1, 3]}
    model.build((None, 8, 8, 3))
    dw, up = model.get_layer("dw"), model.get_layer("up")
    assert dw.kernel.regularizer is dw.depthwise_regularizer is not None
    assert up.kernel.constraint.axis == (0, 1, 3)
    assert len(model.losses) == 2  # the Gaussian layer was left alone
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # built now: nothing left alone
        assert len(apply_regularizer(model, L2(0.1))) == 3


def test_dense_sparse_dense_prunes_kreg_kernels():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((6,)),
        WeightNormDense(8, name="wn"),
        BayesianDense(3, name="gauss"),
    ])
    model.compile(keras.optimizers.SGD(0.01), "mse")
    x = np.random.default_rng(0).normal(size=(32, 6)).astype("float32")
    dsd = DenseSparseDense(0, 1, 0, sparsity=0.5)
    model.fit(x, np.zeros((32, 3)), epochs=1, verbose=0, callbacks=[dsd])
    sparsity = dsd.phase_log[0]["layer_sparsity"]
    assert sorted(p.split("/")[-1] for p in sparsity) == ["kernel_mean", "kernel_v"]
    assert all(value == 0.5 for value in sparsity.values())


def test_dense_sparse_dense_names_what_it_cannot_prune():
    model = keras.Sequential([keras.Input((4,)), L.Dense(3), Opaque()])
    model.compile(keras.optimizers.SGD(0.01), "mse")
    dsd = DenseSparseDense(0, 1, 0, sparsity=0.5)
    with pytest.warns(UserWarning, match=r"DenseSparseDense leaves alone "
                      r"\['.*opaque.*/kernel'\]"):
        model.fit(np.ones((8, 4)), np.zeros((8, 2)), epochs=1, verbose=0,
                  callbacks=[dsd])
    assert list(dsd.phase_log[0]["layer_sparsity"]) == [
        model.layers[0].kernel.path]
