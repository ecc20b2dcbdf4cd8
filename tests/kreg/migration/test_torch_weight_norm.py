"""Porting `torch.nn.utils.parametrizations.weight_norm` to kreg.

For `Linear`, `Conv1d`, `Conv2d` and `ConvTranspose1d`, PyTorch's
parametrization with `dim=0` (its default), `dim=1` and `dim=None` (one norm
over the whole weight) is compared with `kreg.layers.WeightNormalization`
and the matching `scale_axes`, after moving `v` and `g` from PyTorch's weight
layout to Keras's kernel layout:

| PyTorch layer | weight | Keras kernel |
|---|---|---|
| `Linear` | `(out, in)` | `(in, out)` |
| `ConvNd` | `(out, in, *window)` | `(*window, in, out)` |
| `ConvTransposeNd` | `(in, out, *window)` | `(*window, out, in)` |

so PyTorch's `dim=0` is kreg's `scale_axes=-1` and `dim=1` is
`scale_axes=-2` for all of them (for a transposed convolution `dim=0` is the
input channels), and `dim=None` is `scale_axes=None`.
"""

import keras
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from kreg.layers import WeightNormalization  # noqa: E402

L = keras.layers

# PyTorch's `dim` -> kreg's `scale_axes`.
SCALE_AXES = {0: -1, 1: -2, None: None}

# name: (PyTorch module, Keras layer, input shape in Keras's layout,
#        axes moving a Keras input to PyTorch's channels-first layout)
LAYERS = {
    "linear": (lambda: torch.nn.Linear(5, 3),
               lambda: L.Dense(3), (4, 5), None),
    "conv1d": (lambda: torch.nn.Conv1d(3, 4, 3),
               lambda: L.Conv1D(4, 3), (2, 9, 3), (0, 2, 1)),
    "conv2d": (lambda: torch.nn.Conv2d(3, 4, (3, 2)),
               lambda: L.Conv2D(4, (3, 2)), (2, 6, 5, 3), (0, 3, 1, 2)),
    "conv_transpose1d": (lambda: torch.nn.ConvTranspose1d(3, 4, 3, stride=2),
                         lambda: L.Conv1DTranspose(4, 3, strides=2),
                         (2, 6, 3), (0, 2, 1)),
}


def to_np(x):
    return keras.ops.convert_to_numpy(x)


def keras_layout(weight):
    """A PyTorch weight in Keras's kernel layout (see the module's table)."""
    weight = np.asarray(weight)
    if weight.ndim == 2:
        return weight.T
    window = tuple(range(2, weight.ndim))
    return weight.transpose(window + (1, 0))


def torch_input(x, axes):
    return torch.from_numpy(x if axes is None else x.transpose(axes).copy())


def keras_output(y, axes):
    y = y.detach().numpy()
    return y if axes is None else y.transpose(np.argsort(axes))


def pair(name, dim, rng):
    """A PyTorch module with `weight_norm(dim=dim)` and random `g`, `v` and
    bias, and the kreg wrapper holding the same values."""
    torch_factory, keras_factory, shape, _ = LAYERS[name]
    torch.manual_seed(0)
    module = torch.nn.utils.parametrizations.weight_norm(torch_factory(),
                                                         dim=dim)
    params = module.parametrizations.weight
    with torch.no_grad():
        params.original0.copy_(torch.from_numpy(
            rng.uniform(-2.0, 2.0, size=params.original0.shape).astype(
                "float32")))
        params.original1.copy_(torch.from_numpy(
            rng.normal(size=params.original1.shape).astype("float32")))
        module.bias.copy_(torch.from_numpy(
            rng.normal(size=module.bias.shape).astype("float32")))
    layer = WeightNormalization(keras_factory(), scale_axes=SCALE_AXES[dim])
    layer.build(shape)
    layer.kernel_v.assign(keras_layout(params.original1.detach()))
    g = params.original0.detach().numpy()
    layer.g.assign(g.reshape(layer.g.shape))
    layer.layer.bias.assign(module.bias.detach().numpy())
    return module, layer


