"""`harness.plotting.toy_regression_figures`: one colour per error on every
figure, one y range over panels, one grey scale over the autoencoders, and
identical caution series named."""

import argparse

import matplotlib.colors as mcolors
import numpy as np

from harness.plotting.toy_regression_figures import (
    autoencoder_figures,
    caution_figure,
    error_bands,
    identical_groups,
    learning_rate_figure,
)


def history(level, epochs=20):
    return {"epoch": list(range(1, epochs + 1)), "train_mse": list(np.full(epochs, level)),
            "test_mse": list(np.full(epochs, 2 * level))}


def test_train_is_blue_and_test_orange_and_panels_share_y():
    pair = {"lr": {"history": history(0.1)}, "lr/16": {"history": history(0.01)}}
    fig = learning_rate_figure({"baseline": pair, "batchnorm": pair}, "label", 0.01)
    colours = {line.get_label(): mcolors.to_hex(line.get_color())
               for line in fig.axes[0].lines if not line.get_label().startswith("_")}
    assert colours["train, lr"] == colours["train, lr/16"] == mcolors.to_hex("C0")
    assert colours["test, lr"] == mcolors.to_hex("C1")
    assert fig.axes[0].get_ylim() == fig.axes[1].get_ylim()


def test_error_bands_draw_a_mean_and_a_band_per_error():
    seed_runs = {seed: {"plain": {"baseline": {"history": history(0.1 * (seed + 1))}}}
                 for seed in (0, 1)}
    fig = error_bands(seed_runs, "plain", ["Baseline"], "title", [5])
    ax = fig.axes[0]
    assert len(ax.collections) == 2  # a band each for train and test
    np.testing.assert_allclose(ax.lines[0].get_ydata(), 0.15)


def test_identical_caution_series_are_grouped_and_named():
    same, other = history(0.1), history(0.2)
    caution = {c: {"baseline": h, "batchnorm": h} for c, h in (
        ("reference", same), ("intra_threads_1", same), ("float64", other))}
    assert identical_groups(caution, "baseline") == [["reference", "intra_threads_1"]]
    fig = caution_figure(caution, "label", ("baseline", "batchnorm"))
    assert any("Baseline: reference = intra_threads_1, identical" in t.get_text()
               for t in fig.texts)


def test_weight_images_share_one_scale(rng):
    ae = {v: {"reconstructions": rng.random((2, 784)),
              "encoder_kernel": scale * rng.random((784, 4))}
          for v, scale in (("none", 1.0), ("input_dropout", 3.0))}
    data = argparse.Namespace(x_test=rng.random((2, 784)), source="sample")
    figures = autoencoder_figures(ae, data, "label", 2)
    tops = {name: fig.axes[0].images[0].get_clim()[1] for name, fig in figures.items()
            if name.startswith("ae_weights")}
    assert len(set(tops.values())) == 1
