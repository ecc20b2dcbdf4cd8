"""`apply_max_norm`: each layer's units bounded on their true output axes,
after a training step at a learning rate that makes the unconstrained model
diverge."""

import keras
import numpy as np
import pytest

from kreg.constraints import MaxNorm, apply_max_norm
from kreg.kernels import model_kernels

L = keras.layers
BOUND = 2.0


# name: (layer factory, input shape, dtype, norm axes of its kernel(s))
CASES = {
    "dense": (lambda: L.Dense(4), (6,), "float32", [(0,)]),
    "conv1d": (lambda: L.Conv1D(4, 3), (7, 2), "float32", [(0, 1)]),
    "conv2d": (lambda: L.Conv2D(4, 3), (6, 6, 2), "float32", [(0, 1, 2)]),
    "conv3d": (lambda: L.Conv3D(2, 2), (3, 3, 3, 2), "float32", [(0, 1, 2, 3)]),
    "conv1d_transpose": (lambda: L.Conv1DTranspose(4, 3), (5, 2), "float32",
                         [(0, 2)]),
    "conv2d_transpose": (lambda: L.Conv2DTranspose(4, 3), (5, 5, 2), "float32",
                         [(0, 1, 3)]),
    "conv3d_transpose": (lambda: L.Conv3DTranspose(2, 2), (3, 3, 3, 2), "float32",
                         [(0, 1, 2, 4)]),
    "depthwise_conv1d": (lambda: L.DepthwiseConv1D(3, depth_multiplier=2),
                         (7, 2), "float32", [(0,)]),
    "depthwise_conv2d": (lambda: L.DepthwiseConv2D(3, depth_multiplier=2),
                         (6, 6, 2), "float32", [(0, 1)]),
    "separable_conv1d": (lambda: L.SeparableConv1D(4, 3), (7, 2), "float32",
                         [(0,), (0, 1)]),
    "separable_conv2d": (lambda: L.SeparableConv2D(4, 3), (6, 6, 2), "float32",
                         [(0, 1), (0, 1, 2)]),
    "einsum_dense": (lambda: L.EinsumDense("abc,cde->abde", (4, 3, 2)),
                     (4, 5), "float32", [(0,)]),
    "embedding": (lambda: L.Embedding(20, 6), (5,), "int32", [(1,)]),
}


def model_for(name, constrained):
    factory, shape, dtype, _ = CASES[name]
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape, dtype=dtype), factory(),
                              L.Flatten(), L.Dense(1)])
    if constrained:
        apply_max_norm(model, BOUND)
    model.compile(keras.optimizers.SGD(1e3), "mse")
    return model


def unit_norms(model):
    found = []
    for kernel in model_kernels(model)[:-1]:  # all but the head's Dense
        value = keras.ops.convert_to_numpy(kernel.variable)
        found.append(np.sqrt((value ** 2).sum(axis=kernel.norm_axes)))
    return found


@pytest.mark.parametrize("name", sorted(CASES))
def test_norms_bounded_on_the_true_output_axes(name):
    _, shape, dtype, norm_axes = CASES[name]
    rng = np.random.default_rng(0)
    if dtype == "int32":
        x = rng.integers(0, 20, (16,) + shape).astype("int32")
    else:
        x = rng.normal(size=(16,) + shape).astype("float32") * 10
    y = rng.normal(size=(16, 1)).astype("float32") * 100
    free, bounded = model_for(name, False), model_for(name, True)
    assert [tuple(k.norm_axes) for k in model_kernels(bounded)[:-1]] == norm_axes
    for model in (free, bounded):
        model.train_on_batch(x, y)
    for norms in unit_norms(free):  # every kernel diverges unconstrained
        assert norms.max() > 10 * BOUND
    for norms in unit_norms(bounded):
        assert norms.max() <= BOUND * (1 + 1e-5)


def test_layer_attributes_in_sync_and_saved(keras_roundtrip):
    model = model_for("depthwise_conv2d", True)
    layer = model.layers[0]
    assert isinstance(layer.depthwise_constraint, MaxNorm)
    assert layer.depthwise_constraint.axis == (0, 1)
    loaded = keras_roundtrip(model)
    assert loaded.layers[0].depthwise_constraint.get_config() == \
        layer.depthwise_constraint.get_config()


def test_rank_guess_is_wrong_for_a_transposed_kernel():
    """Why the model-level function exists: MaxNorm(axis=None) on a
    transposed kernel bounds the wrong vectors."""
    kernel = np.ones((3, 3, 4, 2), "float32")  # (*window, filters, in)
    kernel[:, :, 0] *= 10  # one large filter
    guessed = keras.ops.convert_to_numpy(MaxNorm(1.0)(kernel))
    per_filter = np.sqrt((guessed ** 2).sum(axis=(0, 1, 3)))
    assert per_filter.max() > 1.0


def data(name, n=16):
    _, shape, dtype, _ = CASES[name]
    rng = np.random.default_rng(0)
    if dtype == "int32":
        x = rng.integers(0, 20, (n,) + shape).astype("int32")
    else:
        x = rng.normal(size=(n,) + shape).astype("float32") * 10
    return x, rng.normal(size=(n, 1)).astype("float32") * 100


def test_applied_between_two_fits():
    """The traced train step of the first `fit` is dropped, so the second
    one applies the new constraint."""
    model = model_for("conv2d_transpose", False)
    x, y = data("conv2d_transpose")
    model.fit(x, y, epochs=1, verbose=0)
    assert max(n.max() for n in unit_norms(model)) > 10 * BOUND
    apply_max_norm(model, BOUND)
    model.fit(x, y, epochs=1, verbose=0)
    for norms in unit_norms(model):
        assert norms.max() <= BOUND * (1 + 1e-5)


def test_mixed_precision(mixed_precision):
    x, y = data("depthwise_conv2d")
    free, bounded = (model_for("depthwise_conv2d", c) for c in (False, True))
    for model in (free, bounded):
        # A loss scale of 1 keeps the large float16 gradients finite.
        model.compile(keras.optimizers.LossScaleOptimizer(
            keras.optimizers.SGD(10.0), initial_scale=1.0), "mse")
        model.train_on_batch(x, y / 100)
        assert keras.backend.standardize_dtype(
            model.layers[0].kernel.dtype) == "float32"
    assert max(n.max() for n in unit_norms(free)) > BOUND
    for norms in unit_norms(bounded):
        assert np.isfinite(norms).all()
        assert norms.max() <= BOUND * (1 + 1e-5)


def test_argument_errors():
    model = model_for("dense", False)
    with pytest.raises(ValueError, match=r"argument `max_value`.*Received: "
                       r"max_value=0"):
        apply_max_norm(model, 0)
    with pytest.raises(ValueError, match=r"argument `model`.*Received: model=3"):
        apply_max_norm(3, BOUND)
