"""The protocol-buffer wire format, for writing: just what event files need.

A message is a sequence of fields, each a key (field number and wire type, as a varint) and a
value: a varint (ints, enums), 8 little-endian bytes (doubles) or a length-prefixed run of bytes
(strings, bytes, nested messages). Writing fields in field-number order and leaving out proto3
defaults (0, empty) gives the same bytes as protobuf's own serializer.

Example:
    >>> varint(300).hex()
    'ac02'
    >>> (uint_field(2, 150) + bytes_field(1, b"hi")).hex()
    '1096010a026869'
"""
import struct

_VARINT, _FIXED64, _LENGTH_DELIMITED = 0, 1, 2
_ONE_BYTE = [bytes((value,)) for value in range(0x80)]


def varint(value):
    """Base-128 varint, low 7-bit group first; negative int64 values as their two's complement."""
    if 0 <= value < 0x80:  # most keys and lengths: one byte
        return _ONE_BYTE[value]
    value &= 0xFFFFFFFFFFFFFFFF
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _key(number, wire_type):
    return varint(number << 3 | wire_type)


def uint_field(number, value):
    """An int64/int32/enum field; empty for 0 (the proto3 default is not written)."""
    return _key(number, _VARINT) + varint(int(value)) if value else b""


def double_field(number, value):
    """A double field; empty for 0.0."""
    return _key(number, _FIXED64) + struct.pack("<d", value) if value else b""


def bytes_field(number, value):
    """A bytes or string field (str is UTF-8 encoded); empty when empty."""
    if isinstance(value, str):
        value = value.encode("utf-8")
    return message_field(number, value) if value else b""


def message_field(number, encoded):
    """A nested message (already encoded), written even when empty: being set is what it says."""
    return _key(number, _LENGTH_DELIMITED) + varint(len(encoded)) + bytes(encoded)
