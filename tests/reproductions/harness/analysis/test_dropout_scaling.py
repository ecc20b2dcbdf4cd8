import keras
import numpy as np
import pytest

from harness.analysis.dropout_scaling import layer_scaling, network_scaling
from kreg.layers import VanillaDropout

KEEP = 0.5


def network(middle):
    """4 -> 16 (ReLU) -> `middle` -> 3, the same weights every time."""
    keras.utils.set_random_seed(0)
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(16, activation="relu", name="hidden")(inputs)
    outputs = keras.layers.Dense(3, name="scores")(middle(hidden) if middle else hidden)
    return keras.Model(inputs, outputs)


def copy_of(model, middle):
    copy = network(middle)
    for name in ("hidden", "scores"):
        copy.get_layer(name).set_weights(model.get_layer(name).get_weights())
    return copy


@pytest.fixture(scope="module")
def x():
    return np.random.default_rng(0).normal(size=(64, 4)).astype("float32")


@pytest.mark.parametrize("kind", ["inverted", "vanilla"])
def test_each_kind_predicts_as_the_copy_that_scales_as_it_does(kind, x):
    layer = (keras.layers.Dropout(1 - KEEP, seed=1) if kind == "inverted"
             else VanillaDropout(1 - KEEP, seed=1))
    model = network(lambda h: layer(h))
    copies = {"free": copy_of(model, None),
              "scaled": copy_of(model, lambda h: keras.layers.Rescaling(KEEP)(h))}
    bare = (keras.layers.Dropout(1 - KEEP, seed=2) if kind == "inverted"
            else VanillaDropout(1 - KEEP, seed=2))
    hidden = np.abs(x[:, :2]) + 0.5
    check = network_scaling(model, x, copies, samples=400)
    assert set(check) == {"network_rms_gap", "free", "scaled"}
    check.update(layer_scaling(bare, hidden, samples=400))
    same, other = ("free", "scaled") if kind == "inverted" else ("scaled", "free")
    assert check[same] == pytest.approx(0, abs=1e-5)
    assert check[other] > 1e-2
    # The bare layer's mean over masks is its inference output, to Monte
    # Carlo noise: about sqrt((1 - p) / (p N)) relative.
    noise = np.sqrt((1 - KEEP) / (KEEP * 400))
    assert 0.7 * noise < check["layer_rms_gap"] < 1.3 * noise
    assert check["layer_mean_ratio_train_to_inference"] == pytest.approx(1, abs=0.02)
    assert check["layer"]["rms_gap"] == check["layer_rms_gap"]
    # Through ReLU and softmax the inference pass is no exact ensemble mean.
    assert check["network_rms_gap"] > 0


def test_scaling_checks_give_a_row_per_kind_in_the_table_order(x):
    from harness.analysis.dropout_scaling import scaling_checks
    hidden = np.abs(x[:, :3]) + 0.1
    table, layers = scaling_checks(
        {"vanilla": VanillaDropout(1 - KEEP, seed=0),
         "inverted": keras.layers.Dropout(1 - KEEP, seed=0)}, hidden, KEEP, 400,
        {"vanilla": {"test_accuracy": 0.9}, "inverted": {"test_accuracy": 0.8}},
        {"vanilla": {"network_rms_gap": 0.1}, "inverted": {"network_rms_gap": 0.2}})
    assert list(table["dropout"]) == ["vanilla", "inverted"] == list(layers)
    assert list(table.columns) == [
        "dropout", "test_accuracy", "layer_rms_gap", "expected_rms_noise",
        "layer_mean_ratio_train_to_inference", "network_rms_gap"]
    assert table["expected_rms_noise"].tolist() == [np.sqrt(0.5 / (0.5 * 400))] * 2
    # 400 masks: the mean training output near the inference output.
    assert np.allclose(table["layer_mean_ratio_train_to_inference"], 1, atol=0.05)
