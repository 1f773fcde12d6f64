"""fit/evaluate/predict against a hand-written NumPy training loop and Keras's rules."""
import numpy as np
import pytest

import glassnet as tf
from glassnet.keras import Sequential, callbacks, optimizers
from glassnet.keras.layers import Dense, Dropout, Input


def _data(n=50, features=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype(np.float32)
    y = (x @ rng.normal(size=(features, 1)) > 0).astype(np.float32)
    return x, y


def _numpy_reference(weights, x, y, lr, batch_size, epochs, sample_weight=None):
    """Plain NumPy: sigmoid hidden layer, sigmoid output, clipped BCE, SGD. float64."""
    w1, b1, w2, b2 = [w.astype(np.float64) for w in weights]
    eps = 1e-7
    losses = []
    for _ in range(epochs):
        total = 0.0
        for start in range(0, len(x), batch_size):
            xb, yb = x[start:start + batch_size].astype(np.float64), y[start:start + batch_size]
            sw = np.ones(len(xb)) if sample_weight is None else sample_weight[start:start + batch_size]
            h = 1 / (1 + np.exp(-(xb @ w1 + b1)))
            p = 1 / (1 + np.exp(-(h @ w2 + b2)))
            q = np.clip(p, eps, 1 - eps)
            per_sample = -(yb * np.log(q) + (1 - yb) * np.log(1 - q)).mean(axis=1)
            loss = np.sum(per_sample * sw) / len(xb)
            total += loss * len(xb)
            inside = (p >= eps) & (p <= 1 - eps)
            dq = -(yb / q - (1 - yb) / (1 - q)) * (sw[:, None] / len(xb)) * inside
            dz2 = dq * p * (1 - p)
            dh = dz2 @ w2.T
            dz1 = dh * h * (1 - h)
            grads = [xb.T @ dz1, dz1.sum(0), h.T @ dz2, dz2.sum(0)]
            w1, b1, w2, b2 = [w - lr * g for w, g in zip([w1, b1, w2, b2], grads)]
        losses.append(total / len(x))
    return [w1, b1, w2, b2], losses


@pytest.mark.parametrize("batch_size", [8, 50])
def test_fit_matches_numpy_reference(batch_size):
    x, y = _data()  # 50 rows: batch 8 leaves a partial last batch of 2
    model = Sequential([Input((3,)), Dense(4, activation="sigmoid"), Dense(1, activation="sigmoid")])
    start = model.get_weights()
    model.compile(optimizer=optimizers.SGD(0.5), loss="binary_crossentropy")
    history = model.fit(x, y, batch_size=batch_size, epochs=3, shuffle=False, verbose=0)
    expected_weights, expected_losses = _numpy_reference(start, x, y, 0.5, batch_size, 3)
    np.testing.assert_allclose(history.history["loss"], expected_losses, rtol=2e-5)
    for got, want in zip(model.get_weights(), expected_weights):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


def test_sample_weight_divides_by_batch_size_not_weight_sum():
    x, y = _data(16)
    weights = np.random.default_rng(1).uniform(0, 3, 16)
    model = Sequential([Input((3,)), Dense(4, activation="sigmoid"), Dense(1, activation="sigmoid")])
    start = model.get_weights()
    model.compile(optimizer=optimizers.SGD(0.1), loss="binary_crossentropy")
    history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, sample_weight=weights, verbose=0)
    _, expected = _numpy_reference(start, x, y, 0.1, 16, 2, sample_weight=weights)
    np.testing.assert_allclose(history.history["loss"], expected, rtol=2e-5)


