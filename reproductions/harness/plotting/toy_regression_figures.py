"""The figures of article 003 (Chen's toy regression and MNIST autoencoder),
drawn from plain numbers: learned functions, error curves, the learning-rate
pair, the batch-norm caution and the autoencoders' weight images.

Train errors are blue and test errors orange in every error figure; the
panels of one figure share their y axis, with ticks at 1, 2 and 5 of each
decade; the weight images of all variants share one grey scale, so that a
unit drawn black is as dark in each.
"""

import matplotlib.ticker as ticker
import numpy as np

from harness.plotting import plot_weight_images
from harness.plotting.panels import plot_panels
from harness.plotting.reconstructions import plot_reconstructions
from harness.plotting.regression_fits import plot_fits
from harness.plotting.training_curves import plot_curve_panels

TITLES = {"baseline": "Baseline", "dropout": "Dropout", "batchnorm": "Batch norm",
          "l2": "L2", "dropconnect": "DropConnect", "all_three": "Dropout + BN + L2"}
SETTING_TITLES = {"plain": "input [x, x^2, x^3, x^4]",
                  "noise": "input [x, x^2, x^3, x^4, n], n ~ N(0,1)"}
AE_TITLES = {"none": "No regularization", "input_dropout": "Dropout 0.5 on the input",
             "hidden_dropout": "Dropout 0.5 on the embedding",
             "batchnorm": "Batch norm on the embedding"}
COLOURS = {"train_mse": "C0", "test_mse": "C1"}  # the format strings' colours


def share_log_y(fig):
    """One y range over every panel of `fig`, log ticks at 1, 2, 5 of each
    decade written as plain numbers."""
    axes = [ax for ax in fig.axes if ax.lines]
    low = min(ax.get_ylim()[0] for ax in axes)
    high = max(ax.get_ylim()[1] for ax in axes)
    for ax in axes:
        ax.set_ylim(low, high)
        ax.yaxis.set_major_locator(ticker.LogLocator(subs=(1, 2, 5)))
        ax.yaxis.set_minor_locator(ticker.NullLocator())
        ax.yaxis.set_major_formatter(ticker.FormatStrFormatter("%g"))
    return fig


def legend_below(fig, columns=6):
    """The first panel's legend moved below the panels, off the data."""
    first = fig.axes[0]
    handles, labels = first.get_legend_handles_labels()
    first.get_legend().remove()
    fig.legend(handles, labels, loc="lower center", ncol=columns, fontsize=7)
    fig.subplots_adjust(bottom=0.28)
    return fig


def error_bands(seed_runs, setting, titles, title, marks):
    """Each method's train and test MSE against epoch: the mean over the
    seeds of `seed_runs` (`{seed: {setting: {method: run}}}`) and a band of
    one sd about it, one panel per method."""
    methods = list(next(iter(seed_runs.values()))[setting])

    def draw(ax, method):
        for k in ("train_mse", "test_mse"):
            curves = np.array([runs[setting][method]["history"][k]
                               for runs in seed_runs.values()])
            epochs = seed_runs[next(iter(seed_runs))][setting][method]["history"]["epoch"]
            mean, sd = curves.mean(axis=0), curves.std(axis=0, ddof=1)
            ax.plot(epochs, mean, color=COLOURS[k], lw=1,
                    label=f"{k[:-4]}: mean of {len(curves)} seeds, band ±1 sd")
            ax.fill_between(epochs, mean - sd, mean + sd, color=COLOURS[k], alpha=0.3,
                            lw=0)
        for mark in marks:
            ax.axvline(mark, color="grey", lw=0.5, ls=":")
        ax.set_yscale("log")

    return share_log_y(plot_panels(methods, draw, titles, title, "epoch", "MSE"))


