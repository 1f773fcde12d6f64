import pytest

from glassnet.keras.callbacks import CallbackList, LambdaCallback


def test_functions_run_at_their_hooks(model):
    seen = []
    callback = LambdaCallback(
        on_train_begin=lambda logs: seen.append("train_begin"),
        on_epoch_begin=lambda epoch, logs: seen.append(("epoch_begin", epoch)),
        on_train_batch_end=lambda batch, logs: seen.append(("batch_end", batch, logs["loss"])),
        on_epoch_end=lambda epoch, logs: seen.append(("epoch_end", epoch, logs["loss"])),
        on_train_end=lambda logs: seen.append("train_end"),
        on_test_end=lambda logs: seen.append("test_end"),
    )
    callbacks = CallbackList([callback], model=model)
    callbacks.on_train_begin()
    callbacks.on_epoch_begin(0)
    callbacks.on_train_batch_end(0, {"loss": 2.0})
    callbacks.on_test_end()
    callbacks.on_epoch_end(0, {"loss": 1.5})
    callbacks.on_train_end()
    assert seen == ["train_begin", ("epoch_begin", 0), ("batch_end", 0, 2.0), "test_end",
                    ("epoch_end", 0, 1.5), "train_end"]


def test_batch_functions_get_logs_by_keyword(model):
    seen = []
    callbacks = CallbackList([LambdaCallback(on_train_batch_begin=lambda batch, **kw: seen.append(kw))])
    callbacks.on_train_batch_begin(0)
    assert seen == [{"logs": {}}]


def test_legacy_batch_name_is_reached_from_train_batches(model):
    seen = []
    callbacks = CallbackList([LambdaCallback(on_batch_end=lambda batch, logs: seen.append(batch))])
    callbacks.on_train_batch_end(7, {"loss": 1.0})
    assert seen == [7]


def test_unset_hooks_do_nothing():
    callback = LambdaCallback(on_epoch_end=lambda epoch, logs: None)
    assert callback.on_epoch_begin(0, {}) is None
    assert "on_epoch_begin" not in vars(callback)


def test_unknown_hook_is_refused():
    with pytest.raises(TypeError, match="unknown hook `on_epoch_finish`"):
        LambdaCallback(on_epoch_finish=lambda epoch, logs: None)


def test_non_function_is_refused():
    with pytest.raises(TypeError, match="on_epoch_end=3"):
        LambdaCallback(on_epoch_end=3)
