"""How workers talk: MPI between processes under ``mpiexec``, or nothing at all for one process.

mpi4py is imported only when a MultiWorkerMirroredStrategy is made in a process that ``mpiexec``
started (its environment names a rank), so ``import glassnet`` and one-process training never
load MPI. Every collective is started non-blocking and polled against a deadline
(``GLASSNET_DISTRIBUTE_TIMEOUT`` seconds, 300 by default): a worker that dies or stops calling
makes the others fail with an error, not hang.
"""
import os
import time

import numpy as np

# The variables mpiexec launchers set in each worker's environment (MPICH/Hydra, Open MPI, Slurm's PMI).
_LAUNCHER_VARIABLES = ("PMI_RANK", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS")


def launched_by_mpi():
    """Whether this process was started by an MPI launcher (mpiexec, mpirun, srun --mpi)."""
    return any(name in os.environ for name in _LAUNCHER_VARIABLES)


def timeout_seconds():
    """The deadline of one collective call, from ``GLASSNET_DISTRIBUTE_TIMEOUT`` (seconds)."""
    value = os.environ.get("GLASSNET_DISTRIBUTE_TIMEOUT", "300")
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise ValueError("GLASSNET_DISTRIBUTE_TIMEOUT must be a positive number of seconds. "
                         f"Received: GLASSNET_DISTRIBUTE_TIMEOUT={value!r}")
    return seconds


# How a waiting worker polls a collective: without pause for the first millisecond (a step's
# collectives complete within it), then giving its core to any other runnable process between
# polls (on a machine with more processes than cores, that may be the worker it waits for), and
# after 50 ms pausing a millisecond between polls (a slower worker, an evaluation).
_SPIN_SECONDS, _YIELD_SECONDS = 1e-3, 0.05


class DistributeTimeoutError(RuntimeError):
    """A collective call did not complete before its deadline: another worker failed or stopped."""


class LocalCommunicator:
    """One worker: every collective is the identity, at no cost."""

    rank, size = 0, 1
    collective_seconds, collective_calls = 0.0, 0

    def allreduce_sum(self, array):
        return array

    def broadcast(self, array, root=0):
        return array

    def allgather_object(self, value):
        return [value]

    def abort(self, code=1):
        raise SystemExit(code)


class MPICommunicator:
    """The ranks of ``MPI.COMM_WORLD`` as workers; collectives on NumPy arrays with a deadline."""

    def __init__(self):
        from mpi4py import MPI  # only here: see the module docstring
        self._mpi = MPI
        self._comm = MPI.COMM_WORLD
        self.rank, self.size = self._comm.Get_rank(), self._comm.Get_size()
        self._machine = None  # the workers on this worker's machine (see machine()), once asked for
        # the time spent in collective calls (waiting for the others included) and their count, for benchmarks
        self.collective_seconds, self.collective_calls = 0.0, 0

    def _wait(self, request, what):
        """Poll `request` until it completes; past the deadline raise, naming what was awaited."""
        start = time.monotonic()
        self._poll(request, what, start)
        self.collective_seconds += time.monotonic() - start
        self.collective_calls += 1

    def _poll(self, request, what, start):
        deadline = start + timeout_seconds()
        while not request.Test():  # each Test also drives MPI's progress: a pause between them slows the call
            now = time.monotonic()
            if now > deadline:
                raise DistributeTimeoutError(
                    f"Worker {self.rank} waited more than {timeout_seconds():g} s (GLASSNET_DISTRIBUTE_TIMEOUT) for "
                    f"{what} with the other {self.size - 1} worker(s): one of them failed, stopped, or runs a "
                    "different number of steps.")
            if now - start > _YIELD_SECONDS:
                time.sleep(1e-3)
            elif now - start > _SPIN_SECONDS:
                os.sched_yield()

    def allreduce_sum(self, array):
        """The elementwise sum of `array` over all workers, in place (a contiguous NumPy array)."""
        self._wait(self._comm.Iallreduce(self._mpi.IN_PLACE, array, op=self._mpi.SUM), "an Allreduce")
        return array

    def barrier(self, what, comm=None):
        """Wait until every worker (of `comm`, by default all) has called barrier; `what` names the wait."""
        self._wait((comm or self._comm).Ibarrier(), what)

    def machine(self):
        """The MPI communicator of the workers on this worker's machine (those that can share memory)."""
        if self._machine is None:
            self._machine = self._comm.Split_type(self._mpi.COMM_TYPE_SHARED)
        return self._machine

    def on_one_machine(self):
        """Whether every worker runs on this worker's machine."""
        return self.machine().Get_size() == self.size

    def broadcast(self, array, root=0):
        """`root`'s values of `array` on every worker, in place."""
        self._wait(self._comm.Ibcast(array, root=root), "a broadcast")
        return array

    def allgather_object(self, value):
        """Every worker's `value` (a small picklable object), in rank order."""
        import pickle
        payload = np.frombuffer(pickle.dumps(value), dtype=np.uint8)
        sizes = np.zeros(self.size, dtype=np.int64)
        sizes[self.rank] = payload.size
        self.allreduce_sum(sizes)
        gathered = np.zeros(int(sizes.sum()), dtype=np.uint8)
        offsets = np.concatenate([[0], np.cumsum(sizes)])
        gathered[offsets[self.rank]:offsets[self.rank + 1]] = payload
        self.allreduce_sum(gathered)  # each worker fills its own span; the sum assembles them
        return [pickle.loads(gathered[offsets[i]:offsets[i + 1]].tobytes()) for i in range(self.size)]

    def abort(self, code=1):
        """End every worker (mpiexec stops them all): after a worker's error, nobody waits for it."""
        self._comm.Abort(code)


def communicator():
    """The MPI communicator under an MPI launcher with more than one rank, else a LocalCommunicator."""
    if not launched_by_mpi():
        return LocalCommunicator()
    try:
        mpi = MPICommunicator()
    except ImportError as error:
        raise ImportError("This process was started by mpiexec, and MultiWorkerMirroredStrategy needs mpi4py to "
                          'talk to the other workers: pip install "glassnet[mpi]"') from error
    return mpi if mpi.size > 1 else LocalCommunicator()
