"""Small data sets that ship with glassnet (nothing is downloaded)."""
from glassnet.datasets import synthetic_digits
