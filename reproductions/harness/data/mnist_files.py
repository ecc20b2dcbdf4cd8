"""Readers for MNIST files on disk, each checking what it reads.

Every reader returns `(x_train, y_train), (x_test, y_test)` with uint8 images
of shape `(n, 28, 28)` and uint8 labels of shape `(n,)`, the layout of
`keras.datasets.mnist.load_data()`. A missing, truncated or corrupt file, a
wrong shape or dtype, or a hash mismatch raises `MnistDataError` naming the
file and the problem.
"""

import gzip
import hashlib
import io
import os
import zipfile
import zlib

import numpy as np

# SHA-256 of the `mnist.npz` that `keras.datasets.mnist.load_data()` caches.
KERAS_MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"

# SHA-256 of the four original (uncompressed) IDX files.
IDX_SHA256 = {
    "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
# The files of canonical MNIST, and of Keras's npz, by their SHA-256.
CANONICAL_SHA256 = IDX_SHA256 | {KERAS_MNIST_SHA256}

IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}

_IDX_IMAGES_MAGIC = 0x00000803
_IDX_LABELS_MAGIC = 0x00000801


class MnistDataError(ValueError):
    """An MNIST file is missing, truncated, corrupt or of the wrong layout."""


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _require_file(path):
    if not os.path.isfile(path):
        raise MnistDataError(f"MNIST file not found: {path}")


def check_arrays(arrays, source):
    """Checks images and labels for MNIST's shapes, dtypes and value range."""
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.ndim != 3 or x.shape[1:] != (28, 28):
            raise MnistDataError(
                f"{source}: `x_{split}` must have shape (n, 28, 28). "
                f"Received: shape={x.shape}"
            )
        if x.dtype != np.uint8:
            raise MnistDataError(
                f"{source}: `x_{split}` must be uint8 pixels 0..255. "
                f"Received: dtype={x.dtype}"
            )
        if y.ndim != 1 or y.shape[0] != x.shape[0]:
            raise MnistDataError(
                f"{source}: `y_{split}` must have shape ({x.shape[0]},) to match "
                f"`x_{split}`. Received: shape={y.shape}"
            )
        if x.shape[0] == 0:
            raise MnistDataError(f"{source}: `x_{split}` holds no images")
        if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() > 9:
            raise MnistDataError(
                f"{source}: `y_{split}` must hold integer labels 0..9. "
                f"Received: dtype={y.dtype}, range=[{y.min()}, {y.max()}]"
            )
    return (
        (arrays["x_train"], arrays["y_train"].astype(np.uint8)),
        (arrays["x_test"], arrays["y_test"].astype(np.uint8)),
    )


def read_npz(path, expected_sha256=None):
    """Reads an `mnist.npz` with keys x_train, y_train, x_test, y_test."""
    return read_npz_and_digest(path, expected_sha256)[0]


def read_npz_and_digest(path, expected_sha256=None):
    """`read_npz`, and the file's SHA-256, from one read of the file."""
    _require_file(path)
    with open(path, "rb") as f:
        content = f.read()
    actual = hashlib.sha256(content).hexdigest()
    if expected_sha256 is not None:
        if actual != expected_sha256:
            raise MnistDataError(
                f"{path}: SHA-256 mismatch (the file is corrupt or not the Keras "
                f"MNIST). Expected: {expected_sha256}. Received: {actual}"
            )
    try:
        archive = np.load(io.BytesIO(content), allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise MnistDataError(f"{path}: not an .npz archive")
        with archive as f:
            missing = sorted(set(IDX_FILES) - set(f.files))
            if missing:
                raise MnistDataError(
                    f"{path}: missing arrays {missing}; an MNIST npz holds "
                    f"{sorted(IDX_FILES)}. Found: {sorted(f.files)}"
                )
            arrays = {key: f[key] for key in IDX_FILES}
    except MnistDataError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as e:
        raise MnistDataError(f"{path}: truncated or corrupt npz file ({e})") from e
    return check_arrays(arrays, path), actual


def _open_maybe_gzip(path):
    with open(path, "rb") as f:
        head = f.read(2)
    return gzip.open(path, "rb") if head == b"\x1f\x8b" else open(path, "rb")


def read_idx(path):
    """Reads one IDX file (optionally gzip-compressed) into a uint8 array."""
    return read_idx_and_digest(path)[0]


def read_idx_and_digest(path):
    """`read_idx`, and the SHA-256 of the file's uncompressed content (the
    hash MNIST's provenance gives), from one read of the file."""
    _require_file(path)
    try:
        with _open_maybe_gzip(path) as f:
            data = f.read()
    except (OSError, EOFError, zlib.error) as e:
        raise MnistDataError(f"{path}: truncated or corrupt gzip data ({e})") from e
    if len(data) < 8:
        raise MnistDataError(f"{path}: truncated IDX file ({len(data)} bytes)")
    magic = int.from_bytes(data[:4], "big")
    if magic not in (_IDX_IMAGES_MAGIC, _IDX_LABELS_MAGIC):
        raise MnistDataError(
            f"{path}: not an IDX file of unsigned bytes. Expected magic number "
            f"0x00000801 (labels) or 0x00000803 (images). Received: {magic:#010x}"
        )
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    if len(data) < header:
        raise MnistDataError(f"{path}: truncated IDX header")
    shape = tuple(
        int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)
    )
    expected = int(np.prod(shape))
    if len(data) - header != expected:
        raise MnistDataError(
            f"{path}: truncated or corrupt IDX file: the header announces shape "
            f"{shape} ({expected} bytes) but {len(data) - header} bytes follow"
        )
    array = np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)
    return array, hashlib.sha256(data).hexdigest()


