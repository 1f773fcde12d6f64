"""CRC-32C (Castagnoli), the checksum of TensorFlow's record files, in pure Python.

TFRecord files (event files included) guard each record's length and data with a *masked*
CRC-32C. The checksum is the reflected CRC with polynomial 0x82F63B78 (RFC 3720, section B.4),
computed a byte at a time from a 256-entry table; the mask rotates it and adds a constant, so
that a CRC stored inside checksummed data does not checksum to a fixed pattern.

Example:
    >>> hex(crc32c(b"123456789"))  # the standard check value
    '0xe3069283'
    >>> hex(masked_crc32c(b""))
    '0xa282ead8'
"""

_POLYNOMIAL = 0x82F63B78  # 0x1EDC6F41 bit-reversed: the table is for the reflected (LSB-first) CRC
_MASK_DELTA = 0xA282EAD8
_U32 = 0xFFFFFFFF


def _make_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ _POLYNOMIAL if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_TABLE = _make_table()


def crc32c(data, crc=0):
    """The CRC-32C of `data` (bytes-like), continuing from `crc` (a previous result) if given."""
    table = _TABLE
    crc ^= _U32
    for byte in bytes(data):
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ _U32


def mask(crc):
    """TensorFlow's masking of a stored CRC: rotate right by 15 bits, add a constant (mod 2**32)."""
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & _U32


def masked_crc32c(data):
    """The masked CRC-32C that TFRecord files store after a record's length and after its data."""
    return mask(crc32c(data))