def test_history_keys_params_and_metrics():
    x, y = _data(40)
    model = Sequential([Input((3,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0)
    assert list(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert history.params == {"verbose": 0, "epochs": 3, "steps": 2}  # 30 training rows / 16
    assert history.epoch == [0, 1, 2] and model.history is history
    assert all(isinstance(v, float) for v in history.history["loss"])
    # The validation rows are the last 10 and the reported value is evaluate() on them.
    val = model.evaluate(x[30:], y[30:], verbose=0, return_dict=True)
    assert val["loss"] == pytest.approx(history.history["val_loss"][-1], rel=1e-6)
    assert val["accuracy"] == pytest.approx(history.history["val_accuracy"][-1])


def test_epoch_accuracy_uses_predictions_before_each_update():
    x, y = _data(32)
    model = Sequential([Input((3,)), Dense(1, activation="sigmoid")])
    before = model.predict(x, verbose=0)
    model.compile(optimizer=optimizers.SGD(10.0), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=1, verbose=0, shuffle=False)
    assert history.history["accuracy"][0] == pytest.approx(np.mean((before > 0.5) == y))


def test_evaluate_return_forms_and_regularization():
    x, y = _data(20)
    model = Sequential([Input((3,)), Dense(2, kernel_regularizer=tf.keras.regularizers.l2(0.01)),
                        Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy")
    p = np.clip(model.predict(x, verbose=0).astype(np.float64), 1e-7, 1 - 1e-7)
    bce = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    penalty = 0.01 * np.sum(model.layers[0].get_weights()[0].astype(np.float64) ** 2)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(bce + penalty, rel=1e-5)
    model.compile(loss="binary_crossentropy", metrics=["mae", "accuracy"])
    values = model.evaluate(x, y, verbose=0)
    assert isinstance(values, list) and len(values) == 3
    assert list(model.evaluate(x, y, verbose=0, return_dict=True)) == ["accuracy", "loss", "mae"]


def test_same_seed_gives_identical_training():
    def run():
        tf.keras.utils.set_random_seed(42)
        x, y = _data(64)
        model = Sequential([Dense(8, activation="relu"), Dropout(0.3), Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
        history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
        return history.history, model.get_weights()

    (h1, w1), (h2, w2) = run(), run()
    assert h1 == h2
    assert all(np.array_equal(a, b) for a, b in zip(w1, w2))


def test_shuffle_draws_keras_jax_permutations():
    # After np.random.seed(s): one discarded permutation on the first fit, then one per epoch.
    x = np.arange(6, dtype=np.float32).reshape(6, 1)
    seen = []

    class Record(callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            pass

    model = Sequential([Input((1,)), Dense(1)])
    model.compile(optimizer=optimizers.SGD(0.0), loss="mse")
    choose_step = model._training_step

    def spy(xb, yb, sw):
        seen.append(xb[:, 0].astype(int).tolist())
        return choose_step()(xb, yb, sw)

    model._training_step = lambda: spy
    np.random.seed(3)
    model.fit(x, x, batch_size=6, epochs=2, verbose=0, callbacks=[Record()])
    np.random.seed(3)
    np.random.permutation(6)
    assert seen == [np.random.permutation(6).tolist(), np.random.permutation(6).tolist()]


def test_class_weight_becomes_sample_weight():
    x, y = _data(30)
    model = Sequential([Input((3,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.SGD(0.1), loss="binary_crossentropy")
    clone = Sequential([Input((3,)), Dense(1, activation="sigmoid")])
    clone.set_weights(model.get_weights())
    clone.compile(optimizer=optimizers.SGD(0.1), loss="binary_crossentropy")
    h1 = model.fit(x, y, epochs=2, shuffle=False, verbose=0, class_weight={0: 1.0, 1: 3.0})
    h2 = clone.fit(x, y, epochs=2, shuffle=False, verbose=0, sample_weight=np.where(y[:, 0] == 1, 3.0, 1.0))
    assert h1.history["loss"] == h2.history["loss"]


def test_initial_epoch_and_early_stopping():
    x, y = _data(20)
    model = Sequential([Input((3,)), Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy")
    history = model.fit(x, y, epochs=4, initial_epoch=2, verbose=0)
    assert history.epoch == [2, 3]
    stop = callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=100)
    history = model.fit(x, y, epochs=10, verbose=0, callbacks=[stop])
    assert len(history.epoch) == 2  # the first epoch sets the best, the second fails to beat it by 100


def test_train_test_predict_on_batch():
    x, y = _data(8)
    model = Sequential([Input((3,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.SGD(0.1), loss="binary_crossentropy", metrics=["accuracy"])
    before = model.test_on_batch(x, y)
    loss, accuracy = model.train_on_batch(x, y)
    assert loss == pytest.approx(before[0], rel=1e-6)  # the loss of the weights before the step
    assert model.test_on_batch(x, y)[0] < before[0]
    out = model.predict_on_batch(x)
    assert isinstance(out, np.ndarray) and out.shape == (8, 1)


def test_targets_are_checked_against_the_current_stack_after_pop_and_add():
    x, y = _data(8)
    model = Sequential([Input((3,)), Dense(4, activation="relu"), Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    model.train_on_batch(x, y)
    model.pop()
    model.add(Dense(2, activation="sigmoid"))
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    with pytest.raises(ValueError, match=r"y has shape \(8, 1\), the output \(None, 2\)"):
        model.train_on_batch(x, y)  # the one-column y no longer lines up with two output columns
    model.train_on_batch(x, np.hstack([y, 1 - y]))


def test_inputs_as_lists_and_dataframe_like():
    class FrameLike:
        def __init__(self, values):
            self.values = values

        def __array__(self, dtype=None, copy=None):
            return self.values

    x, y = _data(10)
    model = Sequential([Dense(1)])
    model.compile(loss="mse")
    model.fit(x.tolist(), y.tolist(), verbose=0)
    model.fit(FrameLike(x.astype(np.float64)), FrameLike(y), verbose=0)
    assert model.predict(x.tolist(), verbose=0).dtype == np.float32


def test_default_optimizer_is_rmsprop_and_compile_keeps_objects():
    loss = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    opt = tf.keras.optimizers.Adam(learning_rate=0.01)
    model = Sequential([Dense(3)])
    model.compile(loss=loss, optimizer=opt)
    assert model.loss is loss and model.optimizer is opt
    assert model.loss.get_config()["from_logits"] is True
    assert np.isclose(model.optimizer.learning_rate.numpy(), 0.01)
    model.compile(loss="mse")
    assert type(model.optimizer) is optimizers.RMSprop


def test_progress_output_not_a_terminal(capsys):
    x, y = _data(64)
    model = Sequential([Input((3,)), Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=2)
    out = capsys.readouterr().out
    assert "\r" not in out and "\b" not in out and "\x1b" not in out
    lines = out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert lines[1].startswith("2/2 - ") and " - accuracy: " in lines[1] and " - loss: " in lines[1]
    assert len(lines) == 4
