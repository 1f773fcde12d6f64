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
