"""The benchmark's data: seeded, synthetic, made with nothing but NumPy.

W1's images come from `glassnet/datasets/synthetic_digits.py`, loaded by its file path so that
a peer framework's process draws the very same images without importing glassnet.
W2 is an MNIST-shaped stand-in: each of 10 classes has a fixed random prototype image, and each
sample is ``0.3 * prototype + N(0, 1)`` noise, clipped to [-2, 3].
"""
import importlib.util
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
_DIGITS_FILE = REPO / "glassnet" / "datasets" / "synthetic_digits.py"


def _synthetic_digits():
    spec = importlib.util.spec_from_file_location("bench_synthetic_digits", _DIGITS_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def course_data(n, seed=0):
    """W1: ``X`` float32 (n, 400) drawn rings (label 0) and strokes (label 1); ``y`` float32 (n, 1)."""
    x, y = _synthetic_digits().load_data(n=n, seed=seed)
    return x, y.astype(np.float32)


def mnist_like_data(n, seed=0, classes=10, features=784):
    """W2: ``X`` float32 (n, 784) and integer labels ``y`` int64 (n,) in [0, 10)."""
    rng = np.random.default_rng(seed)
    prototypes = rng.uniform(-1.0, 3.0, (classes, features)).astype(np.float32)
    y = rng.integers(0, classes, n)
    x = rng.standard_normal((n, features), dtype=np.float32)
    x += 0.3 * prototypes[y]
    np.clip(x, -2.0, 3.0, out=x)
    return x, y.astype(np.int64)


def binary_crossentropy(probabilities, y, epsilon=1e-7):
    """Mean BCE of predicted probabilities, clipped as Keras clips them, in float64."""
    p = np.clip(np.asarray(probabilities, np.float64).reshape(-1), epsilon, 1 - epsilon)
    y = np.asarray(y, np.float64).reshape(-1)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def binary_accuracy(probabilities, y):
    p = np.asarray(probabilities).reshape(-1)
    return float(np.mean((p > 0.5) == (np.asarray(y).reshape(-1) > 0.5)))


def sparse_crossentropy_from_logits(logits, y):
    """Mean softmax cross-entropy of integer labels, in float64."""
    z = np.asarray(logits, np.float64)
    z = z - z.max(axis=1, keepdims=True)
    log_probabilities = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-np.mean(log_probabilities[np.arange(len(y)), y]))


def sparse_accuracy(scores, y):
    return float(np.mean(np.argmax(np.asarray(scores), axis=1) == y))
