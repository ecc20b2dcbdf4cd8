"""Losses the reproductions need and Keras does not name."""

from kreg.losses.half_mean_squared_error import HalfMeanSquaredError
