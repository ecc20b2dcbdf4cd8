"""One training of article 004's regression model, measured (the intuition
script's jobs): its curves sampled every `eval_every` steps and its final
window (the last fifth of the measurements, as `Final` reads it) at every
step (`StepwiseLoop`); predictions with dropout off and on; how many
last-hidden units the output draws on; the L2 penalty Keras adds beside
lambda * the kernels' squared Frobenius norms computed apart.
"""

import sys
import time

import keras
import numpy as np
from tqdm import tqdm

from harness.analysis.measured_window import window_blocks
from harness.analysis.parameter_change import all_parameters
from harness.analysis.unit_importance import unit_importance
from harness.training import CompiledLoop, Evaluator, epoch_batch_indices
from harness.training.stepwise_loop import StepwiseLoop

DROPOUT_ON_PASSES = 20  # predictions with dropout on (training=True) per dropout model


def predict(model, signal, training=False):
    grid = np.asarray(signal.x).reshape(-1, 1)
    return keras.ops.convert_to_numpy(model(grid, training=training)).reshape(-1)


def dropout_on_predictions(model, signal):
    """`DROPOUT_ON_PASSES` predictions on the signal's x with dropout still
    on (training=True), one row per pass; empty for a model without dropout."""
    if not any(isinstance(layer, keras.layers.Dropout) for layer in model.layers):
        return np.zeros((0, len(signal.x)), dtype=np.float32)
    return np.stack([predict(model, signal, training=True)
                     for _ in range(DROPOUT_ON_PASSES)])


def train(model, data, args, seed, label, progress):
    """Trains `model`; `seed` sets the batch order."""
    x_train, y_train, x_val, y_val = data
    before = all_parameters(model)
    loop = CompiledLoop(model, x_train, y_train)
    stepwise = StepwiseLoop(model, x_train, y_train, {
        "train_mse": (x_train, y_train), "val_mse": (x_val, y_val)})
    indices = epoch_batch_indices(len(x_train), args.batch_size, args.steps, seed=seed)
    measure = {"train_mse": Evaluator(model, x_train, y_train, measure="mse"),
               "val_mse": Evaluator(model, x_val, y_val, measure="mse")}
    history = {"step": [], "train_mse": [], "val_mse": []}
    window = {"train_mse": [], "val_mse": []}  # every step of the final window
    firsts = range(0, args.steps, args.eval_every)
    start = time.perf_counter()
    for n, first in enumerate(tqdm(firsts, desc=f"{label:>14}", file=sys.stdout,
                                   mininterval=2.0, disable=not progress)):
        block = indices[first:first + args.eval_every]
        history["step"].append(first + len(block))
        if n < len(firsts) - window_blocks(len(firsts)):
            loop.run(block)
            for column, evaluate in measure.items():
                history[column].append(evaluate())
            continue
        for column, values in stepwise.run(block).items():
            window[column].extend(values)
            history[column].append(float(values[-1]))
    return {"history": history, "before": before, "after": all_parameters(model),
            "seconds": time.perf_counter() - start,
            **{f"window_{c}": np.asarray(v) for c, v in window.items()}}


def model_measures(model, signal, kind, strength):
    """After training: how many last-hidden units the output draws on
    (`unit_importance`, inference mode) and, for L2, the penalty Keras adds
    beside lambda * the squared Frobenius norms of the kernels."""
    hidden = keras.Model(model.input, model.layers[-2].output)
    activations = keras.ops.convert_to_numpy(hidden(np.asarray(signal.x).reshape(-1, 1)))
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    kernels = [keras.ops.convert_to_numpy(layer.kernel) for layer in dense]
    return {**unit_importance(activations, kernels[-1]),
            "penalty_model": float(sum(keras.ops.convert_to_numpy(loss)
                                       for loss in model.losses)),
            "penalty_frobenius": (strength if kind == "l2" else 0.0) * sum(
                float(np.linalg.norm(k.astype(np.float64), "fro")) ** 2 for k in kernels)}
