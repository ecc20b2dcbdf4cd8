"""One early-stopped run: its losses and its test accuracy per epoch, the
chosen epoch marked."""

import matplotlib.pyplot as plt
import numpy as np

from harness.plotting.title_lines import wrapped


def plot_early_stopping(loss, val_loss, test_accuracy, chosen, restored_accuracy,
                        stopped_early, label, test_loss=None):
    """Two panels: training and validation loss, and test accuracy with the
    restored model's accuracy as a star; the chosen epoch (1-based) dotted
    in both. Returns the figure.

    Args:
        loss, val_loss, test_accuracy: one value per epoch run.
        chosen: the epoch whose weights were restored, from 1.
        restored_accuracy: the restored model's test accuracy.
        stopped_early: whether the run stopped before its last epoch (the
            title says so).
        label: the run's label, under the title.
        test_loss: the test loss per epoch, drawn beside the validation
            loss where given (whether it turns where the validation loss does).
    """
    epochs = np.arange(1, len(loss) + 1)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(epochs, loss, label="training loss", color="tab:gray")
    ax1.plot(epochs, val_loss, label="validation loss", color="tab:orange")
    if test_loss is not None:
        ax1.plot(epochs, test_loss, label="test loss", color="tab:green", ls="--")
    ax1.set_ylabel("cross-entropy")
    ax2.plot(epochs, test_accuracy, color="tab:green", label="test accuracy")
    ax2.plot([chosen], [restored_accuracy], "k*", markersize=12,
             label="restored weights")
    ax2.set_ylabel("test accuracy")
    for ax in (ax1, ax2):
        ax.axvline(chosen, color="k", ls=":", label=f"chosen epoch {chosen}")
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    stop = (f"stopped after epoch {len(loss)}" if stopped_early
            else f"ran all {len(loss)} epochs")
    fig.suptitle(wrapped(f"Early stopping on the validation loss ({stop})\n{label}", 120),
                 fontsize=10)
    fig.tight_layout()
    return fig
