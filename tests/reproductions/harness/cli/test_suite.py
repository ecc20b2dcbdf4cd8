"""`python -m reproductions` (`harness.cli.suite`) and the articles'
catalog it shares with the results index (`harness.articles`)."""

import pathlib
import subprocess
import sys

import pytest

from harness import articles
from harness.cli import suite
from harness.results.report import index_results_folder

ROOT = pathlib.Path(__file__).resolve().parents[4]


def command(*argv):
    return subprocess.run([sys.executable, "-m", "reproductions", *argv],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_catalog_holds_every_script_main_job_first():
    on_disk = {path.stem for path in (ROOT / "reproductions").glob("*.py")
               if path.stem != "__main__"}
    assert set(articles.script_names()) == on_disk
    assert articles.script_names()[0] == "mnist_weight_images"
    numbers = [script.article.number for script in articles.SCRIPTS[1:]]
    assert numbers == sorted(numbers)


def test_listing_names_each_article_and_script_in_order():
    result = command()
    assert result.returncode == 0, result.stderr
    positions = [result.stdout.index(f"reproductions/{name}.py")
                 for name in articles.script_names()]
    assert positions == sorted(positions)
    assert 'Sam Greydanus (2016), "Regularization for Neural Networks"' in result.stdout
    assert "https://cs231n.github.io/neural-networks-2/#reg" in result.stdout


def test_version_is_kreg_s():
    import kreg

    result = command("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"kreg reproductions {kreg.__version__}"


@pytest.mark.parametrize("argv, message", [
    (["nope"], "argument SCRIPT: expected one of all, mnist_weight_images"),
    (["all", "toy_regression"], "argument SCRIPT: 'all' stands alone"),
    (["--bogus"], "unrecognized arguments: --bogus"),
])
def test_bad_input_is_one_line_and_exit_2(argv, message):
    result = command(*argv)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr


def test_all_means_every_script_in_order():
    assert suite.parse_args(["all", "--quick"]).scripts == articles.script_names()
    assert suite.parse_args(["toy_regression"]).scripts == ["toy_regression"]


def test_runs_each_script_in_turn_and_sums_up(tmp_path, monkeypatch, capsys):
    """Scripts stand in for the real ones: each runs in its own process with
    `--quick` passed on; a failing one is reported and fails the command."""
    (tmp_path / "good.py").write_text(WRITES.format(folder="results/quick/good"))
    (tmp_path / "bad.py").write_text("import sys\nsys.exit(3)\n")
    monkeypatch.setattr(suite, "HERE", tmp_path)
    monkeypatch.chdir(tmp_path)
    rows = suite.run_scripts(["good", "bad"], quick=True)
    assert [(name, code, folder) for name, code, _, folder in rows] == [
        ("good", 0, "results/quick/good/"), ("bad", 3, "-")]
    suite.print_summary(rows)
    out = capsys.readouterr().out
    assert "=== [1/2] python reproductions/good.py --quick" in out
    assert "=== [2/2] python reproductions/bad.py --quick" in out
    summary = [line.split() for line in out.splitlines()[-3:]]
    assert [row[:2] for row in summary[:2]] == [["good", "0"], ["bad", "3"]]
    assert summary[0][-1] == "results/quick/good/" and summary[2][0] == "total"


# A stand-in script that writes a results folder (its metadata) where told.
WRITES = """\
import os, sys
print('ran with', sys.argv[1:])
os.makedirs({folder!r}, exist_ok=True)
open(os.path.join({folder!r}, 'metadata.json'), 'w').write('{{}}')
"""


def test_summary_names_the_folder_a_script_really_wrote(tmp_path, monkeypatch,
                                                        capsys):
    """Asked for the full setting, a script whose data turn out not to be the
    article's writes to results/quick/: the summary says so; one that wrote
    nothing new shows no folder."""
    (tmp_path / "offline.py").write_text(WRITES.format(folder="results/quick/offline"))
    (tmp_path / "full.py").write_text(WRITES.format(folder="results/full"))
    (tmp_path / "silent.py").write_text("print('wrote nothing')\n")
    (tmp_path / "results" / "silent").mkdir(parents=True)
    (tmp_path / "results" / "silent" / "metadata.json").write_text("{}")
    monkeypatch.setattr(suite, "HERE", tmp_path)
    monkeypatch.chdir(tmp_path)
    rows = suite.run_scripts(["offline", "full", "silent"], quick=False)
    assert [(name, folder) for name, _, _, folder in rows] == [
        ("offline", "results/quick/offline/"), ("full", "results/full/"),
        ("silent", "-")]


def test_results_index_opens_with_the_main_job_and_cites_each_article(tmp_path):
    root = tmp_path / "results"
    for name in ("toy_regression", "mnist_weight_images", "zz_unknown"):
        (root / name).mkdir(parents=True)
        (root / name / "README.md").write_text(f"## {name} title\n\nbody\n")
    index = pathlib.Path(index_results_folder(root)).read_text()
    order = [index.index(f"## {name} title") for name in
             ("mnist_weight_images", "toy_regression", "zz_unknown")]
    assert order == sorted(order)
    assert ("## mnist_weight_images title\n\nArticle 000: Sam Greydanus (2016), "
            '"Regularization for Neural Networks"') in index
    assert "Tian Qi (Ricky) Chen" in index


def test_data_goes_to_the_mnist_scripts_and_out_root_to_all(tmp_path, monkeypatch,
                                                            capsys):
    for name in ("reader", "other"):
        (tmp_path / f"{name}.py").write_text(
            WRITES.format(folder=str(tmp_path / "out" / name)))
    monkeypatch.setattr(suite, "HERE", tmp_path)
    reader = articles.Script("reader", articles.SCRIPTS[0].article, "", uses_mnist=True)
    monkeypatch.setattr(suite, "script_named",
                        lambda name: reader if name == "reader" else None)
    rows = suite.run_scripts(["reader", "other"], quick=False, data="sample",
                             out_root=str(tmp_path / "out"))
    assert [row[1] for row in rows] == [0, 0]
    assert rows[0][3] == str(tmp_path / "out" / "reader") + "/"
    lines = [line for line in capsys.readouterr().out.splitlines()
             if line.startswith("=== ")]
    assert lines[0].endswith(f"reader.py --data sample --out {tmp_path / 'out' / 'reader'}")
    assert lines[1].endswith(f"other.py --out {tmp_path / 'out' / 'other'}")


@pytest.mark.parametrize("argv, message", [
    (["all", "--data", "/nonexistent"], "argument --data: '/nonexistent' does not exist"),
    (["all", "--out-root", "/proc/kreg"], "argument --out-root: Cannot write results"),
    (["toy_regression", "--ledgers-only", "--out-root", "/tmp/kreg-nothing-here"],
     "argument SCRIPT: toy_regression has no ledger to derive again in "
     "/tmp/kreg-nothing-here/toy_regression/"),
])
def test_bad_data_or_out_root_stop_before_any_script(argv, message):
    result = command(*argv)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr


def test_index_and_summary_count_claims_per_status(tmp_path, capsys):
    from harness.claims.ledger import Claim, ledger_frame

    root = tmp_path / "results"
    ledgers = {
        "mnist_weight_images": [Claim("000", "a", "number", "reproduced"),
                                Claim("000", "b", "number", "not reproduced", why="x"),
                                Claim("000", "c", "behaviour", "not reproduced",
                                      why="y")],
        "toy_regression": [Claim("003", "d", "behaviour", "not tested", why="z")],
    }
    for name in ("mnist_weight_images", "toy_regression", "iris_histograms"):
        (root / name).mkdir(parents=True)
        (root / name / "README.md").write_text(f"## {name}\n")
        if name in ledgers:
            ledger_frame(ledgers[name]).to_csv(root / name / "claims.csv",
                                               index=False)
    index = pathlib.Path(index_results_folder(root)).read_text()
    # A row per kind of claim.
    assert ("| [mnist_weight_images](mnist_weight_images/README.md) | number | 1 | 0 "
            "| 1 | 0 |") in index
    assert ("| [mnist_weight_images](mnist_weight_images/README.md) | behaviour | 0 | 0 "
            "| 1 | 0 |") in index
    assert ("| [toy_regression](toy_regression/README.md) | behaviour | 0 | 0 | 0 "
            "| 1 |") in index
    assert "[iris_histograms](" not in index  # no ledger, no row
    assert index.index("| results |") < index.index("## mnist_weight_images")
    suite.print_summary([("mnist_weight_images", 0, 1.0,
                          str(root / "mnist_weight_images")),
                         ("iris_histograms", 0, 1.0, str(root / "iris_histograms"))])
    rows = capsys.readouterr().out.splitlines()
    assert rows[-3].split()[3] == "1/0/2/0" and rows[-2].split()[3] == "-"
