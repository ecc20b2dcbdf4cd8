"""Weight penalties with the Keras or the textbook 1/2 convention."""

from kreg.regularizers.apply_to_kernels import apply_regularizer
from kreg.regularizers.penalties import L1, L2, ElasticNet
from kreg.regularizers.weight_decay import check_weight_decay
