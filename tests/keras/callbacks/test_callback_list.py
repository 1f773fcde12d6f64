import pytest

from glassnet.keras import callbacks as cbs
from glassnet.keras.callbacks import Callback, CallbackList, History, LambdaCallback, ProgbarLogger


class Recorder(Callback):
    """Records every hook it receives, as (name, argument) pairs."""

    def __init__(self, tag, events):
        super().__init__()
        self.tag, self.events = tag, events

    def on_train_begin(self, logs=None):
        self.events.append((self.tag, "train_begin"))

    def on_epoch_begin(self, epoch, logs=None):
        self.events.append((self.tag, "epoch_begin", epoch))

    def on_batch_begin(self, batch, logs=None):
        self.events.append((self.tag, "batch_begin", batch))

    def on_batch_end(self, batch, logs=None):
        self.events.append((self.tag, "batch_end", batch))

    def on_test_begin(self, logs=None):
        self.events.append((self.tag, "test_begin"))

    def on_test_end(self, logs=None):
        self.events.append((self.tag, "test_end"))

    def on_epoch_end(self, epoch, logs=None):
        self.events.append((self.tag, "epoch_end", epoch))

    def on_train_end(self, logs=None):
        self.events.append((self.tag, "train_end"))


def test_public_paths_are_one_object():
    from glassnet.keras.callbacks.early_stopping import EarlyStopping
    assert cbs.EarlyStopping is EarlyStopping
    for name in cbs.__all__:
        assert isinstance(getattr(cbs, name), type)


def test_order_is_user_callbacks_then_history_then_progbar(model):
    first, second = Callback(), Callback()
    callbacks = CallbackList([first, second], add_history=True, add_progbar=True, model=model,
                             verbose=1, epochs=2, steps=3)
    assert callbacks.callbacks[:2] == [first, second]
    assert isinstance(callbacks.callbacks[2], History)
    assert isinstance(callbacks.callbacks[3], ProgbarLogger)
    assert len(callbacks.callbacks) == 4


def test_params_and_model_reach_every_callback(model):
    user = Callback()
    callbacks = CallbackList([user], add_history=True, model=model, verbose=2, epochs=3, steps=5)
    for callback in callbacks.callbacks:
        assert callback.params == {"verbose": 2, "epochs": 3, "steps": 5}
        assert callback.model is model
    assert model.history is callbacks.history


def test_existing_history_and_progbar_are_not_added_twice(model):
    history, progbar = History(), ProgbarLogger()
    callbacks = CallbackList([progbar, history], add_history=True, add_progbar=True, model=model,
                             verbose=1, epochs=1, steps=1)
    assert callbacks.callbacks == [progbar, history]
    assert callbacks.history is history and model.history is history


def test_hooks_run_in_fit_order_with_legacy_batch_hooks(model):
    events = []
    callbacks = CallbackList([Recorder("a", events), Recorder("b", events)], model=model)
    callbacks.on_train_begin()
    callbacks.on_epoch_begin(0)
    callbacks.on_train_batch_begin(0)
    callbacks.on_train_batch_end(0, {"loss": 1.0})
    callbacks.on_test_begin()
    callbacks.on_test_end()
    callbacks.on_epoch_end(0, {"loss": 1.0})
    callbacks.on_train_end()
    names = [event[1:] for event in events if event[0] == "a"]
    assert names == [("train_begin",), ("epoch_begin", 0), ("batch_begin", 0), ("batch_end", 0),
                     ("test_begin",), ("test_end",), ("epoch_end", 0), ("train_end",)]
    assert [event[0] for event in events[:2]] == ["a", "b"]


def test_legacy_batch_hooks_are_callable_directly(model):
    events = []
    callbacks = CallbackList([Recorder("a", events)], model=model)
    callbacks.on_batch_begin(4)
    callbacks.on_batch_end(4)
    assert events == [("a", "batch_begin", 4), ("a", "batch_end", 4)]


def test_key_written_by_user_callback_reaches_history(fit, model):
    def add_key(epoch, logs):
        logs["extra"] = 2.0 * epoch
    history = fit(model, [LambdaCallback(on_epoch_end=add_key)], [{"loss": 1.0}, {"loss": 0.5}])
    assert history.history == {"loss": [1.0, 0.5], "extra": [0.0, 2.0]}


def test_dispatch_skips_callbacks_that_do_nothing_in_a_hook(model):
    plain, nan_guard = Callback(), cbs.TerminateOnNaN()
    callbacks = CallbackList([plain, nan_guard], add_history=True, model=model)
    train_batch_end = [hook.__self__ for hook in callbacks._hooks["on_train_batch_end"]]
    assert train_batch_end == [nan_guard]  # TerminateOnNaN overrides the legacy on_batch_end
    assert [hook.__self__ for hook in callbacks._hooks["on_epoch_end"]] == [callbacks.history]


def test_append_adds_and_indexes(model):
    events = []
    callbacks = CallbackList(model=model)
    callbacks.append(Recorder("late", events))
    callbacks.on_epoch_begin(1)
    assert events == [("late", "epoch_begin", 1)]
    with pytest.raises(TypeError, match="callbacks\\[0\\]"):
        callbacks.append("not a callback")


def test_single_callback_is_accepted():
    callback = Callback()
    assert CallbackList(callback).callbacks == [callback]


def test_non_callback_item_is_named():
    with pytest.raises(TypeError, match=r"callbacks\[1\]=<function .*of type function"):
        CallbackList([Callback(), lambda epoch, logs: None])


def test_non_list_is_rejected():
    with pytest.raises(TypeError, match="callbacks='early'"):
        CallbackList("early")
