"""Checks shared by the two Gaussian-posterior layers' tests
(`BayesianDense`, `GaussianFunctionDense`): both build their mean and bias
through `kreg.layers.gaussian_posterior`, so both must behave alike."""

import keras
import numpy as np

_np = keras.ops.convert_to_numpy


def check_penalties_and_constraints_on_mean_and_bias(layer_class, scale_name,
                                                     input_dim, **kwargs):
    """The mean's and the bias's regularizers give their penalties (L2 0.1
    on the mean, L1 0.2 on a bias of 1, -2, 3) and their constraints are
    attached; the scale variable `scale_name` has no constraint."""
    layer = layer_class(
        3, mean_regularizer=keras.regularizers.L2(0.1),
        bias_regularizer=keras.regularizers.L1(0.2),
        mean_constraint=keras.constraints.NonNeg(),
        bias_constraint=keras.constraints.NonNeg(), **kwargs)
    layer.build((None, input_dim))
    layer.bias.assign(np.array([1.0, -2.0, 3.0], dtype="float32"))
    mu = _np(layer.kernel_mean)
    layer(np.ones((1, input_dim), dtype="float32"))
    losses = sorted(float(_np(v)) for v in layer.losses)
    expected = sorted([0.1 * float((mu**2).sum()), 0.2 * 6.0])
    np.testing.assert_allclose(losses, expected, rtol=1e-5)
    assert layer.kernel_mean.constraint is layer.mean_constraint
    assert layer.bias.constraint is layer.bias_constraint
    assert getattr(layer, scale_name).constraint is None