@pytest.mark.parametrize("dim", [0, 1, None])
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_same_kernel_and_outputs_as_pytorch(name, dim, rng):
    module, layer = pair(name, dim, rng)
    # g has one entry per index of PyTorch's `dim` (a scalar for None).
    expected_g = 1 if dim is None else module.weight.shape[dim]
    assert int(np.prod(layer.g.shape)) == expected_g
    np.testing.assert_allclose(to_np(layer.kernel),
                               keras_layout(module.weight.detach()),
                               rtol=1e-5, atol=1e-6)
    _, _, shape, axes = LAYERS[name]
    x = rng.normal(size=shape).astype("float32")
    with torch.no_grad():
        expected = keras_output(module(torch_input(x, axes)), axes)
    y = to_np(layer(x))
    assert y.shape == expected.shape
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)
    # The folded layer computes it too.
    np.testing.assert_allclose(to_np(layer.remove()(x)), expected, rtol=1e-5,
                               atol=1e-5)


@pytest.mark.parametrize("dim", [0, 1, None])
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_g_starts_at_the_norm_of_the_weight_as_in_pytorch(name, dim):
    torch_factory, keras_factory, shape, _ = LAYERS[name]
    torch.manual_seed(1)
    plain = torch_factory()
    weight = plain.weight.detach().numpy().copy()
    module = torch.nn.utils.parametrizations.weight_norm(plain, dim=dim)
    inner = keras_factory()
    inner.build(shape)
    inner.kernel.assign(keras_layout(weight))
    layer = WeightNormalization(inner, scale_axes=SCALE_AXES[dim])
    layer.build(shape)
    torch_g = module.parametrizations.weight.original0.detach().numpy()
    np.testing.assert_allclose(to_np(layer.g).ravel(), torch_g.ravel(),
                               rtol=1e-5)
    # Both start as the unnormalized layer.
    np.testing.assert_allclose(to_np(layer.kernel), keras_layout(weight),
                               rtol=1e-5, atol=1e-7)


def test_pytorch_dim_minus_one_is_the_whole_tensor(rng):
    # PyTorch's `dim=-1` is not the last axis: like `dim=None`, it takes one
    # norm over the whole weight (kreg's `scale_axes=None`).
    torch.manual_seed(0)
    module = torch.nn.utils.parametrizations.weight_norm(
        torch.nn.Linear(5, 3), dim=-1)
    assert module.parametrizations.weight.original0.numel() == 1
    layer = WeightNormalization(L.Dense(3), scale_axes=None)
    layer.build((4, 5))
    layer.kernel_v.assign(keras_layout(
        module.parametrizations.weight.original1.detach()))
    layer.g.assign(module.parametrizations.weight.original0.detach().numpy()
                   .reshape(()) * 0.5)
    with torch.no_grad():
        module.parametrizations.weight.original0.mul_(0.5)
    np.testing.assert_allclose(to_np(layer.kernel),
                               keras_layout(module.weight.detach()),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dim", [0, 1])
def test_gradients_match_pytorch(dim, rng):
    # One SGD step on the same loss moves v and g the same way.
    module, layer = pair("conv_transpose1d", dim, rng)
    _, _, shape, axes = LAYERS["conv_transpose1d"]
    x = rng.normal(size=shape).astype("float32")
    loss = module(torch_input(x, axes)).square().sum()
    loss.backward()
    params = module.parametrizations.weight
    torch_grad_v = keras_layout(params.original1.grad)
    torch_grad_g = params.original0.grad.numpy().reshape(layer.g.shape)
    model = keras.Sequential([keras.Input(shape[1:]), layer])
    before = to_np(layer.kernel_v).copy(), to_np(layer.g).copy()
    model.compile(keras.optimizers.SGD(1e-3), loss=lambda y, p: (
        keras.ops.sum(keras.ops.square(p))))
    model.train_on_batch(x, np.zeros(model.output_shape[1:], "float32")[None]
                         .repeat(shape[0], axis=0))
    grad_v = (before[0] - to_np(layer.kernel_v)) / 1e-3
    grad_g = (before[1] - to_np(layer.g)) / 1e-3
    scale = np.abs(torch_grad_v).max()
    np.testing.assert_allclose(grad_v, torch_grad_v, atol=2e-3 * scale)
    np.testing.assert_allclose(grad_g, torch_grad_g,
                               atol=2e-3 * np.abs(torch_grad_g).max())
