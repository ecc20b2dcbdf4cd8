"""The site's reproduction pages (docs/_ext/reproduction_pages.py), from a
results folder written here and from the committed ones."""

import collections
import csv
import json
import pathlib
import re

import pytest

pytest.importorskip("mkdocs", reason="mkdocs (the docs extra) is not installed")

import reproduction_pages as pages  # noqa: E402
from mkdocs.config import load_config  # noqa: E402
from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import Files  # noqa: E402

from harness.claims.ledger import (  # noqa: E402
    REPORT_ORDER,
    STATUSES,
    Claim,
    ledger_frame,
    render_ledger,
)
from harness.results.report import write_report  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
SUITE = pages._suite(str(ROOT))
ROWS = [
    ("000", "Smooth images", "reproduced", "0.48", "", "table.csv: roughness; weights_*.png",
     "Rule: below none's."),
    ("000", "Small weights", "partly", "0.09", "0.08", "table.csv: max_abs", "Rule: within 10%."),
    ("000", "Larger models", "not tested", "", "", "", "Not trained here."),
    ("000", "Accuracy", "not reproduced", "0.71", "0.76", "table.csv: test_accuracy; curve.png",
     "Rule: within 0.01."),
]


def _results_folder(root, name="mnist_weight_images", kinds=None, evidence=None):
    """A results folder as a script writes it: claims.csv, metadata.json,
    figures and a README with its tables, ledger and notes."""
    folder = root / name
    folder.mkdir(parents=True)
    rows = [list(row) for row in ROWS]
    if evidence is not None:
        rows[0][5] = evidence
    for figure in ("weights_b.png", "weights_a.png", "curve.png", "extra.png"):
        (folder / figure).write_bytes(b"\x89PNG")
    (folder / "table.csv").write_text("variant,roughness\nnone,0.78\n")
    claims = [Claim(row[0], row[1], kind, *row[2:])
              for row, kind in zip(rows, kinds or ["behaviour"] * len(rows))]
    ledger_frame(claims).to_csv(folder / "claims.csv", index=False)
    (folder / "metadata.json").write_text(json.dumps({
        "run": "150,000 steps, 3 seeds", "full_setting": True, "seed": 0,
        "data": {"source": "local files", "description": "full MNIST",
                 "sizes": {"train": 55000}, "files": [{"file": "t.gz", "sha256": "ab12"}]},
        "environment": {"cpu": "AMD EPYC", "cpu_count": 2,
                        "libraries": {"keras": "3.15.1"}},
        "wall_seconds": 7290.7}))
    ledger = render_ledger(claims)
    write_report(str(folder), "MNIST weight images (test)", "the subtitle",
                 "**table**\n\n| variant | roughness |\n|:--|--:|\n| none | 0.78 |",
                 f"{ledger}\nNotes on the comparison:\n\n- `roughness`: a note.")
    return pages.ResultsFolder(str(root), name, SUITE)


def test_a_page_shows_the_article_counts_claims_figures_and_provenance(tmp_path):
    folder = _results_folder(tmp_path)
    markdown = pages.page_markdown(folder, STATUSES, REPORT_ORDER)
    assert markdown.count("# MNIST weight images (test)\n") == 1
    assert "Regularization for Neural Networks" in markdown  # harness.articles
    assert "https://greydanus.github.io/2016/09/05/regularization/" in markdown
    assert "python reproductions/mnist_weight_images.py --data PATH/TO/MNIST" in markdown
    counts = dict(re.findall(r'data-status="([^"]+)"><span class="kreg-badge__symbol" '
                             r'aria-hidden="true">.</span> <span class="kreg-badge__count">'
                             r"(\d+)</span>", markdown))
    assert counts == {"reproduced": "1", "partly": "1", "not reproduced": "1",
                      "not tested": "1"}
    # The cards, failures first, each with its ledger row's number.
    cards = re.findall(r'class="kreg-claim [^"]*" id="claim-(\d+)" data-status="([^"]+)"',
                       markdown)
    assert cards == [("4", "not reproduced"), ("2", "partly"), ("1", "reproduced"),
                     ("3", "not tested")]
    # Each badge says its status in words, not in colour alone.
    assert ">✗</span> not reproduced</span>" in markdown
    # Provenance: the data's hash, the machine, the wall time.
    assert "`ab12`" in markdown and "AMD EPYC" in markdown
    assert "2 h 1 min 31 s (7,291 s)" in markdown
    # The README's tables and notes, without its ledger or figure lines.
    assert "| none | 0.78 |" in markdown and "`roughness`: a note." in markdown
    assert "### Claims:" not in markdown and "![" not in markdown
    # Every figure once in the figures' gallery.
    assert re.findall(r'id="figure-(\w+)"', markdown) == [
        "curve", "extra", "weights_a", "weights_b"]


