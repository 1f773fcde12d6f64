"""What ``strategy.run`` changes while a replica's step runs: as in TensorFlow, an optimizer's
``apply_gradients`` (and ``apply``) sums the gradients over the replicas before its update, so a
custom loop whose loss is scaled by the global batch (``tf.nn.compute_average_loss``) updates
every worker with the gradient of the global batch's mean loss."""
import contextlib

import numpy as np


@contextlib.contextmanager
def summing_gradients(communicator):
    """Within the block, every Optimizer.apply first sums its gradients over the workers (one Allreduce)."""
    if communicator.size == 1:
        yield
        return
    from glassnet.keras.optimizers.optimizer import Optimizer  # late: keras imports glassnet.distribute
    original = Optimizer.apply

    def apply(optimizer, grads, trainable_variables=None):
        return original(optimizer, sum_over_workers(list(grads), communicator), trainable_variables)

    Optimizer.apply = apply
    try:
        yield
    finally:
        Optimizer.apply = original


def sum_over_workers(arrays, communicator, scale=1.0):
    """`arrays` (None entries kept) times `scale`, summed over the workers in one Allreduce of one buffer."""
    present = [i for i, a in enumerate(arrays) if a is not None]
    values = [np.asarray(getattr(arrays[i], "value", arrays[i])) for i in present]
    buffer = np.concatenate([v.reshape(-1) for v in values]) if values else np.zeros(0)
    if scale != 1.0:
        buffer *= buffer.dtype.type(scale)
    communicator.allreduce_sum(buffer)
    result, offset = list(arrays), 0
    for i, v in zip(present, values):
        result[i] = buffer[offset:offset + v.size].reshape(v.shape)
        offset += v.size
    return result
