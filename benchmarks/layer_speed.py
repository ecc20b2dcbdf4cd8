"""Training-step time of each kreg piece relative to `keras.layers.Dense`.

One run, one model size (an MLP of input 784 -> 256 -> 256 -> 10, the piece
under test in both hidden layers, batch 128, Adam), every model trained the
same way: blocks of steps of its own `train_step` in one compiled TensorFlow
loop (`harness.training.CompiledLoop`). Two columns: "graph", a `tf.function`
loop without XLA for every model, so that the ratios compare the layers and
not the compilers; and "auto", what `CompiledLoop` picks by default (XLA
unless the model draws random numbers, whose XLA kernels are slow on a CPU).
Prints the median step time over interleaved rounds and its ratio to the plain
Dense model (for the penalties: to the Dense model without penalty, which is
the same model), beside the target of the issue.

Run:
    python benchmarks/layer_speed.py [--steps 300] [--repeats 5]
"""

import argparse
import os
import pathlib
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# The suite's machinery (`harness`) lives beside the scripts in reproductions/.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "reproductions"))

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
from harness.cli.arguments import positive_int  # noqa: E402
from harness.training import CompiledLoop, epoch_batch_indices  # noqa: E402

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
    "Dense + keras.regularizers.L2": (
        lambda: keras.layers.Dense(UNITS, activation="relu",
                                   kernel_regularizer=keras.regularizers.L2(1e-4)),
        None),
    "Dense + ElasticNet": (
        lambda: keras.layers.Dense(UNITS, activation="relu",
                                   kernel_regularizer=ElasticNet(1e-4, 1e-4)),
        1.1),
    "GaussianWeightDense reparameterized": (
        lambda: GaussianWeightDense(UNITS, mode="reparameterized",
                                    activation="relu", seed=0), 1.6),
    "GaussianWeightDense reparam. local": (
        lambda: GaussianWeightDense(UNITS, mode="reparameterized",
                                    sampling="local", activation="relu",
                                    seed=0), 1.6),
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


def make_run(factory, x, y, indices, jit_compile):
    if factory is PIECES["DropConnectDense per_example"][0]:
        indices = indices[: max(len(indices) // 10, 5)]  # ~100x the work a step
    loop = CompiledLoop(build(factory), x, y, jit_compile=jit_compile)
    loop.run(indices)  # trace and warm up
    return lambda: loop.run(indices), len(indices)


def median_step_times(runs, repeats):
    """Interleaves the timed calls (round-robin over the pieces, `repeats`
    rounds) so that drifts in machine load hit every piece alike."""
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, (run, steps) in runs.items():
            start = time.perf_counter()
            run()
            times[name].append((time.perf_counter() - start) / steps)
    return {name: statistics.median(t) for name, t in times.items()}


def random_floor(steps, repeats):
    """ms to draw one uniform and one normal number per hidden-layer weight
    (784x256 + 256x256), the least a per-weight mask or sample can cost."""
    import tensorflow as tf

    seed = keras.random.SeedGenerator(0)
    shapes = [(784, UNITS), (UNITS, UNITS)]

    def loop(draw):
        @tf.function
        def run():
            total = tf.constant(0.0)
            for _ in tf.range(steps):
                for shape in shapes:
                    total += tf.reduce_sum(draw(shape, seed=seed))
            return total

        run()
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            run()
            times.append((time.perf_counter() - start) / steps)
        return statistics.median(times)

    return loop(keras.random.uniform), loop(keras.random.normal)


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
          f"median of {args.repeats} interleaved rounds, {os.cpu_count()} CPU "
          f"cores, backend {keras.backend.backend()}")
    columns = {}
    for label, jit in (("graph", False), ("auto", "auto")):
        runs = {name: make_run(factory, x, y, indices, jit)
                for name, (factory, _) in PIECES.items()}
        columns[label] = median_step_times(runs, args.repeats)
    print("graph: tf.function loop without XLA for every model; auto: what "
          "CompiledLoop picks (XLA unless the model draws random numbers)")
    print(f"{'piece':<38} {'graph ms':>8} {'ratio':>6} {'auto ms':>8} "
          f"{'ratio':>6}  target")
    for name, (_, target) in PIECES.items():
        cells = []
        for label in ("graph", "auto"):
            seconds = columns[label][name]
            cells.append(f"{1000 * seconds:8.3f} "
                         f"{seconds / columns[label]['Dense']:6.2f}")
        verdict = "" if target is None else f"<= {target:.1f}"
        print(f"{name:<38} {cells[0]} {cells[1]}  {verdict}")
    if keras.backend.backend() == "tensorflow":
        uniform, normal = random_floor(args.steps, args.repeats)
        dense = columns["graph"]["Dense"]
        print(f"\nRandom-number floor (graph): one uniform per hidden weight "
              f"{1000 * uniform:.3f} ms = {uniform / dense:.2f} of a Dense step; "
              f"one normal {1000 * normal:.3f} ms = {normal / dense:.2f}.")


if __name__ == "__main__":
    main()
