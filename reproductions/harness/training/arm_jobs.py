"""The trainings of a script's sections as jobs: one per section, arm and
seed.

A section compares a few arms (variants: with and without dropout, say),
each trained from the same seeds. Every `(section, arm, seed)` is one job of
`harness.jobs` (none needs another's result), handed out longest first by
the script's estimate of its cost, and the results come back per section
and seed, in seed order whatever order the jobs finished in (a section of
one arm: its run's result itself, with its seed).

Placement: a worker trains with a script's number of threads
(`harness.jobs.threads_env`), as many workers side by side as the cores
hold (`harness.jobs.workers_for`).
"""

from harness.jobs import ONE_THREAD, Job, run_jobs


def arm_jobs(plan, env, extra=(), cost=None):
    """The jobs of `plan`, `{section: (function, arms, seeds)}`: one per
    section, arm and seed, keyed `(section, arm, seed)`, each calling
    `function(setup_result, arm, seed, *extra)` in a process with `env`.
    With `cost(key)`, an estimate, the longest first; otherwise in the
    plan's order."""
    jobs = [Job((section, arm, seed), function, (arm, seed, *extra), env=env)
            for section, (function, arms, seeds) in plan.items()
            for arm in arms for seed in seeds]
    if cost is not None:
        jobs.sort(key=lambda job: -cost(job.key))
    return jobs


def run_arms(plan, workers, setup, setup_args=(), at_hand=None, env=ONE_THREAD,
             extra=(), cost=None, on_result=None, scheduler=None):
    """Trains every arm of `plan`'s sections from each of their seeds.

    With `workers == 1` and no `scheduler` the jobs run here, in the plan's
    order and without `env`; otherwise in workers with `env` (or on the Dask
    cluster at `scheduler`), the longest first (`cost`). Each job says when
    it is done, with its own seconds.

    Args:
        plan: `{section: (function, arms, seeds)}`; `function` a module-level
            function, `function(setup_result, arm, seed, *extra)` one job.
        workers, setup, setup_args, on_result, scheduler: as `run_jobs`'s.
        at_hand: the setup's result, when this process has it already: the
            jobs that run here use it instead of calling `setup`.
        env: the workers' environment (`threads_env`).
        extra: the jobs' last arguments, the same for every job.
        cost: `cost((section, arm, seed))`, an estimate of a job's time.

    Returns:
        `({section: [{"seed": seed, arm: result, ...} for each seed]},
        {section: seconds})`, a section's seconds being its jobs' own
        times summed; a section of one arm: `{"seed": seed, **result}`.
    """
    here = workers == 1 and not scheduler
    jobs = arm_jobs(plan, {} if here else env, extra, None if here else cost)
    if here and at_hand is not None:
        setup, setup_args = (lambda: at_hand), ()
    seconds = {}

    def done(key, result):
        print(f"[kreg] {key[0]}, {key[1]}, seed {key[2]}: trained "
              f"({seconds[key]:.1f} s)", flush=True)
        if on_result is not None:
            on_result(key, result)

    results = run_jobs(jobs, workers, setup, setup_args, on_result=done,
                       scheduler=scheduler, seconds=seconds)
    by_seed = {section: [{"seed": seed, **(results[section, arms[0], seed]
                                            if len(arms) == 1 else
                                            {arm: results[section, arm, seed]
                                             for arm in arms})} for seed in seeds]
               for section, (_, arms, seeds) in plan.items()}
    return by_seed, {section: sum(took for key, took in seconds.items()
                                  if key[0] == section) for section in plan}
