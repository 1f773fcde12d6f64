"""Programs written for TensorFlow, run with only the import changed: the course's
collaborative-filtering custom loop (C3_W2), its DQN loss (C3_W3) and content-based tower
normalisation (C3_W2, eagerly), and TensorFlow's "custom training walkthrough". Each trains
briefly and must learn."""
import numpy as np
import pytest

import glassnet as tf
from glassnet import keras


def _ratings(num_movies=30, num_users=12, rank=3, seed=0):
    """A low-rank synthetic ratings matrix Y (0.5..5) with about 60% of entries rated (R)."""
    rng = np.random.default_rng(seed)
    truth = rng.normal(size=(num_movies, rank)) @ rng.normal(size=(rank, num_users))
    Y = np.clip(np.round(2.75 + truth, 1), 0.5, 5.0)
    R = (rng.uniform(size=Y.shape) < 0.6).astype(np.float64)
    return Y * R, R


def normalizeRatings(Y, R):  # noqa: N802, N803 - the lab's helper, as written there
    Ymean = (np.sum(Y * R, axis=1) / (np.sum(R, axis=1) + 1e-12)).reshape(-1, 1)  # noqa: N806
    Ynorm = Y - np.multiply(Ymean, R)  # noqa: N806
    return Ynorm, Ymean


def cofi_cost_func_v(X, W, b, Y, R, lambda_):  # noqa: N803 - the lab's names
    j = (tf.linalg.matmul(X, tf.transpose(W)) + b - Y) * R
    J = 0.5 * tf.reduce_sum(j**2) + (lambda_ / 2) * (tf.reduce_sum(X**2) + tf.reduce_sum(W**2))  # noqa: N806
    return J


def test_collaborative_filtering_lab_loop_learns():
    Y, R = _ratings()  # noqa: N806
    Ynorm, Ymean = normalizeRatings(Y, R)  # noqa: N806
    num_movies, num_users = Y.shape
    num_features = 5
    tf.random.set_seed(1234)
    W = tf.Variable(tf.random.normal((num_users, num_features), dtype=tf.float64), name="W")  # noqa: N806
    X = tf.Variable(tf.random.normal((num_movies, num_features), dtype=tf.float64), name="X")  # noqa: N806
    b = tf.Variable(tf.random.normal((1, num_users), dtype=tf.float64), name="b")
    optimizer = keras.optimizers.Adam(learning_rate=1e-1)
    iterations, lambda_, costs, lines = 200, 1, [], []
    for iter in range(iterations):  # noqa: A001 - the lab's loop variable
        with tf.GradientTape() as tape:
            cost_value = cofi_cost_func_v(X, W, b, Ynorm, R, lambda_)
        grads = tape.gradient(cost_value, [X, W, b])
        optimizer.apply_gradients(zip(grads, [X, W, b]))
        costs.append(float(cost_value))
        if iter % 20 == 0:
            lines.append(f"Training loss at iteration {iter}: {cost_value:0.1f}")
    assert costs[-1] < costs[0] / 20, costs[::20]
    assert lines[0].startswith("Training loss at iteration 0: ")
    p = np.matmul(X.numpy(), np.transpose(W.numpy())) + b.numpy()
    pm = p + Ymean
    rated = R.astype(bool)
    assert np.sqrt(np.mean((pm[rated] - Y[rated]) ** 2)) < 0.5  # the fit reproduces the given ratings
    my_predictions = pm[:, 0]
    ix = tf.argsort(my_predictions, direction="DESCENDING")
    titles = [f"movie {i}" for i in range(num_movies)]
    top = [titles[ix[i]] for i in range(5)]  # the lab indexes a list with the tensor's elements
    assert top[0] == f"movie {int(np.argmax(my_predictions))}"
    assert np.all(np.diff(my_predictions[ix.numpy()]) <= 0)


