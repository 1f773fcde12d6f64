"""Batch renormalization (Ioffe, 2017), BatchNormalization's ``renorm=True``, as Keras 3 computes it.

While training, the batch-normalized values are corrected towards what the moving statistics
would give, ``x_hat * r + d`` with

    r = clip(batch_stddev / renorm_stddev, rmin, rmax)
    d = clip((batch_mean - renorm_mean) / renorm_stddev, -dmax, dmax)

both held constant for the gradient, so ``gamma * (x_hat * r + d) + beta`` is a batch
normalization with scale ``r * gamma`` and offset ``d * gamma + beta``. The renorm statistics
move with `renorm_momentum`; the moving mean as usual; the moving variance through a moving
standard deviation: ``moving_variance = max(moving_stddev^2 - epsilon, 0)``.
"""
import numpy as np

from glassnet.autodiff import ops
from glassnet.autodiff.tape import not_recording

_CLIPPING_KEYS = ("rmax", "rmin", "dmax")


def check_clipping(renorm_clipping):
    """Keras's checks of `renorm_clipping` (a dict of rmax, rmin, dmax; missing ones unbounded)."""
    clipping = renorm_clipping or {}
    if not isinstance(clipping, dict) or set(clipping) - set(_CLIPPING_KEYS):
        raise ValueError(f"Received invalid keys for `renorm_clipping` argument: {renorm_clipping}. "
                         f"Supported values: {list(_CLIPPING_KEYS)}.")
    rmax, rmin, dmax = (clipping.get(key) for key in _CLIPPING_KEYS)
    if rmax is not None and rmin is not None and rmax < rmin:
        raise ValueError("rmax should be greater than rmin in the `renorm_clipping` argument. "
                         f"Received: rmax={rmax}, rmin={rmin}.")
    if dmax is not None and dmax < 0:
        raise ValueError(f"dmax should be non-negative in the `renorm_clipping` argument. Received: dmax={dmax}.")
    return clipping


def add_weights(layer, shape):
    """moving_stddev, renorm_mean and renorm_stddev, after the four weights of batch normalization
    (Keras's order), started from the moving statistics' initializers."""
    def stddev(shape, dtype=None):
        return np.sqrt(layer.moving_variance_initializer(shape, dtype=dtype))
    layer.moving_stddev = layer.add_weight(shape=shape, name="moving_stddev", initializer=stddev,
                                           trainable=False, autocast=False)
    layer.renorm_mean = layer.add_weight(shape=shape, name="renorm_mean", initializer=layer.moving_mean_initializer,
                                         trainable=False, autocast=False)
    layer.renorm_stddev = layer.add_weight(shape=shape, name="renorm_stddev", initializer=stddev,
                                           trainable=False, autocast=False)


def scale_and_offset(layer, mean, variance, gamma, beta):
    """The scale ``r * gamma`` and offset ``d * gamma + beta`` of the corrected normalization
    (`mean` and `variance` the batch's, shaped as `gamma`); r and d carry no gradient."""
    shape = mean.shape
    stddev = np.sqrt(variance + layer.epsilon)
    renorm_stddev = np.maximum(layer.renorm_stddev.numpy().reshape(shape), np.sqrt(np.float32(layer.epsilon)))
    r = stddev / renorm_stddev
    d = (mean - layer.renorm_mean.numpy().reshape(shape)) / renorm_stddev
    clipping = layer.renorm_clipping or {}
    if clipping.get("rmin") is not None:
        r = np.maximum(r, clipping["rmin"])
    if clipping.get("rmax") is not None:
        r = np.minimum(r, clipping["rmax"])
    if clipping.get("dmax") is not None:
        d = np.clip(d, -clipping["dmax"], clipping["dmax"])
    r, d = r.astype(mean.dtype), d.astype(mean.dtype)
    scale = r if gamma is None else ops.multiply(gamma, r)
    offset = d if gamma is None else ops.multiply(gamma, d)
    return scale, (offset if beta is None else ops.add(offset, beta))


def update_statistics(layer, mean, variance):
    """Move the renorm statistics, the moving mean and the moving standard deviation (and from it
    the moving variance) towards the batch's."""
    stddev = np.sqrt(variance + layer.epsilon).reshape(-1)
    mean = mean.reshape(-1)
    with not_recording():
        _move(layer.renorm_mean, mean, layer.renorm_momentum)
        _move(layer.renorm_stddev, stddev, layer.renorm_momentum)
        _move(layer.moving_mean, mean, layer.momentum)
        _move(layer.moving_stddev, stddev, layer.momentum)
        moving_stddev = layer.moving_stddev.numpy()
        layer.moving_variance.assign(np.maximum(moving_stddev * moving_stddev - layer.epsilon, 0))


def _move(variable, value, momentum):
    variable.assign(variable.numpy() * momentum + value * (1.0 - momentum))
