"""Memory that every worker on one machine maps: an MPI-3 shared window (``MPI_Win_allocate_shared``).

Worker 0 of the machine allocates the whole window and the others map the same pages, so an
array in it is one array that every worker reads and writes. A write becomes visible to the
other workers at the next :meth:`SharedMemory.synchronize` (a memory barrier on the window, then
a barrier of the workers, under the communicator's deadline).
"""
import numpy as np

# Every array starts on a cache line of its own: two workers writing neighbouring arrays (or
# neighbouring halves of one, split at these bounds) never write the same line.
LINE_BYTES = 64


def line_elements(dtype):
    """How many elements of `dtype` fill one cache line."""
    return max(1, LINE_BYTES // np.dtype(dtype).itemsize)


def padded(count, dtype):
    """`count` rounded up to a whole number of cache lines of `dtype`."""
    line = line_elements(dtype)
    return -(-count // line) * line


class SharedMemory:
    """`nbytes` of memory shared by the workers of one machine (a collective call: every worker of
    the machine makes it, with the same `nbytes`)."""

    def __init__(self, communicator, nbytes):
        mpi, machine = communicator._mpi, communicator.machine()
        self._communicator, self._machine = communicator, machine
        own = nbytes if machine.Get_rank() == 0 else 0
        self._window = mpi.Win.Allocate_shared(own, 1, comm=machine)
        buffer, _ = self._window.Shared_query(0)
        self._bytes = np.frombuffer(buffer, dtype=np.uint8)
        self._window.Lock_all(mpi.MODE_NOCHECK)  # plain loads and stores from now on, ordered by Sync
        self._used = 0

    def array(self, size, dtype):
        """The next `size` elements of the memory as an array of `dtype`, starting on a cache line."""
        dtype = np.dtype(dtype)
        start = -(-self._used // LINE_BYTES) * LINE_BYTES
        stop = start + size * dtype.itemsize
        if stop > self._bytes.size:
            raise ValueError(f"The shared memory holds {self._bytes.size} bytes; {stop} were asked for.")
        self._used = stop
        return self._bytes[start:stop].view(dtype)

    def synchronize(self, what):
        """Wait for every worker of the machine; afterwards each sees the others' writes. `what` names the wait."""
        self._window.Sync()
        self._communicator.barrier(what, self._machine)
        self._window.Sync()

    def free(self):
        """Give the memory back (a collective call). No array from :meth:`array` may be used after it."""
        self._bytes = None
        self._window.Unlock_all()
        self._window.Free()

    @staticmethod
    def bytes_for(sizes, dtype):
        """The bytes that arrays of `sizes` elements of `dtype` take, each on its own cache lines."""
        itemsize = np.dtype(dtype).itemsize
        return sum(padded(size, dtype) * itemsize for size in sizes)
