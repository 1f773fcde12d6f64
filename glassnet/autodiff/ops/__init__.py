"""The primitive ops: what Tensor's operators (tensor.py) and every layer compute with."""
from glassnet.autodiff.ops.arithmetic import (
    abs, add, clip, divide, exp, log, matmul, maximum, minimum, multiply, negative,
    power, sqrt, square, subtract, where,
)
from glassnet.autodiff.ops.nn import (
    dense, elu, leaky_relu, log_sigmoid, log_softmax, relu, sigmoid, softmax, softplus, tanh,
)
from glassnet.autodiff.ops.convolution import conv
from glassnet.autodiff.ops.conv_pool import conv_max_pool
from glassnet.autodiff.ops.conv_transpose import conv_transpose
from glassnet.autodiff.ops.pooling import average_pool, max_pool
from glassnet.autodiff.ops.reduction import logsumexp, max, mean, min, sum
from glassnet.autodiff.ops.shape import cast, concatenate, getitem, reshape, stack, transpose
from glassnet.autodiff.ops.special import erf
from glassnet.autodiff.ops.comparison import (
    all, any, equal, floor, greater, greater_equal, less, less_equal, logical_and, logical_not, logical_or,
    not_equal, round, sign,
)
from glassnet.autodiff.ops.creation import (
    arange, broadcast_shape, full, full_like, linspace, nonzero, result_type, shape_of, to_numpy, true_coordinates,
)
from glassnet.autodiff.ops.cumulative import cumsum, prod
from glassnet.autodiff.ops.indexing import (
    gather_nd, one_hot, pad, take, take_along_axis, tile, with_batch_coordinates,
)
from glassnet.autodiff.ops.linalg import singular_values
from glassnet.autodiff.ops.sorting import argmax, argmin, argsort, sort
