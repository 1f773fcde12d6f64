"""Sentiment of made-up movie reviews: Embedding -> LSTM -> Dense(1, sigmoid), with masking.

Keras's IMDB example reads reviews as lists of word ids; the real reviews are not shipped, so
the reviews here are drawn: mostly neutral words, plus words from a "good" list and a "bad"
list. A review is positive when it has more good words than bad ones. The network has to learn
which words carry the sentiment, wherever in the review they stand, and weigh them against
each other.

Reviews differ in length, so they are padded at the front with the id 0, as Keras's
``pad_sequences`` does by default. ``Embedding(mask_zero=True)`` marks those zeros as padding and
the LSTM skips them: a review gets the same prediction however much padding it carries, which
the end of ``main`` checks.

Run: python examples/lstm_sentiment.py [--epochs N]
"""
import argparse

import numpy as np

import glassnet as tf
from glassnet.keras.layers import LSTM, Dense, Embedding, Input
from glassnet.keras.models import Sequential

VOCABULARY = 200  # word ids 1..199; 0 is the padding
GOOD, BAD = range(1, 11), range(11, 21)  # the words that carry the sentiment
NEUTRAL = range(21, VOCABULARY)
MAX_LENGTH = 30


def make_reviews(count, seed):
    """`count` reviews as lists of word ids, and their labels (1: positive, 0: negative)."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(2, size=count)
    reviews = []
    for label in labels:
        words = list(rng.choice(NEUTRAL, size=rng.integers(5, MAX_LENGTH - 5)))
        majority = rng.integers(1, 4)  # 1 to 3 words of the review's sentiment, fewer of the other
        for kind, times in ((GOOD, majority), (BAD, rng.integers(majority))):
            for _ in range(times):
                words.insert(rng.integers(len(words) + 1), rng.choice(kind))
        if not label:
            words = [_opposite(word) for word in words]
        reviews.append(words)
    return reviews, labels


def _opposite(word):
    """A good word for a bad one and back; neutral words stay."""
    return word + len(GOOD) if word in GOOD else word - len(GOOD) if word in BAD else word


def pad(reviews, length):
    """Reviews as one (count, length) array of ids, zeros in front, as ``pad_sequences`` pads."""
    padded = np.zeros((len(reviews), length), dtype=np.int64)
    for row, words in zip(padded, reviews):
        row[length - len(words):] = words
    return padded


def main(epochs=10):
    train_reviews, y_train = make_reviews(2000, seed=1)
    test_reviews, y_test = make_reviews(500, seed=2)
    x_train, x_test = pad(train_reviews, MAX_LENGTH), pad(test_reviews, MAX_LENGTH)
    print("a review:", train_reviews[0], "label", y_train[0])
    print("padded:  ", x_train[0].tolist())

    tf.random.set_seed(1234)
    model = Sequential([
        Input(shape=(None,), dtype="int64"),
        Embedding(VOCABULARY, 16, mask_zero=True),  # <-- id 0 is padding: the LSTM skips it
        LSTM(16),
        Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    model.summary()
    model.fit(x_train, y_train, epochs=epochs, batch_size=64, validation_split=0.1)

    predictions = model.predict(x_test, verbose=0)[:, 0]
    accuracy = float(np.mean((predictions >= 0.5) == y_test))
    # The same reviews with 20 more zeros in front: masked, they change nothing.
    longer = model.predict(pad(test_reviews, MAX_LENGTH + 20), verbose=0)[:, 0]
    padding_effect = float(np.max(np.abs(longer - predictions)))
    print(f"largest change in a prediction from 20 more padding zeros: {padding_effect:.1e}")
    print(f"test accuracy: {accuracy:.3f}")
    return accuracy, padding_effect


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    main(parser.parse_args().epochs)
