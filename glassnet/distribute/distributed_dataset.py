"""experimental_distribute_dataset: each worker iterates over its rows of every global batch."""
from glassnet.distribute.sharding import shard


class DistributedDataset:
    """Iterates over (this worker's share of) each element of a batched Dataset."""

    def __init__(self, dataset, size, rank):
        self._dataset, self._size, self._rank = dataset, size, rank

    def __iter__(self):
        for element in self._dataset:
            yield _sharded(element, self._size, self._rank)


def _sharded(element, size, rank):
    if isinstance(element, (tuple, list)):
        return type(element)(_sharded(part, size, rank) for part in element)
    if isinstance(element, dict):
        return {key: _sharded(part, size, rank) for key, part in element.items()}
    return shard(element, size, rank) if size > 1 else element
