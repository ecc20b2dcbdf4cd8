"""Runtime ratios under two step drivers, beside the article's: does a fixed
cost per step (one call from Python per step) give the article's ratios?"""

import textwrap

import matplotlib.pyplot as plt
import numpy as np


def plot_runtime_drivers(frame, article, title, baseline="none"):
    """Draws `frame` (`harness.training.step_drivers.driver_ratios`: one row
    per variant and driver, `ratio` and `ratio_sd`) as points with error
    bars per driver for each variant but `baseline`, the article's ratios
    (`{variant: ratio}`) as stars and a line at 1 (no extra cost). Returns
    the figure."""
    variants = [v for v in dict.fromkeys(frame["variant"]) if v != baseline]
    drivers = list(dict.fromkeys(frame["driver"]))
    fig, ax = plt.subplots(figsize=(8, 4.6))
    positions = np.arange(len(variants))
    for i, driver in enumerate(drivers):
        rows = frame[frame["driver"] == driver].set_index("variant").loc[variants]
        ax.errorbar(positions + (i - (len(drivers) - 1) / 2) * 0.2, rows["ratio"],
                    yerr=rows["ratio_sd"].fillna(0), fmt="o", capsize=4,
                    label=f"ours: {driver}")
    ax.plot(positions, [article.get(v, np.nan) for v in variants], "k*",
            markersize=12, label="article (TF1, session.run per step)")
    ax.axhline(1.0, color="gray", lw=0.8, ls="--")
    ax.set_xticks(positions, variants)
    ax.set_xlim(-0.6, len(variants) - 0.4)
    ax.set_ylabel(f"seconds per step / {baseline}'s (same driver)")
    ax.set_title("\n".join(textwrap.fill(line, 100) for line in title.split("\n")),
                 fontsize=8)
    ax.grid(True, alpha=0.3, axis="y")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3)
    fig.tight_layout()
    return fig
