"""Resolving string identifiers ('relu', 'adam', 'mse', ...) the one way every `get()` does."""


def lookup(table, name, kind, plural, known=None):
    """``table[name]``, or the ValueError every ``get()`` raises for an unknown name.

    Args:
        table: name -> object.
        kind: what is looked up, for the message (``'activation function'``).
        plural: how the known names are introduced (``'activations'``).
        known: the names to list, if not every key of `table`.
    """
    try:
        return table[name]
    except (KeyError, TypeError):
        names = ", ".join(sorted(table if known is None else known))
        raise ValueError(f"Could not interpret {kind} identifier: {name!r}. Known {plural}: {names}.") from None
