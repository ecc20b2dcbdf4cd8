"""Weight normalization (Salimans & Kingma, 2016): `w = g * v / ||v||`.

One core serves both layers, as PyTorch's `nn.utils.parametrizations` has one
weight-norm core for a per-unit and a whole-tensor norm:

- `formulas`: the normalization and data-dependent-initialization formulas;
- `core`: `WeightNormCore`, the scale `g`, the data-init variables and the
  tail of `call` shared by the layers;
- `dense`: `WeightNormDense`, a `Dense` layer with its own direction `v`;
- `wrapper`: `WeightNormalization`, the wrapper for any layer with a kernel
  (`tfa.layers.WeightNormalization`, `torch.nn.utils.parametrizations.
  weight_norm`).
"""

from kreg.layers.weight_norm.dense import WeightNormDense
from kreg.layers.weight_norm.wrapper import WeightNormalization
