"""Four classes with softmax: the course's "preferred" model, logits and ``from_logits=True``.

The last layer is linear and the loss applies the softmax itself
(``SparseCategoricalCrossentropy(from_logits=True)``), which is more accurate than a
softmax layer followed by the loss; ``tf.nn.softmax`` turns the logits into
probabilities afterwards.

Run: python examples/multiclass_softmax.py [--epochs N]
"""
import argparse

import numpy as np

import glassnet as tf
from glassnet.keras.layers import Dense
from glassnet.keras.models import Sequential


def make_blobs(n_samples, centers, cluster_std, seed):
    """Points around ``centers`` (Gaussian, ``cluster_std``), and the index of each one's centre."""
    rng = np.random.default_rng(seed)
    y = rng.integers(len(centers), size=n_samples)
    X = np.asarray(centers, dtype=float)[y] + rng.normal(scale=cluster_std, size=(n_samples, 2))
    return X, y


def main(epochs=10):
    centers = [[-5, 2], [-2, -2], [1, 2], [5, -2]]
    X_train, y_train = make_blobs(n_samples=2000, centers=centers, cluster_std=1.0, seed=30)

    tf.random.set_seed(1234)
    preferred_model = Sequential([
        Dense(25, activation='relu'),
        Dense(15, activation='relu'),
        Dense(4, activation='linear'),  # <-- logits: no softmax here
    ])
    preferred_model.compile(
        loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),  # <-- the softmax is in the loss
        optimizer=tf.keras.optimizers.Adam(0.001),
    )
    preferred_model.fit(X_train, y_train, epochs=epochs)

    p_preferred = preferred_model.predict(X_train)
    print(f"two example output vectors:\n {p_preferred[:2]}")
    print("largest value", np.max(p_preferred), "smallest value", np.min(p_preferred))
    sm_preferred = tf.nn.softmax(p_preferred).numpy()
    print(f"two example output vectors:\n {sm_preferred[:2]}")
    print("largest value", np.max(sm_preferred), "smallest value", np.min(sm_preferred))
    for i in range(5):
        print(f"{p_preferred[i]}, category: {np.argmax(p_preferred[i])}")
    accuracy = np.mean(np.argmax(p_preferred, axis=1) == y_train)
    print(f"training accuracy: {accuracy:.3f}")
    return accuracy, sm_preferred


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    main(parser.parse_args().epochs)
