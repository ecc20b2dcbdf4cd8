"""Training-step time of each kreg piece relative to `keras.layers.Dense`.

One run, one model size: an MLP 784 -> 256 -> 256 -> 10 with the piece under
test in both hidden layers, batch 128, Adam, every model trained the same
way: blocks of steps of its own `train_step` in the suite's compiled loop
(`harness.training.CompiledLoop`). On TensorFlow each model is timed in a
`tf.function` loop without XLA ("graph") and with XLA ("xla"); its ratio is
its fastest path over the fastest Dense path, as a user would choose. On JAX
(`--backend jax`, run by this script in a subprocess) the loop is one
`jax.jit` of `lax.scan`. The timed calls are interleaved round-robin over the
pieces, `--repeats` rounds, and the median taken, so that drifts in machine
load hit every piece alike.

Printed beside the pieces, from the same run: the random-number floor, the
cost of drawing one uniform and one normal per hidden-layer weight
(784x256 + 256x256), with `keras.random` and with `kreg.random`: the least a
per-weight mask or sample can cost, which is why per-example masks cannot be
cheap and why the Gaussian DropConnect mode exists.

Floors, timed as pieces: the arithmetic of two matmuls (with one or two
kernel variables), and the same plus one kernel-sized normal draw a step,
the least a Flipout layer can cost; Flipout's time over that floor is
printed after the table.

Run:
    python benchmarks/layer_speed.py [--steps 300] [--repeats 5] [--backend all]
"""

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# The suite's machinery (`harness`) lives beside the scripts in reproductions/.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "reproductions"))

UNITS = 256
BATCH = 128

# name -> (factory source, target ratio or None); evaluated after import.
PIECES = {
    "Dense": ("L.Dense(UNITS, activation='relu')", None),
    "DropConnectDense gaussian": (
        "kl.DropConnectDense(UNITS, 0.5, sampling='gaussian', activation='relu', "
        "seed=0)", 1.5),
    "DropConnectDense per_batch": (
        "kl.DropConnectDense(UNITS, 0.5, sampling='per_batch', activation='relu', "
        "seed=0)", None),
    "DropConnectDense per_example": (
        "kl.DropConnectDense(UNITS, 0.5, sampling='per_example', activation='relu', "
        "seed=0)", None),
    "BayesianDense local": (
        "kl.BayesianDense(UNITS, sampling='local', activation='relu', seed=0)",
        2.0),
    "BayesianDense flipout": (
        "kl.BayesianDense(UNITS, sampling='flipout', activation='relu', "
        "seed=0)", 2.0),
    # Where Flipout's time over its floor goes: the same layer without its
    # KL term (the closed-form KL of every kernel weight and its gradient).
    "BayesianDense flipout, no KL": (
        "kl.BayesianDense(UNITS, sampling='flipout', activation='relu', "
        "kl_weight=0.0, seed=0)", None),
    "BayesianDense weights": (
        "kl.BayesianDense(UNITS, activation='relu', seed=0)", None),
    "GaussianFunctionDense": (
        "kl.GaussianFunctionDense(UNITS, activation='relu', seed=0)", None),
    "WeightNormDense": ("kl.WeightNormDense(UNITS, activation='relu')", 1.3),
    "WeightNormalization(Dense)": (
        "kl.WeightNormalization(L.Dense(UNITS, activation='relu'))", 1.3),
    "Dense + L1": ("L.Dense(UNITS, activation='relu', kernel_regularizer="
                   "kr.L1(1e-4))", 1.15),
    "Dense + L2": ("L.Dense(UNITS, activation='relu', kernel_regularizer="
                   "kr.L2(1e-4))", 1.15),
    "Dense + L2 textbook": ("L.Dense(UNITS, activation='relu', kernel_regularizer="
                            "kr.L2(1e-4, convention='textbook'))", 1.15),
    "Dense + ElasticNet": ("L.Dense(UNITS, activation='relu', kernel_regularizer="
                           "kr.ElasticNet(1e-4, 1e-4))", 1.15),
    "Dense + keras.regularizers.L2": (
        "L.Dense(UNITS, activation='relu', kernel_regularizer="
        "keras.regularizers.L2(1e-4))", None),
    "Dense + MaxNorm(3)": ("L.Dense(UNITS, activation='relu', kernel_constraint="
                           "kc.MaxNorm(3.0))", 1.15),
    "Dense + apply_max_norm(3)": ("L.Dense(UNITS, activation='relu')", 1.15),
    # Floors: the least arithmetic a mode needs, without any random number.
    "floor: 2 matmuls x@W, x2@W2": ("TwoMatmuls(UNITS)", None),
    "floor: same, 2 kernel variables": ("TwoMatmuls(UNITS, two_variables=True)",
                                        None),
    # Flipout's floor: the two matmuls of two kernel variables and the one
    # kernel-sized normal draw that Flipout cannot do without.
    "floor: same + kernel normal": (
        "TwoMatmuls(UNITS, two_variables=True, normal=True)", None),
}
# Printed after the table: a piece's time over its floor's, in the same run.
OVER_FLOOR = {"BayesianDense flipout": "floor: same + kernel normal",
              "BayesianDense flipout, no KL": "floor: same + kernel normal"}


