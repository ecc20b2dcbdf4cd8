import matplotlib.pyplot as plt
import pandas as pd

from harness.plotting.tuned_dropout import plot_dropout_tuning

TABLE = pd.DataFrame({
    "keep": [1.0, 0.5, 0.5, 0.9, 0.9], "rate": ["lr", "lr", "lr*p", "lr", "lr*p"],
    "validation_accuracy": [0.93, 0.90, 0.92, 0.94, 0.935],
    "test_accuracy": [0.929, 0.90, 0.915, 0.941, 0.93],
    "test_accuracy_at_steps": [0.929, 0.89, 0.91, 0.935, 0.93],
    "chosen": [False, False, False, True, False]})
for column in ("validation_accuracy", "test_accuracy", "test_accuracy_at_steps"):
    TABLE[f"{column}_sd"] = 0.002


def test_lines_per_rate_the_baseline_and_the_choice():
    fig = plot_dropout_tuning(TABLE, "title")
    validation, test = fig.axes
    # validation: a line per rate; test: also the fixed-step points.
    assert len(validation.containers) == 2 and len(test.containers) == 4
    texts = [t.get_text() for t in test.get_legend().get_texts()]
    assert "no dropout, early-stopped: 0.9290" in texts
    assert "chosen on validation" in texts
    ring, = [line for line in test.lines if line.get_markeredgecolor() == "red"]
    assert list(ring.get_xdata()) == [0.9] and list(ring.get_ydata()) == [0.941]
    plt.close(fig)
