"""fit, evaluate and predict under a tf.distribute strategy with several workers (MPI ranks).

As TensorFlow's MultiWorkerMirroredStrategy:

- ``batch_size`` is the global batch. Every worker draws the same shuffle (worker 0's NumPy
  random state is broadcast at the start of fit) and takes its contiguous share of the rows of
  each global batch (distribute/sharding.py); a Dataset's or generator's batches are global
  batches split the same way (TensorFlow's auto-shard policy DATA).
- Each worker's gradient is that of its rows' mean loss, weighted by its share of the global
  batch (rows here / rows in the global batch), so their sum over the workers is the gradient of
  the global batch's mean loss; the optimizer's update sums them (distribute/updates.py: one
  Allreduce, or, with every worker on one machine, weights shared in memory and the update split
  between the workers). Worker 0's initial weights are broadcast first.
- After each epoch, the non-trainable weights that differ between the workers (BatchNormalization's
  moving statistics) are averaged over them, as TensorFlow reads them (ON_READ, MEAN).
- The metrics' state variables are summed over the workers (one Allreduce) before the epoch's
  and evaluate's logs are read, so those logs are the global ones; so are the per-batch logs of
  fit where worker 0 reads them (its progress bar): then every worker sums its metrics after each
  batch. evaluate's per-batch logs are worker 0's own rows.
- Only worker 0 prints progress and writes files; the other workers keep BackupAndRestore's
  restore only.
- A worker that raises prints its error, naming itself, and aborts every worker (MPI_Abort).
  Before training, the workers check that they hold the same model (the shapes of its weights)
  and the same numbers of batches and epochs, and every collective has a deadline
  (``GLASSNET_DISTRIBUTE_TIMEOUT``): a worker that stops answering is an error, not a hang.
- evaluate shards its batches as fit does and sums the metrics; predict shards them too and
  gathers every worker's rows of each batch, in order (one collective for the whole call).
- Every worker reads all the data (the arrays, each Dataset pass) and keeps its share of each
  batch, so a global batch needs at least one row per worker.

Not covered: BackupAndRestore with an int ``save_freq`` (a backup in the middle of an epoch)
restores worker 0's running metric values on every worker, so that resumed epoch's logs count
worker 0's rows twice until the epoch ends; the weights are unaffected.
"""
import contextlib
import hashlib
import sys
import traceback
import warnings

import numpy as np

from glassnet.distribute import strategy as strategies
from glassnet.keras.callbacks import Callback
from glassnet.distribute import updates
from glassnet.distribute.replica import sum_over_workers
from glassnet.distribute.sharding import BatchShares, shard, shard_span


def strategy_for(model):
    """The strategy `model` was created under; refuses a model created outside the scope it is used in."""
    own = getattr(model, "_distribute_strategy", None)
    current = strategies.get_strategy() if strategies.has_strategy() else None
    if current is not None and own is not current:
        raise ValueError(
            f"The model {getattr(model, 'name', '')!r} was not created in the scope of the distribution strategy "
            f"in use ({current!r}): its variables were created outside it. Create the model, and compile it, "
            "inside the strategy's scope:\nwith strategy.scope():\n    model = _create_model()\n"
            "    model.compile(...)")
    return own


def for_model(model):
    """A Distributed helper when `model`'s strategy has several workers, else None."""
    strategy = strategy_for(model)
    if strategy is None or strategy.num_replicas_in_sync == 1:
        return None
    return Distributed(model, strategy._communicator)


@contextlib.contextmanager
def failing_together(distributed):
    """Run the block; an error in it (a Ctrl-C too) is first passed to the other workers, which would
    otherwise wait for this one, then raised. Without a `distributed` run, nothing is added."""
    try:
        yield
    except BaseException as error:  # noqa: B036 - the other workers must not wait for this one
        if distributed is not None:
            distributed.fail(error)
        raise


