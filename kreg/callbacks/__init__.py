"""Training-schedule callbacks for Keras 3."""

from kreg.callbacks.dense_sparse_dense import DenseSparseDense, magnitude_mask
