"""Tracking: a layer finds its sub-layers, variables and metrics wherever Keras finds them.

Keras tracks every attribute of a layer: a ``Dense`` assigned to ``self.hidden``, a list
of blocks in ``self.blocks`` (appended to later, too), a dict of heads, a ``Variable``
assigned directly. Lists and dicts assigned to a layer are wrapped in :class:`TrackedList`
and :class:`TrackedDict`, which behave exactly like ``list`` and ``dict`` but note every
change, so a model's weight list is recomputed only after its structure changed.

The note is one global counter (:func:`structure_version`): any change anywhere makes
every cached listing stale. Structures change rarely (while models are being assembled),
and listings are read every step, so this is the cheap side to be exact on.
"""

_version = [0]


def structure_version():
    """A number that changes whenever any tracked structure changes."""
    return _version[0]


def structure_changed():
    _version[0] += 1


class TrackedList(list):
    """A ``list`` whose changes are noted (Keras's ListWrapper)."""


class TrackedDict(dict):
    """A ``dict`` whose changes are noted (Keras's DictWrapper)."""


def _noting_change(base, name):
    method = getattr(base, name)

    def changing(self, *args, **kwargs):
        structure_changed()
        return method(self, *args, **kwargs)

    changing.__name__ = name
    return changing


for _name in ("append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse",
              "__setitem__", "__delitem__", "__iadd__", "__imul__"):
    setattr(TrackedList, _name, _noting_change(list, _name))
for _name in ("__setitem__", "__delitem__", "pop", "popitem", "clear", "update", "setdefault", "__ior__"):
    setattr(TrackedDict, _name, _noting_change(dict, _name))


def wrap(value):
    """Lists and dicts (also nested in tuples) as their tracked versions; anything else as is."""
    if type(value) is list:
        return TrackedList(wrap(item) for item in value)
    if type(value) is dict:
        return TrackedDict((key, wrap(item)) for key, item in value.items())
    if type(value) is tuple:
        return tuple(wrap(item) for item in value)
    return value


def leaves(value, kinds, seen):
    """The objects of `kinds` in `value` and in the lists, tuples and dicts inside it, in order,
    each once (`seen` holds the ids already given)."""
    if isinstance(value, kinds):
        if id(value) not in seen:
            seen.add(id(value))
            yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from leaves(item, kinds, seen)
    elif isinstance(value, dict):
        for item in value.values():
            yield from leaves(item, kinds, seen)


def is_container(value):
    return isinstance(value, (list, tuple, dict))
