"""The suite's one way to run work: jobs, in this process or in fresh workers.

A job is a key, a module-level function, its arguments and optional
environment overrides. `run_jobs` calls `function(setup_result, *args)` for
each and returns `{key: result}`: plain values, pickled back from a worker.

- With one worker and no overrides, the jobs run here, one after another.
- Otherwise they run in fresh processes (`spawn`). The environment of a
  worker is fixed when it starts, before it imports TensorFlow or JAX, so
  jobs are grouped by their overrides and each group gets its own workers:
  the main job's seeds run on one-thread workers (`ONE_THREAD`) side by
  side; toy regression's floating-point conditions (oneDNN on or off, thread
  counts) each in a process of their own (`own_process`), one after another.
- `setup(*setup_args)` runs once per worker (once here when in process), for
  what every job needs and a worker should build only once: the data.
- Ctrl-C (or an error in a job) kills the workers at once, even while they
  are still starting, and the exception goes on; the scripts write their
  results atomically, so the previous results stay whole.

Why one-thread workers: a small model's training step is bound by
per-operation overhead, not by arithmetic. Measured here, the article-000
model trains at ~19,700 steps/s in an XLA loop on one thread and ~14,200 on
two (the threads only add synchronization). On a machine with `n` cores,
`n` processes of one thread each train `n` runs at once at full
single-thread speed. Each run is independent (its own seed) and
single-threaded, so it gives the same numbers whichever worker trains it.
"""

import dataclasses
import multiprocessing
import os
import signal
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
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


@dataclasses.dataclass(frozen=True)
class Job:
    """`function(setup_result, *args)`, known by `key`, in a process whose
    environment has `env` on top of this one's; with `own_process`, in a
    fresh process that runs this job alone (for settings a library fixes
    at start-up, such as TensorFlow's thread counts)."""

    key: Hashable
    function: Callable[..., Any]
    args: tuple = ()
    env: Mapping[str, str] = dataclasses.field(default_factory=dict)
    own_process: bool = False


def default_workers(jobs):
    """One worker per core, no more than there are jobs."""
    return max(1, min(os.cpu_count() or 1, jobs))


def _no_setup():
    return None


_setup_result = None


def _initialize(setup, setup_args):
    global _setup_result
    # Ctrl-C reaches the whole process group: the parent decides, and kills
    # the workers (`_run_pool`).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _setup_result = setup(*setup_args)


def _call(function, args):
    return function(_setup_result, *args)


def run_jobs(jobs, workers=1, setup=None, setup_args=(), on_result=None):
    """Runs every job; returns `{key: result}`.

    Args:
        jobs: `Job`s, longest first (each group hands them out in this order
            to whichever worker is free).
        workers: the most worker processes at once; 1 runs the jobs without
            environment overrides in this process.
        setup: a module-level function run once per worker (or once here);
            its result is every job's first argument. Default: `None` is
            passed.
        setup_args: the arguments of `setup`.
        on_result: called with `(key, result)` as each job finishes.
    """
    setup = setup or _no_setup
    jobs = list(jobs)
    results = {}

    def finished(key, result):
        results[key] = result
        if on_result is not None:
            on_result(key, result)

    groups = {}
    for job in jobs:
        alone = (job.key,) if job.own_process else ()
        groups.setdefault((tuple(sorted(job.env.items())), alone), []).append(job)
    for (env, alone), group in groups.items():
        if workers == 1 and not env and not alone:
            setup_result = setup(*setup_args)
            for job in group:
                finished(job.key, job.function(setup_result, *job.args))
        else:
            _run_pool(group, dict(env), min(workers, len(group)), setup,
                      setup_args, finished)
    return results


def _run_pool(jobs, env, workers, setup, setup_args, finished):
    before = set(multiprocessing.active_children())
    executor = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"),
        initializer=_initialize, initargs=(setup, setup_args))
    try:
        saved = dict(os.environ)
        os.environ.update(env)  # inherited by the workers as they start
        try:
            # `submit` starts the workers (all of them by the last job, as
            # there are at least as many jobs as workers).
            futures = {executor.submit(_call, job.function, job.args): job.key
                       for job in jobs}
        finally:
            os.environ.clear()
            os.environ.update(saved)
        for future in as_completed(futures):
            finished(futures[future], future.result())
    except BaseException:
        started = set(multiprocessing.active_children()) - before
        for process in started:
            process.kill()
        for process in started:
            process.join(timeout=10)
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown()
