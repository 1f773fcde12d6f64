"""Resolving string identifiers ('relu', 'adam', 'mse', ...) the one way every `get()` does."""


def lookup(table, name, kind, plural, known=None):
    """``table[name]`` (else what the user registered under `name`), or the ValueError every
    ``get()`` raises for an unknown name.

    Args:
        table: name -> object.
        kind: what is looked up, for the message (``'activation function'``).
        plural: how the known names are introduced (``'activations'``).
        known: the names to list, if not every key of `table`.
    """
    try:
        return table[name]
    except (KeyError, TypeError):
        registered = registered_object(name)
        if registered is not None:
            return registered
        names = ", ".join(sorted(table if known is None else known))
        raise ValueError(f"Could not interpret {kind} identifier: {name!r}. Known {plural}: {names}.") from None


def resolve(identifier, base, by_name, deserialize, kind, expected):
    """What every configurable family's ``get()`` does: None and `base` instances as they are, a
    name looked up and built with its defaults, a dict deserialized, a `base` subclass built, any
    other callable as it is; else the ValueError naming `kind` and what was `expected`."""
    if identifier is None or isinstance(identifier, base):
        return identifier
    if isinstance(identifier, str):
        return by_name(identifier)()
    if isinstance(identifier, dict):
        registered = registered_object(identifier.get("registered_name"))
        if isinstance(registered, type):  # the user's own class, by the name it was registered under
            return registered.from_config(dict(identifier.get("config") or {}))
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, base):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret {kind} identifier: {identifier!r} of type "
                     f"{type(identifier).__name__}. Expected {expected}.")


def registered_object(name):
    """What the user registered (or passed in ``custom_objects``) under `name`, else None."""
    if not isinstance(name, str):
        return None
    from glassnet.keras.saving import object_registration  # saving imports the families: import late
    return object_registration.get_registered_object(name)
