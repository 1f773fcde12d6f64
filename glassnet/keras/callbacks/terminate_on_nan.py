"""`TerminateOnNaN`: stop training as soon as the loss is NaN or infinite."""
import math

from glassnet.keras import validation as check
from glassnet.keras.callbacks._output import print_msg
from glassnet.keras.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stops training after a batch whose running loss is NaN or +-inf.

    Args:
        raise_error: False sets ``model.stop_training`` (the batch loop stops,
            the epoch still ends and ``on_train_end`` runs); True raises a
            RuntimeError at once instead.

    Example:
        >>> class Model: stop_training = False
        >>> model = Model(); guard = TerminateOnNaN(); guard.set_model(model)
        >>> guard.on_train_batch_end(3, {"loss": float("nan")})
        Batch 3: Invalid loss, terminating training
        >>> model.stop_training
        True
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = check.boolean("raise_error", raise_error, owner="TerminateOnNaN")

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(loss):
            return
        if self.raise_error:
            raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. "
                               f"Loss value: {loss}. Terminating training immediately.")
        print_msg(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
