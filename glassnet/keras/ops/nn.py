"""Keras 3's neural-network ops: activations and one_hot."""
from glassnet import array_ops
from glassnet.autodiff import convert_to_tensor
from glassnet.keras import activations
from glassnet.keras.op_dispatch import dispatch_module as _dispatch_module

sigmoid = activations.sigmoid
softmax = activations.softmax
log_softmax = activations.log_softmax
softplus = activations.softplus
tanh = activations.tanh


def relu(x):
    return activations.relu(x)


def gelu(x, approximate=True):
    return activations.gelu(x, approximate=approximate)


def silu(x):
    return activations.silu(x)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """float32 one-hot rows (Keras's floatx); an index outside [0, num_classes) gives zeros.
    Float labels holding whole numbers are taken as indices, as Keras takes them."""
    x = convert_to_tensor(x)
    if x.dtype.kind == "f":
        whole = x.numpy()
        if not (whole == whole.round()).all():
            raise ValueError(f"Invalid `x` for one_hot: expected whole-number labels. Received: {whole!r}")
        x = convert_to_tensor(whole.astype("int64"))
    return array_ops.one_hot(x, num_classes, axis=axis, dtype=dtype)


_dispatch_module(globals(), "keras.ops")  # on KerasTensors, each function records a TFOpLambda layer
