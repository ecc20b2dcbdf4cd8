"""Regularization layers for Keras 3."""

from kreg.layers.bayesian_dense import BayesianDense
from kreg.layers.dropconnect_dense import DropConnectDense
from kreg.layers.dropconnect_wrapper import DropConnect
from kreg.layers.dropout_base import DropoutBase
from kreg.layers.gaussian_function_dense import GaussianFunctionDense
from kreg.layers.gaussian_weight_dense import GaussianWeightDense
from kreg.layers.inverted_dropout import InvertedDropout
from kreg.layers.vanilla_dropout import VanillaDropout
from kreg.layers.weight_norm import WeightNormalization, WeightNormDense
from kreg.layers.weight_priors import GaussianPrior, ScaleMixturePrior
