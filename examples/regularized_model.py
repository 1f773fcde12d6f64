"""Regularization, as in the course's model-selection lab: the same 120-40-6 network with and
without ``kernel_regularizer=l2(0.1)``, compared on a cross-validation set.

The data: 800 points around six centres, split into 400 training, 320 cross-validation
and 80 test points. The unregularized network fits its training points more closely than it
fits new ones; the regularized one is kept simpler (smaller weights), so its training and
cross-validation errors stay close.

Run: python examples/regularized_model.py [--epochs N]
"""
import argparse

import numpy as np

import glassnet as tf
from glassnet.keras.layers import Dense
from glassnet.keras.models import Sequential


def make_data(seed=2):
    """800 points around six centres (standard deviation 0.4), split 400 / 320 / 80."""
    centers = np.array([[-1, 0], [1, 0], [0, 1], [0, -1], [-2, 1], [-2, -1]])
    rng = np.random.default_rng(seed)
    y = rng.integers(len(centers), size=800)
    X = centers[y] + rng.normal(scale=0.4, size=(800, 2))
    return (X[:400], y[:400]), (X[400:720], y[400:720]), (X[720:], y[720:])


def eval_cat_err(y, yhat):
    """The fraction of examples whose predicted category is wrong."""
    return np.mean(y != yhat)


def build(classes, lambda_=0.0):
    regularizer = tf.keras.regularizers.l2(lambda_) if lambda_ else None
    return Sequential([
        Dense(120, activation='relu', kernel_regularizer=regularizer, name="L1"),
        Dense(40, activation='relu', kernel_regularizer=regularizer, name="L2"),
        Dense(classes, activation='linear', name="L3"),
    ])


def train(model, X_train, y_train, epochs):
    model.compile(
        loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=tf.keras.optimizers.Adam(0.01),
    )
    model.fit(X_train, y_train, epochs=epochs, verbose=0)
    return model


def errors(model, X_train, y_train, X_cv, y_cv):
    """The model's categorization error on the training set and on the cross-validation set."""
    yhat_train = np.argmax(model.predict(X_train, verbose=0), axis=1)
    yhat_cv = np.argmax(model.predict(X_cv, verbose=0), axis=1)
    return eval_cat_err(y_train, yhat_train), eval_cat_err(y_cv, yhat_cv)


def main(epochs=300):
    (X_train, y_train), (X_cv, y_cv), _ = make_data()
    classes = 6
    tf.random.set_seed(1234)
    model = train(build(classes), X_train, y_train, epochs)
    tf.random.set_seed(1234)
    model_r = train(build(classes, lambda_=0.1), X_train, y_train, epochs)
    model_r.summary()
    results = {"complex": errors(model, X_train, y_train, X_cv, y_cv),
               "regularized": errors(model_r, X_train, y_train, X_cv, y_cv)}
    for name, (train_err, cv_err) in results.items():
        print(f"{name:>11} model: training error {train_err:0.3f}, cross-validation error {cv_err:0.3f}")
    penalty = float(sum(np.asarray(loss) for loss in model_r.losses))
    print(f"L2 penalty of the regularized model's weights: {penalty:0.3f}")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=300)
    main(parser.parse_args().epochs)
