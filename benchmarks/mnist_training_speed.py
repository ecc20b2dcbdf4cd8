"""How fast kreg trains the article-000 model, beside the alternatives.

Prints, from one run on this machine, the training steps per second of

- kreg's training path (`harness.training.CompiledLoop`: the compiled Keras
  model's own `train_step`, blocks of steps in one compiled loop),
- a plain compiled TensorFlow loop written by hand (the same model, loss and
  Adam as raw TF ops in one XLA-compiled `while` loop: the framework's ceiling),
- a hand-written NumPy loop with Adam,
- `model.fit` with its defaults (for context),

and the ratio kreg / plain TF loop (target: >= 0.8). Then each regularized
variant of `reproductions/mnist_weight_images.py` through kreg's path,
relative to the unregularized model, beside the article's runtime column.

Run:
    python benchmarks/mnist_training_speed.py [--steps 20000] [--repeats 3]
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
import tensorflow as tf  # noqa: E402

from harness.data import load_mnist  # noqa: E402
from harness.cli.arguments import positive_int  # noqa: E402
from harness.training import CompiledLoop, epoch_batch_indices  # noqa: E402
import mnist_weight_images as script  # noqa: E402

BATCH = 32
LR = 1e-4
STDDEV = 0.075


def best_rate(run, steps, repeats):
    """Median steps/s over `repeats` timed calls (after one warm-up call)."""
    run()
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        rates.append(steps / (time.perf_counter() - start))
    return statistics.median(rates)


def kreg_path(x, y, indices, build_model):
    model = build_model()
    loop = CompiledLoop(model, x, y)
    return lambda: loop.run(indices)


def plain_tf_loop(x, y, indices):
    x, y = tf.constant(x), tf.constant(y)
    w = tf.Variable(tf.random.truncated_normal((784, 10), stddev=STDDEV, seed=0))
    m, v = tf.Variable(tf.zeros_like(w)), tf.Variable(tf.zeros_like(w))
    t = tf.Variable(0.0)

    @tf.function(jit_compile=True)
    def run(indices):
        for step in tf.range(tf.shape(indices)[0]):
            xb, yb = tf.gather(x, indices[step]), tf.gather(y, indices[step])
            with tf.GradientTape() as tape:
                p = tf.nn.softmax(xb @ w)
                loss = tf.reduce_sum((yb - p) ** 2) / 2 / (10 * BATCH)
            g = tape.gradient(loss, w)
            t.assign_add(1.0)
            m.assign(0.9 * m + 0.1 * g)
            v.assign(0.999 * v + 0.001 * g * g)
            lr = LR * tf.sqrt(1 - 0.999**t) / (1 - 0.9**t)
            w.assign_sub(lr * m / (tf.sqrt(v) + 1e-7))
        return loss

    indices = tf.constant(indices)
    return lambda: run(indices).numpy()


def numpy_loop(x, y, indices):
    rng = np.random.default_rng(0)
    w = np.clip(rng.normal(0, STDDEV, (784, 10)), -2 * STDDEV, 2 * STDDEV)
    w = w.astype(np.float32)
    state = {"m": np.zeros_like(w), "v": np.zeros_like(w), "t": 0}

    def run():
        m, v = state["m"], state["v"]
        for batch in indices:
            xb, yb = x[batch], y[batch]
            z = xb @ w
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            dp = (p - yb) / (10 * BATCH)
            dz = p * (dp - (dp * p).sum(axis=1, keepdims=True))
            g = xb.T @ dz
            state["t"] += 1
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            t = state["t"]
            lr = LR * np.sqrt(1 - 0.999**t) / (1 - 0.9**t)
            w[...] -= lr * m / (np.sqrt(v) + 1e-7)

    return run


def model_fit(x, y, steps, build_model):
    model = build_model()
    n = steps * BATCH
    xs, ys = x[np.arange(n) % len(x)], y[np.arange(n) % len(y)]
    return lambda: model.fit(xs, ys, batch_size=BATCH, epochs=1, verbose=0,
                             shuffle=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=positive_int, default=20000)
    parser.add_argument("--repeats", type=positive_int, default=3)
    args = parser.parse_args()
    settings = script.parse_args(["--steps", str(args.steps)])
    data = load_mnist("auto", seed=0)
    x, y = data.x_train, data.y_train
    indices = epoch_batch_indices(len(x), BATCH, args.steps, seed=0)
    few = indices[: max(args.steps // 10, 100)]

    def build(variant="none"):
        keras.utils.set_random_seed(0)
        return script.build_model(variant, settings, seed=0)

    print(f"Steps/s on {os.cpu_count()} CPU cores, batch {BATCH}, "
          f"median of {args.repeats} (data: {data.source})")
    rates = {
        "kreg CompiledLoop": best_rate(kreg_path(x, y, indices, build),
                                       args.steps, args.repeats),
        "plain TF loop (XLA)": best_rate(plain_tf_loop(x, y, indices),
                                         args.steps, args.repeats),
        "NumPy loop": best_rate(numpy_loop(x, y, few), len(few), args.repeats),
        "model.fit defaults": best_rate(model_fit(x, y, len(few), build),
                                        len(few), 1),
    }
    for name, rate in rates.items():
        print(f"  {name:<22} {rate:8.0f} steps/s")
    ratio = rates["kreg CompiledLoop"] / rates["plain TF loop (XLA)"]
    print(f"  kreg / plain TF loop: {ratio:.2f}x (target >= 0.8)")

    print("\nVariants through kreg's path, time per step relative to 'none':")
    print(f"  {'variant':<12} {'steps/s':>8} {'ours':>6} {'article':>8} "
          f"{'notebook':>9}")
    base = None
    for variant in script.VARIANTS:
        rate = best_rate(kreg_path(x, y, indices, lambda v=variant: build(v)),
                         args.steps, args.repeats)
        base = base or rate
        published = script.PUBLISHED.loc[variant]
        print(f"  {variant:<12} {rate:8.0f} {base / rate:6.2f} "
              f"{published['article_runtime_ratio']:8.2f} "
              f"{published['notebook_runtime_ratio']:9.2f}")


if __name__ == "__main__":
    main()
