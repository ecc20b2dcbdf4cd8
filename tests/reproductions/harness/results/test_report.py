"""The results folders a report or the documentation site lists."""

from harness.results.report import results_folders


def test_results_folders_main_job_first_then_others_by_name(tmp_path):
    for name in ("zz_unknown", "toy_regression", "aa_unknown",
                 "mnist_weight_images", "iris_histograms.tmp-1",
                 "cs231n_regularization.old-2"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "README.md").write_text("## title\n")
    (tmp_path / "no_report").mkdir()
    assert results_folders(tmp_path) == [
        "mnist_weight_images", "toy_regression", "aa_unknown", "zz_unknown"]