def fit_figures(runs, datasets, grid, truth, label, marks, seed_runs=None):
    """Per setting, each method's learned function (first seed) and errors
    (the mean and a band over `seed_runs` where it holds two seeds or more,
    else the first seed's curves)."""
    figures = {}
    for setting, results in runs.items():
        data, titles = datasets[setting], [TITLES[m] for m in results]
        noise, where = data.noise_feature, f"{SETTING_TITLES[setting]}\n{label}"
        figures[f"predictions_{setting}.png"] = legend_below(plot_fits(
            {m: ((grid, r["prediction_curve"]), r["test_prediction"] if noise else None)
             for m, r in results.items()}, (data.x_train, data.y_train),
            (data.x_test, data.y_test), (grid, truth), titles,
            f"Learned function, {where}", "learned" + (", noise input 0" * noise),
            "learned at the test points, own noise input"))
        if seed_runs and len(seed_runs) > 1:
            figures[f"errors_{setting}.png"] = error_bands(
                seed_runs, setting, titles, f"Train / test MSE against epoch, "
                f"{SETTING_TITLES[setting]}\n{label.split(', curves of')[0]}, "
                f"{len(seed_runs)} seeds", marks)
            continue
        figures[f"errors_{setting}.png"] = share_log_y(plot_curve_panels(
            {m: [(r["history"]["epoch"], r["history"][k], k[:-4], f"{COLOURS[k]}-")
                 for k in ("train_mse", "test_mse")] for m, r in results.items()},
            titles, f"Train / test MSE against epoch, {where}", marks=marks))
    return figures


def learning_rate_figure(lr_runs, label, learning_rate):
    return share_log_y(plot_curve_panels(
        {m: [(r["history"]["epoch"], r["history"][k], f"{k[:-4]}, {key}",
              f"{COLOURS[k]}{style}")
             for key, style in (("lr", "-"), ("lr/16", "--")) for r in [pair[key]]
             for k in ("train_mse", "test_mse")] for m, pair in lr_runs.items()},
        [f"{TITLES[m]}: lr {learning_rate:g} vs /16" for m in lr_runs],
        f"Learning-rate sensitivity, {SETTING_TITLES['plain']}\n{label}"))


def identical_groups(caution, method):
    """The conditions whose `method` test curves are identical, in groups of
    two or more."""
    groups = []
    for name, run in caution.items():
        for group in groups:
            if np.array_equal(caution[group[0]][method]["test_mse"], run[method]["test_mse"]):
                group.append(name)
                break
        else:
            groups.append([name])
    return [group for group in groups if len(group) > 1]


def caution_figure(caution, label, methods):
    curves = {m: [(range(1, len(run[m]["test_mse"]) + 1), run[m]["test_mse"], name, "")
                  for name, run in caution.items()] for m in methods}
    titles = [f"{TITLES[m]}: test MSE" for m in methods]
    fig = plot_curve_panels(curves, titles, "Same code and seed, other floating-point "
                            f"conditions (noise feature)\n{label}", ylabel="test MSE")
    same = {m: identical_groups(caution, m) for m in methods}
    note = "\n".join(f"{TITLES[m]}: {' = '.join(g)}, identical, drawn over each other"
                      for m, groups in same.items() for g in groups)
    if note:
        fig.text(0.5, 0.01, note, ha="center", va="bottom", fontsize=7)
        fig.subplots_adjust(bottom=0.2 + 0.05 * note.count("\n"))
    return fig


def autoencoder_figures(ae, ae_data, label, shown):
    """Test digits and reconstructions, and each variant's positive encoder
    weights as 28x28 images (the first seed), on one grey scale."""
    figures = {"ae_reconstructions.png": plot_reconstructions(
        ae_data.x_test, {v: r["reconstructions"] for v, r in ae.items()},
        f"Test digits (row 1) and reconstructions: {', '.join(ae)}\n{label}; data: "
        f"{ae_data.source}", count=shown)}
    top = max(float(r["encoder_kernel"].max()) for r in ae.values())
    for variant, result in ae.items():
        figures[f"ae_weights_{variant}.png"] = plot_weight_images(
            result["encoder_kernel"], f"{AE_TITLES[variant]}: positive encoder weights "
            f"of the 256 hidden units (one scale for all variants)\n{label}", rows=16,
            labels=[""] * 256, clip=(0, top))
    return figures
