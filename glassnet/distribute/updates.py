"""How a distributed fit turns every worker's gradient into one update of the weights.

Each worker's gradient is that of its rows' mean loss; weighted by the worker's share of the
global batch (its rows / the batch's rows) and summed over the workers, it is the gradient of
the global batch's mean loss. Two ways to apply it, chosen once per fit (:func:`for_fit`):

- :class:`AllreducedUpdate`, everywhere: one Allreduce of the flat gradient buffer per step,
  then every worker runs the whole optimizer update on its own copy of the weights. That copy
  stays identical on every worker because they all apply the same arithmetic to the same sums.
- :class:`SharedUpdate`, when every worker runs on one machine and the optimizer updates its
  flat buffers with nothing per variable (no clipping, constraints, EMA or accumulation): the
  weights and the optimizer's slots live once, in memory the workers share. Each step every
  worker writes its gradient there; after a barrier, each sums the gradients over its own
  1/p of the elements and updates that part of the weights and slots; after a second barrier,
  everyone reads the new weights. No gradient crosses between processes and each worker runs
  1/p of the update, where the Allreduce costs a copy of the gradient each way and every worker
  the whole update. At the end of fit each worker takes a private copy again.
"""
import os

import numpy as np

from glassnet.distribute.replica import sum_over_workers
from glassnet.distribute.shared_memory import SharedMemory, line_elements, padded
from glassnet.keras.optimizers import flat


class AllreducedUpdate:
    """Sum the gradients with one Allreduce, then every worker applies the whole update."""

    def __init__(self, communicator, shares):
        self.comm, self.shares = communicator, shares  # shares: the global batch's split, set per batch

    def sum_gradients(self, grads):
        """`grads` (a list, None entries kept) weighted by this worker's share and summed over the workers."""
        return sum_over_workers(list(grads), self.comm, self.shares.own())

    def update(self, optimizer, gradient, learning_rate):
        """The optimizer's flat update from the sum of every worker's flat `gradient` (weighted)."""
        gradient *= gradient.dtype.type(self.shares.own())
        self.comm.allreduce_sum(gradient)
        optimizer._update_flat(gradient, learning_rate)

    def release(self, optimizer):
        """Nothing to give back."""


class SharedUpdate:
    """The weights and slots of `optimizer` in memory the workers of this machine share; each worker
    updates its own span of them (see the module docstring). Every worker makes it at the same point."""

    def __init__(self, communicator, shares, optimizer):
        self.comm, self.shares = communicator, shares
        weights, slots, _ = optimizer._flat
        size, dtype, workers = weights.size, weights.dtype, communicator.size
        self.memory = SharedMemory(communicator, SharedMemory.bytes_for([size] * (1 + len(slots) + workers), dtype))
        shared_weights = self.memory.array(size, dtype)
        shared_slots = {name: self.memory.array(size, dtype) for name in slots}
        self.gradients = [self.memory.array(size, dtype) for _ in range(workers)]
        self.span = _span(size, dtype, workers, communicator.rank)
        if communicator.rank == 0:  # worker 0's values (every worker holds the same ones)
            shared_weights[...] = weights
            for name, values in slots.items():
                shared_slots[name][...] = values
        self.memory.synchronize("the shared weights")
        flat.rebind(optimizer._trainable_variables, shared_weights)
        for name, group in optimizer._slot_groups.items():
            flat.rebind(group, shared_slots[name])
        optimizer._flat = (shared_weights, shared_slots, self.gradients[communicator.rank])

    def sum_gradients(self, grads):
        raise RuntimeError("A distributed fit that shares its weights between workers can only update them all "
                           "at once through the optimizer's flat buffers; this update needs each variable apart.")

    def update(self, optimizer, gradient, learning_rate):
        """Sum every worker's gradient over this worker's span, update that span, wait for the others."""
        own = self.gradients[self.comm.rank]
        if gradient is not own:
            own[...] = gradient
        self.memory.synchronize("the other workers' gradients")
        weights, slots, _ = optimizer._flat
        start, stop = self.span
        for a in range(start, stop, flat.BLOCK_SIZE):  # a block's passes stay in the L2 cache
            b = min(a + flat.BLOCK_SIZE, stop)
            summed = self._summed(a, b)
            if optimizer.weight_decay is not None:
                optimizer._decay(weights[a:b], learning_rate)
            optimizer._update(summed, weights[a:b], {name: s[a:b] for name, s in slots.items()}, learning_rate)
        self.memory.synchronize("the other workers' updates")

    def _summed(self, a, b):
        """Elements [a, b) of the gradients, weighted by each worker's share and summed."""
        parts = [g[a:b] for g in self.gradients]
        shares = self.shares.all()
        summed, dtype = flat.scratch(parts[0], 2), parts[0].dtype.type
        if len(set(shares)) == 1:  # an even split: sum, then one product
            summed = np.add(parts[0], parts[1], out=summed)
            for part in parts[2:]:
                summed += part
            summed *= dtype(shares[0])
            return summed
        summed = np.multiply(parts[0], dtype(shares[0]), out=summed)
        for part, share in zip(parts[1:], shares[1:]):
            summed += part * dtype(share)
        return summed

    def release(self, optimizer):
        """Give every worker a private copy of the weights and slots again, then free the shared memory."""
        weights, slots, _ = optimizer._flat
        self.memory.synchronize("the end of training")
        private = flat.pack(optimizer._trainable_variables)
        private_slots = {name: flat.pack(optimizer._slot_groups[name]) for name in slots}
        optimizer._flat = (private, private_slots, np.empty_like(private))
        self.memory.synchronize("the other workers' copies of the weights")
        self.memory.free()


def _span(size, dtype, workers, rank):
    """[start, stop) of the elements worker `rank` updates: even parts, cut at cache lines."""
    line = line_elements(dtype)
    lines = padded(size, dtype) // line
    start, stop = (min(size, (lines * k // workers) * line) for k in (rank, rank + 1))
    return start, stop


def can_share(communicator, model):
    """Whether this worker's fit of `model` can use a SharedUpdate (the workers must all agree)."""
    optimizer = model.optimizer
    if model._overridden("train_step") or not communicator.on_one_machine() or not model.trainable_weights:
        return False  # a custom step may apply updates that only the Allreduce serves
    optimizer._ensure_built(model.trainable_weights)
    if not optimizer._can_apply_flat_gradient(model.trainable_weights) or optimizer._may_raise_midway():
        return False
    weights, slots, _ = optimizer._flat
    return all(s.dtype == weights.dtype for s in slots.values())


def shared_memory_allowed():
    """``GLASSNET_DISTRIBUTE_SHARED_MEMORY=0`` keeps the weights private to each worker (the Allreduce)."""
    value = os.environ.get("GLASSNET_DISTRIBUTE_SHARED_MEMORY", "1")
    if value not in ("0", "1"):
        raise ValueError("GLASSNET_DISTRIBUTE_SHARED_MEMORY must be 0 (each worker keeps its own weights) or 1 "
                         f"(workers on one machine share them, the default). Received: {value!r}")
    return value == "1"


def for_fit(communicator, shares, model):
    """The update for this fit: a SharedUpdate where every worker can share, else an AllreducedUpdate."""
    allowed = shared_memory_allowed()
    shared = all(communicator.allgather_object(allowed and can_share(communicator, model)))
    if shared:
        return SharedUpdate(communicator, shares, model.optimizer)
    return AllreducedUpdate(communicator, shares)
