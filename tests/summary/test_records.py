import io
import struct

import pytest

from glassnet.summary.crc32c import masked_crc32c
from glassnet.summary.records import frame, read_records


def test_frame_layout():
    data = b"event bytes"
    framed = frame(data)
    assert struct.unpack("<Q", framed[:8])[0] == len(data)
    assert struct.unpack("<I", framed[8:12])[0] == masked_crc32c(framed[:8])
    assert framed[12:-4] == data
    assert struct.unpack("<I", framed[-4:])[0] == masked_crc32c(data)


def test_round_trip_including_empty_record():
    records = [b"", b"x", bytes(range(256)) * 3]
    assert list(read_records(io.BytesIO(b"".join(frame(r) for r in records)))) == records


@pytest.mark.parametrize("where", [0, 9, 14, -1])
def test_a_flipped_byte_is_caught(where):
    framed = bytearray(frame(b"some data"))
    framed[where] ^= 0x01
    with pytest.raises(ValueError, match="Corrupt"):
        list(read_records(io.BytesIO(bytes(framed))))


def test_a_truncated_record_is_caught():
    with pytest.raises(ValueError, match="truncated"):
        list(read_records(io.BytesIO(frame(b"some data")[:-2])))


def test_tensorboards_reader_reads_our_records(tmp_path):
    pywrap = pytest.importorskip("tensorboard.compat.tensorflow_stub.pywrap_tensorflow")
    path = tmp_path / "records"
    path.write_bytes(frame(b"first") + frame(b"") + frame(b"third" * 100))
    reader = pywrap.PyRecordReader_New(str(path))
    read = []
    for _ in range(3):
        reader.GetNext()
        read.append(reader.record())
    assert read == [b"first", b"", b"third" * 100]
