"""Dataset sizes as tf.data counts them: a number of elements, or one of two markers."""
INFINITE_CARDINALITY = -1  # repeat() without a count
UNKNOWN_CARDINALITY = -2  # filter, unbatch, from_generator: only iterating tells


def known(count):
    """Whether `count` is a number of elements (not a marker)."""
    return count >= 0


def add(a, b):
    """Cardinality of one dataset followed by another (concatenate)."""
    if INFINITE_CARDINALITY in (a, b):
        return INFINITE_CARDINALITY
    if UNKNOWN_CARDINALITY in (a, b):
        return UNKNOWN_CARDINALITY
    return a + b


def smallest(counts):
    """Cardinality of datasets zipped together: they stop with the shortest."""
    finite = [c for c in counts if known(c)]
    if finite:
        return min(finite) if UNKNOWN_CARDINALITY not in counts else UNKNOWN_CARDINALITY
    return UNKNOWN_CARDINALITY if UNKNOWN_CARDINALITY in counts else INFINITE_CARDINALITY
