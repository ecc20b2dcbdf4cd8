"""Jobs on a Dask distributed cluster, through its scheduler's address.

`python -m reproductions ... --scheduler tcp://HOST:PORT` (or a script's
own `--scheduler`) sends the same jobs a local run would train to the
cluster's workers, and gathers their results here; everything else (data
loading for the tables, figures, the ledger, writing the results) stays in
this process.

- The data reach each worker once, not once per job: a `WorkerPlugin` runs
  the jobs' `setup` on every worker as it joins, and keeps its result there
  for every job of this run.
- A worker's environment is fixed when it imports TensorFlow: the plugin
  sets the jobs' environment (one thread, say) before their first import,
  so a worker started with `--nthreads 1` trains as a local one-thread
  worker does, and gives the same numbers.
- Jobs that need a process of their own (`own_process`: a start-up setting
  such as oneDNN off) do not go to the cluster: the runner keeps them local.
- Workers find a script's functions by module name: start them from the
  repository with `reproductions/` on their `PYTHONPATH` (the plugin adds
  this checkout's folder where it exists on the worker).

Dask is an optional extra of the suite (`pip install -e ".[cluster]"`).
"""

import os
import sys
import uuid

from harness.jobs.job import function_path, resolve, timed_call

# Each run's setup result, per worker process, by the run's token.
_SETUP = {}


class _Setup:
    """A Dask `WorkerPlugin` (duck-typed, so that this module imports
    without Dask): sets the environment, puts the scripts' folder on the
    path and runs the setup once on each worker."""

    def __init__(self, token, setup, setup_args, env, folder):
        self.token, self.setup, self.setup_args = token, setup, setup_args
        self.env, self.folder = env, folder

    def setup_worker(self):
        os.environ.update(self.env)
        if self.folder and os.path.isdir(self.folder) and self.folder not in sys.path:
            sys.path.insert(0, self.folder)
        setup = resolve(self.setup) if isinstance(self.setup, tuple) else self.setup
        _SETUP[self.token] = setup(*self.setup_args)

    def teardown_worker(self):
        _SETUP.pop(self.token, None)


def _on_worker(token, path, args):
    return timed_call(path, _SETUP[token], args)


def run_on_cluster(jobs, scheduler, setup, setup_args, finished):
    """Runs `jobs` on the Dask cluster at `scheduler`; `finished(key,
    result, seconds)` as each ends. Every job's environment must be the
    same (the workers are set up once)."""
    from distributed import Client, WorkerPlugin, as_completed

    envs = {tuple(sorted(job.env.items())) for job in jobs}
    if len(envs) > 1:
        raise ValueError("Jobs sent to a cluster in one run share one "
                         f"environment; received {len(envs)}")
    env = dict(next(iter(envs))) if envs else {}

    class Plugin(WorkerPlugin):
        def __init__(self, inner):
            self.inner = inner

        def setup(self, worker):
            self.inner.setup_worker()

        def teardown(self, worker):
            self.inner.teardown_worker()

    token = uuid.uuid4().hex
    folder = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with Client(scheduler, timeout=30) as client:
        named = function_path(setup) if "<" not in setup.__qualname__ else setup
        client.register_plugin(Plugin(_Setup(token, named, setup_args, env, folder)),
                               name=f"kreg-setup-{token}")
        futures = {client.submit(_on_worker, token, function_path(job.function),
                                 job.args, key=f"kreg-{token}-{i}", pure=False): job.key
                   for i, job in enumerate(jobs)}
        try:
            for future in as_completed(futures):
                result, seconds = future.result()
                finished(futures[future], result, seconds)
        except BaseException:
            client.cancel(list(futures))
            raise
        finally:
            client.unregister_worker_plugin(f"kreg-setup-{token}")
