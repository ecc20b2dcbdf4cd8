"""Data sets for the reproductions, loaded from real sources offline-first."""

from harness.data.mnist import load_mnist
from harness.data.mnist_files import MnistDataError
from harness.data.splits import Splits
