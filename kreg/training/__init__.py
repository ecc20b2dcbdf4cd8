"""Fast training and evaluation paths for small Keras models."""

from kreg.training.accuracy import Accuracy
from kreg.training.accuracy_history import AccuracyHistory
from kreg.training.batches import epoch_batch_indices
from kreg.training.compiled_loop import CompiledLoop
