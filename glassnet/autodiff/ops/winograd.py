"""Winograd's minimal filtering F(2x2, 3x3): a 3x3 convolution's outputs two by two, from 4x4 tiles
of its input, with 16 multiplications per tile, input channel and filter where the direct sum takes
36 (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016).

For one 4x4 tile ``d`` of one input channel and one 3x3 filter ``g``, the tile's 2x2 outputs are

    Y = A^T [(G g G^T) * (B^T d B)] A          (* elementwise)

Flattened row-major, each transform is one matrix (a Kronecker product: ``INPUT`` is B^T (x) B^T,
16x16). Over channels, the elementwise product becomes at each of the 16 transformed positions a
matrix product, (tiles, in_channels) @ (in_channels, filters): the three products of a training
step (forward, and backward the input's and the kernel's gradients, the same algebra transposed)
each do 2.25x fewer multiply-adds than the window matrix's. The transforms hold 0, +-1 and +-1/2
only, exact in binary: the outputs differ from the direct sum by rounding (a few units in the last
place of float32).

conv_pool.conv_max_pool runs it for a 3x3 convolution (stride 1, no dilation) pooled 2x2: one
tile's 2x2 outputs are then one pool's window, so they come out pool tap first, as that op wants
them, and outputs a ragged edge drops have no tile. On W4's second convolution (32 -> 64 channels)
the op's forward and backward take 13.5 ms where the window matrix's took 18.7 (`python -m
bench.w4_ops`, one thread). A pool whose two largest outputs are within rounding of each other
may send its gradient to the other one than the direct sum would: either is a max.
"""
import math

import numpy as np

from glassnet.autodiff.ops import windows

B_T = np.array([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]])
G = np.array([[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]])
A_T = np.array([[1, 1, 1, 0], [0, 1, -1, -1]])

INPUT = np.kron(B_T, B_T)  # (16, 16): a tile's 16 values -> its 16 transformed ones
KERNEL = np.kron(G, G)  # (16, 9): a filter's 9 taps -> 16
OUTPUT = np.kron(A_T, A_T)  # (4, 16): 16 products -> the tile's 4 outputs, row-major

# Transformed position (1, 1): OUTPUT's column of ones. A bias added there reaches each of the four
# outputs once, on a quarter of the elements; and the bias's gradient is that position's gradient.
BIAS_POSITION = 5

TILE, STEP = (4, 4), (2, 2)  # a tile's input and the step between tiles: 2x2 outputs each

# Where the batch is split among threads (see conv_pool.THREADED_WORK), the fewest tiles a chunk:
# each of its 16 products hands the GIL over, and with fewer rows it is over too soon (W4 at two
# threads: its forward took 4.4 ms at 250 tiles a chunk, 3.9 at 500 and 3.7-3.8 with whole parts of
# 800; on 32x32 images 512 tiles a chunk took 66 ms where whole parts took 90).
THREADED_TILES = 512

# The fewest input channels and filters for tiles: conv_max_pool's forward and backward on 128
# images of 13x13, one thread, took from 8 channels and 8 filters 1.3x less time as tiles (32 and
# 64: 1.5x; at two threads 1.05x and 1.1x), and with one input channel 2.5x more: the transforms
# then cost more than the products they save.
MIN_CHANNELS = 8


def fits(kernel_size, strides, dilation_rate, pool_size, in_channels, filters):
    """Whether a convolution pooled by tiling windows runs as F(2x2, 3x3) tiles, one tile per pool."""
    return (tuple(kernel_size) == (3, 3) and tuple(strides) == (1, 1) and tuple(dilation_rate) == (1, 1)
            and tuple(pool_size) == (2, 2) and min(in_channels, filters) >= MIN_CHANNELS)


