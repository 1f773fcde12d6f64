import os

import pytest

from glassnet.summary.crc32c import crc32c, mask, masked_crc32c


@pytest.mark.parametrize("data, expected", [
    # RFC 3720 (iSCSI), appendix B.4: CRC-32C examples
    (bytes(32), 0x8A9136AA),
    (b"\xff" * 32, 0x62A8AB43),
    (bytes(range(32)), 0x46DD794E),
    (bytes(range(31, -1, -1)), 0x113FDB5C),
    (bytes.fromhex("01c00000" "00000000" "00000000" "00000000" "14000000" "00000400" "00000014"
                   "00000018" "28000000" "00000000" "02000000" "00000000"), 0xD9963A56),
    # the standard check value of the CRC catalogue, and the empty string
    (b"123456789", 0xE3069283),
    (b"", 0),
])
def test_rfc3720_vectors(data, expected):
    assert crc32c(data) == expected


def test_continuing_from_a_previous_crc_equals_one_pass():
    data = os.urandom(1000)
    assert crc32c(data[400:], crc32c(data[:400])) == crc32c(data)


def test_mask_is_tensorflows_rotate_and_add():
    # ((crc >> 15) | (crc << 17)) + 0xa282ead8, mod 2**32, worked by hand for crc = 1:
    # 1 >> 15 = 0; 1 << 17 = 0x20000; 0x20000 + 0xa282ead8 = 0xa284ead8
    assert mask(1) == 0xA284EAD8
    assert masked_crc32c(b"123456789") == mask(0xE3069283)


def test_same_as_tensorboards_own_crc():
    pywrap = pytest.importorskip("tensorboard.compat.tensorflow_stub.pywrap_tensorflow")
    for size in (0, 1, 7, 8, 9, 100, 1000):
        data = os.urandom(size)
        assert masked_crc32c(data) == pywrap.masked_crc32c(data)
