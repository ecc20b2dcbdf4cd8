import keras
import numpy as np
import pytest

from harness.models.lenet5 import build_lenet5


def test_lenet5_shape_and_dropout_layers():
    model = build_lenet5()
    assert model.output_shape == (None, 10)
    assert model.count_params() == 61706
    assert not any(isinstance(layer, keras.layers.Dropout) for layer in model.layers)
    with_dropout = build_lenet5(dropout_rate=0.5, seed=0)
    assert [layer.name for layer in with_dropout.layers
            if isinstance(layer, keras.layers.Dropout)] == ["dropout_f5", "dropout_f6"]
    x = np.random.default_rng(0).uniform(size=(2, 784)).astype("float32")
    np.testing.assert_array_equal(with_dropout(x), with_dropout(x))


def test_augmentation_runs_before_c1_and_only_in_training():
    model = build_lenet5(augmentation=[keras.layers.RandomTranslation(0.2, 0.2, seed=0)])
    assert model.layers[1].name.startswith("random_translation")
    x = np.random.default_rng(0).uniform(size=(2, 784)).astype("float32")
    inference = model(x, training=False)
    np.testing.assert_array_equal(model(x, training=False), inference)
    assert not np.allclose(model(x, training=True), inference)


def test_rejects_bad_rate():
    with pytest.raises(ValueError, match="dropout_rate"):
        build_lenet5(dropout_rate=1.0)
