"""A minimal PNG encoder (8-bit grayscale, RGB or RGBA), for ``tf.summary.image``.

A PNG file is a signature and chunks, each ``length | type | data | CRC-32(type + data)``: IHDR
(size, bit depth 8, colour type), one IDAT (the zlib-compressed rows, each after a 0 byte, the
"no filter" filter), IEND. zlib's CRC-32 is PNG's own.

Example:
    >>> png = encode_png(np.zeros((2, 3, 1), dtype=np.uint8))
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n", png[12:16]
    (True, b'IHDR')
"""
import struct
import zlib

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_COLOUR_TYPES = {1: 0, 2: 4, 3: 2, 4: 6}  # channels -> grey, grey + alpha, RGB, RGBA


def encode_png(image):
    """PNG bytes of a ``[height, width, channels]`` uint8 array (1 to 4 channels)."""
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] not in _COLOUR_TYPES:
        raise ValueError(f"encode_png expects a [height, width, 1-4] uint8 array. "
                         f"Received: dtype {image.dtype}, shape {image.shape}")
    height, width, channels = image.shape
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOUR_TYPES[channels], 0, 0, 0)
    rows = np.concatenate([np.zeros((height, 1), np.uint8), image.reshape(height, width * channels)], axis=1)
    return _SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows.tobytes())) + _chunk(b"IEND", b"")


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
