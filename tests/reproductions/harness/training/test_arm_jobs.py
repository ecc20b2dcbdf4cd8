"""`harness.training.arm_jobs`: a script's sections, arms and seeds as jobs."""

import os

from harness.jobs import ONE_THREAD, threads_env, workers_for
from harness.training.arm_jobs import arm_jobs, run_arms


def trained(setup_result, arm, seed, scale):
    """A stand-in training: what it was given, and its process."""
    return {"value": setup_result["base"] + scale * seed, "arm": arm,
            "pid": os.getpid()}


def plan():
    return {"pairs": (trained, ("plain", "regularized"), [3, 4]),
            "single": (trained, ("only",), [3])}


def test_one_job_per_section_arm_and_seed_longest_first():
    costs = {"pairs": 1.0, "single": 4.0}
    jobs = arm_jobs(plan(), ONE_THREAD, extra=(2,), cost=lambda key: costs[key[0]])
    assert [job.key for job in jobs] == [
        ("single", "only", 3), ("pairs", "plain", 3), ("pairs", "plain", 4),
        ("pairs", "regularized", 3), ("pairs", "regularized", 4)]
    assert {job.env == ONE_THREAD and job.function is trained for job in jobs} == {True}
    assert jobs[1].args == ("plain", 3, 2)
    # Without an estimate, the plan's order.
    assert [job.key for job in arm_jobs(plan(), {})][0] == ("pairs", "plain", 3)


def test_results_come_back_per_section_and_seed(capsys):
    calls = []
    runs, seconds = run_arms(plan(), 1, lambda base: calls.append(base) or {"base": base},
                             (100,), extra=(2,), on_result=lambda key, _: calls.append(key))
    # The setup ran once, here, then each job in the plan's order.
    assert calls == [100, ("pairs", "plain", 3), ("pairs", "plain", 4),
                     ("pairs", "regularized", 3), ("pairs", "regularized", 4),
                     ("single", "only", 3)]
    said = capsys.readouterr().out.splitlines()
    assert len(said) == 5 and said[0].startswith("[kreg] pairs, plain, seed 3: trained (")
    first, second = runs["pairs"]
    assert first["seed"] == 3 and second["seed"] == 4
    assert first["plain"]["value"] == 106 and second["regularized"]["value"] == 108
    assert first["regularized"]["arm"] == "regularized"
    # A section of one arm: its run's result itself, with its seed.
    assert runs["single"] == [{"seed": 3, "value": 106, "arm": "only",
                               "pid": os.getpid()}]
    assert set(seconds) == {"pairs", "single"}
    assert all(value >= 0 for value in seconds.values())


def test_a_result_at_hand_is_used_here_instead_of_the_setup():
    def setup(_):
        raise AssertionError("the setup must not run here")

    runs, _ = run_arms(plan(), 1, setup, (0,), at_hand={"base": 7}, extra=(1,))
    assert runs["single"][0]["value"] == 10


def test_placement():
    assert threads_env(1) is ONE_THREAD
    two = threads_env(2)
    assert two["TF_NUM_INTRAOP_THREADS"] == two["OMP_NUM_THREADS"] == "2"
    assert "intra_op_parallelism_threads=2" in two["XLA_FLAGS"]
    cores = os.cpu_count() or 1
    assert workers_for(1, 1) == 1
    assert workers_for(100, 1) == cores
    assert workers_for(100, 2) == max(1, cores // 2)
    assert workers_for(100, 2 * cores) == 1


def based(base):
    return {"base": base}


def test_local_workers_give_the_results_of_a_run_here():
    """Whichever worker ran a job and whenever it finished, the results come
    back in the same places."""
    here, _ = run_arms(plan(), 1, based, (100,), extra=(2,))
    there, seconds = run_arms(plan(), 2, based, (100,), extra=(2,))

    def without_pids(runs):
        return {section: [{k: ({**v, "pid": None} if isinstance(v, dict) else v)
                           for k, v in r.items() if k != "pid"} for r in seeds]
                for section, seeds in runs.items()}

    assert without_pids(there) == without_pids(here)
    assert os.getpid() not in {r["plain"]["pid"] for r in there["pairs"]}
    assert set(seconds) == {"pairs", "single"}
