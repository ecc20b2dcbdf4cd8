"""Keras's own checks of a layer, for kreg's layers and deprecated names.

Keras tests each of its layers with `run_layer_test` of its `TestCase`
(`keras/src/testing/test_case.py`): the layer is built and called eagerly
and symbolically, its config goes through `from_config` and
`serialize_keras_object` and back unchanged (the revived layer has the same
attributes), it has the expected numbers of weights, seed generators and
losses, it trains in a `model.fit` step, and under `mixed_float16` it keeps
float32 weights and returns what `compute_output_spec` says. A layer that
Keras users drop into their models passes the same checks, and so does a
deprecated name for as long as it is kept.
"""

import warnings

from keras.src.testing import TestCase


def run_keras_layer_test(layer_class, init_kwargs, **checks):
    """Runs Keras's `run_layer_test` on `layer_class(**init_kwargs)`; its
    `checks` are `run_layer_test`'s keyword arguments."""
    with warnings.catch_warnings():
        # Keras's training check fits on a generator with the default
        # `shuffle=True`, and says so.
        warnings.filterwarnings("ignore", "`shuffle=True` was passed",
                                UserWarning)
        TestCase("run_layer_test").run_layer_test(layer_class, init_kwargs,
                                                  **checks)
