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
