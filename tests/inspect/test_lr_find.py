"""inspect.lr_find: the learning-rate range test runs on a copy, follows fastai's smoothing and
stopping rule, and suggests a rate that one measured SGD step confirms."""
import random as python_random
import sys
import types

import numpy as np
import pytest

import glassnet as tf
from glassnet.inspect import LRFinderResult, lr_find
from glassnet.inspect.lr_find import _valley
from glassnet.keras import layers, naming, optimizers
from glassnet.keras.models import Model, Sequential

RNG = np.random.default_rng(0)
X = RNG.normal(size=(256, 3)).astype("float32")
Y = (X @ np.array([[1.5], [-2.0], [0.5]]) + 0.3 + 0.1 * RNG.normal(size=(256, 1))).astype("float32")


def _regression_model(optimizer=None, dropout=False):
    tf.random.set_seed(0)
    stack = [tf.keras.Input(shape=(3,)), layers.Dense(8, activation="relu")]
    stack += [layers.Dropout(0.2)] if dropout else []
    model = Sequential(stack + [layers.Dense(1)])
    model.compile(optimizer=optimizer or optimizers.SGD(0.01), loss="mse")
    return model


class Net(Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(8, activation="relu")
        self.drop = layers.Dropout(0.2)
        self.out = layers.Dense(1)

    def call(self, x, training=False):
        return self.out(self.drop(self.hidden(x), training=training))


def _everything(model):
    """The model's weights, its optimizer's variables (slots, step count, rate) and the global state."""
    return ([w.copy() for w in model.get_weights()], [v.numpy().copy() for v in model.optimizer.variables],
            tf.random.generator(), tf.random.generator().bit_generator.state, np.random.get_state()[1].copy(),
            python_random.getstate(), dict(naming._counters), model.optimizer.iterations.numpy().item())


def _same(before, after):
    weights, slots, generator, state, numpy_state, python_state, counters, iterations = before
    assert all(a.dtype == b.dtype and np.array_equal(a, b) for a, b in zip(weights, after[0], strict=True))
    assert all(np.array_equal(a, b) for a, b in zip(slots, after[1], strict=True))
    assert after[2] is generator and after[3] == state and np.array_equal(after[4], numpy_state)
    assert after[5] == python_state and after[6] == counters and after[7] == iterations


def _make(kind):
    if kind == "sequential":
        return _regression_model(optimizers.Adam(1e-3), dropout=True)
    model = Net()
    model.compile(optimizer=optimizers.Adam(1e-3), loss="mse")
    return model


@pytest.mark.parametrize("kind", ["sequential", "subclassed"])
def test_the_model_its_optimizer_and_the_random_state_are_bit_identical_afterwards(kind):
    tf.random.set_seed(0)
    model = _make(kind)
    model.fit(X, Y, epochs=1, batch_size=64, verbose=0)  # optimizer slots, packed flat buffers
    before = _everything(model)
    result = lr_find(model, X, Y, num_steps=30)
    assert len(result.learning_rates) >= 20  # it did train the copy
    _same(before, _everything(model))
    model.fit(X, Y, epochs=1, batch_size=64, verbose=0)  # dropout masks and shuffling from the kept state
    # The same story without lr_find ends with the same weights, bit for bit.
    tf.random.set_seed(0)
    twin = _make(kind)
    twin.fit(X, Y, epochs=2, batch_size=64, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), twin.get_weights(), strict=True))


