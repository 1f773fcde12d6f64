"""Content-based filtering with two neural-network towers, in the course lab's style.

Users and movies are described by features (a user by the average rating they give each genre, a
movie by its year, its average rating and its genres), and a rating follows a known rule: the
user's average over the movie's genres. As in the lab, a user tower and a movie tower each map
their features to 32 numbers, ``tf.linalg.l2_normalize`` scales both to length 1 and
``Dot(axes=1)`` gives the prediction, trained on ratings scaled to [-1, 1]. The trained movie
tower is then reused on its own to find, for a movie, the movies nearest it.

    python examples/content_based_filtering.py
"""
import numpy as np

import glassnet as tf
from glassnet import keras

GENRES = ["Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama"]
U_S, I_S = 3, 1  # the lab's first feature columns not used for training: user id, count, average; movie id


def make_data(num_users=60, num_movies=50, seed=0):
    """``(user_train, item_train, y_train, movie_genres)``: one row per (user, movie) pair."""
    rng = np.random.default_rng(seed)
    genre_ratings = rng.uniform(0.5, 5.0, size=(num_users, len(GENRES)))
    movie_genres = np.zeros((num_movies, len(GENRES)))
    for movie in range(num_movies):
        movie_genres[movie, rng.choice(len(GENRES), size=rng.integers(1, 3), replace=False)] = 1
    ratings = genre_ratings @ movie_genres.T / movie_genres.sum(axis=1)  # the rule the model learns
    users, movies = np.meshgrid(np.arange(num_users), np.arange(num_movies), indexing="ij")
    users, movies = users.ravel(), movies.ravel()
    user_features = np.column_stack([np.arange(num_users), np.full(num_users, num_movies),
                                     genre_ratings.mean(axis=1), genre_ratings])
    item_features = np.column_stack([np.arange(num_movies), rng.integers(1990, 2020, num_movies),
                                     ratings.mean(axis=0), movie_genres])
    return user_features[users], item_features[movies], ratings[users, movies], movie_genres


def scale(train, test):
    """The lab's StandardScaler: each column to mean 0 and variance 1, as fitted on the training rows."""
    mean, std = train.mean(axis=0), train.std(axis=0) + 1e-8
    return (train - mean) / std, (test - mean) / std


def build_model(num_user_features, num_item_features, num_outputs=32):
    """The lab's two towers joined by the cosine similarity of their outputs."""
    tf.random.set_seed(1)
    user_NN = tf.keras.models.Sequential([
        tf.keras.layers.Dense(256, activation="relu"),
        tf.keras.layers.Dense(128, activation="relu"),
        tf.keras.layers.Dense(num_outputs),
    ])
    item_NN = tf.keras.models.Sequential([
        tf.keras.layers.Dense(256, activation="relu"),
        tf.keras.layers.Dense(128, activation="relu"),
        tf.keras.layers.Dense(num_outputs),
    ])
    input_user = tf.keras.layers.Input(shape=(num_user_features))
    vu = user_NN(input_user)
    vu = tf.linalg.l2_normalize(vu, axis=1)
    input_item = tf.keras.layers.Input(shape=(num_item_features))
    vm = item_NN(input_item)
    vm = tf.linalg.l2_normalize(vm, axis=1)
    output = tf.keras.layers.Dot(axes=1)([vu, vm])
    model = tf.keras.Model([input_user, input_item], output)
    return model, item_NN


def sq_dist(a, b):
    """The lab's squared distance between two vectors."""
    return np.sum((a - b) ** 2)


def main(epochs=30, num_users=60, num_movies=50, verbose=1):
    user_all, item_all, y_all, movie_genres = make_data(num_users, num_movies)
    order = np.random.default_rng(1).permutation(len(y_all))
    split = int(0.8 * len(y_all))
    train, test = order[:split], order[split:]
    user_train, user_test = scale(user_all[train], user_all[test])
    item_train, item_test = scale(item_all[train], item_all[test])
    low, high = 0.5, 5.0  # the lab's MinMaxScaler((-1, 1)) on the ratings
    y_train, y_test = ((y - low) / (high - low) * 2 - 1 for y in (y_all[train], y_all[test]))

    model, item_NN = build_model(user_train.shape[1] - U_S, item_train.shape[1] - I_S)
    model.summary()
    cost_fn = tf.keras.losses.MeanSquaredError()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss=cost_fn)
    history = model.fit([user_train[:, U_S:], item_train[:, I_S:]], y_train, epochs=epochs, verbose=verbose)
    test_loss = model.evaluate([user_test[:, U_S:], item_test[:, I_S:]], y_test, verbose=0)
    baseline = float(np.mean((y_test - y_train.mean()) ** 2))
    print(f"test loss {test_loss:.4f} (predicting the mean rating: {baseline:.4f})")

    y_p = model.predict([user_test[:5, U_S:], item_test[:5, I_S:]], verbose=0)
    stars = (y_p[:, 0] + 1) / 2 * (high - low) + low
    truth = y_all[test][:5]
    print("predicted", ", ".join(f"{p:.1f}" for p in stars), "stars; true", ", ".join(f"{t:.1f}" for t in truth))

    # The lab's second model: the trained movie tower alone gives each movie's vector.
    input_item_m = tf.keras.layers.Input(shape=(item_train.shape[1] - I_S))
    vm_m = item_NN(input_item_m)
    vm_m = tf.linalg.l2_normalize(vm_m, axis=1)
    model_m = tf.keras.Model(input_item_m, vm_m)
    _, movie_rows = np.unique(item_all[:, 0], return_index=True)
    item_vecs = scale(item_all[train], item_all[movie_rows])[1]
    vms = model_m.predict(item_vecs[:, I_S:], verbose=0)
    dist = np.array([[sq_dist(a, b) for b in vms] for a in vms]) + np.diag(np.full(len(vms), np.inf))
    nearest = dist.argmin(axis=1)
    same = float(np.mean([movie_genres[m] @ movie_genres[n] > 0 for m, n in enumerate(nearest)]))
    def genres(movie):
        return "/".join(g for g, flag in zip(GENRES, movie_genres[movie]) if flag)
    print(f"{same:.0%} of the movies share a genre with the movie nearest them "
          f"(movie 0, {genres(0)}: movie {nearest[0]}, {genres(nearest[0])})")
    return history.history["loss"], test_loss, baseline, same, vms


if __name__ == "__main__":
    main()