def test_collaborative_filtering_cost_matches_numpy():
    Y, R = _ratings(num_movies=5, num_users=4, seed=3)  # noqa: N806
    rng = np.random.default_rng(4)
    X, W, b = rng.normal(size=(5, 3)), rng.normal(size=(4, 3)), rng.normal(size=(1, 4))  # noqa: N806
    expected = 0.5 * np.sum(((X @ W.T + b - Y) * R) ** 2) + 0.75 * (np.sum(X**2) + np.sum(W**2))
    assert f"{cofi_cost_func_v(X, W, b, Y, R, 1.5):0.2f}" == f"{expected:0.2f}"


def test_dqn_lab_loss_trains_the_q_network():
    tf.random.set_seed(0)
    state_size, num_actions = (8,), 4
    q_network = keras.Sequential([keras.layers.Input(shape=state_size), keras.layers.Dense(16, activation="relu"),
                                  keras.layers.Dense(num_actions, activation="linear")])
    target_q_network = keras.Sequential([keras.layers.Input(state_size), keras.layers.Dense(16, activation="relu"),
                                         keras.layers.Dense(num_actions, activation="linear")])
    target_q_network.set_weights(q_network.get_weights())
    optimizer = keras.optimizers.Adam(learning_rate=1e-2)
    rng = np.random.default_rng(0)
    states = tf.convert_to_tensor(rng.normal(size=(64, 8)), dtype=tf.float32)
    actions = tf.convert_to_tensor(rng.integers(0, 4, size=64).astype(float), dtype=tf.float32)
    rewards = tf.convert_to_tensor(np.asarray(states)[:, 0] * 2.0, dtype=tf.float32)
    next_states = tf.convert_to_tensor(rng.normal(size=(64, 8)), dtype=tf.float32)
    done_vals = tf.convert_to_tensor(np.ones(64), dtype=tf.float32)  # episodes end: y = reward
    gamma = 0.995

    def compute_loss(experiences, gamma, q_network, target_q_network):
        states, actions, rewards, next_states, done_vals = experiences
        max_qsa = tf.reduce_max(target_q_network(next_states), axis=-1)
        y_targets = rewards + (gamma * max_qsa * (1 - done_vals))
        q_values = q_network(states)
        q_values = tf.gather_nd(q_values, tf.stack([tf.range(q_values.shape[0]),
                                                    tf.cast(actions, tf.int32)], axis=1))
        return keras.losses.MSE(y_targets, q_values)

    @tf.function
    def agent_learn(experiences, gamma):
        with tf.GradientTape() as tape:
            loss = compute_loss(experiences, gamma, q_network, target_q_network)
        grads = tape.gradient(loss, q_network.trainable_variables)
        optimizer.apply_gradients(zip(grads, q_network.trainable_variables))
        return loss

    experiences = (states, actions, rewards, next_states, done_vals)
    losses = [float(agent_learn(experiences, gamma)) for _ in range(150)]
    assert losses[-1] < losses[0] / 5, losses[::30]


def test_two_tower_l2_normalized_dot_trains_eagerly():
    tf.random.set_seed(1)
    rng = np.random.default_rng(1)
    users, items = rng.normal(size=(128, 6)).astype("float32"), rng.normal(size=(128, 5)).astype("float32")
    y = np.tanh(users[:, 0] * items[:, 0]).astype("float32")
    user_NN = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(4)])  # noqa: N806
    item_NN = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(4)])  # noqa: N806
    optimizer = keras.optimizers.Adam(learning_rate=0.02)
    losses = []
    for _ in range(100):
        with tf.GradientTape() as tape:
            vu = tf.linalg.l2_normalize(user_NN(users), axis=1)
            vm = tf.linalg.l2_normalize(item_NN(items), axis=1)
            prediction = tf.reduce_sum(vu * vm, axis=1)  # what layers.Dot(axes=1) computes
            loss = tf.reduce_mean(tf.square(prediction - y))
        variables = user_NN.trainable_variables + item_NN.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        losses.append(float(loss))
    assert losses[-1] < losses[0] / 3, losses[::20]
    assert np.allclose(tf.norm(vu, axis=1).numpy(), 1.0, atol=1e-5)