def test_an_unbuilt_model_stays_unbuilt():
    model = Sequential([layers.Dense(4, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    state = tf.random.generator().bit_generator.state
    lr_find(model, X, Y, num_steps=10)
    assert not model.built and model.get_weights() == []
    assert tf.random.generator().bit_generator.state == state


def test_rates_rise_geometrically_and_the_loss_is_smoothed_as_fastai_does():
    result = lr_find(_regression_model(), X, Y, start_lr=1e-6, end_lr=1.0, num_steps=40)
    rates = result.learning_rates
    assert rates[0] == pytest.approx(1e-6) and np.all(np.diff(rates) > 0)
    np.testing.assert_allclose(rates[1:] / rates[:-1], (1.0 / 1e-6) ** (1 / 39), rtol=1e-12)
    average, expected = 0.0, []
    for t, loss in enumerate(result.raw_losses, start=1):  # avg = 0.98 avg + 0.02 loss, then / (1 - 0.98^t)
        average = 0.98 * average + 0.02 * loss
        expected.append(average / (1 - 0.98 ** t))
    np.testing.assert_allclose(result.losses, expected, rtol=1e-12)
    assert len(result.losses) == len(result.raw_losses) == len(rates)


def test_the_first_raw_loss_is_the_loss_of_the_untrained_model_on_its_batch():
    model = _regression_model()
    result = lr_find(model, X, Y, num_steps=10, batch_size=256)  # one batch: the whole data
    assert result.raw_losses[0] == pytest.approx(model.evaluate(X, Y, batch_size=256, verbose=0), rel=1e-6)


def test_it_stops_early_when_the_loss_diverges():
    result = lr_find(_regression_model(), X, Y, end_lr=100.0, num_steps=100)
    assert len(result.learning_rates) < 100
    last, best = result.losses[-1], np.min(result.losses[:-1])
    assert not np.isfinite(last) or last > 4 * best
    assert np.all(result.losses[:-1] <= 4 * np.minimum.accumulate(result.losses[:-1]))  # not before
    assert "stopped at step" in result.stop_reason and result.learning_rates[-1] < 100.0
    calm = lr_find(_regression_model(), X, Y, end_lr=1e-3, num_steps=20)
    assert len(calm.learning_rates) == 20 and calm.stop_reason == "ran every step without diverging"


def _one_step_ratio(model, rate):
    """The full-batch loss after one SGD step of `rate` from the model's weights, over the loss before."""
    step = Sequential([tf.keras.Input(shape=(3,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
    step.set_weights(model.get_weights())
    step.compile(optimizer=optimizers.SGD(rate), loss="mse")
    before = step.evaluate(X, Y, batch_size=len(X), verbose=0)
    step.train_on_batch(X, Y)
    return step.evaluate(X, Y, batch_size=len(X), verbose=0) / before


def test_the_suggestion_is_a_rate_where_one_sgd_step_clearly_lowers_the_loss():
    model = _regression_model()
    grid = np.logspace(-7, 1, 49)
    helps = np.array([_one_step_ratio(model, rate) < 0.99 for rate in grid])  # at least 1% lower
    assert helps.any() and not helps.all()
    low, high = grid[helps].min(), grid[helps].max()
    assert np.all(helps[(grid >= low) & (grid <= high)])  # one band, measured, not assumed
    result = lr_find(model, X, Y)
    assert low <= result.suggestion <= high, (low, high, str(result))
    assert low <= result.lr_min <= high
    # fastai's older `steep` is fooled here by batch noise where the rate is too small to matter.
    assert result.lr_steep < low


def test_valley_matches_fastais_loop():
    def fastai_valley(losses):  # fastai.callback.schedule.valley, as published
        n = len(losses)
        max_start, max_end = 0, 0
        lds = [1] * n
        for i in range(1, n):
            for j in range(0, i):
                if (losses[i] < losses[j]) and (lds[i] < lds[j] + 1):
                    lds[i] = lds[j] + 1
                if lds[max_end] < lds[i]:
                    max_end = i
                    max_start = max_end - lds[max_end]
        sections = (max_end - max_start) / 3
        return max_start + int(sections) + int(sections / 2)

    rng = np.random.default_rng(3)
    for _ in range(50):
        losses = np.cumsum(rng.normal(size=rng.integers(3, 60)))
        assert _valley(losses) == fastai_valley(list(losses))


def test_results_are_deterministic_and_read_well():
    first = lr_find(_regression_model(), X, Y, num_steps=50)
    second = lr_find(_regression_model(), X, Y, num_steps=50)
    np.testing.assert_array_equal(first.raw_losses, second.raw_losses)
    assert isinstance(first, LRFinderResult)
    text = str(first)
    assert text.startswith("learning-rate range test: ") and "steps of SGD, rate 1e-07 to" in text
    assert f"suggested learning rate: {first.suggestion:.3g}" in text and "lowest loss / 10" in text


def test_plot_hands_the_result_to_glassnet_plot(monkeypatch):
    calls = []
    fake = types.ModuleType("glassnet.plot")
    fake.lr_find = lambda result, path=None: calls.append((result, path)) or "figure"
    monkeypatch.setitem(sys.modules, "glassnet.plot", fake)
    result = lr_find(_regression_model(), X, Y, num_steps=10)
    assert result.plot("lr.png") == "figure" and calls == [(result, "lr.png")]


@pytest.mark.parametrize("argument, value", [
    ("start_lr", 0), ("end_lr", 1e-8), ("num_steps", 1), ("batch_size", 0), ("beta", 1.0),
    ("stop_factor", 0.5), ("seed", -1)])
def test_bad_arguments_are_refused_by_name_before_any_work(argument, value):
    model = _regression_model()
    state = tf.random.generator().bit_generator.state
    with pytest.raises((ValueError, TypeError), match=f"`{argument}`.*Received: {argument}={value!r}"):
        lr_find(model, X, Y, **{argument: value})
    assert tf.random.generator().bit_generator.state == state


def test_data_that_does_not_fit_is_refused_by_name():
    with pytest.raises(ValueError, match="`x` and `y` must have the same number of samples. Received: x with 256"):
        lr_find(_regression_model(), X, Y[:10])
    with pytest.raises(ValueError, match="lr_find needs `x` as a non-empty array"):
        lr_find(_regression_model(), (row for row in X), Y)


def test_an_optimizer_with_a_schedule_is_copied_with_the_test_s_rates():
    schedule = optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    model = _regression_model(optimizers.SGD(schedule))
    result = lr_find(model, X, Y, num_steps=20, end_lr=1e-2)
    assert len(result.raw_losses) == 20 and model.optimizer.learning_rate.numpy() == pytest.approx(0.1)


def test_an_uncompiled_model_is_refused():
    with pytest.raises(ValueError, match="lr_find needs a model compiled with an optimizer"):
        lr_find(Sequential([layers.Dense(1)]), X, Y)


def test_a_model_that_cannot_be_copied_gets_a_clear_error():
    model = Net()
    model.compile(optimizer="sgd", loss="mse")
    model.unpicklable = (i for i in range(3))  # a generator cannot be deep-copied
    with pytest.raises(TypeError, match="lr_find could not copy model 'net'"):
        lr_find(model, X, Y)
