import keras
import numpy as np
import pytest

from harness.analysis.parameter_change import (
    all_parameters,
    interquartile_range,
    kernel_mask,
    parameter_change,
)


def test_all_parameters_and_kernel_mask_line_up():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2),
                              keras.layers.Dense(1)])
    values = all_parameters(model)
    mask = kernel_mask(model)
    assert values.shape == mask.shape == (3 * 2 + 2 + 2 * 1 + 1,)
    assert mask.sum() == 8 and not mask[6:8].any()  # the first layer's biases
    np.testing.assert_array_equal(values[mask][:6], model.layers[0].kernel.numpy().ravel())


def test_interquartile_range_ignores_a_few_large_values():
    values = np.r_[np.linspace(-1, 1, 101), 1e6]
    assert interquartile_range(values) == pytest.approx(1.0, abs=0.03)


def test_parameter_change_of_a_shrunk_and_a_kept_distribution():
    rng = np.random.default_rng(0)
    before = rng.uniform(-0.3, 0.3, 5000)
    kept = parameter_change(before, before.copy(), 1e-3)
    assert kept["param_ks_to_init"] == 0 and kept["param_fraction_moved"] == 0
    assert kept["param_abs_max_before"] == pytest.approx(0.3, abs=1e-3)
    assert np.isnan(kept["kernel_std_after"])
    after = before * 1e-4
    after[:50] = 1.0  # a few grow beyond the initial range
    kernels = np.arange(5000) < 4000
    shrunk = parameter_change(before, after, 1e-3, kernels)
    assert shrunk["param_ks_to_init"] == pytest.approx(0.5, abs=0.02)  # CDF jumps at 0
    assert shrunk["param_fraction_outside_init"] == pytest.approx(0.01)
    assert shrunk["param_fraction_near_zero"] == pytest.approx(0.99)
    assert shrunk["kernel_iqr_after"] == pytest.approx(
        interquartile_range(after[kernels]))