def test_a_claim_shows_the_figures_its_evidence_names_beside_it(tmp_path):
    folder = _results_folder(tmp_path)
    assert folder.cited_figures("table.csv: roughness; weights_*.png") == [
        "weights_a.png", "weights_b.png"]
    assert folder.cited_figures("curve.png, weights_a.png; curve.png") == [
        "curve.png", "weights_a.png"]
    assert folder.cited_figures("table.csv: final_*_mse") == []
    card = pages.claim_html(folder, 1, folder.rows[0])
    assert "kreg-claim--figure" in card
    assert re.findall(r'<img src="([^"]+)"', card) == ["weights_a.png", "weights_b.png"]
    assert '<a href="table.csv"><code>table.csv</code></a>' in card
    plain = pages.claim_html(folder, 2, folder.rows[1])
    assert "kreg-claim--figure" not in plain and "<img" not in plain


def test_a_claim_citing_a_missing_figure_stops_the_build(tmp_path):
    folder = _results_folder(tmp_path, evidence="table.csv: x; weight_*.png")
    with pytest.raises(PluginError, match=r"cites weight_\*\.png, which is not a figure"):
        pages.page_markdown(folder, STATUSES, REPORT_ORDER)


def test_counts_per_kind(tmp_path):
    kinds = ["number", "behaviour", "implementation", "number"]
    folder = _results_folder(tmp_path / "b", kinds=kinds)
    assert folder.kinds() == ["number", "behaviour", "implementation"]
    html = pages.counts_html(folder, STATUSES)
    cells = {(kind, status): int(count) for kind, status, count in re.findall(
        r'<td data-kind="([^"]+)" data-status="([^"]+)">(\d+)</td>', html)}
    expected = collections.Counter((kind, row[2]) for kind, row in zip(kinds, ROWS))
    assert cells == {(k, s): expected[k, s] for k in set(kinds) for s in STATUSES}
    card = pages.claim_html(folder, 1, folder.rows[0])
    assert '<span class="kreg-kind" data-kind="number">number</span>' in card
    overview = pages.overview_markdown([folder], STATUSES)
    assert "By kind of claim" in overview


def test_every_committed_folder_makes_a_page_with_its_ledger_counts():
    _, folders = pages._folders(load_config(str(ROOT / "mkdocs.yml")))
    names = [folder.name for folder in folders]
    assert names[0] == "mnist_weight_images"
    assert sorted(names) == sorted(p.parent.name for p in (ROOT / "results").glob(
        "*/claims.csv"))
    for folder in folders:
        markdown = pages.page_markdown(folder, STATUSES, REPORT_ORDER)
        with open(ROOT / "results" / folder.name / "claims.csv", newline="") as f:
            statuses = collections.Counter(row["status"] for row in csv.DictReader(f))
        cards = collections.Counter(re.findall(
            r'class="kreg-claim [^"]*" id="claim-\d+" data-status="([^"]+)"', markdown))
        assert cards == statuses


def test_the_build_writes_nothing_into_results():
    config = load_config(str(ROOT / "mkdocs.yml"))
    before = sorted((p, p.stat().st_mtime_ns) for p in (ROOT / "results").rglob("*"))
    config.plugins.on_config(config)  # the hook's own event among the plugins'
    files = config.plugins.on_files(Files([]), config=config)
    assert sorted((p, p.stat().st_mtime_ns) for p in (ROOT / "results").rglob("*")) == before
    uris = [f.src_uri for f in files]
    assert all(uri.startswith("reproductions/") for uri in uris)
    assert "reproductions/index.md" in uris
    assert "reproductions/mnist_weight_images/weights_l2.png" in uris
    assert all(f.generated_by for f in files)


def test_provenance_lists_every_hashed_data_file_whatever_its_key():
    # toy_regression's metadata names its MNIST files `mnist_files`.
    data = {"toy": "y = sin(2x)", "mnist_sizes": {"train": 55000, "test": 10000},
            "mnist_files": [{"file": "a.gz", "sha256": "ab"}, {"file": "b.gz",
                                                               "sha256": "cd"}],
            "files": []}
    assert pages.data_files(data) == [("a.gz", "ab"), ("b.gz", "cd")]
    assert pages.data_files({"source": "sklearn-iris", "files": []}) == []
    folder = type("Folder", (), {"metadata": {"data": data, "run": "r"},
                                 "name": "toy_regression"})()
    markdown = pages.provenance_markdown(folder)
    assert "| `a.gz` | `ab` |" in markdown and "| `b.gz` | `cd` |" in markdown
    assert "<dt>mnist sizes</dt><dd>train 55,000, test 10,000</dd>" in markdown
    assert "<dt>toy</dt><dd>y = sin(2x)</dd>" in markdown
