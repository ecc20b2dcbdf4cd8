"""A grid of grayscale images: one row per item, one column per version of
it (an original and its augmented draws, say)."""

import matplotlib.pyplot as plt


def plot_image_grid(images, column_titles, title, size=1.3):
    """Draws `images`, shape `(rows, columns, height, width)` with values in
    [0, 1], without ticks; the first row carries `column_titles`. Returns
    the figure."""
    rows, columns = images.shape[:2]
    if len(column_titles) != columns:
        raise ValueError(f"Invalid value received for argument `column_titles`: "
                         f"expected {columns} titles, one per column. Received: "
                         f"{len(column_titles)}")
    fig, axes = plt.subplots(rows, columns, figsize=(size * columns, size * rows + 0.7),
                             squeeze=False)
    for i in range(rows):
        for j in range(columns):
            axes[i, j].imshow(images[i, j], cmap="gray", vmin=0, vmax=1)
            axes[i, j].set_xticks([])
            axes[i, j].set_yticks([])
            if i == 0:
                axes[i, j].set_title(column_titles[j], fontsize=8)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig
