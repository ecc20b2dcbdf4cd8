"""`harness.jobs.job`: a job's function travels to a worker by name."""

import pathlib
import subprocess
import sys

from harness.jobs.job import function_path, resolve

ROOT = pathlib.Path(__file__).resolve().parents[4]


def test_a_module_function_is_found_by_its_module_and_name():
    from harness.analysis.over_seeds import per_seed

    path = function_path(per_seed)
    assert path == ("harness.analysis.over_seeds", "per_seed", None)
    assert resolve(path) is per_seed


def test_a_scripts_function_is_found_by_the_scripts_file_name(tmp_path):
    """A script run as a command is `__main__`; a worker elsewhere imports it
    by its file's name from its folder."""
    script = tmp_path / "a_script.py"
    script.write_text("def job(setup, x):\n    return ('ran', setup, x)\n")
    code = ("import runpy, sys\n"
            f"sys.path.insert(0, {str(ROOT / 'reproductions')!r})\n"
            "from harness.jobs.job import function_path\n"
            f"module = runpy.run_path({str(script)!r}, run_name='__main__')\n"
            "sys.modules['__main__'].__file__ = module['__file__']\n"
            "print(function_path(module['job']))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == repr(("a_script", "job", str(tmp_path)))
    assert resolve(("a_script", "job", str(tmp_path)))(1, 2) == ("ran", 1, 2)
