"""A job: one independent training, known by its key.

Its function is a module-level function, sent to a worker by name
(`function_path`): a worker imports the module and calls
`function(setup_result, *args)`. A script run as `python script.py` is
module `__main__` here, and is imported in a worker under its file's name,
from the folder that holds it (`reproductions/`), so that a worker on a
cluster needs only the checkout, not this process's state.

Why one-thread workers (`ONE_THREAD`): a small model's training step is
bound by per-operation overhead, not by arithmetic. Measured here, the
article-000 model trains at ~19,700 steps/s in an XLA loop on one thread
and ~14,200 on two (the threads only add synchronization). On a machine
with `n` cores, `n` processes of one thread each train `n` runs at once at
full single-thread speed. Each run is independent (its own seed) and
single-threaded, so it gives the same numbers whichever worker trains it.
"""

import contextlib
import dataclasses
import importlib
import os
import sys
import time
from collections.abc import Callable, Hashable, Mapping
from typing import Any

# Environment of a worker that trains on one core, set before it imports
# TensorFlow or JAX.
ONE_THREAD = {
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false "
                 "intra_op_parallelism_threads=1",
    "OMP_NUM_THREADS": "1",
}


@contextlib.contextmanager
def environment(env):
    """This process's environment with `env` on top, until the block ends:
    a process spawned inside it starts with `env` (a worker's thread counts
    are fixed when it starts, before it imports TensorFlow or JAX)."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def threads_env(threads):
    """The environment of a worker training with `threads` threads:
    `ONE_THREAD` for one, its thread counts widened otherwise."""
    if threads == 1:
        return ONE_THREAD
    return {**ONE_THREAD, "TF_NUM_INTRAOP_THREADS": str(threads),
            "OMP_NUM_THREADS": str(threads),
            "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=true "
                         f"intra_op_parallelism_threads={threads}"}


def workers_for(jobs, threads):
    """Workers of `threads` threads each: as many as the cores hold, at most
    one a job, at least one."""
    return max(1, default_workers(jobs * threads) // threads)


@dataclasses.dataclass(frozen=True)
class Job:
    """`function(setup_result, *args)`, known by `key`, in a process whose
    environment has `env` on top of this one's; with `own_process`, in a
    fresh local process that runs this job alone (for settings a library
    fixes at start-up, such as TensorFlow's thread counts or oneDNN)."""

    key: Hashable
    function: Callable[..., Any]
    args: tuple = ()
    env: Mapping[str, str] = dataclasses.field(default_factory=dict)
    own_process: bool = False


def default_workers(jobs):
    """One worker per core, no more than there are jobs."""
    return max(1, min(os.cpu_count() or 1, jobs))


def function_path(function):
    """`(module, name, folder)`: where a worker finds `function`. A
    function of `__main__` (a script run as a command) is found in its
    file's module, in the file's folder."""
    module = function.__module__
    folder = None
    if module in ("__main__", "__mp_main__"):
        path = sys.modules[module].__file__
        module = os.path.splitext(os.path.basename(path))[0]
        folder = os.path.dirname(os.path.abspath(path))
    return module, function.__qualname__, folder


def resolve(path):
    """The function `function_path` named, imported in this process."""
    module, name, folder = path
    if folder and folder not in sys.path:
        sys.path.insert(0, folder)
    main = sys.modules.get("__main__")
    if getattr(main, "__file__", None) and os.path.splitext(
            os.path.basename(main.__file__))[0] == module:
        target = main  # the script itself runs here: no second import
    else:
        target = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return target


def timed_call(path, setup_result, args):
    """`(result, seconds)` of one job in this process."""
    start = time.perf_counter()
    result = resolve(path)(setup_result, *args)
    return result, time.perf_counter() - start
