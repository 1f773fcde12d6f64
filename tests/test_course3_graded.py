"""Course 3's graded tests, as the labs' public test modules write them, run on the students' code
with only the import changed: the deep-Q-learning lab's `test_network`, `test_optimizer` and
`test_compute_loss` (whose expected losses 0.6991737 and 0.343270182 come from NumPy-seeded random
Q-values, so they pin down the arithmetic exactly), and the content-based-filtering lab's
`test_tower` with its parameter counts and the reused item tower."""
import numpy as np

import glassnet as tf
from glassnet.keras import Sequential
from glassnet.keras.activations import linear, relu
from glassnet.keras.layers import Dense, Input
from glassnet.keras.losses import MSE
from glassnet.keras.optimizers import Adam


def compute_loss(experiences, gamma, q_network, target_q_network):
    """The C3_W3 lab's solution, as students write it."""
    states, actions, rewards, next_states, done_vals = experiences
    max_qsa = tf.reduce_max(target_q_network(next_states), axis=-1)
    y_targets = rewards + (gamma * max_qsa * (1 - done_vals))
    q_values = q_network(states)
    q_values = tf.gather_nd(q_values, tf.stack([tf.range(q_values.shape[0]),
                                                tf.cast(actions, tf.int32)], axis=1))
    return MSE(y_targets, q_values)


def _networks(num_actions=4, state_size=(8,)):
    tf.random.set_seed(0)
    q_network = Sequential([Input(shape=state_size), Dense(64, activation="relu"),
                            Dense(64, activation="relu"), Dense(num_actions, activation="linear")])
    target_q_network = Sequential([Input(state_size), Dense(64, activation="relu"),
                                   Dense(64, activation="relu"), Dense(num_actions, activation="linear")])
    return q_network, target_q_network


def test_q_learning_graded_network_and_optimizer():
    for network in _networks():
        assert len(network.layers) == 3
        assert network.input.shape.as_list() == [None, 8]
        expected = [[Dense, [None, 64], relu], [Dense, [None, 64], relu], [Dense, [None, 4], linear]]
        for layer, (kind, shape, activation) in zip(network.layers, expected):
            assert type(layer) == kind  # noqa: E721 - the graded test compares types this way
            assert layer.output.shape.as_list() == shape
            assert layer.activation == activation
        assert network.count_params() == 576 + 4160 + 260
    optimizer = Adam(learning_rate=1e-3)
    assert type(optimizer) == Adam  # noqa: E721
    assert np.isclose(optimizer.learning_rate.numpy(), 1e-3)


def test_q_learning_graded_compute_loss():
    """`networks` are plain functions returning float32 NumPy arrays, as in the lab's test."""
    num_actions = 4

    def random_q(inputs):
        return np.float32(np.random.rand(inputs.shape[0], num_actions))

    def ones_q(inputs):
        return np.float32(np.ones((inputs.shape[0], num_actions)))

    np.random.seed(1)
    states = np.float32(np.random.rand(64, 8))
    actions = np.float32(np.floor(np.random.uniform(0, 1, (64,)) * 4))
    rewards = np.float32(np.random.rand(64))
    next_states = np.float32(np.random.rand(64, 8))
    done_vals = np.float32((np.random.uniform(0, 1, size=(64,)) > 0.96) * 1)
    loss = compute_loss((states, actions, rewards, next_states, done_vals), 0.995, random_q, random_q)
    assert np.isclose(loss, 0.6991737)
    assert loss.dtype == tf.float32 and loss.shape == ()

    done_vals = np.float32(np.ones((64,)))
    loss = compute_loss((states, actions, rewards, next_states, done_vals), 0.995, ones_q, ones_q)
    assert np.isclose(loss, 0.343270182)

    done_vals = np.float32((np.random.uniform(0, 1, size=(64,)) > 0.96) * 1)
    rewards = np.float32(np.ones((64,)))
    assert np.isclose(compute_loss((states, actions, rewards, next_states, done_vals), 0, ones_q, ones_q), 0)
    rewards = np.float32(np.zeros((64,)))
    assert np.isclose(compute_loss((states, actions, rewards, next_states, done_vals), 0, ones_q, ones_q), 1)


