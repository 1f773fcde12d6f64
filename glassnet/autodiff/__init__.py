"""The autodiff engine: tensors, the tape, and the primitive ops.

It knows nothing of layers or models; glassnet.keras is built on top of it.
"""
from glassnet.autodiff import ops
from glassnet.autodiff.convert import convert_to_tensor
from glassnet.autodiff.gradcheck import check_gradients, numerical_gradient
from glassnet.autodiff.primitive import primitive, sum_to
from glassnet.autodiff.tape import GradientTape
from glassnet.autodiff.tensor import Tensor, TensorShape
from glassnet.autodiff.variable import Variable
from glassnet.autodiff import memory as _memory

_memory.keep_freed_memory()  # a training step's large arrays reuse freed memory, not fresh pages (see memory.py)

__all__ = [
    "GradientTape", "Tensor", "TensorShape", "Variable", "check_gradients", "convert_to_tensor",
    "numerical_gradient", "ops", "primitive", "sum_to",
]
