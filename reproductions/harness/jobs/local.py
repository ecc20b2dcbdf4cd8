"""Jobs in this process, or in fresh local worker processes.

- With one worker and no environment overrides, the jobs run here, one
  after another.
- Otherwise they run in fresh processes (`spawn`). The environment of a
  worker is fixed when it starts, before it imports TensorFlow or JAX, so
  jobs are grouped by their overrides and each group gets its own workers;
  an `own_process` job gets a process of its own.
- `setup(*setup_args)` runs once per worker (once here when in process), for
  what every job needs and a worker should build only once: the data.
- Ctrl-C (or an error in a job) kills the workers at once, even while they
  are still starting, and the exception goes on; a worker that dies raises
  `BrokenProcessPool` (the runner says which jobs it was running).
"""

import multiprocessing
import signal
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

from harness.jobs.job import environment, function_path, timed_call

_setup_result = None


def _initialize(setup, setup_args):
    global _setup_result
    # Ctrl-C reaches the whole process group: the parent decides, and kills
    # the workers (`_run_pool`).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _setup_result = setup(*setup_args)


def _call(path, args):
    return timed_call(path, _setup_result, args)


def run_local(jobs, workers, setup, setup_args, finished):
    """Runs `jobs` here or in local workers; `finished(key, result,
    seconds)` as each ends."""
    groups = {}
    for job in jobs:
        alone = (job.key,) if job.own_process else ()
        groups.setdefault((tuple(sorted(job.env.items())), alone), []).append(job)
    for (env, alone), group in groups.items():
        if workers == 1 and not env and not alone:
            setup_result = setup(*setup_args)
            for job in group:
                start = time.perf_counter()
                result = job.function(setup_result, *job.args)
                finished(job.key, result, time.perf_counter() - start)
        else:
            _run_pool(group, dict(env), min(workers, len(group)), setup,
                      setup_args, finished)


def _run_pool(jobs, env, workers, setup, setup_args, finished):
    before = set(multiprocessing.active_children())
    executor = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"),
        initializer=_initialize, initargs=(setup, setup_args))
    try:
        with environment(env):  # inherited by the workers as they start
            # `submit` starts the workers (all of them by the last job, as
            # there are at least as many jobs as workers).
            futures = {executor.submit(_call, function_path(job.function),
                                       job.args): job.key for job in jobs}
        for future in as_completed(futures):
            result, seconds = future.result()
            finished(futures[future], result, seconds)
    except BaseException:
        # No more jobs handed out, then every worker this pool started
        # killed: twice over, as the pool's own thread may start one while
        # the first are killed.
        executor.shutdown(wait=False, cancel_futures=True)
        for _ in range(2):
            started = set(multiprocessing.active_children()) - before
            for process in started:
                process.kill()
            for process in started:
                process.join(timeout=10)
        raise
    executor.shutdown()
