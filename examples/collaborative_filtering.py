"""Collaborative filtering by matrix factorisation, trained with GradientTape, in the course lab's style.

A small ratings matrix (movies x users, 0.5-5 stars, most entries unrated) is made from hidden
tastes: each movie and each user has a few features, and a rating is their dot product. The
lab's vectorised cost, with its regularisation, is minimised over the movie features X, the user
weights W and the user biases b by Adam, one GradientTape step at a time; then the unrated movies
of a user are ranked with tf.argsort, as the lab ranks its new user's.

    python examples/collaborative_filtering.py
"""
import numpy as np

import glassnet as tf
from glassnet import keras


def make_ratings(num_movies=60, num_users=40, num_hidden=3, rated=0.3, seed=0):
    """(Y, R, Y_true): observed ratings, the 0/1 mask of rated entries, and every true rating."""
    rng = np.random.default_rng(seed)
    tastes = rng.normal(size=(num_users, num_hidden))
    movies = rng.normal(size=(num_movies, num_hidden))
    y_true = np.clip(np.round((movies @ tastes.T + 3.0) * 2) / 2, 0.5, 5.0)
    r = (rng.random((num_movies, num_users)) < rated).astype(np.float64)
    return y_true * r, r, y_true


def normalize_ratings(Y, R):
    """Subtract each movie's mean rating over the users who rated it (the lab's normalizeRatings)."""
    Ymean = (np.sum(Y * R, axis=1) / (np.sum(R, axis=1) + 1e-12)).reshape(-1, 1)
    return Y - np.multiply(Ymean, R), Ymean


def cofi_cost_func_v(X, W, b, Y, R, lambda_):
    """The lab's vectorised cost: squared error on the rated entries plus L2 on X and W."""
    j = (tf.linalg.matmul(X, tf.transpose(W)) + b - Y) * R
    J = 0.5 * tf.reduce_sum(j**2) + (lambda_ / 2) * (tf.reduce_sum(X**2) + tf.reduce_sum(W**2))
    return J


def train(Y, R, num_features=10, iterations=200, lambda_=1, learning_rate=1e-1):
    """Fit X, W, b with Adam; returns them and the cost after each iteration."""
    Ynorm, _ = normalize_ratings(Y, R)
    num_movies, num_users = Y.shape
    tf.random.set_seed(1234)
    W = tf.Variable(tf.random.normal((num_users, num_features), dtype=tf.float64), name="W")
    X = tf.Variable(tf.random.normal((num_movies, num_features), dtype=tf.float64), name="X")
    b = tf.Variable(tf.random.normal((1, num_users), dtype=tf.float64), name="b")
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    costs = []
    for _ in range(iterations):
        with tf.GradientTape() as tape:
            cost_value = cofi_cost_func_v(X, W, b, Ynorm, R, lambda_)
        grads = tape.gradient(cost_value, [X, W, b])
        optimizer.apply_gradients(zip(grads, [X, W, b]))
        costs.append(float(cost_value))
    return X, W, b, costs


def main(iterations=200):
    Y, R, y_true = make_ratings()
    X, W, b, costs = train(Y, R, iterations=iterations)
    _, Ymean = normalize_ratings(Y, R)
    pm = np.matmul(X.numpy(), np.transpose(W.numpy())) + b.numpy() + Ymean
    unrated = R == 0
    rmse = float(np.sqrt(np.mean((pm - y_true)[unrated] ** 2)))
    baseline = float(np.sqrt(np.mean((np.broadcast_to(Ymean, y_true.shape) - y_true)[unrated] ** 2)))
    print(f"cost {costs[0]:.1f} -> {costs[-1]:.1f} in {iterations} iterations")
    print(f"error on the unrated entries: {rmse:.3f} stars (each movie's mean rating: {baseline:.3f})")
    user = 0
    ix = tf.argsort(pm[:, user], direction="DESCENDING")
    picks = [int(i) for i in ix.numpy() if R[i, user] == 0][:5]
    print(f"for user {user}: predicted {', '.join(f'{pm[i, user]:.1f}' for i in picks)} stars for movies "
          f"{picks} (true {', '.join(f'{y_true[i, user]:.1f}' for i in picks)})")
    return costs, rmse, baseline


if __name__ == "__main__":
    main()
