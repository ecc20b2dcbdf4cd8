"""kreg: regularization for Keras 3.

Layers, constraints, regularizers and callbacks that Keras itself lacks, each
written with `keras.ops` only so that it runs on the TensorFlow, JAX and
PyTorch backends and saves to `.keras`. kreg needs Keras and NumPy, nothing
more.
"""

from kreg import callbacks, constraints, kernels, layers, losses, random, regularizers
from kreg.callbacks import DenseSparseDense
from kreg.constraints import MaxNorm, apply_max_norm
from kreg.layers import (
    BayesianDense,
    DropConnect,
    DropConnectDense,
    GaussianFunctionDense,
    GaussianPrior,
    GaussianWeightDense,
    InvertedDropout,
    ScaleMixturePrior,
    VanillaDropout,
    WeightNormalization,
    WeightNormDense,
)
from kreg.losses import HalfMeanSquaredError
from kreg.regularizers import L1, L2, ElasticNet, apply_regularizer, check_weight_decay

__version__ = "0.3.0.dev0"
