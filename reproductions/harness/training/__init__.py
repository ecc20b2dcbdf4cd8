"""Fast training and evaluation paths for small Keras models."""

from harness.training.accuracy_history import AccuracyHistory
from harness.training.batches import epoch_batch_indices
from harness.training.compiled_loop import CompiledLoop
from harness.training.evaluation import Evaluator
