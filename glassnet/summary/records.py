"""TFRecord framing, the container of event files: each record is

    uint64 length | uint32 masked CRC-32C of those 8 bytes | data | uint32 masked CRC-32C of data

all little-endian. `read_records` checks both checksums, as TensorFlow's reader does.

Example:
    >>> import io
    >>> framed = frame(b"abc")
    >>> len(framed)  # 8 + 4 + 3 + 4
    19
    >>> list(read_records(io.BytesIO(framed + framed)))
    [b'abc', b'abc']
"""
import struct

from glassnet.summary.crc32c import masked_crc32c


def frame(data):
    """`data` (bytes) as one complete record."""
    header = struct.pack("<Q", len(data))
    return header + struct.pack("<I", masked_crc32c(header)) + data + struct.pack("<I", masked_crc32c(data))


def read_records(file):
    """Yield the data of each record of a binary file object, checking the CRCs.

    Raises ValueError on a corrupt or truncated record, naming its offset."""
    while True:
        offset = file.tell()
        header = file.read(12)
        if not header:
            return
        length = struct.unpack("<Q", header[:8])[0] if len(header) == 12 else -1
        if length < 0 or struct.unpack("<I", header[8:])[0] != masked_crc32c(header[:8]):
            raise ValueError(f"Corrupt record header at byte {offset}.")
        data, footer = file.read(length), file.read(4)
        if len(data) != length or len(footer) != 4 or struct.unpack("<I", footer)[0] != masked_crc32c(data):
            raise ValueError(f"Corrupt or truncated record data at byte {offset}.")
        yield data
