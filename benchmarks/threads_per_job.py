"""Threads per job: two one-thread jobs side by side, or one two-thread job
after another, for each model the suite trains.

The runner places a script's jobs (`harness.jobs`): one-thread workers, as
many as cores, or fewer workers of more threads each. Which is faster
depends on the model: a small model's step is bound by per-operation
overhead, which a second thread does not shorten; a big one's convolutions
and matrix products may split across threads. This benchmark measures it,
the same way for each model, in one run:

- side by side: two processes of one thread each (`threads_env(1)`), each
  training the model for `--steps` steps, started together (a barrier after
  their warm-up), timed from the barrier until both end;
- one after another: one process of two threads (`threads_env(2)`) training
  the same steps, timed twice over: the wall time of the same two jobs.

It prints both wall times and their ratio (`after / side`: above 1, one
thread a job is the faster placement). The models are the scripts' own
(`harness.models`) with their scripts' batch sizes, on random inputs of the
right shape (speed does not depend on the values), trained with `fit`.

    python benchmarks/threads_per_job.py
    python benchmarks/threads_per_job.py --models lenet5 --steps 3000
"""

import multiprocessing
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "reproductions"))

from harness.cli.arguments import comma_list, positive_int  # noqa: E402
from harness.cli.one_line_parser import ScriptParser  # noqa: E402
from harness.jobs import threads_env  # noqa: E402
from harness.jobs.job import environment  # noqa: E402

# Each model: its builder, the script that trains it, its input and target
# shapes, its loss and its script's batch size.
MODELS = {
    "lenet5": ("regularization_overview (001)", 64),
    "autoencoder": ("toy_regression (003), MNIST autoencoder", 32),
    "regression_mlp": ("toy_regression (003), toy models", 20),
}


def model_and_data(name, examples=4096):
    from harness.quiet_backend import start_backend_quietly

    start_backend_quietly()
    import keras
    import numpy as np

    from harness.models.autoencoder import build_autoencoder
    from harness.models.lenet5 import build_lenet5
    from harness.models.regression_mlp import build_regression_mlp

    rng = np.random.default_rng(0)
    if name == "lenet5":
        model, loss = build_lenet5(seed=0), "sparse_categorical_crossentropy"
        x = rng.random((examples, 784), dtype=np.float32)
        y = rng.integers(0, 10, examples)
    elif name == "autoencoder":
        model, loss = build_autoencoder(0), "binary_crossentropy"
        x = rng.random((examples, 784), dtype=np.float32)
        y = x
    else:
        model, loss = build_regression_mlp(4, 0), "mse"
        x = rng.normal(size=(examples, 4)).astype(np.float32)
        y = rng.normal(size=(examples, 1)).astype(np.float32)
    model.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9), loss=loss)
    return model, x, y


def train_steps(name, steps, barrier=None, out=None):
    """Warms up (one epoch of `steps` steps: the graph traced), waits at
    `barrier`, then trains `steps` steps; returns (or puts in `out`) the
    seconds of the timed part."""
    batch = MODELS[name][1]
    model, x, y = model_and_data(name, examples=steps * batch)
    fit = dict(batch_size=batch, epochs=1, verbose=0, shuffle=False)
    model.fit(x, y, **fit)
    if barrier is not None:
        barrier.wait()
    start = time.perf_counter()
    model.fit(x, y, **fit)
    seconds = time.perf_counter() - start
    if out is not None:
        out.put(seconds)
    return seconds


def in_processes(name, steps, threads, count):
    """`count` processes of `threads` threads each, started together: the
    wall time from the barrier to the last one's end."""
    context = multiprocessing.get_context("spawn")
    barrier, out = context.Barrier(count + 1), context.Queue()
    with environment(threads_env(threads)):  # a spawned child starts with it
        processes = [context.Process(target=train_steps, args=(name, steps, barrier, out))
                     for _ in range(count)]
        for process in processes:
            process.start()
    barrier.wait()
    start = time.perf_counter()
    seconds = [out.get() for _ in processes]
    wall = time.perf_counter() - start
    for process in processes:
        process.join()
    return wall, seconds


def main(argv=None):
    parser = ScriptParser(prog="threads_per_job.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=comma_list(tuple(MODELS)), default=list(MODELS),
                        help=f"comma-separated, among {', '.join(MODELS)}")
    parser.add_argument("--steps", type=positive_int, default=1500,
                        help="training steps a job (default: 1500)")
    args = parser.parse_args(argv)
    models = args.models
    print(f"{'model':<16}{'trained by':<42}{'batch':>6}{'2 x 1 thread, side by side':>28}"
          f"{'2 x 2 threads, in turn':>24}{'ratio':>7}")
    for name in models:
        side, _ = in_processes(name, args.steps, 1, 2)
        one, _ = in_processes(name, args.steps, 2, 1)
        after = 2 * one
        script, batch = MODELS[name]
        print(f"{name:<16}{script:<42}{batch:>6}{side:>26.1f} s{after:>22.1f} s"
              f"{after / side:>7.2f}", flush=True)
    print("ratio above 1: one thread a job, two jobs side by side, is faster")


if __name__ == "__main__":
    main()
