"""Dense-Sparse-Dense (DSD) training as a Keras callback."""

import math
import warnings

import keras
import numpy as np

from kreg.argument_checks import (
    check_bool,
    check_non_negative_int,
    check_positive_float,
    check_rate,
    invalid_argument,
)
from kreg.kernels import INPUT_ROLES, model_kernels, warn_unhandled

PHASES = ("dense", "sparse", "redense")


def magnitude_mask(weights, sparsity):
    """Returns the 0/1 mask keeping the largest-magnitude weights.

    Exactly `round(sparsity * weights.size)` entries, those of smallest
    absolute value, are set to 0 (ties are broken by position, so the count
    is exact); the others are 1.

    Args:
        weights: Array-like (NumPy array or backend tensor) of any shape.
        sparsity: Float in `[0, 1)`, the fraction of entries to prune.

    Returns:
        A float32 NumPy array with the shape of `weights`.

    Example:

    >>> magnitude_mask([[0.1, -3.0], [2.0, -0.5]], sparsity=0.5).tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    check_rate("sparsity", sparsity)
    weights = np.asarray(keras.ops.convert_to_numpy(weights), dtype="float32")
    n_pruned = int(math.floor(sparsity * weights.size + 0.5))
    order = np.argsort(np.abs(weights).ravel(), kind="stable")
    mask = np.ones(weights.size, dtype="float32")
    mask[order[:n_pruned]] = 0.0
    return mask.reshape(weights.shape)


def _epochs(name, value):
    check_non_negative_int(name, value)
    return int(value)


@keras.saving.register_keras_serializable(package="kreg")
class DenseSparseDense(keras.callbacks.Callback):
    """Dense-Sparse-Dense (DSD) training in a single `model.fit` call.

    Training runs in three phases over consecutive epochs:

    1. Dense (`dense_epochs` epochs): ordinary training.
    2. Sparse (`sparse_epochs` epochs): at the start of the first sparse
       epoch, each selected weight keeps its largest-magnitude
       `1 - sparsity` fraction and the rest is set to zero (a per-weight
       magnitude mask, see `magnitude_mask`). The mask is re-applied after
       every batch, so pruned weights stay exactly zero although the
       optimizer (momentum, Adam moments) keeps pushing them.
    3. Re-dense (`redense_epochs` epochs): the masks are dropped, the pruned
       weights restart from zero and the whole network is trained again
       with the learning rate multiplied by `redense_lr_factor`.

    Fit with `epochs=dense_epochs + sparse_epochs + redense_epochs`; epochs
    past that total stay in the re-dense phase. The phase of epoch `e` is
    decided from `e` alone, so resuming with `initial_epoch` works with the
    same callback instance. The optimizer's learning rate must be a float
    (not a `LearningRateSchedule`) when the re-dense phase is reached.

    After each epoch the callback appends to `phase_log` a dict with keys
    `"epoch"`, `"phase"`, `"sparsity"` (fraction of exact zeros over all
    selected weights), `"layer_sparsity"` (the same per weight path) and
    `"learning_rate"`.

    Args:
        dense_epochs: Integer >= 0, number of epochs of the first dense phase.
        sparse_epochs: Integer >= 0, number of epochs of the sparse phase.
        redense_epochs: Integer >= 0, number of epochs of the re-dense phase.
        sparsity: Float in `[0, 1)`, fraction of each selected weight that
            is pruned. Defaults to `0.5`.
        redense_lr_factor: Positive finite float. The learning rate of the
            re-dense phase is `redense_lr_factor` times the current one.
            Defaults to `0.1`.
        include_biases: Boolean, whether biases are pruned as well. Defaults
            to `False`.
        layers: `None` or a list of layers or layer names. The layers whose
            kernels are pruned; `None` (default) selects every kernel of the
            model that `kreg.kernels.model_kernels` finds (input, depthwise
            and pointwise kernels of Keras's layers, kreg's own layers'
            kernels such as `WeightNormDense`'s direction and
            `BayesianDense`'s mean; a weight that looks like a kernel
            but that no layer declares is left alone with a warning).
        verbose: Integer, 0 (silent) or 1 (print the phase changes).

    Example:

    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> dsd = DenseSparseDense(dense_epochs=1, sparse_epochs=1,
    ...                        redense_epochs=1, sparsity=0.5)
    >>> x, y = np.ones((8, 4)), np.ones((8, 2))
    >>> _ = model.fit(x, y, epochs=3, callbacks=[dsd], verbose=0)
    >>> [entry["phase"] for entry in dsd.phase_log]
    ['dense', 'sparse', 'redense']
    >>> dsd.phase_log[1]["sparsity"]
    0.5

    Reference:
        - [Han et al., 2017](https://arxiv.org/abs/1607.04381)
    """

    def __init__(
        self,
        dense_epochs,
        sparse_epochs,
        redense_epochs,
        sparsity=0.5,
        redense_lr_factor=0.1,
        include_biases=False,
        layers=None,
        verbose=0,
    ):
        super().__init__()
        self.dense_epochs = _epochs("dense_epochs", dense_epochs)
        self.sparse_epochs = _epochs("sparse_epochs", sparse_epochs)
        self.redense_epochs = _epochs("redense_epochs", redense_epochs)
        check_rate("sparsity", sparsity)
        self.sparsity = float(sparsity)
        check_positive_float("redense_lr_factor", redense_lr_factor)
        self.redense_lr_factor = float(redense_lr_factor)
        check_bool("include_biases", include_biases)
        self.include_biases = include_biases
        if layers is not None:
            if not isinstance(layers, (list, tuple)) or not all(
                isinstance(layer, (str, keras.layers.Layer)) for layer in layers
            ):
                raise invalid_argument(
                    "layers", "None or a list of layers or layer names", layers
                )
            layers = list(layers)
        self.layers = layers
        self.verbose = verbose

        self.phase = "dense"
        self.phase_log = []
        self.masks = None  # {path: (variable, mask tensor)} in sparse phase.
        self._selected = None
        # The learning rate of the dense and sparse phases; the re-dense rate
        # is set from it (absolutely, so it never compounds).
        self._base_lr = None

    @property
    def total_epochs(self):
        return self.dense_epochs + self.sparse_epochs + self.redense_epochs

    def phase_of_epoch(self, epoch):
        """Returns the phase name (`"dense"`, `"sparse"`, `"redense"`)."""
        if epoch < self.dense_epochs:
            return "dense"
        if epoch < self.dense_epochs + self.sparse_epochs:
            return "sparse"
        return "redense"

    # ------------------------------------------------------------ selection

    def _selected_variables(self):
        model = self.model
        if self.layers is None:
            scopes = [model]
            warn_unhandled(model, "DenseSparseDense")
        else:
            scopes = [model.get_layer(layer) if isinstance(layer, str) else layer
                      for layer in self.layers]
        selected, seen = [], set()
        for scope in scopes:
            found = model_kernels(scope, roles=INPUT_ROLES)
            if self.layers is not None and not found:
                raise ValueError(
                    f"DenseSparseDense cannot prune layer {scope.name!r} "
                    f"({type(scope).__name__}): it has no kernel that "
                    "`kreg.kernels` knows (input, depthwise or pointwise). "
                    f"Received: layers={self.layers}"
                )
            if self.layers is not None:
                warn_unhandled(scope, "DenseSparseDense")
            for kernel_ in found:
                variables = [kernel_.variable]
                bias = getattr(kernel_.layer, "bias", None)
                if self.include_biases and isinstance(bias, keras.Variable):
                    variables.append(bias)
                for variable in variables:
                    if id(variable) not in seen and variable.trainable:
                        seen.add(id(variable))
                        selected.append(variable)
        if not selected:
            raise ValueError(
                "DenseSparseDense found no weight to prune. Expected layers "
                "with a kernel (Dense, ConvND, ...). Received: "
                f"layers={self.layers}"
            )
        return selected

    # ------------------------------------------------------------ callbacks

    def on_train_begin(self, logs=None):
        epochs = (self.params or {}).get("epochs")
        if epochs is not None and epochs != self.total_epochs:
            warnings.warn(
                f"DenseSparseDense expects fit(epochs={self.total_epochs}) "
                f"(dense_epochs + sparse_epochs + redense_epochs) but fit "
                f"runs to epoch {epochs}.",
                stacklevel=2,
            )
        if epochs is None or epochs > self.dense_epochs + self.sparse_epochs:
            optimizer = self.model.optimizer
            inner = getattr(optimizer, "inner_optimizer", optimizer)
            schedule = getattr(inner, "_learning_rate", None)
            if isinstance(
                schedule, keras.optimizers.schedules.LearningRateSchedule
            ):
                raise ValueError(
                    "DenseSparseDense multiplies the learning rate by "
                    "`redense_lr_factor` in the re-dense phase, which needs an "
                    "optimizer created with a float `learning_rate`. Received: "
                    f"learning_rate={schedule}"
                )

    def _learning_rate(self):
        return float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))

    def on_epoch_begin(self, epoch, logs=None):
        target = self.phase_of_epoch(epoch)
        if target != "redense":
            if self._base_lr is None:
                self._base_lr = self._learning_rate()
            elif self.phase == "redense":  # a new fit() from an earlier epoch
                self.model.optimizer.learning_rate = self._base_lr
        if target == "dense":
            self.masks = None
        elif target == "sparse" and self.masks is None:
            self._prune()
        elif target == "redense" and self.phase != "redense":
            self._redense()
        self.phase = target

    def on_train_batch_end(self, batch, logs=None):
        if not self.masks:
            return
        # `self.model` syncs the JAX state before the weights are touched.
        _ = self.model
        for variable, mask in self.masks.values():
            variable.assign(keras.ops.multiply(variable.value, mask))

    def on_epoch_end(self, epoch, logs=None):
        if self._selected is None:
            self._selected = self._selected_variables()
        model = self.model
        layer_sparsity = {}
        zeros = total = 0
        for variable in self._selected:
            value = keras.ops.convert_to_numpy(variable.value)
            n_zero = int(np.sum(value == 0))
            layer_sparsity[variable.path] = n_zero / value.size
            zeros += n_zero
            total += value.size
        self.phase_log.append(
            {
                "epoch": epoch,
                "phase": self.phase_of_epoch(epoch),
                "sparsity": zeros / total,
                "layer_sparsity": layer_sparsity,
                "learning_rate": float(
                    keras.ops.convert_to_numpy(model.optimizer.learning_rate)
                ),
            }
        )

    # ---------------------------------------------------------- transitions

    def _prune(self):
        self._selected = self._selected_variables()
        self.masks = {}
        for variable in self._selected:
            mask = magnitude_mask(variable.value, self.sparsity)
            mask = keras.ops.convert_to_tensor(mask, dtype=variable.dtype)
            variable.assign(keras.ops.multiply(variable.value, mask))
            self.masks[variable.path] = (variable, mask)
        if self.verbose:
            print(
                f"DenseSparseDense: sparse phase, pruned {self.sparsity:.0%} "
                f"of {len(self.masks)} weights."
            )

    def _redense(self):
        self.masks = None
        optimizer = self.model.optimizer
        old_lr = self._learning_rate()
        if self._base_lr is None:
            # Resumed straight into the re-dense phase: the rate the model
            # carries is taken as already reduced, never reduced twice.
            warnings.warn(
                "DenseSparseDense started in the re-dense phase and never saw "
                "the dense learning rate; it keeps the current learning rate "
                f"{old_lr:.3g}, taken as already reduced.",
                stacklevel=2,
            )
            self._base_lr = old_lr / self.redense_lr_factor
        new_lr = self._base_lr * self.redense_lr_factor
        optimizer.learning_rate = new_lr
        if self.verbose:
            print(
                "DenseSparseDense: re-dense phase, learning rate "
                f"{old_lr:.3g} -> {new_lr:.3g}."
            )

    # -------------------------------------------------------- serialization

    def get_config(self):
        layers = self.layers
        if layers is not None:
            layers = [
                layer if isinstance(layer, str) else layer.name
                for layer in layers
            ]
        return {
            "dense_epochs": self.dense_epochs,
            "sparse_epochs": self.sparse_epochs,
            "redense_epochs": self.redense_epochs,
            "sparsity": self.sparsity,
            "redense_lr_factor": self.redense_lr_factor,
            "include_biases": self.include_biases,
            "layers": layers,
            "verbose": self.verbose,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
