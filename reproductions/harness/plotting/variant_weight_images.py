"""Article 000's weight-image figures: one per variant, its first seed's
ten images, and the Gaussian variant's scale S beside them."""

from harness.plotting.weight_images import plot_weight_images


def variant_weight_figures(numbers, titles, label):
    """`{"weights_<variant>.png": figure}` for each variant of `numbers`
    (`{variant: {"weights": (seeds, 784, 10), ...}}`, titled `titles[variant]`),
    drawing the first seed's matrix; a variant with a `scale` (the Gaussian
    one) also gives `gaussian_scale.png`, S clipped to [0, 5] as the article
    drew it. `label` goes under every title."""
    figures = {}
    for variant, n in numbers.items():
        figures[f"weights_{variant}.png"] = plot_weight_images(
            n["weights"][0],
            f"{titles[variant]}: weight images of the first seed\n{label}")
        if "scale" in n:
            figures["gaussian_scale.png"] = plot_weight_images(
                n["scale"][0],
                "Gaussian weight: scale S = exp(s_hat), clipped to [0, 5], "
                f"first seed\n{label}",
                clip=(0, 5))
    return figures