def test_q_learning_soft_update_and_acting():
    q_network, target_q_network = _networks()
    target_q_network.set_weights(q_network.get_weights())
    before = [w.numpy().copy() for w in target_q_network.weights]
    for w in q_network.weights:
        w.assign(w + 1.0)
    for target_weights, q_net_weights in zip(target_q_network.weights, q_network.weights):
        target_weights.assign(1e-3 * q_net_weights + (1.0 - 1e-3) * target_weights)
    for old, new in zip(before, target_q_network.weights):
        np.testing.assert_allclose(new.numpy(), old + 1e-3, rtol=1e-5, atol=1e-6)
    state = np.linspace(-1, 1, 8).astype("float32")
    q_values = q_network(np.expand_dims(state, 0))
    action = np.argmax(q_values.numpy()[0])
    assert action in range(4) and q_values.shape == (1, 4)


def _tower(num_outputs=32):
    return tf.keras.models.Sequential([tf.keras.layers.Dense(256, activation="relu"),
                                       tf.keras.layers.Dense(128, activation="relu"),
                                       tf.keras.layers.Dense(num_outputs)])


def test_content_based_graded_towers_and_model():
    tf.random.set_seed(1)
    num_user_features, num_item_features = 14, 16
    user_NN, item_NN = _tower(), _tower()  # noqa: N806 - the lab's names
    input_user = tf.keras.layers.Input(shape=(num_user_features))  # a plain int, as the lab writes it
    vu = tf.linalg.l2_normalize(user_NN(input_user), axis=1)
    input_item = tf.keras.layers.Input(shape=(num_item_features))
    vm = tf.linalg.l2_normalize(item_NN(input_item), axis=1)
    output = tf.keras.layers.Dot(axes=1)([vu, vm])
    model = tf.keras.Model([input_user, input_item], output)

    for tower in (user_NN, item_NN):  # test_tower
        assert len(tower.layers) == 3
        for layer, width, activation in zip(tower.layers, (256, 128, 32), (relu, relu, linear)):
            assert type(layer) == Dense  # noqa: E721
            assert layer.output.shape.as_list() == [None, width]
            assert layer.activation == activation
    assert (user_NN.count_params(), item_NN.count_params(), model.count_params()) == (40864, 41376, 82240)

    rng = np.random.default_rng(0)
    users = rng.normal(size=(256, num_user_features)).astype("float32")
    items = rng.normal(size=(256, num_item_features)).astype("float32")
    y = np.tanh(users[:, 0] * items[:, 0]).astype("float32")
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01),
                  loss=tf.keras.losses.MeanSquaredError())
    history = model.fit([users, items], y, epochs=15, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] / 3
    loss = model.evaluate([users, items], y, verbose=0)
    assert isinstance(loss, float) and np.isclose(loss, history.history["loss"][-1], rtol=0.5)
    predictions = model.predict([users, items], verbose=0)
    assert predictions.shape == (256, 1) and np.all(np.abs(predictions) <= 1 + 1e-5)

    input_item_m = tf.keras.layers.Input(shape=(num_item_features))  # the reused, trained item tower
    model_m = tf.keras.Model(input_item_m, tf.linalg.l2_normalize(item_NN(input_item_m), axis=1))
    assert model_m.count_params() == 41376
    vectors = model_m.predict(items, verbose=0)
    assert vectors.shape == (256, 32)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    input_user_m = tf.keras.layers.Input(shape=(num_user_features))
    user_vectors = tf.keras.Model(input_user_m, tf.linalg.l2_normalize(user_NN(input_user_m), axis=1)).predict(
        users, verbose=0)
    np.testing.assert_allclose(np.sum(user_vectors * vectors, axis=1, keepdims=True), predictions, atol=1e-5)
