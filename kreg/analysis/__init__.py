"""Measurements on trained models: weight statistics, dead units, dropout
expectations. Import from the modules (`kreg.analysis.weight_statistics`, ...).
"""
