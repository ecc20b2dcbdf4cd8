"""Readers of MNIST files: good files load, bad ones name the file and fault."""

import gzip

import numpy as np
import pytest

from harness.data import mnist_files
from harness.data.mnist_files import MnistDataError


def fake_arrays(n_train=60, n_test=20, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train).astype(np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test).astype(np.uint8),
    }


def write_idx(path, array, compress=False):
    magic = 0x0803 if array.ndim == 3 else 0x0801
    header = magic.to_bytes(4, "big") + b"".join(
        d.to_bytes(4, "big") for d in array.shape
    )
    payload = header + array.astype(np.uint8).tobytes()
    opener = gzip.open if compress else open
    with opener(path, "wb") as f:
        f.write(payload)


def write_idx_dir(folder, arrays, compress=False):
    folder.mkdir(exist_ok=True)
    for key, stem in mnist_files.IDX_FILES.items():
        write_idx(folder / (stem + (".gz" if compress else "")), arrays[key], compress)
    return folder


def test_npz_round_trip(tmp_path):
    arrays = fake_arrays()
    np.savez(tmp_path / "m.npz", **arrays)
    (x_train, y_train), (x_test, y_test) = mnist_files.read_npz(tmp_path / "m.npz")
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])


@pytest.mark.parametrize("compress", [False, True])
def test_idx_dir_round_trip(tmp_path, compress):
    arrays = fake_arrays()
    folder = write_idx_dir(tmp_path / "idx", arrays, compress)
    (x_train, y_train), (x_test, y_test) = mnist_files.read_idx_dir(folder)
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_train, arrays["y_train"])
    np.testing.assert_array_equal(x_test, arrays["x_test"])


def test_missing_file_names_it(tmp_path):
    with pytest.raises(MnistDataError, match="not found: .*nothere.npz"):
        mnist_files.read_npz(tmp_path / "nothere.npz")


def test_truncated_npz_names_file(tmp_path):
    np.savez(tmp_path / "m.npz", **fake_arrays())
    data = (tmp_path / "m.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(MnistDataError, match="cut.npz: truncated or corrupt"):
        mnist_files.read_npz(tmp_path / "cut.npz")


def test_hash_mismatch_names_both_hashes(tmp_path):
    np.savez(tmp_path / "m.npz", **fake_arrays())
    with pytest.raises(MnistDataError, match="SHA-256 mismatch.*Expected: abc"):
        mnist_files.read_npz(tmp_path / "m.npz", expected_sha256="abc")


def test_hash_match_loads(tmp_path):
    np.savez(tmp_path / "m.npz", **fake_arrays())
    digest = mnist_files.sha256_of(tmp_path / "m.npz")
    (x_train, _), _ = mnist_files.read_npz(tmp_path / "m.npz", expected_sha256=digest)
    assert x_train.shape == (60, 28, 28)


def test_missing_key(tmp_path):
    arrays = fake_arrays()
    del arrays["y_test"]
    np.savez(tmp_path / "m.npz", **arrays)
    with pytest.raises(MnistDataError, match=r"missing arrays \['y_test'\]"):
        mnist_files.read_npz(tmp_path / "m.npz")


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("x_train", np.zeros((60, 28, 27), np.uint8), r"shape \(n, 28, 28\)"),
        ("x_test", np.zeros((20, 28, 28), np.float32), "must be uint8.*float32"),
        ("y_train", np.zeros(59, np.uint8), r"must have shape \(60,\)"),
        ("y_test", np.full(20, 11, np.int64), "labels 0..9"),
    ],
)
def test_wrong_shape_or_dtype(tmp_path, key, value, message):
    arrays = fake_arrays()
    arrays[key] = value
    np.savez(tmp_path / "m.npz", **arrays)
    with pytest.raises(MnistDataError, match=message):
        mnist_files.read_npz(tmp_path / "m.npz")


def test_truncated_idx(tmp_path):
    folder = write_idx_dir(tmp_path / "idx", fake_arrays())
    path = folder / mnist_files.IDX_FILES["x_test"]
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(MnistDataError, match="t10k-images-idx3-ubyte: truncated"):
        mnist_files.read_idx_dir(folder)


def test_idx_bad_magic(tmp_path):
    path = tmp_path / "bad"
    path.write_bytes(b"\x00\x00\x09\x99" + bytes(100))
    with pytest.raises(MnistDataError, match="bad: not an IDX file.*0x00000999"):
        mnist_files.read_idx(path)


def test_corrupt_gzip_idx(tmp_path):
    folder = write_idx_dir(tmp_path / "idx", fake_arrays(), compress=True)
    path = folder / (mnist_files.IDX_FILES["y_train"] + ".gz")
    path.write_bytes(path.read_bytes()[:20])
    with pytest.raises(MnistDataError, match="train-labels-idx1-ubyte.gz"):
        mnist_files.read_idx_dir(folder)


def test_idx_dir_missing_file(tmp_path):
    folder = write_idx_dir(tmp_path / "idx", fake_arrays())
    (folder / mnist_files.IDX_FILES["y_test"]).unlink()
    with pytest.raises(MnistDataError, match="t10k-labels-idx1-ubyte"):
        mnist_files.read_idx_dir(folder)


def test_npy_instead_of_npz(tmp_path):
    np.save(tmp_path / "m.npy", np.zeros(3))
    with pytest.raises(MnistDataError, match="m.npy: not an .npz archive"):
        mnist_files.read_npz(tmp_path / "m.npy")


def test_empty_split(tmp_path):
    arrays = fake_arrays()
    arrays["x_test"] = np.zeros((0, 28, 28), np.uint8)
    arrays["y_test"] = np.zeros(0, np.uint8)
    np.savez(tmp_path / "m.npz", **arrays)
    with pytest.raises(MnistDataError, match="`x_test` holds no images"):
        mnist_files.read_npz(tmp_path / "m.npz")


def test_bit_flipped_gzip_idx(tmp_path):
    folder = write_idx_dir(tmp_path / "idx", fake_arrays(), compress=True)
    path = folder / (mnist_files.IDX_FILES["x_train"] + ".gz")
    data = bytearray(path.read_bytes())
    for i in range(20, 60):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(MnistDataError, match="train-images-idx3-ubyte.gz"):
        mnist_files.read_idx_dir(folder)


@pytest.mark.parametrize("spelling", [
    lambda stem: stem,                                   # train-images-idx3-ubyte
    lambda stem: stem.replace("-idx", ".idx"),           # train-images.idx3-ubyte
    lambda stem: stem.upper(),                           # TRAIN-IMAGES-IDX3-UBYTE
    lambda stem: stem.replace("-", "_"),                 # train_images_idx3_ubyte
])
@pytest.mark.parametrize("compress", [False, True])
def test_idx_files_in_any_common_spelling(tmp_path, spelling, compress):
    arrays = fake_arrays()
    for key, stem in mnist_files.IDX_FILES.items():
        name = spelling(stem) + (".gz" if compress else "")
        write_idx(tmp_path / name, arrays[key], compress)
    (x_train, y_train), (x_test, y_test) = mnist_files.read_idx_dir(tmp_path)
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])


def test_missing_idx_files_are_all_named(tmp_path):
    arrays = fake_arrays()
    write_idx(tmp_path / "train-images.idx3-ubyte", arrays["x_train"])
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", arrays["y_test"], True)
    with pytest.raises(MnistDataError) as error:
        mnist_files.read_idx_dir(tmp_path)
    message = str(error.value)
    assert "train-labels-idx1-ubyte, t10k-images-idx3-ubyte" in message
    assert "train-images-idx3-ubyte" not in message.split("(")[0]
