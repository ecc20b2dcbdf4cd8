import keras
import numpy as np

from kreg.layers.weight_norm.formulas import data_init_values, weight_norm


def to_np(x):
    return keras.ops.convert_to_numpy(x)


def test_weight_norm_per_unit_matches_numpy(rng):
    v = rng.normal(size=(3, 3, 2, 5)).astype("float32")
    g = rng.normal(size=5).astype("float32")
    w = to_np(weight_norm(v, g, axis=(0, 1, 2)))
    norms = np.sqrt((v**2).sum(axis=(0, 1, 2)))
    np.testing.assert_allclose(w, g * v / norms, rtol=1e-5, atol=1e-7)


def test_weight_norm_whole_matrix_without_scale(rng):
    v = rng.normal(size=(4, 6)).astype("float32")
    w = to_np(weight_norm(v, axis=None))
    np.testing.assert_allclose(w, v / np.linalg.norm(v), rtol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(w), 1.0, rtol=1e-6)


def test_weight_norm_epsilon_bounds_the_squared_norm():
    v = np.zeros((3, 2), "float32")
    np.testing.assert_array_equal(to_np(weight_norm(v, axis=0)), v)
    tiny = np.full((1, 1), 1e-4, "float32")
    # squared norm 1e-8 < epsilon=1e-2: divided by sqrt(1e-2) = 0.1.
    np.testing.assert_allclose(
        to_np(weight_norm(tiny, axis=0, epsilon=1e-2)), [[1e-3]], rtol=1e-5
    )


def test_weight_norm_float16_does_not_overflow():
    # The squared norm (4 * 300**2 = 360000) overflows float16.
    v = np.full((4, 2), 300.0, "float16")
    w = weight_norm(v, axis=0)
    assert keras.backend.standardize_dtype(w.dtype) == "float16"
    np.testing.assert_allclose(to_np(w).astype("float32"), 0.5, rtol=1e-3)


def test_data_init_values_standardize(rng):
    t = rng.normal(4.0, 3.0, size=(50, 7, 3)).astype("float32")
    g, b = (to_np(a) for a in data_init_values(t, axis=(0, 1)))
    standardized = (g * t + b).reshape(-1, 3)
    np.testing.assert_allclose(standardized.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(standardized.var(axis=0), 1.0, atol=1e-4)
