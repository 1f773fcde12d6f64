"""tf.nn's loss helpers for custom training loops under a strategy."""
from glassnet.autodiff import convert_to_tensor, ops


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """The sum of the (weighted) per-example losses divided by the global batch size: summed over
    the replicas, the mean loss of the global batch (tf.nn.compute_average_loss). Without
    `global_batch_size`: this replica's batch times ``num_replicas_in_sync``."""
    from glassnet.distribute.strategy import get_strategy
    loss = convert_to_tensor(per_example_loss)
    if sample_weight is not None:
        loss = loss * convert_to_tensor(sample_weight, dtype=loss.dtype)
    if global_batch_size is None:
        rows = loss.shape[0] if loss.ndim else 1
        global_batch_size = rows * get_strategy().num_replicas_in_sync
    if isinstance(global_batch_size, bool) or not isinstance(global_batch_size, int) or global_batch_size < 1:
        raise ValueError("`global_batch_size` must be a positive int (the rows of a batch over all replicas). "
                         f"Received: global_batch_size={global_batch_size!r}")
    return ops.sum(loss) / float(global_batch_size)


def scale_regularization_loss(regularization_loss):
    """A penalty divided by ``num_replicas_in_sync``: summed over the replicas, counted once."""
    from glassnet.distribute.strategy import get_strategy
    return convert_to_tensor(regularization_loss) / float(get_strategy().num_replicas_in_sync)