def two_matmuls_class():
    """A layer doing the arithmetic of moment-matched sampling without the
    sampling: `relu(x @ A + (x * x) @ (B * B))`, with `B` the kernel itself
    (DropConnect's variance) or a second variable (a Gaussian layer's scale);
    with `normal=True`, `B * B` is multiplied by a fresh kernel-sized
    standard normal draw (`kreg.random.normal`) every call. Defined here, on
    use, so that importing this script imports no Keras."""
    import keras

    from kreg import random as kreg_random

    class TwoMatmuls(keras.layers.Layer):
        def __init__(self, units, two_variables=False, normal=False):
            super().__init__()
            self.units, self.two_variables = units, two_variables
            self.normal = normal
            self.seed_generator = keras.random.SeedGenerator(0)

        def build(self, shape):
            self.a = self.add_weight(shape=(shape[-1], self.units))
            self.b = (self.add_weight(shape=(shape[-1], self.units))
                      if self.two_variables else self.a)

        def call(self, x):
            ops = keras.ops
            b = ops.square(self.b)
            if self.normal:
                b = b * kreg_random.normal(tuple(self.b.shape),
                                           self.seed_generator)
            return ops.relu(ops.matmul(x, self.a) + ops.matmul(ops.square(x), b))

    return TwoMatmuls


def build(name, source):
    import keras

    import kreg.constraints as kc
    import kreg.layers as kl
    import kreg.regularizers as kr

    namespace = {"keras": keras, "L": keras.layers, "kl": kl, "kr": kr, "kc": kc,
                 "UNITS": UNITS, "TwoMatmuls": two_matmuls_class()}
    keras.utils.set_random_seed(0)
    inputs = keras.Input((784,))
    x = eval(source, namespace)(inputs)
    x = eval(source, namespace)(x)
    model = keras.Model(inputs, keras.layers.Dense(10)(x))
    if name == "Dense + apply_max_norm(3)":
        kc.apply_max_norm(model, 3.0)
    model.compile(keras.optimizers.Adam(1e-3),
                  keras.losses.CategoricalCrossentropy(from_logits=True))
    return model


