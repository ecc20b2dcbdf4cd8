import numpy as np
import pytest

from harness.analysis.input_usage import (
    input_mass,
    mean_weight_ratio,
    top_share,
    used_fraction,
)


def test_even_mass_against_a_few_inputs_carrying_it():
    even = np.full((20, 3), 0.5)
    few = np.zeros((20, 3))
    few[:2] = 1.0
    np.testing.assert_allclose(input_mass(even), 1.5)
    assert top_share(even) == pytest.approx(0.1)
    assert top_share(few) == pytest.approx(1.0)
    assert used_fraction(even) == 1.0 and used_fraction(few) == pytest.approx(0.1)
    assert np.isnan(top_share(np.zeros((4, 2))))


def test_the_weight_of_some_inputs_against_others():
    kernel = np.ones((6, 2))
    kernel[4:] = -0.1
    mask = np.arange(6) >= 4
    assert mean_weight_ratio(kernel, mask, ~mask) == pytest.approx(0.1)
