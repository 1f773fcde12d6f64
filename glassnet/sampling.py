"""NumPy samplers that TensorFlow and Keras both offer and NumPy does not: the truncated normal and
categorical draws from logits. `generator` is always a ``numpy.random.Generator``."""
import numpy as np


def truncated_standard_normal(generator, shape):
    """Standard normal samples, each outside [-2, 2] drawn again, as TensorFlow truncates."""
    values = generator.standard_normal(shape)
    outside = np.abs(values) > 2
    while outside.any():
        values[outside] = generator.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2
    return values


def categorical_indices(generator, logits, num_samples):
    """Indices drawn per row with probabilities softmax(logits), by inverting each row's CDF."""
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    cumulative = np.cumsum(probabilities / probabilities.sum(axis=1, keepdims=True), axis=1)
    draws = generator.random((logits.shape[0], num_samples))
    return np.minimum((draws[:, :, None] >= cumulative[:, None, :]).sum(axis=2), logits.shape[1] - 1)

