"""Figures the reproductions draw."""

from harness.plotting.curves import plot_curves
from harness.plotting.weight_images import plot_weight_images
