import keras
import numpy as np
import pytest

from kreg.callbacks.dense_sparse_dense import DenseSparseDense, magnitude_mask

LAYERS = ("d1", "d2", "d3")


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _data(n=128, d=10, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)).astype("float32")
    y = (np.sin(x[:, :1]) + 0.5 * x[:, 1:2] * x[:, 2:3]).astype("float32")
    return x, y


def _model(lr=0.05, momentum=0.9, seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((10,)),
            keras.layers.Dense(16, activation="relu", name="d1"),
            keras.layers.Dense(8, activation="relu", name="d2"),
            keras.layers.Dense(1, name="d3"),
        ],
        name="mlp",
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=lr, momentum=momentum),
        loss="mse",
    )
    return model


class _Recorder(keras.callbacks.Callback):
    """Snapshots the weights after every batch and every epoch."""

    def __init__(self):
        super().__init__()
        self.epoch_kernels = {}
        self.batch_kernels = {}
        self.epoch_biases = {}
        self.lr_at_begin = {}

    def _kernels(self):
        return {n: _np(self.model.get_layer(n).kernel).copy() for n in LAYERS}

    def on_epoch_begin(self, epoch, logs=None):
        self.lr_at_begin[epoch] = float(_np(self.model.optimizer.learning_rate))
        self.batch_kernels[epoch] = []
        self._epoch = epoch  # `on_train_batch_end` gets no epoch argument.

    def on_train_batch_end(self, batch, logs=None):
        self.batch_kernels[self._epoch].append(self._kernels())

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_kernels[epoch] = self._kernels()
        self.epoch_biases[epoch] = {
            n: _np(self.model.get_layer(n).bias).copy() for n in LAYERS
        }


def _run(dense=2, sparse=3, redense=2, sparsity=0.5, factor=0.1, **kwargs):
    x, y = _data()
    model = _model()
    dsd = DenseSparseDense(
        dense_epochs=dense,
        sparse_epochs=sparse,
        redense_epochs=redense,
        sparsity=sparsity,
        redense_lr_factor=factor,
        **kwargs,
    )
    rec = _Recorder()
    model.fit(
        x, y, batch_size=16, epochs=dense + sparse + redense, verbose=0,
        shuffle=False, callbacks=[dsd, rec],
    )
    return model, dsd, rec


# ----------------------------------------------------------------- validation


@pytest.mark.parametrize("name", ["dense_epochs", "sparse_epochs", "redense_epochs"])
def test_invalid_epochs(name):
    for value in [-1, 1.5, "2", True, None]:
        kwargs = {"dense_epochs": 1, "sparse_epochs": 1, "redense_epochs": 1}
        kwargs[name] = value
        with pytest.raises(
            ValueError,
            match=rf"Invalid value received for argument `{name}`\. Expected an "
            rf"integer >= 0\. Received: {name}={value}",
        ):
            DenseSparseDense(**kwargs)
    assert DenseSparseDense(**{**dict.fromkeys(
        ["dense_epochs", "sparse_epochs", "redense_epochs"], 1), name: 0}
    ).total_epochs == 2


def test_invalid_sparsity():
    for value in [-0.1, 1.0, 1.5, float("nan"), "0.5"]:
        with pytest.raises(
            ValueError,
            match=r"argument `sparsity`\. Expected a float value in the range \[0, 1\)\. "
            r"Received: sparsity=",
        ):
            DenseSparseDense(1, 1, 1, sparsity=value)
    assert DenseSparseDense(1, 1, 1, sparsity=0).sparsity == 0.0


def test_invalid_redense_lr_factor():
    for value in [0, -0.5, float("inf"), float("nan"), "0.1"]:
        with pytest.raises(
            ValueError,
            match=r"argument `redense_lr_factor`.*Received: redense_lr_factor=",
        ):
            DenseSparseDense(1, 1, 1, redense_lr_factor=value)


def test_invalid_layers():
    for layers in ["d1", [1, 2], 3]:
        with pytest.raises(ValueError, match=r"argument `layers`.*Received: layers="):
            DenseSparseDense(1, 1, 1, layers=layers)


def test_invalid_include_biases():
    with pytest.raises(ValueError, match=r"argument `include_biases`"):
        DenseSparseDense(1, 1, 1, include_biases=1)


def test_learning_rate_schedule_rejected():
    x, y = _data()
    model = _model()
    schedule = keras.optimizers.schedules.ExponentialDecay(0.05, 10, 0.9)
    model.compile(optimizer=keras.optimizers.SGD(schedule), loss="mse")
    with pytest.raises(ValueError, match="float `learning_rate`"):
        model.fit(x, y, epochs=3, verbose=0,
                  callbacks=[DenseSparseDense(1, 1, 1)])


def test_warns_when_fit_epochs_differ():
    x, y = _data()
    model = _model()
    with pytest.warns(UserWarning, match=r"expects fit\(epochs=3\)"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[DenseSparseDense(1, 1, 1)])


# --------------------------------------------------------------- mask helper


def test_magnitude_mask_keeps_largest_fraction(rng):
    w = rng.standard_normal((37, 11))
    for sparsity in [0.0, 0.1, 0.5, 0.9, 0.999]:
        mask = magnitude_mask(w, sparsity)
        n_pruned = int(np.floor(sparsity * w.size + 0.5))
        assert mask.shape == w.shape
        assert set(np.unique(mask)) <= {0.0, 1.0}
        assert int(np.sum(mask == 0)) == n_pruned
        if 0 < n_pruned < w.size:
            assert np.max(np.abs(w[mask == 0])) <= np.min(np.abs(w[mask == 1]))


def test_magnitude_mask_exact_count_with_ties():
    w = np.ones((4, 4))
    assert int(np.sum(magnitude_mask(w, 0.25) == 0)) == 4


def test_magnitude_mask_validates_sparsity():
    with pytest.raises(ValueError, match="argument `sparsity`"):
        magnitude_mask(np.ones(3), 1.0)


# ------------------------------------------------------------------ behaviour


def test_phases_happen_at_the_right_epochs():
    _, dsd, _ = _run(dense=2, sparse=3, redense=2)
    phases = [entry["phase"] for entry in dsd.phase_log]
    assert phases == ["dense"] * 2 + ["sparse"] * 3 + ["redense"] * 2
    assert [entry["epoch"] for entry in dsd.phase_log] == list(range(7))
    assert [dsd.phase_of_epoch(e) for e in range(8)] == phases + ["redense"]
    # The sparsity reached: ~0 while dense, the target while sparse.
    for entry in dsd.phase_log:
        if entry["phase"] == "sparse":
            assert entry["sparsity"] == pytest.approx(0.5, abs=1e-2)
            paths = {f"mlp/{n}/kernel" for n in LAYERS}
            assert set(entry["layer_sparsity"]) == paths
        else:
            assert entry["sparsity"] < 0.05


def test_sparse_phase_prunes_exactly_and_weights_stay_zero():
    dense, sparse, sparsity = 2, 3, 0.6
    _, _, rec = _run(dense=dense, sparse=sparse, redense=1, sparsity=sparsity)
    before = rec.epoch_kernels[dense - 1]  # end of the dense phase
    for name in LAYERS:
        expected_mask = magnitude_mask(before[name], sparsity)
        pruned = expected_mask == 0
        n_pruned = int(np.floor(sparsity * pruned.size + 0.5))
        assert int(pruned.sum()) == n_pruned
        for epoch in range(dense, dense + sparse):
            # At every epoch end and after every single batch of the sparse
            # phase the pruned weights are exactly zero (momentum=0.9 would
            # revive them otherwise) and the kept ones are not.
            snapshots = [rec.epoch_kernels[epoch]] + rec.batch_kernels[epoch]
            for snapshot in snapshots:
                kernel = snapshot[name]
                assert np.all(kernel[pruned] == 0.0)
                assert np.all(kernel[~pruned] != 0.0)
                assert np.sum(kernel == 0) / kernel.size == pytest.approx(
                    sparsity, abs=1.0 / kernel.size
                )
        # The surviving weights keep training during the sparse phase.
        last_sparse = rec.epoch_kernels[dense + sparse - 1][name]
        assert not np.allclose(last_sparse[~pruned], before[name][~pruned])


def test_redense_revives_pruned_weights():
    dense, sparse = 1, 2
    _, _, rec = _run(dense=dense, sparse=sparse, redense=2, sparsity=0.5)
    for name in LAYERS:
        pruned = rec.epoch_kernels[dense + sparse - 1][name] == 0.0
        assert pruned.mean() == pytest.approx(0.5, abs=0.1)
        revived = rec.epoch_kernels[dense + sparse][name][pruned]
        assert np.mean(revived != 0.0) > 0.9


def test_learning_rate_multiplied_by_factor():
    _, dsd, rec = _run(dense=1, sparse=2, redense=2, factor=0.25)
    lrs = [entry["learning_rate"] for entry in dsd.phase_log]
    np.testing.assert_allclose(lrs[:3], 0.05, rtol=1e-6)
    np.testing.assert_allclose(lrs[3:], 0.05 * 0.25, rtol=1e-6)
    # Already in effect at the start of the first re-dense epoch, once only.
    assert rec.lr_at_begin[3] == pytest.approx(0.0125, rel=1e-6)
    assert rec.lr_at_begin[4] == pytest.approx(0.0125, rel=1e-6)


