import math

import numpy as np

from harness.analysis.unit_importance import unit_importance


def test_one_unit_carrying_the_output_is_one_effective_unit():
    h = np.random.default_rng(0).normal(size=(200, 8))
    w = np.zeros(8)
    w[3] = 2.0
    got = unit_importance(h, w)
    assert math.isclose(got["effective_units"], 1.0) and math.isclose(got["top2_share"], 1.0)


def test_equal_units_are_all_effective():
    h = np.tile(np.array([[1.0], [-1.0]]), (50, 8))
    got = unit_importance(h, np.ones((8, 1)))
    assert math.isclose(got["effective_units"], 8.0)
    assert math.isclose(got["top2_share"], 0.25)


def test_constant_units_have_no_importance():
    assert math.isnan(unit_importance(np.ones((5, 3)), np.ones(3))["effective_units"])
