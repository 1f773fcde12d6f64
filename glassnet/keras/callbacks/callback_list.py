"""`CallbackList`: one call that runs a hook on every callback, in order."""
from glassnet.keras.callbacks.callback import Callback
from glassnet.keras.callbacks.history import History
from glassnet.keras.callbacks.progbar_logger import ProgbarLogger

_HOOKS = (
    "on_batch_begin", "on_batch_end", "on_epoch_begin", "on_epoch_end",
    "on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin", "on_test_batch_end",
    "on_predict_batch_begin", "on_predict_batch_end", "on_train_begin", "on_train_end",
    "on_test_begin", "on_test_end", "on_predict_begin", "on_predict_end",
)
# The default train-batch hooks forward to these legacy names.
_LEGACY = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}


class CallbackList(Callback):
    """The callbacks of one `fit`, `evaluate` or `predict` call.

    Order: the user's callbacks as given, then `History`, then `ProgbarLogger`
    (each added only when asked for and not already in the list). So a key a
    user callback writes into `logs` reaches the history and the printed line.

    Args:
        callbacks: None, a `Callback`, or a list of them.
        add_history: add a `History` (and make it ``model.history``).
        add_progbar: add a `ProgbarLogger`.
        model: the model, given to every callback through `set_model`.
        **params: given to every callback through `set_params`, e.g.
            ``verbose=1, epochs=10, steps=32``.

    Hooks run every training step, so each hook keeps the list of the
    callbacks that override it and skips the rest.

    Example:
        >>> callbacks = CallbackList(add_history=True, verbose=0, epochs=1, steps=1)
        >>> callbacks.on_train_begin()
        >>> callbacks.on_epoch_end(0, {"loss": 0.25})
        >>> callbacks.history.history
        {'loss': [0.25]}
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        self.callbacks = _as_callbacks(callbacks)
        self.history = self._find_or_add(History, add_history)
        self.progbar = self._find_or_add(ProgbarLogger, add_progbar)
        self._index_hooks()
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def append(self, callback):
        """Add one more callback at the end."""
        self.callbacks.append(_as_callbacks([callback])[0])
        self._index_hooks()

    def set_params(self, params):
        self.params = params
        for callback in self.callbacks:
            callback.set_params(params)

    def set_model(self, model):
        super().set_model(model)
        if self.history is not None:
            model.history = self.history
        for callback in self.callbacks:
            callback.set_model(model)

    def wants(self, name):
        """Whether any callback overrides the hook `name` (fit skips work nobody reads)."""
        return bool(self._hooks[name])

    def _find_or_add(self, cls, add):
        found = next((cb for cb in self.callbacks if isinstance(cb, cls)), None)
        if found is None and add:
            found = cls()
            self.callbacks.append(found)
        return found

    def _index_hooks(self):
        self._hooks = {name: [getattr(cb, name) for cb in self.callbacks if _overrides(cb, name)]
                       for name in _HOOKS}

    def _call(self, name, *args, logs):
        # Epoch-level hooks take logs positionally (Keras's call convention,
        # which LambdaCallback functions rely on).
        logs = {} if logs is None else logs
        for hook in self._hooks[name]:
            hook(*args, logs)

    def _call_batch(self, name, batch, logs):
        # Batch-level hooks take logs by keyword, as Keras calls them.
        logs = {} if logs is None else logs
        for hook in self._hooks[name]:
            hook(batch, logs=logs)

    def on_batch_begin(self, batch, logs=None):
        self._call_batch("on_batch_begin", batch, logs)

    def on_batch_end(self, batch, logs=None):
        self._call_batch("on_batch_end", batch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call_batch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call_batch("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call_batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call_batch("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call_batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call_batch("on_predict_batch_end", batch, logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs=logs)

    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs=logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs=logs)

    def on_test_begin(self, logs=None):
        self._call("on_test_begin", logs=logs)

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs=logs)

    def on_predict_begin(self, logs=None):
        self._call("on_predict_begin", logs=logs)

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs=logs)


def _as_callbacks(callbacks):
    """A new list of the given callbacks, or a TypeError naming the first bad item."""
    if callbacks is None:
        return []
    if isinstance(callbacks, Callback):
        return [callbacks]
    if not isinstance(callbacks, (list, tuple)):
        raise TypeError("Expected `callbacks` to be a list of glassnet.keras.callbacks.Callback "
                        f"instances. Received: callbacks={callbacks!r} of type {type(callbacks).__name__}")
    for i, item in enumerate(callbacks):
        if not isinstance(item, Callback):
            raise TypeError(f"Expected every item of `callbacks` to be a glassnet.keras.callbacks.Callback "
                            f"instance. Received: callbacks[{i}]={item!r} of type {type(item).__name__}. "
                            "Subclass Callback, or wrap functions in LambdaCallback.")
    return list(callbacks)


def _overrides(callback, name):
    """Whether `callback` does something in hook `name` (the defaults do nothing)."""
    if name in vars(callback):  # a function set on the instance, as LambdaCallback does
        return True
    if getattr(type(callback), name) is not getattr(Callback, name):
        return True
    legacy = _LEGACY.get(name)
    return legacy is not None and _overrides(callback, legacy)
