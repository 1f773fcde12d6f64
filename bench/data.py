"""The benchmark's data: seeded, synthetic, made with nothing but NumPy.

W1's images come from `glassnet/datasets/synthetic_digits.py`, loaded by its file path so that
a peer framework's process draws the very same images without importing glassnet.
W2 is an MNIST-shaped stand-in: each of 10 classes has a fixed random prototype image, and each
sample is ``0.3 * prototype + N(0, 1)`` noise, clipped to [-2, 3]. W4 draws its 28x28x1 images
the same way from prototypes made of 4x4-pixel blocks, so that they have shapes for the
convolutions to find. W5 is IMDB-shaped: zero-padded integer reviews whose label counts their
"positive" against their "negative" words.
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


def mnist_like_images(n, seed=0, classes=10, side=28, block=4):
    """W4: ``X`` float32 (n, 28, 28, 1) and integer labels ``y`` int64 (n,) in [0, 10)."""
    rng = np.random.default_rng(seed)
    coarse = rng.uniform(-1.0, 3.0, (classes, side // block, side // block)).astype(np.float32)
    prototypes = coarse.repeat(block, axis=1).repeat(block, axis=2)
    y = rng.integers(0, classes, n)
    x = rng.standard_normal((n, side, side), dtype=np.float32)
    x += 0.3 * prototypes[y]
    np.clip(x, -2.0, 3.0, out=x)
    return x[..., None], y.astype(np.int64)


def one_hot(y, classes=10):
    """Integer labels as float32 one-hot rows, as `keras.utils.to_categorical` gives them."""
    return np.eye(classes, dtype=np.float32)[y]


# W5's word ids: 0 pads, 1-100 carry sentiment, the rest are neutral.
POSITIVE_WORDS, NEGATIVE_WORDS = range(1, 51), range(51, 101)


def imdb_like_sequences(n, seed=0, length=200, vocabulary=20000, sentiment_rate=0.05):
    """W5: ``X`` int32 (n, length) reviews pre-padded with zeros, labels ``y`` float32 (n, 1).

    Neutral word ids favour small ids as word frequencies do. About one word in twenty is a sentiment
    word, three times out of four from the review's intended side; the label then says which
    side has more words in the review (the intended side on a tie), so it follows from the tokens.
    """
    rng = np.random.default_rng(seed)
    intended = rng.integers(0, 2, n)
    neutral = NEGATIVE_WORDS.stop
    words = neutral + ((vocabulary - neutral) * rng.random((n, length)) ** 3).astype(np.int32)
    agrees = rng.random((n, length)) < 0.75
    positive = agrees == (intended[:, None] == 1)
    sentiment = np.where(positive, rng.choice(POSITIVE_WORDS, (n, length)), rng.choice(NEGATIVE_WORDS, (n, length)))
    words = np.where(rng.random((n, length)) < sentiment_rate, sentiment, words).astype(np.int32)
    lengths = rng.integers(length // 4, length + 1, n)
    words[np.arange(length) < (length - lengths)[:, None]] = 0  # pre-padding, as pad_sequences does
    votes = _count(words, POSITIVE_WORDS) - _count(words, NEGATIVE_WORDS)
    y = np.where(votes == 0, intended, votes > 0)
    return words, y.astype(np.float32)[:, None]


def _count(words, band):
    return ((words >= band.start) & (words < band.stop)).sum(axis=1)


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


def categorical_crossentropy(probabilities, y, epsilon=1e-7):
    """Mean cross-entropy of predicted class probabilities against integer labels, clipped as
    Keras clips them, in float64."""
    p = np.clip(np.asarray(probabilities, np.float64), epsilon, 1 - epsilon)
    return float(-np.mean(np.log(p[np.arange(len(y)), y])))


def sparse_accuracy(scores, y):
    return float(np.mean(np.argmax(np.asarray(scores), axis=1) == y))
