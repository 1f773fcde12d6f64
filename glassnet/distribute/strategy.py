"""tf.distribute's strategies: where models are trained, and by how many workers.

``with strategy.scope():`` marks the models created inside as the strategy's; their ``fit``,
``evaluate`` and ``predict`` then run data-parallel over the strategy's workers (see
glassnet/keras/trainers/distributed.py). One replica per worker process: glassnet runs on the
CPU, so ``num_replicas_in_sync`` is the number of workers.
"""
import contextlib
import enum
import threading

import numpy as np

from glassnet.distribute import communicator as comms

_state = threading.local()


class ReduceOp(enum.Enum):
    """How :meth:`Strategy.reduce` combines the replicas' values (tf.distribute.ReduceOp)."""
    SUM = "SUM"
    MEAN = "MEAN"


class ClusterResolver:
    """The worker's place in the cluster (the parts of TensorFlow's resolver that apply)."""

    def __init__(self, task_id, num_workers):
        self.task_type = "worker"
        self.task_id = task_id
        self.num_workers = num_workers

    def cluster_spec(self):
        return {"worker": [f"worker-{i}" for i in range(self.num_workers)]}

    def __repr__(self):
        return f"ClusterResolver(task_type='worker', task_id={self.task_id}, num_workers={self.num_workers})"


class Strategy:
    """Base class: one worker, one replica (TensorFlow's default strategy)."""

    def __init__(self, communicator=None):
        self._communicator = communicator or comms.LocalCommunicator()
        self.cluster_resolver = ClusterResolver(self._communicator.rank, self._communicator.size)
        self.extended = self

    @property
    def num_replicas_in_sync(self):
        return self._communicator.size

    @property
    def _is_chief(self):
        return self._communicator.rank == 0

    @contextlib.contextmanager
    def scope(self):
        """Models and optimizers created inside belong to this strategy."""
        stack = _stack()
        stack.append(self)
        try:
            yield self
        finally:
            stack.pop()

    # --- custom training loops -------------------------------------------------------
    def run(self, fn, args=(), kwargs=None, options=None):
        """``fn(*args, **kwargs)`` on this worker's replica (one per process), inside the scope; an
        optimizer's apply_gradients within it sums the gradients over the replicas, as TensorFlow's."""
        from glassnet.distribute.replica import summing_gradients
        with self.scope(), summing_gradients(self._communicator):
            return fn(*args, **(kwargs or {}))

    def reduce(self, reduce_op, value, axis=None):
        """`value` combined over the replicas: summed (``ReduceOp.SUM``) or averaged (``MEAN``); with
        `axis`, first reduced along that axis of each replica's value (a MEAN then weighs every
        element of every replica alike, as TensorFlow does)."""
        reduce_op = _reduce_op(reduce_op)
        array = np.asarray(getattr(value, "value", value), dtype=np.float64)
        count = 1.0
        if axis is not None:
            count = float(array.shape[axis])
            array = array.sum(axis=axis)
        total = self._communicator.allreduce_sum(np.array(array, dtype=np.float64, copy=True).reshape(-1))
        total = total.reshape(np.shape(array))
        if reduce_op is ReduceOp.SUM:
            return total
        counts = self._communicator.allreduce_sum(np.array([count]))
        return total / counts[0]

    def gather(self, value, axis=0):
        """The replicas' values concatenated along `axis`, in worker order, on every worker."""
        array = np.asarray(getattr(value, "value", value))
        parts = self._communicator.allgather_object(array)
        return np.concatenate(parts, axis=axis)

    def experimental_distribute_dataset(self, dataset, options=None):
        """`dataset` (batched with the global batch size) as this worker's shard of each batch."""
        from glassnet.distribute.distributed_dataset import DistributedDataset
        return DistributedDataset(dataset, self._communicator.size, self._communicator.rank)

    def experimental_local_results(self, value):
        return (value,)

    def __repr__(self):
        return f"{type(self).__name__}(num_replicas_in_sync={self.num_replicas_in_sync})"


class MirroredStrategy(Strategy):
    """One process (glassnet runs on the CPU: one replica). Accepts TensorFlow's arguments."""

    def __init__(self, devices=None, cross_device_ops=None):
        super().__init__()


class MultiWorkerMirroredStrategy(Strategy):
    """Data-parallel training over the processes ``mpiexec -n N python train.py`` starts.

    Without an MPI launcher it is one worker and costs nothing. Accepts TensorFlow's arguments.
    """

    def __init__(self, communication_options=None, cluster_resolver=None):
        super().__init__(comms.communicator())


_DEFAULT = Strategy()


def _stack():
    if not hasattr(_state, "stack"):
        _state.stack = []
    return _state.stack


def get_strategy():
    """The strategy of the innermost ``scope()`` entered, else the default one-process strategy."""
    stack = _stack()
    return stack[-1] if stack else _DEFAULT


def has_strategy():
    """Whether a strategy's scope (other than the default's) is entered."""
    return bool(_stack()) and _stack()[-1] is not _DEFAULT


def in_cross_replica_context():
    return True


def _reduce_op(reduce_op):
    if isinstance(reduce_op, ReduceOp):
        return reduce_op
    if isinstance(reduce_op, str) and reduce_op.upper() in ("SUM", "MEAN"):
        return ReduceOp[reduce_op.upper()]
    raise ValueError(f"`reduce_op` must be tf.distribute.ReduceOp.SUM or ReduceOp.MEAN ('SUM' or 'MEAN'). "
                     f"Received: reduce_op={reduce_op!r}")