class Distributed:
    """The per-call state of one distributed fit/evaluate/predict."""

    def __init__(self, model, communicator):
        self.model, self.comm = model, communicator
        self.rank, self.size = communicator.rank, communicator.size
        self.shares = BatchShares(self.size, self.rank)  # of the current global batch
        self.weights_synced = True  # fit's broadcast_start clears it
        self.training, self.updates = False, None  # fit's start_updates sets them
        self.batch_logs = False  # whether worker 0 reads the logs after each batch (share_batch_logs)

    # --- agreement and the start ----------------------------------------------------------
    def check_agreement(self, what):
        """Every worker must hold the same model and the same plan (`what`: rows, batch size, epochs)."""
        shapes = [(w.path, tuple(w.shape)) for w in self.model.weights]
        digest = hashlib.sha256(repr(shapes).encode()).hexdigest()[:16]
        views = self.comm.allgather_object((digest, what))
        for rank, (other, other_what) in enumerate(views):
            if other != views[0][0]:
                raise ValueError(f"Worker {rank} holds a different model from worker 0 (the shapes of its weights "
                                 f"differ: {other} != {views[0][0]}). Every worker must build the same model.")
            if other_what != views[0][1]:
                raise ValueError(f"Worker {rank} trains with {other_what}, worker 0 with {views[0][1]}: every worker "
                                 "must pass the same data sizes, batch size and steps, or they run different "
                                 "numbers of steps.")

    def broadcast_start(self):
        """Worker 0's NumPy random state (the shuffles) and weights on every worker; the weights of a
        model built by its first batch (a Dataset, no Input) go when that batch arrives."""
        np.random.set_state(self.comm.allgather_object(np.random.get_state())[0])
        self.weights_synced = False
        self.sync_weights()

    def sync_weights(self):
        """Worker 0's weights on every worker, once the model is built (once per fit)."""
        if self.weights_synced or not self.model.built:
            return
        self.check_agreement("the built model")
        for weight in self.model.weights:
            value = np.ascontiguousarray(weight.value)
            self.comm.broadcast(value)
            weight.value[...] = value
        self.weights_synced = True

    # --- data ------------------------------------------------------------------------------
    def sharded(self, batches):
        return ShardedBatches(batches, self)

    # --- updates ---------------------------------------------------------------------------
    def start_updates(self):
        """From now on (fit, after the callbacks' on_train_begin) every update of the optimizer sums the
        workers' gradients (distribute/updates.py); for a model its first batch builds, from that batch."""
        if not self.training:
            _warn_unsynchronized_batch_statistics(self.model)
        self.training = True
        if self.updates is None and self.model.built:
            self.updates = updates.for_fit(self.comm, self.shares, self.model)
            self.model.optimizer._workers = self.updates

    def finish_updates(self):
        """The end of fit: the optimizer updates this process alone again."""
        self.training = False
        if self.updates is not None:
            self.updates.release(self.model.optimizer)
            self.updates = None
            self.model.optimizer._workers = None

    def average_moving_statistics(self):
        """The non-trainable float weights that differ between the workers (BatchNormalization's moving
        statistics, which each worker moves with its own rows) become their mean over the workers, the
        value TensorFlow reads from such variables (synchronization ON_READ, aggregation MEAN). fit calls
        it after each epoch, before validation, the logs and the callbacks see the weights. Weights that
        are the same everywhere are left as they are (a mean of p equal numbers can round)."""
        weights = [w for w in self.model.non_trainable_weights if np.issubdtype(w.dtype, np.floating)]
        if not weights:  # the same model on every worker: all skip together
            return
        digests = [hashlib.sha256(np.ascontiguousarray(w.value).tobytes()).hexdigest() for w in weights]
        views = self.comm.allgather_object(digests)
        differing = [w for i, w in enumerate(weights) if len({view[i] for view in views}) > 1]
        if not differing:
            return
        means = sum_over_workers([np.asarray(w.value, dtype=np.float64) for w in differing], self.comm,
                                 1.0 / self.size)
        for w, mean in zip(differing, means):
            w.value[...] = mean

    # --- logs ----------------------------------------------------------------------------------
    def share_batch_logs(self, wanted_here):
        """Every worker learns whether worker 0 reads the running logs after each batch (its progress
        bar, a callback): then all of them sum their metrics for it, batch after batch."""
        self.batch_logs = bool(self.comm.allgather_object(bool(wanted_here))[0])

    def global_logs(self, read_logs):
        """`read_logs()` with every metric's state summed over the workers; the local states are kept."""
        variables = [v for metric in _metric_leaves(self.model) for v in metric.variables]
        if not variables:
            return read_logs()
        local = [np.array(v.value, copy=True) for v in variables]
        summed = sum_over_workers([saved.astype(np.float64) for saved in local], self.comm)
        for v, total in zip(variables, summed):
            v.value[...] = total
        try:
            return read_logs()
        finally:
            for v, saved in zip(variables, local):
                v.value[...] = saved

    def gather_batches(self, outputs):
        """For each batch, the list of every worker's `outputs` for it, in worker order (the order of
        the rows in the global batch): one collective for the whole predict."""
        every = self.comm.allgather_object(outputs)
        return [[worker[i] for worker in every] for i in range(len(outputs))]

    # --- callbacks and failures -------------------------------------------------------------
    def worker_callbacks(self, callbacks, verbose):
        """(callbacks, verbose) for this worker: worker 0 keeps all; the others print and write nothing."""
        if self.rank == 0 or callbacks is None:
            return callbacks, verbose if self.rank == 0 else 0
        return [c for c in (_restore_only(c) for c in callbacks) if c is not None], 0

    def fail(self, error):
        """Print this worker's error, naming it, then end every worker: nobody waits for it."""
        print(f"glassnet.distribute: worker {self.rank} of {self.size} failed with "
              f"{type(error).__name__}: {error}\n" + "".join(traceback.format_exception(error)),
              file=sys.stderr, flush=True)
        self.comm.abort(1)


