"""kreg: regularization for Keras 3.

Layers, constraints, regularizers and callbacks that Keras itself lacks, each
written with `keras.ops` only so that it runs on the TensorFlow, JAX and
PyTorch backends and saves to `.keras`.
"""

from kreg import callbacks, constraints, layers, losses, regularizers
from kreg.callbacks import DenseSparseDense
from kreg.constraints import MaxNorm
from kreg.layers import (
    DropConnectDense,
    GaussianWeightDense,
    VanillaDropout,
    WeightNormalization,
    WeightNormDense,
)
from kreg.losses import HalfMeanSquaredError
from kreg.regularizers import L1, L2, ElasticNet, apply_regularizer

__version__ = "0.1.0"
