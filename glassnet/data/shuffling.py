"""shuffle: TensorFlow's buffer shuffle, on elements or on the row order of arrays.

TensorFlow fills a buffer of `buffer_size` elements, then repeatedly emits a uniformly chosen
buffer element and puts the next input element in its place; when the input ends, the buffer
is emptied in random order. With a buffer at least as large as the input, that is a uniform
random permutation, which is drawn in one call. A smaller buffer only mixes locally: an
element can come out at most `buffer_size - 1` places early.

Each pass draws from its own generator, seeded by (seed, pass number) with
`reshuffle_each_iteration`, else by (seed, 0): the same seed gives the same orders on every
run. Without a seed, one is drawn from glassnet's global generator when ``shuffle`` is called,
so ``tf.random.set_seed`` makes the orders repeat.
"""
import contextlib
import itertools

import numpy as np

from glassnet import random as glassnet_random
from glassnet.data import arrays
from glassnet.data.dataset import Dataset
from glassnet.keras import validation as check

_CHUNK = 1024  # indices handed on at once from a streaming shuffle
_peeking = [False]


@contextlib.contextmanager
def peeking():
    """Reading a first element only to learn the element spec: a shuffle draws the order of its next
    pass without using that pass up, so the spec costs no order."""
    before, _peeking[0] = _peeking[0], True
    try:
        yield
    finally:
        _peeking[0] = before


class Shuffle(Dataset):
    def __init__(self, dataset, buffer_size, seed, reshuffle_each_iteration):
        self.input = dataset
        self.buffer_size = check.integer("buffer_size", _number(buffer_size), minimum=1, owner="shuffle")
        if seed is None:
            seed = int(glassnet_random.generator().integers(2**63 - 1))
        self.seed = check.integer("seed", _number(seed), minimum=0, owner="shuffle")
        self.reshuffle = check.boolean("reshuffle_each_iteration", reshuffle_each_iteration, owner="shuffle")
        self.passes = 0

    def _next_generator(self):
        number = self.passes + 1
        if not _peeking[0]:
            self.passes = number
        return np.random.default_rng([self.seed, number if self.reshuffle else 0])

    def _elements(self):
        if self._index_source() is not None:
            yield from super()._elements()
            return
        rng = self._next_generator()
        elements = iter(self.input._elements())
        buffer = list(itertools.islice(elements, self.buffer_size))
        if len(buffer) < self.buffer_size:  # the whole input fits: one permutation
            for i in rng.permutation(len(buffer)):
                yield buffer[i]
            return
        for element in elements:
            i = rng.integers(len(buffer))
            yield buffer[i]
            buffer[i] = element
        for i in rng.permutation(len(buffer)):
            yield buffer[i]

    def _index_source(self):
        return self.input._index_source()

    def _index_chunks(self):
        rng = self._next_generator()
        chunks = iter(self.input._index_chunks())
        buffer, rest = _fill(chunks, self.buffer_size)
        if rest is None:
            yield rng.permutation(buffer)
            return
        yield from _streaming(buffer, itertools.chain([rest], chunks), rng)

    def _cardinality(self):
        return self.input._cardinality()

    def _spec(self):
        return self.input.element_spec


def _fill(chunks, size):
    """The first `size` indices as an array, and the part of the chunk after them (None if the input ended)."""
    taken, count = [], 0
    for chunk in chunks:
        if count + len(chunk) >= size:
            cut = size - count
            taken.append(chunk[:cut])
            return arrays.concatenate(taken), chunk[cut:]
        taken.append(chunk)
        count += len(chunk)
    return arrays.concatenate(taken), None


def _streaming(buffer, chunks, rng):
    """The buffer shuffle over index chunks; the random positions are drawn a chunk at a time."""
    out = np.empty(_CHUNK, dtype=np.int64)
    filled = 0
    size = len(buffer)
    for chunk in chunks:
        picks = rng.integers(size, size=len(chunk))
        for index, pick in zip(chunk, picks.tolist()):
            out[filled] = buffer[pick]
            buffer[pick] = index
            filled += 1
            if filled == _CHUNK:
                yield out.copy()
                filled = 0
    yield out[:filled].copy()
    yield buffer[rng.permutation(size)]


def _number(value):
    return int(value) if hasattr(value, "numpy") else value
