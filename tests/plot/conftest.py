"""What the picture tests share: matplotlib required (or the module skipped), a PNG reader."""
import struct

import pytest

SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def png_size():
    """(width, height) of a complete PNG file, after checking its signature, header and end chunk."""
    def read(path):
        data = open(path, "rb").read()
        assert data[:8] == SIGNATURE and data[12:16] == b"IHDR", f"{path} is not a PNG"
        assert data[-12:] == b"\x00\x00\x00\x00IEND\xaeB`\x82", f"{path} is cut short"
        return struct.unpack(">II", data[16:24])
    return read
