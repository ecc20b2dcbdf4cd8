"""Fast training and evaluation paths for small Keras models.

The names below are imported from their modules on first use (PEP 562), so
that importing one module here does not import Keras through the others.
"""

import importlib

_MODULE_OF = {
    "AccuracyHistory": "accuracy_history",
    "epoch_batch_indices": "batches",
    "CompiledLoop": "compiled_loop",
    "Evaluator": "evaluation",
}

__all__ = sorted(_MODULE_OF)


def __getattr__(name):
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f"{__name__}.{_MODULE_OF[name]}")
    return getattr(module, name)
