"""Where the real data sets are on this machine, for the tests that need
them (they skip with a reason elsewhere: an end user has no `../shared`)."""

import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]


def full_mnist():
    """Where full MNIST is on this machine, if anywhere: `$KREG_MNIST`, the
    developers' `../shared/data/mnist`, or the Keras cache."""
    from harness.data.mnist import keras_cache_path

    for candidate in (os.environ.get("KREG_MNIST"),
                      ROOT.parent / "shared" / "data" / "mnist",
                      keras_cache_path()):
        if candidate and os.path.exists(candidate):
            return str(candidate)
    return None


NO_FULL_MNIST = ("full MNIST is not on this machine: set KREG_MNIST to its "
                 "folder or .npz, or put it at ../shared/data/mnist or in the "
                 "Keras cache")
