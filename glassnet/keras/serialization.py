"""Keras's dict form of a configurable object: what its configs and ``.keras`` files hold."""


class Configurable:
    """What initializers, regularizers and constraints share: ``get_config()`` holds the
    constructor's arguments, so ``cls.from_config(obj.get_config())`` rebuilds an equal object,
    and the repr shows them."""

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def serialize(obj, module):
    """``{"module", "class_name", "config", "registered_name"}`` for `obj` (``None`` for ``None``).

    >>> from glassnet.keras.regularizers import L2
    >>> serialize(L2(0.5), "keras.regularizers")
    {'module': 'keras.regularizers', 'class_name': 'L2', 'config': {'l2': 0.5}, 'registered_name': None}
    """
    if obj is None:
        return None
    cls = type(obj)
    if cls.__module__.startswith("glassnet."):
        return {"module": module, "class_name": cls.__name__, "config": obj.get_config(), "registered_name": None}
    from glassnet.keras.saving import object_registration  # the user's own class: named as registered
    return {"module": cls.__module__, "class_name": cls.__name__, "config": obj.get_config(),
            "registered_name": object_registration.get_registered_name(cls)}
