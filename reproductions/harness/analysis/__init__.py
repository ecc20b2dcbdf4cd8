"""Measurements on trained models: weight statistics, dead units, dropout
expectations. Import from the modules (`harness.analysis.weight_statistics`, ...).
"""
