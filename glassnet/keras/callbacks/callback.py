"""The `Callback` base class: hooks that `fit`, `evaluate` and `predict` call."""


class Callback:
    """Base class for objects that hook into training, evaluation and prediction.

    Subclass it and override the hooks you need; every hook does nothing by
    default. `fit` calls them in this order::

        on_train_begin
          on_epoch_begin(epoch)
            on_train_batch_begin(batch) / on_train_batch_end(batch, logs)   # each batch
            on_test_begin ... on_test_end                                    # validation
          on_epoch_end(epoch, logs)
        on_train_end(logs)

    `logs` holds the running epoch means, keys sorted (``val_`` keys last at
    epoch end). ``on_batch_begin``/``on_batch_end`` are the legacy names of
    the train-batch hooks: the default train-batch hooks forward to them.

    Attributes:
        model: the model being trained (set by `set_model`).
        params: ``{'verbose': v, 'epochs': epochs, 'steps': steps}``.

    Example:
        >>> class CountEpochs(Callback):
        ...     def on_train_begin(self, logs=None):
        ...         self.count = 0
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         self.count += 1
        >>> counter = CountEpochs()
        >>> counter.on_train_begin(); counter.on_epoch_end(0, {"loss": 0.5})
        >>> counter.count
        1
    """

    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self._model = model

    @property
    def model(self):
        return self._model

    def on_batch_begin(self, batch, logs=None):
        """Legacy alias of `on_train_batch_begin`."""

    def on_batch_end(self, batch, logs=None):
        """Legacy alias of `on_train_batch_end`."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of each epoch of `fit` (`epoch` counts from 0)."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of each epoch, with the train and ``val_`` results."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called before each training batch; calls `on_batch_begin`."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called after each training batch with the running epoch means; calls `on_batch_end`."""
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        """Called before each batch of `evaluate` (and of validation in `fit`)."""

    def on_test_batch_end(self, batch, logs=None):
        """Called after each batch of `evaluate` (and of validation in `fit`)."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called before each batch of `predict`."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called after each batch of `predict`."""

    def on_train_begin(self, logs=None):
        """Called once at the start of `fit`."""

    def on_train_end(self, logs=None):
        """Called once at the end of `fit`, with the last epoch's logs."""

    def on_test_begin(self, logs=None):
        """Called at the start of `evaluate` (and of validation in `fit`)."""

    def on_test_end(self, logs=None):
        """Called at the end of `evaluate` (and of validation in `fit`)."""

    def on_predict_begin(self, logs=None):
        """Called at the start of `predict`."""

    def on_predict_end(self, logs=None):
        """Called at the end of `predict`."""
