"""``keras.preprocessing.sequence``: Keras 3 keeps ``pad_sequences`` here too (one function, two names)."""
from glassnet.keras.utils.sequence_utils import pad_sequences

__all__ = ["pad_sequences"]
