"""Targets and predictions for the loss and metric parity tests, drawn from a seed."""
import numpy as np

N, K = 9, 4


def draw(kind, seed):
    """(y_true, y_pred) for one kind of data, float32 (int32 labels for the sparse kinds)."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(scale=2.5, size=(N, K)).astype("float32")
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    labels = rng.integers(0, K, size=N)
    one_hot = np.eye(K, dtype="float32")[labels]
    if kind == "regression":
        return rng.normal(size=(N, 3)).astype("float32"), rng.normal(size=(N, 3)).astype("float32")
    if kind == "counts":  # Poisson: counts, and positive rates
        return rng.poisson(2.0, size=(N, 3)).astype("float32"), rng.uniform(0.2, 4.0, size=(N, 3)).astype("float32")
    if kind == "regression_1d_target":
        return rng.normal(size=N).astype("float32"), rng.normal(size=(N, 1)).astype("float32")
    bits = rng.integers(0, 2, size=(N, 3)).astype("float32")
    if kind == "binary_probs":
        p = 1 / (1 + np.exp(-logits[:, :3]))
        p[0, 0], p[1, 1], p[2, 2] = 0.0, 1.0, 1e-9          # saturated and clipped values
        return bits, p.astype("float32")
    if kind == "binary_1d_target":
        return bits[:, 0], (1 / (1 + np.exp(-logits[:, :1]))).astype("float32")
    if kind == "binary_logits":
        return bits, logits[:, :3] * 4
    if kind == "signed_logits":
        return 2 * bits - 1, logits[:, :3]
    if kind == "categorical_probs":
        probs[0] = np.eye(K)[1]                              # a saturated row
        return one_hot, probs.astype("float32")
    if kind == "categorical_unnormalised":
        return one_hot, (probs * rng.uniform(0.5, 2.0, size=(N, 1))).astype("float32")
    if kind == "categorical_logits":
        return one_hot, logits
    if kind == "sparse_probs":
        return labels.astype("int32"), probs.astype("float32")
    if kind == "sparse_column_labels":
        return labels.reshape(-1, 1).astype("int32"), probs.astype("float32")
    if kind == "sparse_logits":
        return labels.astype("int32"), logits
    raise ValueError(kind)


def sample_weight(kind, seed):
    rng = np.random.default_rng(seed + 1000)
    weights = rng.uniform(0.0, 3.0, size=N).astype("float32")
    weights[0] = 0.0
    return {"none": None, "per_sample": weights, "column": weights.reshape(-1, 1)}[kind]
