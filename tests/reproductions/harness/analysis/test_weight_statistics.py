import keras
import numpy as np
import pytest

from harness.analysis.weight_statistics import (
    kernels,
    max_unit_norm,
    near_zero_fraction,
    unit_norms,
    weight_summary,
)


def small_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="a"),
                              keras.layers.Dense(1, name="b")])
    model.get_layer("a").set_weights([np.array([[3.0, 0.0], [4.0, 1e-4], [0.0, 1.0]]),
                                      np.zeros(2)])
    model.get_layer("b").set_weights([np.array([[0.5], [-0.5]]), np.ones(1)])
    return model


def test_kernels_lists_every_kernel_without_biases():
    found = kernels(small_model())
    assert [path.split("/")[-2:] for path in found] == [["a", "kernel"], ["b", "kernel"]]
    assert found[next(iter(found))].shape == (3, 2)


def test_near_zero_fraction_counts_within_tolerance():
    assert near_zero_fraction([0.0, 1e-3, -1e-3, 2e-3], atol=1e-3) == 0.75
    assert np.isnan(near_zero_fraction([]))


def test_unit_norms_per_output_unit_for_dense_and_conv():
    np.testing.assert_allclose(unit_norms([[3.0, 0.0], [4.0, 1.0]]), [5.0, 1.0])
    conv = np.ones((3, 3, 2, 4))
    np.testing.assert_allclose(unit_norms(conv), np.full(4, np.sqrt(18)))
    with pytest.raises(ValueError, match="rank >= 2"):
        unit_norms(np.ones(3))


def test_max_unit_norm_and_summary():
    model = small_model()
    assert max_unit_norm(model) == pytest.approx(5.0)
    summary = weight_summary(model)
    assert summary["max_unit_norm"] == pytest.approx(5.0)
    assert summary["near_zero_fraction"] == pytest.approx(3 / 8)
    assert summary["max_abs"] == pytest.approx(4.0)


def test_max_unit_norm_reports_divergence():
    model = small_model()
    model.get_layer("b").kernel.assign(np.array([[np.inf], [0.0]], "float32"))
    assert max_unit_norm(model) == np.inf


def test_unit_norms_on_each_kernels_true_output_axes():
    """A transposed convolution's kernel is (*window, filters, in): its
    units are on the second-to-last axis, not the last."""
    model = keras.Sequential([keras.Input((4, 4, 2)),
                              keras.layers.Conv2DTranspose(3, 2, name="up")])
    kernel = np.zeros((2, 2, 3, 2), "float32")  # (rows, cols, filters, in)
    kernel[:, :, 0, :] = 1.0  # filter 0: 8 ones, norm sqrt(8)
    model.get_layer("up").kernel.assign(kernel)
    assert max_unit_norm(model) == pytest.approx(np.sqrt(8))
    # The rank guess (units last) takes one norm per input channel instead.
    np.testing.assert_allclose(unit_norms(kernel), [2.0, 2.0])


def test_kreg_layers_kernels_are_included():
    from kreg.layers import BayesianDense, WeightNormDense

    model = keras.Sequential([
        keras.Input((3,)),
        WeightNormDense(4, name="wn"),
        BayesianDense(2, name="gauss"),
    ])
    found = kernels(model)
    assert [path.split("/")[-1] for path in found] == ["kernel_v", "kernel_mean"]
    np.testing.assert_array_equal(
        found[model.get_layer("gauss").kernel_mean.path],
        keras.ops.convert_to_numpy(model.get_layer("gauss").kernel_mean))
