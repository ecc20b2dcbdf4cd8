"""Train / validation / test splits of a labelled image set."""

import dataclasses

import numpy as np


@dataclasses.dataclass
class Splits:
    """Images as float32 in [0, 1] flattened to rows, labels one-hot float32."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    description: str
    # What was read: `[{"file", "sha256", "canonical_mnist"}, ...]`.
    files: list = dataclasses.field(default_factory=list)
    # Whether these are the article's data, as the loader found them (for
    # MNIST: `harness.data.mnist_files.is_canonical`).
    canonical: bool = False

    @property
    def sizes(self):
        return {
            "train": len(self.x_train),
            "validation": len(self.x_val),
            "test": len(self.x_test),
        }


def to_float_rows(images):
    """uint8 or 0..255 images of any shape -> float32 rows in [0, 1]."""
    images = np.asarray(images)
    return (images.reshape(len(images), -1).astype(np.float32) / 255.0).astype(
        np.float32
    )


def one_hot(labels, num_classes=10):
    return np.eye(num_classes, dtype=np.float32)[np.asarray(labels, dtype=np.int64)]


def split_like_tf_reader(train, test, validation_size, source, description):
    """The old TF tutorial reader's split: the first `validation_size` training
    images are the validation set, the rest the training set."""
    (x_train, y_train), (x_test, y_test) = train, test
    x, y = to_float_rows(x_train), one_hot(y_train)
    return Splits(
        x_train=x[validation_size:],
        y_train=y[validation_size:],
        x_val=x[:validation_size],
        y_val=y[:validation_size],
        x_test=to_float_rows(x_test),
        y_test=one_hot(y_test),
        source=source,
        description=description,
    )


def stratified_split(images, labels, val_fraction, test_fraction, seed, source,
                     description):
    """A stratified train/validation/test split with a fixed seed."""
    # scikit-learn (4 s to import) only where a split is drawn, so that a
    # script's command line answers before it loads.
    from sklearn.model_selection import train_test_split

    x, labels = to_float_rows(images), np.asarray(labels)
    x_rest, x_test, y_rest, y_test = train_test_split(
        x, labels, test_size=test_fraction, stratify=labels, random_state=seed
    )
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest,
        y_rest,
        test_size=val_fraction / (1.0 - test_fraction),
        stratify=y_rest,
        random_state=seed,
    )
    return Splits(
        x_train=x_train,
        y_train=one_hot(y_train),
        x_val=x_val,
        y_val=one_hot(y_val),
        x_test=x_test,
        y_test=one_hot(y_test),
        source=source,
        description=description,
    )