def make_run(name, source, x, y, indices, jit_compile):
    from harness.training import CompiledLoop

    if "per_example" in source:
        indices = indices[: max(len(indices) // 10, 5)]  # ~100x the work a step
    loop = CompiledLoop(build(name, source), x, y, jit_compile=jit_compile)
    loop.run(indices)  # trace and warm up
    return lambda: loop.run(indices), len(indices)


def median_step_times(runs, repeats):
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, (run, steps) in runs.items():
            start = time.perf_counter()
            run()
            times[name].append((time.perf_counter() - start) / steps)
    return {name: statistics.median(t) for name, t in times.items()}


def random_floor(steps, repeats):
    """Seconds per step to draw one uniform and one normal per hidden weight,
    with keras.random and kreg.random, in the backend's compiled loop."""
    import keras

    from kreg import random as kreg_random

    shapes = [(784, UNITS), (UNITS, UNITS)]
    draws = {
        "keras.random uniform": lambda s, g: keras.random.uniform(s, seed=g),
        "keras.random normal": lambda s, g: keras.random.normal(s, seed=g),
        "kreg.random mask (rate 0.5)": lambda s, g: kreg_random.keep_mask(s, 0.5, g),
        "kreg.random normal": lambda s, g: kreg_random.normal(s, g),
    }
    backend = keras.backend.backend()
    results = {}
    for name, draw in draws.items():
        generator = keras.random.SeedGenerator(0)
        if backend == "tensorflow":
            import tensorflow as tf

            best = None
            for jit in (False, True):
                @tf.function(jit_compile=jit)
                def run():
                    total = tf.constant(0.0)
                    for _ in tf.range(steps):
                        for shape in shapes:
                            total += tf.reduce_sum(draw(shape, generator))
                    return total

                run()
                t = statistics.median(_timed(run, repeats)) / steps
                best = t if best is None else min(best, t)
            results[name] = best
        elif backend == "jax":
            import jax

            state = generator.state.value

            @jax.jit
            def run(state):
                def body(carry, _):
                    total, state = carry
                    with keras.StatelessScope(state_mapping=[(generator.state, state)]) \
                            as scope:
                        for shape in shapes:
                            total += keras.ops.sum(draw(shape, generator))
                        state = scope.get_current_value(generator.state)
                    return (total, state), None

                (total, _), _ = jax.lax.scan(body, (0.0, state), None, length=steps)
                return total

            run(state).block_until_ready()
            results[name] = statistics.median(
                _timed(lambda: run(state).block_until_ready(), repeats)) / steps
    return results


def _timed(run, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def measure(args):
    import keras
    import numpy as np

    from harness.training import epoch_batch_indices

    backend = keras.backend.backend()
    rng = np.random.default_rng(0)
    x = rng.random((4096, 784), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 4096)]
    indices = epoch_batch_indices(len(x), BATCH, args.steps, seed=0)
    paths = ("graph", "xla") if backend == "tensorflow" else ("jit",)
    columns = {}
    for path in paths:
        runs = {name: make_run(name, source, x, y, indices, path != "graph")
                for name, (source, _) in PIECES.items()}
        columns[path] = median_step_times(runs, args.repeats)
    best = {name: min(columns[p][name] for p in paths) for name in PIECES}
    dense = best["Dense"]
    print(f"\nbackend {backend}: 784 -> {UNITS} -> {UNITS} -> 10, batch {BATCH}, "
          f"{args.steps} steps, median of {args.repeats} interleaved rounds, "
          f"{os.cpu_count()} CPU cores")
    header = "".join(f"{p + ' ms':>10}" for p in paths)
    print(f"{'piece':<32}{header}{'ratio':>8}  target")
    for name, (_, target) in PIECES.items():
        cells = "".join(f"{1000 * columns[p][name]:10.3f}" for p in paths)
        ratio = best[name] / dense
        verdict = "" if target is None else (
            f"<= {target:.2f} {'met' if ratio <= target else 'NOT met'}")
        print(f"{name:<32}{cells}{ratio:8.2f}  {verdict}")
    print("ratio: the piece's fastest path over the fastest Dense path "
          f"({1000 * dense:.3f} ms a step)")
    for name, floor_name in OVER_FLOOR.items():
        print(f"{name} / {floor_name}: {best[name] / best[floor_name]:.2f}")
    floor = random_floor(args.steps, args.repeats)
    print("\nrandom-number floor (one draw per hidden weight, fastest path):")
    for name, seconds in floor.items():
        print(f"  {name:<30}{1000 * seconds:8.3f} ms = {seconds / dense:5.2f} "
              "of a Dense step")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--backend", choices=("all", "tensorflow", "jax"),
                        default="all")
    args = parser.parse_args()
    if args.backend == "all":
        for backend in ("tensorflow", "jax"):
            subprocess.run([sys.executable, __file__, "--steps", str(args.steps),
                            "--repeats", str(args.repeats), "--backend", backend],
                           env={**os.environ, "KERAS_BACKEND": backend}, check=True)
        return
    os.environ["KERAS_BACKEND"] = args.backend
    measure(args)


if __name__ == "__main__":
    main()