class ShardedBatches:
    """A batch source whose batches are global batches: yields this worker's rows of each."""

    def __init__(self, batches, distributed):
        self._batches, self._distributed = batches, distributed

    def __getattr__(self, name):
        return getattr(self._batches, name)

    def epoch(self):
        size, rank = self._distributed.size, self._distributed.rank
        for step, batch in self._batches.epoch():
            rows = len(batch[0])
            start, stop = shard_span(rows, size, rank)
            if stop == start:
                raise ValueError(f"A global batch of {rows} rows cannot be split over {size} workers: each worker "
                                 "needs at least one row. Use a larger batch_size, or drop the last batch.")
            self._distributed.shares.split(rows)
            self._distributed.sync_weights()  # the first batch may have built the model
            if self._distributed.training:
                self._distributed.start_updates()
            yield step, tuple(shard(part, size, rank) for part in batch)


def _warn_unsynchronized_batch_statistics(model):
    names = [layer.name for layer in model._flatten_layers() if getattr(layer, "synchronized", False)]
    if names:
        warnings.warn(f"BatchNormalization layers {names} have synchronized=True, but glassnet does not synchronize "
                      "batch statistics between workers: each worker normalizes its rows by their own statistics "
                      "(the moving statistics are averaged over the workers after each epoch).", stacklevel=5)


def _metric_leaves(model):
    leaves = []
    for metric in model.metrics:
        inner = getattr(metric, "metrics", None)
        leaves += list(inner) if isinstance(inner, (list, tuple)) else [metric]
    return leaves


def _restore_only(callback):
    """A callback as a worker other than 0 runs it: those that write files are left out, except
    BackupAndRestore's restore at the start of training (every worker resumes)."""
    from glassnet.keras import callbacks as keras_callbacks
    writers = (keras_callbacks.ModelCheckpoint, keras_callbacks.TensorBoard, keras_callbacks.CSVLogger)
    if isinstance(callback, keras_callbacks.BackupAndRestore):
        return _RestoreOnly(callback)
    return None if isinstance(callback, writers) else callback


class _RestoreOnly(Callback):
    def __init__(self, callback):
        super().__init__()
        self._callback = callback

    def set_model(self, model):
        super().set_model(model)
        self._callback.set_model(model)

    def set_params(self, params):
        super().set_params(params)
        self._callback.set_params(params)

    def on_train_begin(self, logs=None):
        self._callback.on_train_begin(logs)
