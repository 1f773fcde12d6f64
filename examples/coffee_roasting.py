"""Coffee roasting, the course's way: a 2-3-1 sigmoid network on normalised temperature and time.

The course builds its data with a seeded generator rather than a file: 200 roasts,
each a temperature (Celsius) and a duration (minutes), labelled good (1) when the
temperature is 175..260, the time 12..15 minutes, and the two not too high together.
The inputs are normalised with a Normalization layer, then tiled so that each epoch
sees the 200 roasts many times.

Run: python examples/coffee_roasting.py [--epochs N] [--tile N]
"""
import argparse

import numpy as np

import glassnet as tf
from glassnet.keras.layers import Dense
from glassnet.keras.models import Sequential


def load_coffee_data():
    """200 roasts: X of shape (200, 2) (temperature, duration), Y of shape (200, 1) (1 = good)."""
    rng = np.random.default_rng(2)
    X = rng.random(400).reshape(-1, 2)
    X[:, 1] = X[:, 1] * 4 + 11.5  # duration: 11.5 .. 15.5 minutes
    X[:, 0] = X[:, 0] * (285 - 150) + 150  # temperature: 150 .. 285 Celsius
    Y = np.zeros(len(X))
    for i, (t, d) in enumerate(X):
        y = -3 / (260 - 175) * t + 21
        Y[i] = 1 if 175 < t < 260 and 12 < d < 15 and d <= y else 0
    return X, Y.reshape(-1, 1)


def main(epochs=10, tile=1000):
    X, Y = load_coffee_data()
    print(f"Temperature Max, Min pre normalization: {np.max(X[:, 0]):0.2f}, {np.min(X[:, 0]):0.2f}")
    print(f"Duration    Max, Min pre normalization: {np.max(X[:, 1]):0.2f}, {np.min(X[:, 1]):0.2f}")
    norm_l = tf.keras.layers.Normalization(axis=-1)
    norm_l.adapt(X)  # learns mean, variance
    Xn = norm_l(X)
    print(f"Temperature Max, Min post normalization: {np.max(Xn[:, 0]):0.2f}, {np.min(Xn[:, 0]):0.2f}")
    print(f"Duration    Max, Min post normalization: {np.max(Xn[:, 1]):0.2f}, {np.min(Xn[:, 1]):0.2f}")

    Xt = np.tile(Xn, (tile, 1))
    Yt = np.tile(Y, (tile, 1))
    print(Xt.shape, Yt.shape)

    tf.random.set_seed(1234)  # applied to achieve consistent results
    model = Sequential([
        tf.keras.Input(shape=(2,)),
        Dense(3, activation='sigmoid', name='layer1'),
        Dense(1, activation='sigmoid', name='layer2'),
    ])
    model.summary()
    model.compile(
        loss=tf.keras.losses.BinaryCrossentropy(),
        optimizer=tf.keras.optimizers.Adam(learning_rate=0.01),
    )
    model.fit(Xt, Yt, epochs=epochs)

    W1, b1 = model.get_layer("layer1").get_weights()
    print(f"W1:\n{W1}\nb1: {b1}")
    X_test = np.array([
        [200, 13.9],  # positive example
        [200, 17]])   # negative example
    X_testn = norm_l(X_test)
    predictions = model.predict(X_testn)
    print("predictions = \n", predictions)
    yhat = (predictions >= 0.5).astype(int)
    print(f"decisions = \n{yhat}")
    accuracy = np.mean((model.predict(Xn, verbose=0) >= 0.5) == Y)
    print(f"training accuracy: {accuracy:.3f}")
    return accuracy, yhat


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--tile", type=int, default=1000, help="copies of the 200 roasts per epoch (1000)")
    options = parser.parse_args()
    main(options.epochs, options.tile)