def _iris_like(n=120, seed=0):
    """Three clusters in four features, labelled 0..2, standing in for the walkthrough's iris CSV."""
    rng = np.random.default_rng(seed)
    centres = np.array([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]])
    labels = rng.integers(0, 3, size=n)
    values = (centres[labels] + rng.normal(scale=0.3, size=(n, 4))).astype("float32")
    names = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    return {name: values[:, i] for i, name in enumerate(names)}, labels.astype("int32")


def test_custom_training_walkthrough():
    features, labels = _iris_like()

    def pack_features_vector(features, labels):
        """Pack the features into a single array."""
        features = tf.stack(list(features.values()), axis=1)
        return features, labels

    features, labels = pack_features_vector(features, labels)
    assert features.shape == (120, 4)
    tf.random.set_seed(42)
    with pytest.warns(UserWarning, match="input_shape"):  # Keras 3 warns about input_shape too
        model = tf.keras.Sequential([
            tf.keras.layers.Dense(10, activation=tf.nn.relu, input_shape=(4,)),
            tf.keras.layers.Dense(10, activation=tf.nn.relu),
            tf.keras.layers.Dense(3),
        ])
    predictions = model(features)
    assert tf.nn.softmax(predictions[:5]).shape == (5, 3)
    assert tf.math.argmax(predictions, axis=1).shape == (120,)
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    def loss(model, x, y, training):
        y_ = model(x, training=training)
        return loss_object(y_true=y, y_pred=y_)

    def grad(model, inputs, targets):
        with tf.GradientTape() as tape:
            loss_value = loss(model, inputs, targets, training=True)
        return loss_value, tape.gradient(loss_value, model.trainable_variables)

    optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)
    loss_value, grads = grad(model, features, labels)
    initial_loss = float(loss_value)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    assert float(loss(model, features, labels, training=True)) < initial_loss

    train_loss_results, train_accuracy_results = [], []
    for _epoch in range(201):  # the walkthrough trains 201 epochs
        epoch_loss_avg = tf.keras.metrics.Mean()
        epoch_accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
        for start in range(0, 120, 32):
            x, y = features[start:start + 32], labels[start:start + 32]
            loss_value, grads = grad(model, x, y)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            epoch_loss_avg.update_state(loss_value)
            epoch_accuracy.update_state(y, model(x, training=True))
        train_loss_results.append(epoch_loss_avg.result())
        train_accuracy_results.append(epoch_accuracy.result())
    assert float(train_loss_results[-1]) < initial_loss / 2
    assert float(train_accuracy_results[-1]) > 0.8

    test_x, test_y = pack_features_vector(*_iris_like(n=30, seed=1))
    test_accuracy = tf.keras.metrics.Accuracy()
    logits = model(test_x, training=False)
    prediction = tf.math.argmax(logits, axis=1, output_type=tf.int64)
    test_accuracy(prediction, test_y)
    assert float(test_accuracy.result()) > 0.8
    assert tf.stack([test_y, prediction], axis=1).shape == (30, 2)

    predict_dataset = tf.convert_to_tensor([[5.1, 3.3, 1.7, 0.5], [5.9, 3.0, 4.2, 1.5], [6.9, 3.1, 5.4, 2.1]])
    predictions = model(predict_dataset, training=False)
    class_names = ["Iris setosa", "Iris versicolor", "Iris virginica"]
    lines = []
    for i, logits in enumerate(predictions):
        class_idx = tf.math.argmax(logits).numpy()
        p = tf.nn.softmax(logits)[class_idx]
        name = class_names[class_idx]
        lines.append("Example {} prediction: {} ({:4.1f}%)".format(i, name, 100 * p))
    assert [line.split(": ")[1].split(" (")[0] for line in lines] == class_names
