"""The fixed sample of training rows that Diagnostics traces once per epoch.

Rows are drawn once, with a private generator: glassnet's global random state (which
shuffles the batches and draws dropout masks) is never touched, so a seeded ``fit`` trains
exactly the same with or without Diagnostics.
"""
import numpy as np


class Sample:
    """``x``, ``y`` and ``sample_weight`` (y and sample_weight may be None) of a few rows."""

    def __init__(self, x, y=None, sample_weight=None):
        self.x, self.y, self.sample_weight = x, y, sample_weight

    @classmethod
    def draw(cls, x, y, sample_weight, size, seed):
        """At most `size` rows of the arrays, chosen at random (in their original order)."""
        n = len(x)
        if n <= size:
            return cls(x, y, sample_weight)
        rows = np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))
        return cls(*(None if a is None else a[rows] for a in (x, y, sample_weight)))

    @classmethod
    def given(cls, sample):
        """The user's ``sample=(x, y)`` or ``(x, y, sample_weight)`` (or x alone)."""
        if sample is None:
            return None
        if isinstance(sample, (tuple, list)):
            if not 1 <= len(sample) <= 3:
                raise ValueError("`sample` must be x, (x, y) or (x, y, sample_weight). "
                                 f"Received: a {type(sample).__name__} of length {len(sample)}")
            return cls(*sample)
        return cls(sample)
