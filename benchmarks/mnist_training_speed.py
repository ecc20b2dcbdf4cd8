"""How fast the suite trains the article-000 model, beside the alternatives.

Prints, from one run on this machine, training steps per second of
`softmax(x @ W)` (784x10, half squared error, Adam, batch 32) for

- the suite's path (`harness.training.CompiledLoop`: the compiled Keras
  model's own `train_step`, blocks of steps in one compiled call) on each
  backend: TensorFlow (an XLA `while` loop), JAX (`jax.lax.scan` under
  `jax.jit`) and PyTorch (a tight loop of `train_step`);
- a loop written by hand in raw TensorFlow (XLA) and one in raw JAX
  (`lax.scan`): the frameworks' ceilings;
- a hand-written NumPy loop with Adam (the NumPy peer);
- `model.fit` with its defaults;

then each regularized variant of `reproductions/mnist_weight_images.py`
through the suite's path, its cost per step relative to the unregularized
model beside the article's runtime column, on TensorFlow and JAX; and three
ways of training several seeds: one after another, one compiled loop carrying
all the models, and one-core worker processes side by side.

Every measurement runs in a fresh process of one thread (`--threads`), the
setting in which the main job's workers train; the suite's TensorFlow path is
also timed on the default two threads, which are slower for a model this
small. Each rate is the median of `--repeats` timed calls after a warm-up.

Run:
    python benchmarks/mnist_training_speed.py [--steps 20000] [--repeats 3]
        [--data ../shared/data/mnist]
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# The suite's machinery (`harness`) lives beside the scripts in reproductions/.
REPRODUCTIONS = pathlib.Path(__file__).resolve().parents[1] / "reproductions"
sys.path.insert(0, str(REPRODUCTIONS))

BATCH = 32
LR = 1e-4
STDDEV = 0.075
ONE_THREAD = {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
              "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false "
                           "intra_op_parallelism_threads=1"}


def median_rate(run, steps, repeats):
    """Median steps/s over `repeats` timed calls (after one warm-up call)."""
    run()
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        rates.append(steps / (time.perf_counter() - start))
    return statistics.median(rates)


def suite_path(x, y, indices, model):
    from harness.training import CompiledLoop

    loop = CompiledLoop(model, x, y)
    return lambda: loop.run(indices)


def raw_tensorflow_loop(x, y, indices):
    import tensorflow as tf

    x, y = tf.constant(x), tf.constant(y)
    w = tf.Variable(tf.random.truncated_normal((784, 10), stddev=STDDEV, seed=0))
    m, v = tf.Variable(tf.zeros_like(w)), tf.Variable(tf.zeros_like(w))
    t = tf.Variable(0.0)

    @tf.function(jit_compile=True)
    def run(indices):
        loss = tf.constant(0.0)
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


def raw_jax_loop(x, y, indices):
    import jax
    import jax.numpy as jnp

    x, y, indices = jnp.asarray(x), jnp.asarray(y), jnp.asarray(indices)
    w = jnp.clip(jax.random.normal(jax.random.PRNGKey(0), (784, 10)) * STDDEV,
                 -2 * STDDEV, 2 * STDDEV)

    def loss_fn(w, xb, yb):
        p = jax.nn.softmax(xb @ w)
        return jnp.sum((yb - p) ** 2) / 2 / (10 * BATCH)

    def step(state, batch):
        w, m, v, t = state
        g = jax.grad(loss_fn)(w, x[batch], y[batch])
        t = t + 1.0
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        lr = LR * jnp.sqrt(1 - 0.999**t) / (1 - 0.9**t)
        return (w - lr * m / (jnp.sqrt(v) + 1e-7), m, v, t), None

    @jax.jit
    def run(state):
        return jax.lax.scan(step, state, indices)[0]

    state = (w, jnp.zeros_like(w), jnp.zeros_like(w), 0.0)
    return lambda: run(state)[0].block_until_ready()


def numpy_loop(x, y, indices):
    import numpy as np

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


def model_fit(x, y, steps, model):
    import numpy as np

    n = steps * BATCH
    xs, ys = x[np.arange(n) % len(x)], y[np.arange(n) % len(y)]
    return lambda: model.fit(xs, ys, batch_size=BATCH, epochs=1, verbose=0,
                             shuffle=False)


def several_seeds(x, y, build, steps, seeds, repeats):
    """Model-steps/s for `seeds` models: one after another, and one compiled
    TensorFlow loop carrying them all (a step of each per iteration)."""
    import tensorflow as tf

    from harness.training import epoch_batch_indices

    indices = [epoch_batch_indices(len(x), BATCH, steps, seed=s) for s in range(seeds)]
    models = [build("none", s) for s in range(seeds)]
    loops = [suite_path(x, y, i, m) for i, m in zip(indices, models)]
    sequential = median_rate(lambda: [run() for run in loops], steps * seeds,
                             repeats)
    together = [build("none", s) for s in range(seeds)]
    for model in together:
        model.optimizer.build(model.trainable_variables)
    xs, ys = tf.constant(x), tf.constant(y)
    stacked = tf.constant(indices)

    @tf.function(jit_compile=True)
    def run():
        for step in tf.range(steps):
            for k, model in enumerate(together):
                batch = stacked[k, step]
                model.train_step((tf.gather(xs, batch), tf.gather(ys, batch)))
        return tf.constant(0.0)

    one_loop = median_rate(run, steps * seeds, repeats)
    return {"one after another": sequential, "one loop carrying all": one_loop}


def measure(args):
    """The measurements of one backend, in this process; printed as JSON."""
    import keras
    import mnist_weight_images as script

    from harness.data import load_mnist
    from harness.training import epoch_batch_indices

    backend = keras.backend.backend()
    settings = script.parse_args(["--steps", str(args.steps)])
    data = load_mnist(args.data, seed=0, log=lambda _: None)
    x, y = data.x_train, data.y_train
    steps = args.steps if backend != "torch" else max(args.steps // 20, 200)
    indices = epoch_batch_indices(len(x), BATCH, steps, seed=0)

    def build(variant="none", seed=0):
        keras.utils.set_random_seed(seed)
        return script.build_model(variant, settings, seed=seed)

    rates = {"suite path": median_rate(suite_path(x, y, indices, build()), steps,
                                       args.repeats)}
    result = {"backend": backend, "source": data.source, "rates": rates}
    if args.part == "threads":
        return result
    if backend == "tensorflow":
        few = indices[: max(steps // 10, 100)]
        rates["raw TensorFlow loop (XLA)"] = median_rate(
            raw_tensorflow_loop(x, y, indices), steps, args.repeats)
        rates["NumPy loop"] = median_rate(numpy_loop(x, y, few), len(few),
                                          args.repeats)
        rates["model.fit defaults"] = median_rate(model_fit(x, y, len(few), build()),
                                                  len(few), 1)
        result["seeds"] = several_seeds(x, y, build, steps // 4, 3, args.repeats)
    if backend == "jax":
        rates["raw JAX loop (lax.scan)"] = median_rate(
            raw_jax_loop(x, y, indices), steps, args.repeats)
    if backend != "torch":
        result["variants"] = {
            variant: median_rate(suite_path(x, y, indices, build(variant)), steps,
                                 args.repeats)
            for variant in script.VARIANTS}
    return result


def in_subprocess(args, backend, part, threads):
    env = {**os.environ, "KERAS_BACKEND": backend}
    if threads == 1:
        env.update(ONE_THREAD)
    command = [sys.executable, __file__, "--steps", str(args.steps), "--repeats",
               str(args.repeats), "--data", args.data, "--part", part,
               "--backend", backend]
    out = subprocess.run(command, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        return {"backend": backend, "error": out.stderr.strip().splitlines()[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def workers_for_seeds(args, seeds=3):
    """Model-steps/s of `seeds` runs of 'none' in one-core worker processes,
    start-up and data loading included (as the main job does)."""
    import mnist_weight_images as script

    settings = script.parse_args(["--steps", str(args.steps // 4), "--seeds",
                                  str(seeds), "--only", "none", "--data",
                                  args.data, "--eval-every", str(args.steps // 4)])
    start = time.perf_counter()
    script.run(None, settings)
    return seeds * (args.steps // 4) / (time.perf_counter() - start)


def report(args):
    import mnist_weight_images as script

    runs = {backend: in_subprocess(args, backend, "all", 1)
            for backend in ("tensorflow", "jax", "torch")}
    two_threads = in_subprocess(args, "tensorflow", "threads", 2)
    tf_rates = runs["tensorflow"]["rates"]
    print(f"Training steps/s, batch {BATCH}, {args.steps:,} steps, median of "
          f"{args.repeats}; one thread a process; {os.cpu_count()} CPU cores; "
          f"data: {runs['tensorflow'].get('source')}\n")
    rows = []
    for backend, run in runs.items():
        if "error" in run:
            print(f"  {backend}: not measured ({run['error']})")
            continue
        for name, rate in run["rates"].items():
            rows.append((f"{name} [{backend}]", rate))
    rows.append(("suite path [tensorflow, 2 threads]",
                 two_threads["rates"]["suite path"]))
    numpy_rate = tf_rates["NumPy loop"]
    for name, rate in rows:
        print(f"  {name:<42}{rate:10,.0f}  {rate / numpy_rate:5.2f}x NumPy")
    suite = tf_rates["suite path"]
    print(f"\n  suite / raw TensorFlow loop: "
          f"{suite / tf_rates['raw TensorFlow loop (XLA)']:.2f}")
    if "rates" in runs["jax"]:
        jax_suite = runs["jax"]["rates"]["suite path"]
        print(f"  suite on JAX / suite on TensorFlow: {jax_suite / suite:.2f} "
              "(goal >= 0.8)")
        print(f"  suite on JAX / raw JAX loop: "
              f"{jax_suite / runs['jax']['rates']['raw JAX loop (lax.scan)']:.2f}")

    print("\nVariants through the suite's path: time per step relative to "
          "'none'")
    print(f"  {'variant':<12}{'TF steps/s':>11}{'TF':>7}{'JAX':>7}"
          f"{'article':>9}{'notebook':>10}")
    tf_variants = runs["tensorflow"]["variants"]
    jax_variants = runs["jax"].get("variants", {})
    for variant, rate in tf_variants.items():
        published = script.PUBLISHED.loc[variant]
        jax_ratio = (f"{jax_variants['none'] / jax_variants[variant]:7.2f}"
                     if jax_variants else f"{'-':>7}")
        print(f"  {variant:<12}{rate:11,.0f}{tf_variants['none'] / rate:7.2f}"
              f"{jax_ratio}{published['article_runtime_ratio']:9.2f}"
              f"{published['notebook_runtime_ratio']:10.2f}")

    print("\nThree seeds of 'none' (model-steps/s, TensorFlow):")
    seeds = dict(runs["tensorflow"]["seeds"])
    seeds["one-core worker processes side by side"] = workers_for_seeds(args)
    for name, rate in seeds.items():
        print(f"  {name:<42}{rate:10,.0f}")
    print("  (the workers' rate includes their start-up and data loading)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data", default="auto",
                        help="MNIST source, as the scripts' --data")
    parser.add_argument("--part", choices=("all", "threads"), default=None,
                        help=argparse.SUPPRESS)
    parser.add_argument("--backend", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part is None:
        report(args)
    else:
        print(json.dumps(measure(args)))


if __name__ == "__main__":
    main()
