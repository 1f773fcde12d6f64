"""glassnet.distribute: TensorFlow's tf.distribute strategies, data-parallel over MPI processes.

Under ``mpiexec -n 2 python train.py``, with two workers::

    strategy = MultiWorkerMirroredStrategy()
    with strategy.scope():
        model = make_model()
        model.compile(...)
    model.fit(x, y, batch_size=64)  # 64 is the global batch: 32 rows per worker
"""
from glassnet.distribute.communicator import DistributeTimeoutError
from glassnet.distribute.strategy import (
    ClusterResolver, MirroredStrategy, MultiWorkerMirroredStrategy, ReduceOp, Strategy, get_strategy, has_strategy,
    in_cross_replica_context,
)
