"""conv_transpose: values against a direct scatter loop and as the adjoint of conv, gradients against
finite differences. (Its output lengths are checked against Keras in tests/parity/test_conv_parity.py.)"""
import itertools

import numpy as np
import pytest

from glassnet.autodiff import ops as gops
from glassnet.autodiff.gradcheck import check_gradients
from glassnet.autodiff.ops.conv_transpose import conv_transpose, keras_pads, output_size
from glassnet.autodiff.ops.convolution import conv
from glassnet.autodiff.tensor import Tensor


def _direct_conv_transpose(x, kernel, strides, padding, output_padding, dilation):
    """Each input position adds x[i] @ kernel[tap].T at output i * stride + tap * dilation - crop."""
    rank = kernel.ndim - 2
    kernel_size = kernel.shape[:rank]
    lengths = [output_size(n, k, s, d, padding, p)
               for n, k, s, d, p in zip(x.shape[1:-1], kernel_size, strides, dilation, output_padding)]
    crops = [(k - 1) * d - keras_pads(k, s, d, padding, p)[0]
             for k, s, d, p in zip(kernel_size, strides, dilation, output_padding)]
    out = np.zeros((x.shape[0], *lengths, kernel.shape[-2]))
    for position in itertools.product(*(range(n) for n in x.shape[1:-1])):
        for tap in itertools.product(*(range(k) for k in kernel_size)):
            target = tuple(p * s + t * d - c for p, s, t, d, c in zip(position, strides, tap, dilation, crops))
            if all(0 <= o < n for o, n in zip(target, lengths)):
                out[(slice(None), *target)] += x[(slice(None), *position)] @ kernel[tap].T
    return out


@pytest.mark.parametrize("seed", range(8))
def test_conv_transpose_matches_the_direct_definition_and_finite_differences(seed):
    rng = np.random.default_rng(seed)
    rank = 1 + seed % 2
    spatial = tuple(int(v) for v in rng.integers(2, 5, size=rank))
    kernel_size = tuple(int(v) for v in rng.integers(1, 4, size=rank))
    if seed % 3:
        strides, dilation = tuple(int(v) for v in rng.integers(1, 4, size=rank)), (1,) * rank
    else:
        strides, dilation = (1,) * rank, tuple(int(v) for v in rng.integers(1, 3, size=rank))
    output_padding = (None,) * rank if seed % 4 < 2 else tuple(int(rng.integers(0, s)) for s in strides)
    padding = ["valid", "same"][seed % 2 if seed < 4 else 1 - seed % 2]
    channels = 1 + seed % 4
    x = rng.normal(size=(2, *spatial, channels))
    kernel = rng.normal(size=(*kernel_size, 3, channels))
    bias = rng.normal(size=3)
    arguments = dict(strides=strides, padding=padding, dilation_rate=dilation,
                     output_padding=None if output_padding[0] is None else output_padding)
    expected = _direct_conv_transpose(x, kernel, strides, padding, output_padding, dilation) + bias
    got = conv_transpose(x, kernel, bias, **arguments).numpy()
    np.testing.assert_allclose(got, expected, atol=1e-10)
    weights = rng.normal(size=expected.shape)
    check_gradients(lambda a, k, b: conv_transpose(a, k, b, **arguments) * Tensor(weights), x, kernel, bias)


@pytest.mark.parametrize("padding,strides", [("valid", 1), ("same", 1), ("valid", 2), ("same", 2)])
def test_conv_transpose_is_the_adjoint_of_conv(padding, strides):
    # <conv_transpose(x, K), y> == <x, conv(y, K)>: the definition of the transposed convolution
    rng = np.random.default_rng(5)
    kernel = rng.normal(size=(3, 3, 2, 4))  # conv: 2 -> 4 channels; conv_transpose: 4 -> 2
    y = rng.normal(size=(2, 8, 8, 2))
    forward = conv(y, kernel, None, strides=strides, padding=padding).numpy()
    x = rng.normal(size=forward.shape)
    # 'same' gives back 8 * strides / strides = 8; 'valid' needs output_padding for what the stride dropped
    extra = None if padding == "same" else 8 - ((forward.shape[1] - 1) * strides + 3)
    back = conv_transpose(x, kernel, None, strides=strides, padding=padding, output_padding=extra).numpy()
    assert back.shape == y.shape
    np.testing.assert_allclose(np.sum(back * y), np.sum(x * forward), rtol=1e-10)


@pytest.mark.parametrize("activation", [gops.relu, gops.sigmoid])
def test_conv_transpose_with_a_fused_activation_has_its_gradient(activation):
    rng = np.random.default_rng(3)
    x, kernel, bias = rng.normal(size=(2, 3, 3, 2)), rng.normal(size=(3, 3, 2, 2)), rng.normal(size=2)
    plain = conv_transpose(x, kernel, bias, strides=2, padding="same").numpy()
    fused = conv_transpose(x, kernel, bias, strides=2, padding="same", activation=activation).numpy()
    np.testing.assert_allclose(fused, activation(plain).numpy())
    check_gradients(lambda a, k, b: conv_transpose(a, k, b, strides=2, padding="same", activation=activation),
                    x, kernel, bias)


def test_conv_transpose_refuses_an_input_without_spatial_axes():
    with pytest.raises(ValueError, match="conv_transpose.*shape \\(2, 3\\)"):
        conv_transpose(np.ones((2, 3)), np.ones((3, 2, 3)))
