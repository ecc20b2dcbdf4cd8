"""Training-step time of each kreg piece relative to `keras.layers.Dense`.

One run, one model size (an MLP of input 784 -> 256 -> 256 -> 10, the piece
under test in both hidden layers, batch 128, Adam), every model trained the
same way: blocks of steps of its own `train_step` in one compiled TensorFlow
loop (`kreg.training.CompiledLoop`), without XLA for all of them so that the
ratios compare the layers and not the compilers. Prints the median step time
and its ratio to the plain Dense model (for the penalties: to the Dense model
without penalty, which is the same model), beside the target of the issue.

Run:
    python benchmarks/layer_speed.py [--steps 300] [--repeats 5]
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from kreg.constraints import MaxNorm  # noqa: E402
from kreg.layers import (  # noqa: E402
    DropConnectDense,
    GaussianWeightDense,
    WeightNormalization,
    WeightNormDense,
)
from kreg.regularizers import L1, L2, ElasticNet  # noqa: E402
from kreg.reproduction.arguments import positive_int  # noqa: E402
from kreg.training import CompiledLoop, epoch_batch_indices  # noqa: E402

UNITS = 256
BATCH = 128

# name -> (hidden layer factory, target ratio or None)
PIECES = {
    "Dense": (lambda: keras.layers.Dense(UNITS, activation="relu"), None),
    "DropConnectDense per_batch": (
        lambda: DropConnectDense(UNITS, 0.5, mask="per_batch", activation="relu",
                                 seed=0), 1.3),
    "DropConnectDense per_example": (
        lambda: DropConnectDense(UNITS, 0.5, mask="per_example",
                                 activation="relu", seed=0), None),
    "WeightNormDense": (lambda: WeightNormDense(UNITS, activation="relu"), 1.3),
    "WeightNormalization(Dense)": (
        lambda: WeightNormalization(keras.layers.Dense(UNITS, activation="relu")),
        1.3),
    "Dense + MaxNorm(3)": (
        lambda: keras.layers.Dense(UNITS, activation="relu",
                                   kernel_constraint=MaxNorm(3.0)), 1.3),
    "Dense + L1": (
        lambda: keras.layers.Dense(UNITS, activation="relu",
                                   kernel_regularizer=L1(1e-4)), 1.1),
    "Dense + L2": (
        lambda: keras.layers.Dense(UNITS, activation="relu",
                                   kernel_regularizer=L2(1e-4)), 1.1),
    "Dense + L2 textbook": (
        lambda: keras.layers.Dense(
            UNITS, activation="relu",
            kernel_regularizer=L2(1e-4, convention="textbook")), 1.1),
    "Dense + ElasticNet": (
        lambda: keras.layers.Dense(UNITS, activation="relu",
                                   kernel_regularizer=ElasticNet(1e-4, 1e-4)),
        1.1),
    "GaussianWeightDense reparameterized": (
        lambda: GaussianWeightDense(UNITS, mode="reparameterized",
                                    activation="relu", seed=0), 1.6),
    "GaussianWeightDense gaussian_function": (
        lambda: GaussianWeightDense(UNITS, mode="gaussian_function",
                                    activation="relu", seed=0), 1.6),
}


def build(factory):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((784,))
    x = factory()(inputs)
    x = factory()(x)
    model = keras.Model(inputs, keras.layers.Dense(10)(x))
    model.compile(keras.optimizers.Adam(1e-3),
                  keras.losses.CategoricalCrossentropy(from_logits=True))
    return model


def step_time(factory, x, y, indices, repeats):
    if factory is PIECES["DropConnectDense per_example"][0]:
        indices = indices[: max(len(indices) // 10, 5)]  # ~100x the work a step
    loop = CompiledLoop(build(factory), x, y, jit_compile=False)
    loop.run(indices)  # trace and warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        loop.run(indices)
        times.append((time.perf_counter() - start) / len(indices))
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=positive_int, default=300)
    parser.add_argument("--repeats", type=positive_int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.random((4096, 784), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 4096)]
    indices = epoch_batch_indices(len(x), BATCH, args.steps, seed=0)
    print(f"784 -> {UNITS} -> {UNITS} -> 10, batch {BATCH}, {args.steps} steps, "
          f"median of {args.repeats}, {os.cpu_count()} CPU cores, "
          f"backend {keras.backend.backend()}")
    print(f"{'piece':<40} {'ms/step':>8} {'ratio':>6} {'target':>7}")
    base = None
    for name, (factory, target) in PIECES.items():
        seconds = step_time(factory, x, y, indices, args.repeats)
        base = base or seconds
        ratio = seconds / base
        verdict = "" if target is None else (
            f"<= {target:.1f} " + ("ok" if ratio <= target else "MISSED"))
        print(f"{name:<40} {1000 * seconds:8.3f} {ratio:6.2f} {verdict:>7}")


if __name__ == "__main__":
    main()
