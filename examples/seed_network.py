"""The seed lecture's network: tell drawn 0s from 1s with a 25-15-1 sigmoid network.

Run: python examples/seed_network.py [--epochs N]
"""
import argparse

import numpy as np

from glassnet.datasets import synthetic_digits
from glassnet.keras import Sequential
from glassnet.keras.layers import Dense
from glassnet.keras.losses import BinaryCrossentropy
from glassnet.keras.utils import set_random_seed


def main(epochs=100):
    set_random_seed(1234)
    X, Y = synthetic_digits.load_data(n=1000)
    model = Sequential([
        Dense(units=25, activation="sigmoid"),
        Dense(units=15, activation="sigmoid"),
        Dense(units=1, activation="sigmoid")])
    model.compile(loss=BinaryCrossentropy())
    model.fit(X, Y, epochs=epochs, verbose=2)
    model.summary()
    accuracy = np.mean((model.predict(X, verbose=0) >= 0.5) == Y)
    print(f"training accuracy: {accuracy:.3f}")
    return accuracy


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    main(parser.parse_args().epochs)
