"""kreg: regularization for Keras 3.

Layers, constraints, regularizers and callbacks that Keras itself lacks, each
written with `keras.ops` only so that it runs on the TensorFlow, JAX and
PyTorch backends and saves to `.keras`.
"""

__version__ = "0.1.0"
