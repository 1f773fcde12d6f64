"""A relu convolution and the max pooling that follows it, run by a model as one op.

``Conv2D(..., activation="relu")`` then ``MaxPooling2D()`` is the pair in most Keras convnets.
glassnet.autodiff.ops.conv_max_pool computes what the two layers compute (the output and the
input's gradient bit for bit, the kernel's and bias's to rounding: summed in another order; all to
rounding where a 3x3 convolution runs as Winograd's tiles), but rectifies the 4x smaller pooled
array and skips the outputs a ragged edge drops. A model may run the
pair so only where nothing else reads the convolution's output: in its own forward pass (a
Sequential's stack, a functional graph whose conv output goes to the pooling alone), with the
layers plain Conv1D/Conv2D and MaxPooling1D/2D, built, channels_last, without an activity
regularizer, and no watcher (``glassnet.inspect.step``, which shows every layer's output and its
gradient) looking. Calling the layer alone, ``layer.output``, and a traced step run the layers
one by one as always.
"""
from glassnet.autodiff import observe, ops, tape
from glassnet.autodiff.tensor import Tensor
from glassnet.keras import activations
from glassnet.keras.layers.convolutional import Conv1D, Conv2D
from glassnet.keras.layers.pooling import MaxPooling1D, MaxPooling2D

# Set to False to run every layer on its own (the tests compare the two).
ENABLED = True

_POOLING_AFTER = {Conv1D: MaxPooling1D, Conv2D: MaxPooling2D}


def pairs(conv, pool):
    """Whether layers `conv` then `pool` may run as one op (their settings; see :func:`run_pair`)."""
    return (ENABLED and _POOLING_AFTER.get(type(conv)) is type(pool) and conv.built and pool.built
            and conv.activation is activations.relu
            and conv.data_format == "channels_last" and pool.data_format == "channels_last"
            and pool.padding == "valid" and pool.strides == pool.pool_size
            and conv.activity_regularizer is None and pool.activity_regularizer is None
            and not conv._makes_masks and not pool._makes_masks)


def run_pair(conv, pool, inputs):
    """``pool(conv(inputs))`` as one op, or None where the call needs the layers' own (a watcher, a
    mask, a cast, losses the call would clear); `conv` and `pool` satisfy :func:`pairs`."""
    if (observe.watchers or type(inputs) is not Tensor or inputs._keras_mask is not None or conv._losses
            or pool._losses or not inputs.dtype == conv.dtype == pool.dtype == conv.kernel.dtype):
        return None
    conv._check_input(inputs.shape)  # the errors the layers' own calls raise, before any work
    pool._check_input(conv.compute_output_shape(inputs.shape))
    return ops.conv_max_pool(inputs, conv.kernel, conv.bias, pool_size=pool.pool_size, strides=conv.strides,
                             padding=conv.padding, dilation_rate=conv.dilation_rate,
                             input_gradient=tape.is_tracked(inputs))


def run_stack(layers, inputs, training=None):
    """A Sequential's forward pass: each layer on the previous one's output, a pair as one op."""
    i, count = 0, len(layers)
    while i < count:
        if i + 1 < count and pairs(layers[i], layers[i + 1]):
            outputs = run_pair(layers[i], layers[i + 1], inputs)
            if outputs is not None:
                inputs, i = outputs, i + 2
                continue
        inputs = layers[i](inputs, training=training)
        i += 1
    return inputs


def graph_pairs(nodes, outputs):
    """``{i: j}`` for a functional graph's `nodes` (in running order): node j reads node i's one output,
    as its only argument, and no other node nor the model's `outputs` reads it. The graph never
    changes, so a model finds these once; :func:`pairs` then says, call by call, which may run as one op."""
    readers = {}
    for j, node in enumerate(nodes):
        for tensor in node.input_tensors:
            readers.setdefault(id(tensor), []).append(j)
    shown = {*map(id, outputs)}
    found = {}
    for i, node in enumerate(nodes):
        if node.is_input or len(node.output_tensors) != 1 or not _called_on_one_tensor(node):
            continue
        tensor = node.output_tensors[0]
        reader = readers.get(id(tensor), ())
        if id(tensor) in shown or len(reader) != 1:
            continue
        pool = nodes[reader[0]]
        if pool.arguments is tensor and _called_on_one_tensor(pool):
            found[i] = reader[0]
    return found


def _called_on_one_tensor(node):
    return not node.args and set(node.kwargs) <= {"training"} and len(node.input_tensors) == 1
