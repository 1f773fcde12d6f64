"""Floating-point operations per training sample of W4 and W5: the numerator of their FLOP bound.

A multiply-add counts 2 FLOPs, and a training step counts three forward passes (the forward
pass, then the gradients of the inputs and of the weights), as W2's 6 x parameters does for its
Dense layers. Only the products are counted: activations, pooling and the optimizer are free.
"""


def convnet_macs(side=28, channels=1, filters=(32, 64), kernel=3, pool=2, classes=10):
    """Multiply-adds of one forward pass of W4: 'valid' 3x3 convolutions, each pooled, then Dense."""
    macs = 0
    for count in filters:
        side -= kernel - 1
        macs += side * side * count * kernel * kernel * channels
        side, channels = side // pool, count
    return macs + side * side * channels * classes


def lstm_macs(length=200, embedding=128, units=64):
    """Multiply-adds of one forward pass of W5: four gates' products at every step, then Dense(1)."""
    return length * 4 * units * (embedding + units) + units


def training_flops(macs):
    return 3 * 2 * macs
