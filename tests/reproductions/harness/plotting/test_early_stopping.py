"""`harness.plotting.early_stopping`: one early-stopped run, its chosen
epoch marked."""

from harness.plotting.early_stopping import plot_early_stopping


def test_early_stopping_marks_the_chosen_epoch():
    fig = plot_early_stopping([0.5, 0.3, 0.2], [0.6, 0.4, 0.5], [0.9, 0.95, 0.94],
                              chosen=2, restored_accuracy=0.95, stopped_early=True,
                              label="run")
    losses, accuracy = fig.axes
    marks = {line.get_label(): line for line in losses.get_lines()}
    assert marks["chosen epoch 2"].get_xdata()[0] == 2
    star = {line.get_label(): line for line in accuracy.get_lines()}["restored weights"]
    assert (star.get_xdata()[0], star.get_ydata()[0]) == (2, 0.95)
    assert "stopped after epoch 3" in fig._suptitle.get_text()


def test_the_test_loss_is_drawn_beside_the_validation_loss():
    fig = plot_early_stopping([0.5, 0.3, 0.2], [0.6, 0.4, 0.5], [0.9, 0.95, 0.94], 2, 0.95,
                              True, "run", test_loss=[0.7, 0.45, 0.6])
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert list(lines["test loss"].get_ydata()) == [0.7, 0.45, 0.6]
    assert "test loss" not in {line.get_label() for line in plot_early_stopping(
        [0.5], [0.6], [0.9], 1, 0.9, False, "run").axes[0].get_lines()}
