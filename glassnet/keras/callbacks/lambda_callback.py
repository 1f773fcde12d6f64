"""`LambdaCallback`: a callback made from plain functions."""
from glassnet.keras.callbacks.callback import Callback

_HOOK_NAMES = tuple(name for name in vars(Callback) if name.startswith("on_"))


class LambdaCallback(Callback):
    """Runs the given functions at the matching hooks.

    Args:
        on_epoch_begin, on_epoch_end: ``f(epoch, logs)``.
        on_train_begin, on_train_end: ``f(logs)``.
        on_train_batch_begin, on_train_batch_end: ``f(batch, logs)`` (logs by keyword).
        **kwargs: any other hook by its name, e.g. ``on_test_end=f``.

    Example:
        >>> seen = []
        >>> callback = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(logs["loss"]))
        >>> callback.on_epoch_end(0, {"loss": 0.5})
        >>> seen
        [0.5]
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None, **kwargs):
        super().__init__()
        hooks = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end,
                     on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end, **kwargs)
        for name, function in hooks.items():
            _check_hook(name, function)
        for name, function in hooks.items():
            if function is not None:
                setattr(self, name, function)  # instance attribute shadows the default hook


def _check_hook(name, function):
    if name not in _HOOK_NAMES:
        raise TypeError(f"LambdaCallback got an unknown hook `{name}`. Expected one of: "
                        f"{', '.join(_HOOK_NAMES)}.")
    if function is not None and not callable(function):
        raise TypeError(f"LambdaCallback expects `{name}` to be a function. Received: {name}={function!r}")