def test_layers_and_include_biases():
    dense, sparse = 1, 1
    _, _, rec = _run(dense=dense, sparse=sparse, redense=0, sparsity=0.5,
                     layers=["d2"], include_biases=True)
    kernels = rec.epoch_kernels[dense + sparse - 1]
    biases = rec.epoch_biases[dense + sparse - 1]
    assert np.mean(kernels["d2"] == 0) == 0.5
    assert np.mean(biases["d2"] == 0) == 0.5
    for name in ["d1", "d3"]:
        assert np.mean(kernels[name] == 0) < 0.05
    # Biases are left alone by default.
    _, _, rec = _run(dense=dense, sparse=sparse, redense=0, sparsity=0.5)
    assert np.mean(rec.epoch_biases[dense + sparse - 1]["d1"] == 0) < 0.5


def test_resume_with_initial_epoch():
    x, y = _data()
    model = _model()
    dsd = DenseSparseDense(1, 2, 2, sparsity=0.5, redense_lr_factor=0.5)
    with pytest.warns(UserWarning):
        model.fit(x, y, epochs=2, verbose=0, callbacks=[dsd])
    model.fit(x, y, initial_epoch=2, epochs=5, verbose=0, callbacks=[dsd])
    assert [e["phase"] for e in dsd.phase_log] == [
        "dense", "sparse", "sparse", "redense", "redense"
    ]
    assert dsd.phase_log[2]["sparsity"] == pytest.approx(0.5, abs=1e-2)
    assert dsd.phase_log[-1]["learning_rate"] == pytest.approx(0.025, rel=1e-6)


def test_mixed_precision(mixed_precision):
    x, y = _data()
    model = _model()
    dsd = DenseSparseDense(1, 2, 0, sparsity=0.5)
    model.fit(x, y, batch_size=16, epochs=3, verbose=0, callbacks=[dsd])
    for name in LAYERS:
        kernel = model.get_layer(name).kernel
        assert kernel.dtype == "float32"
        assert np.mean(_np(kernel) == 0) == 0.5
    out = model(x[:4])
    assert keras.backend.standardize_dtype(out.dtype) == "float16"
    assert np.all(np.isfinite(_np(out)))


# -------------------------------------------------------------- serialization


def test_get_config_round_trip():
    dsd = DenseSparseDense(2, 3, 4, sparsity=0.75, redense_lr_factor=0.2,
                           include_biases=True, layers=["d1"], verbose=1)
    config = dsd.get_config()
    clone = DenseSparseDense.from_config(config)
    assert clone.get_config() == config
    assert [clone.phase_of_epoch(e) for e in range(10)] == [
        dsd.phase_of_epoch(e) for e in range(10)
    ]
    layer = keras.layers.Dense(2, name="named")
    assert DenseSparseDense(1, 1, 1, layers=[layer]).get_config()["layers"] == ["named"]
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(dsd)
    )
    assert isinstance(restored, DenseSparseDense)
    assert restored.get_config() == config


def test_pruned_model_save_load_round_trip(keras_roundtrip):
    x, y = _data()
    model = _model()
    model.fit(x, y, batch_size=16, epochs=2, verbose=0,
              callbacks=[DenseSparseDense(1, 1, 0, sparsity=0.5)])
    loaded = keras_roundtrip(model)
    for name in LAYERS:
        np.testing.assert_array_equal(
            _np(loaded.get_layer(name).kernel), _np(model.get_layer(name).kernel)
        )
        assert np.mean(_np(loaded.get_layer(name).kernel) == 0) == 0.5
    np.testing.assert_array_equal(_np(loaded(x[:8])), _np(model(x[:8])))


def test_redense_rate_never_compounds():
    """A second fit on the same callback, and a fresh callback resumed in the
    re-dense phase, both train at base * factor, not base * factor**2."""
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    y = x[:, :1]
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3),
                              keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    dsd = DenseSparseDense(dense_epochs=1, sparse_epochs=1, redense_epochs=1,
                           sparsity=0.5, redense_lr_factor=0.1)
    for _ in range(2):
        model.fit(x, y, epochs=3, verbose=0, callbacks=[dsd])
        rates = [entry["learning_rate"] for entry in dsd.phase_log[-3:]]
        np.testing.assert_allclose(rates, [0.1, 0.1, 0.01], rtol=1e-6)
    fresh = DenseSparseDense(dense_epochs=1, sparse_epochs=1, redense_epochs=1,
                             sparsity=0.5, redense_lr_factor=0.1)
    with pytest.warns(UserWarning, match="taken as already reduced"):
        model.fit(x, y, epochs=3, initial_epoch=2, verbose=0, callbacks=[fresh])
    assert fresh.phase_log[-1]["learning_rate"] == pytest.approx(0.01)


def test_a_selected_layer_without_kernel_is_named():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="d"),
                              keras.layers.Dropout(0.1, name="drop")])
    model.compile(keras.optimizers.SGD(0.01), "mse")
    dsd = DenseSparseDense(0, 1, 0, layers=["d", "drop"])
    with pytest.raises(ValueError, match=r"cannot prune layer 'drop' \(Dropout\)"):
        model.fit(np.ones((4, 4)), np.zeros((4, 3)), epochs=1, verbose=0,
                  callbacks=[dsd])
