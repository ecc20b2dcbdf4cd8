"""The numbers a figure is drawn from, stored, so that a figure golden tests
the drawing and not the last bits of a training run on this machine's CPU.

A script's figures are drawn from plain numbers (arrays, curves, tables,
settings). A short run's numbers are stored once under `stored/<name>.json`
(the structure) and `stored/<name>.npz` (the arrays); the figure goldens draw
from them on every machine. They change only on request: run the tests with
`KREG_UPDATE_GOLDENS=1` to recompute and store them (then review the diff).

Stored: dicts, lists and tuples, strings, numbers, booleans, None, NumPy
arrays, pandas DataFrames and `argparse.Namespace`s.
"""

import argparse
import json
import os
import pathlib

import numpy as np
import pandas as pd

STORED_DIR = pathlib.Path(__file__).resolve().parent / "stored"


def _encode(value, arrays):
    if isinstance(value, pd.DataFrame):
        return {"__frame__": {str(c): _encode(value[c].to_numpy(), arrays)
                              for c in value.columns}}
    if isinstance(value, argparse.Namespace):
        return {"__namespace__": _encode(vars(value), arrays)}
    if isinstance(value, dict):
        return {"__dict__": [[_encode(k, arrays), _encode(v, arrays)]
                             for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, (int, float, np.number)) and
                         not isinstance(v, bool) for v in value):
            return _encode(np.asarray(value), arrays)
        return {"__list__": [_encode(v, arrays) for v in value],
                "tuple": isinstance(value, tuple)}
    if isinstance(value, np.ndarray) and value.dtype == object:
        return _encode(value.tolist(), arrays)  # strings: kept as JSON
    if isinstance(value, np.ndarray):
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {"__array__": key}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _decode(value, arrays):
    if not isinstance(value, dict):
        return value
    if "__array__" in value:
        return arrays[value["__array__"]]
    if "__frame__" in value:
        return pd.DataFrame({c: _decode(v, arrays)
                             for c, v in value["__frame__"].items()})
    if "__namespace__" in value:
        return argparse.Namespace(**_decode(value["__namespace__"], arrays))
    if "__dict__" in value:
        return {_key(_decode(k, arrays)): _decode(v, arrays)
                for k, v in value["__dict__"]}
    if "__list__" in value:
        items = [_decode(v, arrays) for v in value["__list__"]]
        return tuple(items) if value["tuple"] else items
    raise ValueError(f"cannot decode {value!r}")


def _key(key):
    return tuple(key) if isinstance(key, list) else key


def stored(name, compute):
    """The stored numbers `name`; `compute()` makes them when asked to
    (`KREG_UPDATE_GOLDENS=1`)."""
    structure = STORED_DIR / f"{name}.json"
    if os.environ.get("KREG_UPDATE_GOLDENS") == "1":
        arrays = {}
        encoded = _encode(compute(), arrays)
        STORED_DIR.mkdir(exist_ok=True)
        structure.write_text(json.dumps(encoded, indent=1) + "\n")
        np.savez_compressed(STORED_DIR / f"{name}.npz", **arrays)
    assert structure.exists(), (f"no stored numbers {structure}; make them with "
                                "KREG_UPDATE_GOLDENS=1")
    with np.load(STORED_DIR / f"{name}.npz", allow_pickle=False) as arrays:
        return _decode(json.loads(structure.read_text()), dict(arrays))