def idx_spelling(name):
    """The canonical spelling of an IDX file name, or `None`.

    The four files circulate as `train-images-idx3-ubyte` (LeCun's site,
    Keras and TFDS sources) and `train-images.idx3-ubyte` (common archives),
    gzipped or not, upper or lower case, sometimes with underscores: all of
    these map to `train-images-idx3-ubyte`.
    """
    name = name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    name = name.replace("_", "-").replace(".", "-")
    return name if name in IDX_FILES.values() else None


def find_idx_files(directory):
    """`{key: path}` of the four IDX files in `directory`, any spelling.

    Raises `MnistDataError` naming every missing file (and the spellings
    accepted) when one is absent.
    """
    found = {}
    for name in sorted(os.listdir(directory)):
        stem = idx_spelling(name)
        path = os.path.join(directory, name)
        if stem is not None and os.path.isfile(path):
            found.setdefault(stem, path)
    paths = {key: found.get(stem) for key, stem in IDX_FILES.items()}
    missing = [IDX_FILES[key] for key, path in paths.items() if path is None]
    if missing:
        raise MnistDataError(
            f"MNIST files missing in {directory}: {', '.join(missing)} "
            "(accepted spellings: dashes or a dot before `idx`, e.g. "
            "train-images-idx3-ubyte or train-images.idx3-ubyte, any case, "
            "plain or .gz; or a Keras mnist.npz)"
        )
    return paths


def read_idx_dir(directory):
    """Reads the four MNIST IDX files (any common spelling, plain or .gz)."""
    if not os.path.isdir(directory):
        raise MnistDataError(f"MNIST directory not found: {directory}")
    return read_idx_files(find_idx_files(directory), directory)[0]


def read_idx_files(paths, source):
    """Reads the IDX files `{key: path}`, each once; returns the checked
    arrays and `{path: SHA-256 of its uncompressed content}`."""
    arrays, digests = {}, {}
    for key, path in paths.items():
        arrays[key], digests[path] = read_idx_and_digest(path)
    return check_arrays(arrays, source), digests


def uncompressed_sha256(path):
    """SHA-256 of a file's content, gunzipped if it is gzipped (the hashes
    that MNIST's provenance records give)."""
    digest = hashlib.sha256()
    with _open_maybe_gzip(path) as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def provenance(paths, digests=None):
    """What `metadata.json` records of the files read: for each, its name
    (not its folder, which means nothing on another machine), the SHA-256 of
    its (uncompressed) content and whether that is the canonical MNIST
    file's. `digests`: `{path: SHA-256}` taken as the files were read (a
    file not in it is read again to hash it)."""
    records = []
    for path in paths:
        digest = (digests or {}).get(path) or uncompressed_sha256(path)
        records.append({
            "file": os.path.basename(path),
            "sha256": digest,
            "canonical_mnist": digest in CANONICAL_SHA256,
        })
    return records


def is_canonical(records):
    """Whether the files read (records of `provenance`) are the article's
    data: exactly the four canonical IDX files, or Keras's `mnist.npz`."""
    digests = sorted(record["sha256"] for record in records)
    return digests in (sorted(IDX_SHA256), [KERAS_MNIST_SHA256])


def describe_files(records):
    """The files read, as a reader elsewhere can check them: their names and
    whether their SHA-256 are the canonical MNIST files' (records of
    `provenance`)."""
    names = ", ".join(record["file"] for record in records)
    if records and all(record["canonical_mnist"] for record in records):
        return f"the canonical MNIST files ({names}; SHA-256 as published)"
    return f"local files ({names}) that are NOT the canonical MNIST files"
