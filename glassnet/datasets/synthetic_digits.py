"""Drawn zeros and ones: 20x20 images of noisy rings (0) and strokes (1).

The course's handwritten-digit file is not freely available, so the seed program
and the benchmarks train on images drawn here: a ring or a slanted stroke,
shifted and scaled at random, with Gaussian pixel noise. Like the course's data,
the zeros come first, then the ones.
"""
import numpy as np

SIZE = 20


def _grid():
    rows, cols = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
    return rows[None], cols[None]


def _rings(rng, n):
    rows, cols = _grid()
    center_r, center_c = (rng.uniform(8.5, 11.5, (2, n, 1, 1)))
    radius_r, radius_c = rng.uniform(5.0, 8.0, (n, 1, 1)), rng.uniform(3.5, 6.5, (n, 1, 1))
    distance = np.sqrt(((rows - center_r) / radius_r) ** 2 + ((cols - center_c) / radius_c) ** 2)
    thickness = rng.uniform(0.12, 0.22, (n, 1, 1))
    return np.exp(-((distance - 1) ** 2) / (2 * thickness**2))


def _strokes(rng, n):
    rows, cols = _grid()
    top = np.stack([rng.uniform(2, 5, n), rng.uniform(8, 14, n)], axis=1)
    bottom = np.stack([rng.uniform(15, 18, n), rng.uniform(6, 12, n)], axis=1)
    direction = bottom - top
    length2 = np.sum(direction**2, axis=1)[:, None, None]
    along = ((rows - top[:, 0, None, None]) * direction[:, 0, None, None]
             + (cols - top[:, 1, None, None]) * direction[:, 1, None, None]) / length2
    along = np.clip(along, 0, 1)
    near_r = top[:, 0, None, None] + along * direction[:, 0, None, None]
    near_c = top[:, 1, None, None] + along * direction[:, 1, None, None]
    width = rng.uniform(0.8, 1.4, (n, 1, 1))
    return np.exp(-((rows - near_r) ** 2 + (cols - near_c) ** 2) / (2 * width**2))


def load_data(n=1000, noise=0.1, seed=0):
    """`n` images as rows: ``X`` float32 (n, 400) in [0, 1] and ``y`` uint8 (n, 1), zeros first.

    Args:
        n: number of images (half rings, half strokes).
        noise: standard deviation of the Gaussian pixel noise.
        seed: the draw's seed; the same seed gives the same images.
    """
    rng = np.random.default_rng(seed)
    zeros, ones = n // 2, n - n // 2
    images = np.concatenate([_rings(rng, zeros), _strokes(rng, ones)])
    images = np.clip(images + rng.normal(0, noise, images.shape), 0, 1)
    labels = np.concatenate([np.zeros(zeros), np.ones(ones)]).astype(np.uint8).reshape(-1, 1)
    return images.reshape(n, SIZE * SIZE).astype(np.float32), labels
