"""``glassnet.utils``: the seed helper at the top level too (the same function as keras.utils')."""
from glassnet.keras.utils import set_random_seed

__all__ = ["set_random_seed"]
