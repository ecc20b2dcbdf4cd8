"""Figures the reproductions draw."""

from kreg.plotting.curves import plot_curves
from kreg.plotting.weight_images import plot_weight_images
