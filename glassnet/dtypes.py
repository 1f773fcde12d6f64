"""Dtype names as in TensorFlow (``tf.float32``): they are NumPy dtypes here."""
import numpy as np

float16 = np.dtype("float16")
float32 = np.dtype("float32")
float64 = np.dtype("float64")
int32 = np.dtype("int32")
int64 = np.dtype("int64")
uint8 = np.dtype("uint8")
bool = np.dtype("bool")  # noqa: A001 - TF's name
# No string tensor here: strings are NumPy arrays of str or bytes. tf.string is the name that
# Input(dtype=...) and the lookup layers take for them, as Keras's "string".
string = "string"
