"""Data sets: small ones that ship with glassnet (nothing is downloaded), and Keras's MNIST."""
from glassnet.datasets import digits, mnist, synthetic_digits
