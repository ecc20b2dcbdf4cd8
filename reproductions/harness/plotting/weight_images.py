"""A dense layer's kernel columns shown as images ("weight images")."""

import matplotlib.pyplot as plt
import numpy as np

# The height of the title band above the panels (two lines of title).
TITLE_BAND_INCHES = 0.624


def plot_weight_images(kernel, title, image_shape=(28, 28), rows=2,
                       labels=None, clip=None, cmap="gray"):
    """Draws each column of `kernel` reshaped to `image_shape`.

    All panels share one grey scale (the kernel's min to max, or `clip`), so
    that their contrast compares; a colour bar gives the values.

    Args:
        kernel: array of shape `(prod(image_shape), units)`.
        title: the figure's title.
        image_shape: the shape of one image.
        rows: rows of panels.
        labels: one caption per column (defaults to the column index).
        clip: optional `(low, high)` the values are clipped to before drawing.
        cmap: a Matplotlib colour map.

    Returns:
        The `matplotlib.figure.Figure`.
    """
    kernel = np.asarray(kernel, dtype=np.float64)
    pixels = int(np.prod(image_shape))
    if kernel.ndim != 2 or kernel.shape[0] != pixels:
        raise ValueError(
            "Invalid value received for argument `kernel`. Expected shape "
            f"({pixels}, units) for image_shape={image_shape}. "
            f"Received: shape={kernel.shape}"
        )
    units = kernel.shape[1]
    if clip is not None:
        kernel = np.clip(kernel, *clip)
        low, high = clip
    else:
        low, high = float(kernel.min()), float(kernel.max())
    cols = -(-units // rows)
    labels = labels if labels is not None else [str(i) for i in range(units)]
    height = 1.7 * rows + 0.5
    fig, axes = plt.subplots(rows, cols, figsize=(1.6 * cols + 0.8, height),
                             squeeze=False)
    # Text grows with a wide figure, so that it stays legible when the image
    # is shown at page width; the title band keeps its height in inches.
    scale = max(1.0, cols / 8)
    top = 1 - TITLE_BAND_INCHES * scale / height
    image = None
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= units:
            ax.axis("off")
            continue
        image = ax.imshow(kernel[:, i].reshape(image_shape), cmap=cmap,
                          vmin=low, vmax=high, interpolation="nearest")
        ax.set_title(labels[i], fontsize=9)
    fig.suptitle(title, fontsize=10 * scale)
    fig.subplots_adjust(left=0.02, right=0.86, top=top, bottom=0.03,
                        wspace=0.08, hspace=0.25)
    cax = fig.add_axes([0.88, 0.1, 0.025, top - 0.14])
    fig.colorbar(image, cax=cax)
    cax.tick_params(labelsize=10 * scale)
    return fig
