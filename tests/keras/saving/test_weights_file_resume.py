"""Training resumes exactly: fit, save_weights, load into a fresh compiled copy, fit again equals
the same two fits on one model, bit for bit, for every optimizer (its state travels in the file).

Two fits, not one longer fit: with ``use_ema`` every fit ends by giving the weights their moving
averages, so two fits differ from one even without a file in between."""
import numpy as np
import pytest

import glassnet as tf
from glassnet.keras import layers, optimizers
from glassnet.keras.models import Model, Sequential

pytest.importorskip("h5py")

RNG = np.random.default_rng(1)
X = RNG.normal(size=(40, 3)).astype("float32")
Y = (X @ np.array([[1.0], [-2.0], [0.5]], "float32") > 0).astype("float32")

OPTIMIZERS = [
    ("SGD", {}), ("SGD", {"momentum": 0.9}), ("SGD", {"momentum": 0.5, "nesterov": True}),
    ("Adam", {}), ("Adam", {"amsgrad": True}), ("AdamW", {"weight_decay": 0.1}),
    ("RMSprop", {}), ("RMSprop", {"momentum": 0.9, "centered": True}), ("Adagrad", {}),
    ("Adam", {"learning_rate": ("ExponentialDecay", 0.01, 3, 0.5)}),
    ("SGD", {"momentum": 0.9, "use_ema": True, "ema_overwrite_frequency": 3}),
    ("Adam", {"gradient_accumulation_steps": 2}),
]


def optimizer(name, options):
    options = dict(options)
    if isinstance(options.get("learning_rate"), tuple):
        schedule, *args = options["learning_rate"]
        options["learning_rate"] = getattr(optimizers.schedules, schedule)(*args)
    return getattr(optimizers, name)(**options)


def compiled(name, options, seed):
    tf.random.set_seed(seed)
    model = Sequential([tf.keras.Input(shape=(3,)), layers.Dense(5, activation="tanh", kernel_regularizer="l2"),
                        layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizer(name, options), loss="binary_crossentropy")
    return model


def train(model, epochs):
    model.fit(X, Y, epochs=epochs, batch_size=8, shuffle=False, verbose=0)


@pytest.mark.parametrize(("name", "options"), OPTIMIZERS, ids=[f"{n}-{o}" for n, o in OPTIMIZERS])
def test_fit_save_load_fit_equals_one_fit(tmp_path, name, options):
    straight = compiled(name, options, seed=0)
    train(straight, 2)
    train(straight, 2)

    first = compiled(name, options, seed=0)
    train(first, 2)
    first.save_weights(tmp_path / "half.weights.h5")
    resumed = compiled(name, options, seed=7)  # other initial weights: everything must come from the file
    resumed.load_weights(tmp_path / "half.weights.h5")
    train(resumed, 2)

    for a, b in zip(resumed.weights + resumed.optimizer.variables, straight.weights + straight.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)
    assert int(resumed.optimizer.iterations.numpy()) == int(straight.optimizer.iterations.numpy())


def test_without_the_optimizer_state_training_would_not_resume_exactly(tmp_path):
    """The check above can fail: dropping the optimizer group from the file changes the result."""
    import h5py
    straight = compiled("Adam", {}, seed=0)
    train(straight, 2)
    train(straight, 2)
    first = compiled("Adam", {}, seed=0)
    train(first, 2)
    first.save_weights(tmp_path / "half.weights.h5")
    with h5py.File(tmp_path / "half.weights.h5", "a") as file:
        del file["optimizer"]
    resumed = compiled("Adam", {}, seed=0)
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer"):
        resumed.load_weights(tmp_path / "half.weights.h5")
    train(resumed, 2)
    assert not np.array_equal(resumed.weights[0].numpy(), straight.weights[0].numpy())


class TwoTowers(Model):
    def __init__(self):
        super().__init__()
        self.towers = [layers.Dense(4, activation="relu"), layers.Dense(4, activation="tanh")]
        self.head = layers.Dense(1)

    def call(self, x):
        return self.head(self.towers[0](x) + self.towers[1](x))


def test_a_subclassed_model_resumes_exactly(tmp_path):
    def build(seed):
        tf.random.set_seed(seed)
        model = TwoTowers()
        model.compile(optimizer=optimizers.RMSprop(momentum=0.5), loss="mse")
        model(X[:1])
        return model
    straight = build(0)
    train(straight, 1)
    train(straight, 2)
    first = build(0)
    train(first, 1)
    first.save_weights(tmp_path / "t.weights.h5")
    resumed = build(3)
    resumed.load_weights(tmp_path / "t.weights.h5")
    train(resumed, 2)
    for a, b in zip(resumed.weights + resumed.optimizer.variables, straight.weights + straight.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)