class PooledTiles:
    """A 3x3 convolution (stride 1) as F(2x2, 3x3) tiles whose 2x2 outputs are 2x2 pools' windows:
    the chunk-by-chunk forward and backward conv_pool.conv_max_pool runs, over ``count`` (the pooled
    shape) tiles per image."""

    def __init__(self, kernel, bias, count, dtype):
        in_channels, filters = kernel.shape[-2:]
        self.count, self.dtype, self.bias = count, dtype, bias
        self.tiles_per_image = count[0] * count[1]
        self.input_transform = INPUT.astype(dtype)
        self.output_transform = OUTPUT.astype(dtype)
        self.kernel_transform = KERNEL.astype(dtype)
        self.u = (self.kernel_transform @ np.reshape(kernel, (9, -1))).reshape(16, in_channels, filters)
        self.u_t = np.ascontiguousarray(self.u.transpose(0, 2, 1))  # for the input's gradient, read in row order
        # Twice z's elements per image: CHUNK then takes W4's second convolution 10 images at a time,
        # measured faster at one thread than 5 or 20.
        self.per_image = 8 * self.tiles_per_image * filters
        self.threaded_images = math.ceil(THREADED_TILES / self.tiles_per_image)

    def view(self, padded):
        """The tiles of a part's padded input: (4, 4, images, *count, C), read-only."""
        return windows.tile_view(padded, TILE, STEP, self.count)

    def gradient_view(self, g_padded):
        """The tiles of a part's padded input gradient, writeable: (4, 4, images, *count, C)."""
        return windows.tile_view(g_padded, TILE, STEP, self.count, writeable=True)

    def new_saved(self, view, images):
        """The transformed tiles of `images` images, kept from the forward pass for the kernel's gradient."""
        return np.empty((16, images * self.tiles_per_image, view.shape[-1]), dtype=self.dtype)

    def outputs(self, view, saved, images):
        """The convolution's outputs for `images` (a slice of the part), (4, tiles, filters) pool tap
        first: the tiles transformed into `saved`, 16 products, then each tile's four outputs."""
        tiles = view[:, :, images]
        d = np.empty(tiles.shape, dtype=self.dtype)
        np.copyto(d, tiles)  # contiguous, for the transform's product
        v = saved[:, self._rows(images)]
        np.matmul(self.input_transform, d.reshape(16, -1), out=v.reshape(16, -1))
        m = np.matmul(v, self.u)
        if self.bias is not None:
            m[BIAS_POSITION] += self.bias
        return np.matmul(self.output_transform, m.reshape(16, -1)).reshape(4, v.shape[1], -1)

    def backward(self, saved, images, gz, g_view):
        """For `images`' gradient of z `gz` (their rows of z, pool tap first): add the input's
        gradient into `g_view` (gradient_view's) when given; return the chunk's gradient of the
        transformed kernel (16, C, filters) and of the bias."""
        tiles = len(gz) // 4
        gm = np.matmul(self.output_transform.T, gz.reshape(4, -1)).reshape(16, tiles, -1)
        v = saved[:, self._rows(images)]
        g_u = np.matmul(v.transpose(0, 2, 1), gm)
        if g_view is not None:
            g_v = np.matmul(gm, self.u_t)
            g_d = np.matmul(self.input_transform.T, g_v.reshape(16, -1)).reshape(*TILE, -1, *self.count, v.shape[-1])
            target = g_view[:, :, images]
            for tap in windows.taps(TILE):  # the tiles overlap: one tap of every tile at a time
                target[tap] += g_d[tap]
        return g_u, gm[BIAS_POSITION].sum(axis=0)

    def weights_gradient(self, g_u, g_bias):
        """The gradient of conv's (kernel rows, then the bias's) from the transformed kernel's."""
        g_kernel = (self.kernel_transform.T @ g_u.reshape(16, -1)).reshape(-1, g_u.shape[-1])
        return g_kernel if self.bias is None else np.concatenate([g_kernel, g_bias[None]])

    def _rows(self, images):
        return slice(images.start * self.tiles_per_image, images.stop * self.tiles_per_image)
