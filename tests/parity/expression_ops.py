"""The ops of random_expressions.py, one table per library: NumPy in float64 (the generator's
reference), glassnet under TensorFlow's names, and Keras 3's keras.ops. Each table maps an op's
name to a function of the same arguments, so one program runs on all three."""
import numpy as np


def _axes(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _np_norm(x, order, axis, keepdims):
    flat = axis is None
    a = np.abs(x.reshape(-1) if flat else x)
    out = np.max(a, axis=0 if flat else axis, keepdims=keepdims and not flat) if order == np.inf else \
        np.sum(a, axis=0 if flat else axis, keepdims=keepdims and not flat) if order == 1 else \
        np.sqrt(np.sum(a * a, axis=0 if flat else axis, keepdims=keepdims and not flat))
    return np.reshape(out, (1,) * x.ndim) if flat and keepdims else out


def numpy_ops():
    """The float64 reference the generator uses to place ops away from their kinks."""
    def softmax(x, axis):
        e = np.exp(x - np.max(x, axis=axis, keepdims=True))
        return e / np.sum(e, axis=axis, keepdims=True)
    return {
        "add": np.add, "subtract": np.subtract, "multiply": np.multiply, "divide": np.divide,
        "maximum": np.maximum, "minimum": np.minimum, "matmul": np.matmul,
        "square": np.square, "sqrt": np.sqrt, "exp": np.exp, "log": np.log, "tanh": np.tanh, "abs": np.abs,
        "sigmoid": lambda x: 1 / (1 + np.exp(-x)), "relu": lambda x: np.maximum(x, 0.0), "softmax": softmax,
        "reduce_sum": lambda x, axis, keepdims: np.sum(x, axis=_axes(axis), keepdims=keepdims),
        "reduce_mean": lambda x, axis, keepdims: np.mean(x, axis=_axes(axis), keepdims=keepdims),
        "reduce_max": lambda x, axis, keepdims: np.max(x, axis=_axes(axis), keepdims=keepdims),
        "reshape": lambda x, shape: np.reshape(x, shape), "transpose": lambda x, perm: np.transpose(x, perm),
        "expand_dims": np.expand_dims,
        "concat": lambda a, b, axis: np.concatenate([a, b], axis=axis),
        "stack": lambda a, b, axis: np.stack([a, b], axis=axis),
        "gather": lambda x, indices, axis: np.take(x, indices, axis=axis),
        "greater": lambda x, threshold: x > threshold, "where": np.where,
        "clip_by_value": lambda x, low, high: np.clip(x, low, high),
        "l2_normalize": lambda x, axis: x / np.sqrt(np.sum(x * x, axis=axis, keepdims=True)),
        "norm": _np_norm,
        "one_hot": lambda indices, depth: np.eye(depth)[indices],
    }


def glassnet_ops(tf):
    """The ops as TensorFlow code calls them, on glassnet (`tf` is ``import glassnet as tf``)."""
    return {
        "add": tf.add, "subtract": tf.subtract, "multiply": tf.multiply, "divide": tf.divide,
        "maximum": tf.maximum, "minimum": tf.minimum, "matmul": tf.matmul,
        "square": tf.square, "sqrt": tf.sqrt, "exp": tf.exp, "log": tf.math.log, "tanh": tf.tanh,
        "abs": tf.abs, "sigmoid": tf.nn.sigmoid, "relu": tf.nn.relu,
        "softmax": lambda x, axis: tf.nn.softmax(x, axis=axis),
        "reduce_sum": tf.reduce_sum, "reduce_mean": tf.reduce_mean, "reduce_max": tf.reduce_max,
        "reshape": lambda x, shape: tf.reshape(x, shape), "transpose": lambda x, perm: tf.transpose(x, perm),
        "expand_dims": tf.expand_dims,
        "concat": lambda a, b, axis: tf.concat([a, b], axis=axis),
        "stack": lambda a, b, axis: tf.stack([a, b], axis=axis),
        "gather": lambda x, indices, axis: tf.gather(x, indices, axis=axis),
        "greater": lambda x, threshold: tf.greater(x, threshold), "where": tf.where,
        "clip_by_value": lambda x, low, high: tf.clip_by_value(x, low, high),
        "l2_normalize": lambda x, axis: tf.linalg.l2_normalize(x, axis=axis),
        "norm": lambda x, order, axis, keepdims: tf.linalg.norm(x, ord=order, axis=axis, keepdims=keepdims),
        "one_hot": tf.one_hot,
    }


def keras_ops(ops):
    """The same ops with Keras 3's `keras.ops` (TensorFlow's norm of all elements is the vector norm
    of the flattened tensor, where keras.ops.norm would take a matrix norm)."""
    def norm(x, order, axis, keepdims):
        order = None if order == "euclidean" else order
        if axis is not None:
            return ops.norm(x, ord=order, axis=axis, keepdims=keepdims)
        out = ops.norm(ops.reshape(x, (-1,)), ord=order)
        return ops.reshape(out, (1,) * len(x.shape)) if keepdims else out
    return {
        "add": ops.add, "subtract": ops.subtract, "multiply": ops.multiply, "divide": ops.divide,
        "maximum": ops.maximum, "minimum": ops.minimum, "matmul": ops.matmul,
        "square": ops.square, "sqrt": ops.sqrt, "exp": ops.exp, "log": ops.log, "tanh": ops.tanh,
        "abs": ops.abs, "sigmoid": ops.sigmoid, "relu": ops.relu,
        "softmax": lambda x, axis: ops.softmax(x, axis=axis),
        "reduce_sum": lambda x, axis, keepdims: ops.sum(x, axis=_axes(axis), keepdims=keepdims),
        "reduce_mean": lambda x, axis, keepdims: ops.mean(x, axis=_axes(axis), keepdims=keepdims),
        "reduce_max": lambda x, axis, keepdims: ops.max(x, axis=_axes(axis), keepdims=keepdims),
        "reshape": lambda x, shape: ops.reshape(x, shape), "transpose": lambda x, perm: ops.transpose(x, perm),
        "expand_dims": ops.expand_dims,
        "concat": lambda a, b, axis: ops.concatenate([a, b], axis=axis),
        "stack": lambda a, b, axis: ops.stack([a, b], axis=axis),
        "gather": lambda x, indices, axis: ops.take(x, indices, axis=axis),
        "greater": lambda x, threshold: ops.greater(x, threshold), "where": ops.where,
        "clip_by_value": lambda x, low, high: ops.clip(x, low, high),
        "l2_normalize": lambda x, axis: ops.normalize(x, axis=axis, order=2),
        "norm": norm,
        "one_hot": lambda indices, depth: ops.one_hot(indices, depth),
    }


NUMPY = numpy_ops()
