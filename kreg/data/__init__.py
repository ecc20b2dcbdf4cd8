"""Data sets for the reproductions, loaded from real sources offline-first."""

from kreg.data.mnist import load_mnist
from kreg.data.mnist_files import MnistDataError
from kreg.data.splits import Splits
