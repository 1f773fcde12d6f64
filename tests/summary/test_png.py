import io
import struct
import zlib

import numpy as np
import pytest

from glassnet.summary.png import encode_png


def test_layout_by_hand():
    png = encode_png(np.array([[[7], [9]]], dtype=np.uint8))  # one row of two grey pixels
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", png[8:16])
    assert (length, kind) == (13, b"IHDR")
    assert struct.unpack(">IIBBBBB", png[16:29]) == (2, 1, 8, 0, 0, 0, 0)  # width 2, height 1, 8-bit grey
    idat_length = struct.unpack(">I", png[33:37])[0]
    assert png[37:41] == b"IDAT"
    assert zlib.decompress(png[41:41 + idat_length]) == b"\x00\x07\x09"  # filter byte 0, then the pixels
    assert png.endswith(b"IEND" + struct.pack(">I", zlib.crc32(b"IEND")))


@pytest.mark.parametrize("channels", [1, 2, 3, 4])
def test_pillow_reads_the_pixels_back(channels):
    image_module = pytest.importorskip("PIL.Image")
    pixels = np.random.default_rng(channels).integers(0, 256, (5, 7, channels)).astype(np.uint8)
    decoded = np.asarray(image_module.open(io.BytesIO(encode_png(pixels))))
    np.testing.assert_array_equal(decoded.reshape(pixels.shape), pixels)


@pytest.mark.parametrize("bad", [np.zeros((2, 2, 3), np.float32), np.zeros((2, 2), np.uint8),
                                 np.zeros((2, 2, 5), np.uint8)])
def test_refuses_what_it_cannot_encode(bad):
    with pytest.raises(ValueError, match="uint8 array"):
        encode_png(bad)
