"""Which rows of a global batch each worker takes: contiguous spans, as even as possible.

Worker `rank` of `size` takes rows ``[start, stop)`` of a global batch of `n` rows; the first
``n % size`` workers take one row more. The spans cover the batch in rank order, so gathering
the workers' results in rank order restores the batch.
"""


def shard_span(n, size, rank):
    """(start, stop) of worker `rank`'s rows in a batch of `n` rows split over `size` workers."""
    base, extra = divmod(n, size)
    start = rank * base + min(rank, extra)
    return start, start + base + (1 if rank < extra else 0)


def shard(array, size, rank):
    """Worker `rank`'s rows of `array` (None stays None; an InputArrays-like object slices itself)."""
    if array is None:
        return None
    start, stop = shard_span(len(array), size, rank)
    return array[start:stop]


class BatchShares:
    """Each worker's share of the current global batch (its rows / the batch's rows), as fit splits it:
    the weights of the workers' gradients in their sum."""

    def __init__(self, size, rank):
        self.size, self.rank = size, rank
        self._shares = [1.0 / size] * size

    def split(self, rows):
        """Set the shares for a global batch of `rows` rows."""
        self._shares = [(stop - start) / rows for start, stop in (shard_span(rows, self.size, k)
                                                                   for k in range(self.size))]

    def all(self):
        return self._shares

    def own(self):
        return self._shares[self.rank]
