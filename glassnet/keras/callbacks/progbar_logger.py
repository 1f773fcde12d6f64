"""`ProgbarLogger`: the progress bar and "Epoch i/N" lines of fit, evaluate and predict."""
from glassnet.keras.callbacks._output import print_msg
from glassnet.keras.callbacks.callback import Callback
from glassnet.keras.utils.progbar import Progbar


class ProgbarLogger(Callback):
    """Prints the progress of `fit`, `evaluate` and `predict` to ``sys.stdout``.

    Reads ``params`` (``verbose``, ``epochs``, ``steps``): with verbose 1 or 2
    and more than one epoch it prints ``Epoch i/N`` before each epoch (never
    ``Epoch 1/1``), then a `Progbar` per epoch. Inside `fit` the validation
    pass prints nothing; in `evaluate` and `predict` the bar shows their steps.

    Example:
        >>> logger = ProgbarLogger()
        >>> logger.set_params({"verbose": 2, "epochs": 2, "steps": 1})
        >>> logger.on_train_begin()
        >>> logger.on_epoch_begin(0)
        Epoch 1/2
    """

    def __init__(self):
        super().__init__()
        self.verbose = 1
        self.epochs = 1
        self.target = None
        self.seen = 0
        self.progbar = None
        self._called_in_fit = False

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        verbose = 1 if verbose == "auto" else verbose
        if verbose not in (0, 1, 2) or isinstance(verbose, bool):
            raise ValueError(f"Expected `verbose` to be 'auto', 0, 1 or 2. Received: verbose={verbose!r}")
        self.verbose = verbose
        self.epochs = params.get("epochs") or 1  # evaluate and predict pass no epochs
        self.target = params.get("steps")

    def on_train_begin(self, logs=None):
        self._called_in_fit = True

    def on_train_end(self, logs=None):
        self._called_in_fit = False

    def on_epoch_begin(self, epoch, logs=None):
        self._new_progbar()
        if self.verbose and self.epochs > 1:
            print_msg(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch, logs=None):
        self._update(batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._finalize(logs)

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._new_progbar()

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._update(batch, logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finalize(logs)

    def on_predict_begin(self, logs=None):
        self._new_progbar()

    def on_predict_batch_end(self, batch, logs=None):
        self._update(batch, None)  # the predictions are not for display

    def on_predict_end(self, logs=None):
        self._finalize(None)

    def _new_progbar(self):
        # No stateful_metrics, as in Keras: the logs are already running means,
        # yet the bar averages them again between redraws; the final line
        # shows the values exactly as given.
        self.seen = 0
        self.progbar = Progbar(target=self.target, verbose=self.verbose, unit_name="step")

    def _update(self, batch, logs):
        if self.progbar is None:
            self._new_progbar()
        self.seen = batch + 1
        if self.verbose == 1:
            self.progbar.update(self.seen, list((logs or {}).items()), finalize=False)

    def _finalize(self, logs):
        if self.progbar is None:
            self._new_progbar()
        if self.target is None:  # unknown length: now we know it, for later epochs too
            self.target = self.progbar.target = self.seen
        # The final line shows the full target even when training stopped early.
        self.progbar.update(self.progbar.target, list((logs or {}).items()), finalize=True)
