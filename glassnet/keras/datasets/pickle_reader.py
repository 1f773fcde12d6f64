"""Reading the pickles inside Keras's data files without unpickling them.

CIFAR's batches are pickled dicts, and IMDB's and Reuters' ``.npz`` files hold pickled object
arrays. Unpickling runs whatever the file names (``GLOBAL os system`` then ``REDUCE`` is a shell
command), so these files are never given to ``pickle``. This module walks the opcodes itself and
builds only data: ints, bytes, strings, None, booleans, lists, tuples, dicts, and NumPy arrays of
fixed-size numbers or of such objects. An array is the one thing that names code in a pickle
(``numpy.core.multiarray._reconstruct``, ``numpy.ndarray``, ``numpy.dtype``); those three names
are recognised and the array is made here with ``np.frombuffer``, nothing of theirs is imported.
Any other opcode or name is refused with an error that says what was found and where.

>>> import pickle
>>> read_pickle(pickle.dumps({b"labels": [3, 1]}, protocol=3), "a batch")
{b'labels': [3, 1]}
>>> read_pickle(b"cos\\nsystem\\n(S'echo hi'\\ntR.", "a batch")
Traceback (most recent call last):
...
glassnet.keras.datasets.pickle_reader.RefusedFileError: Refusing to read a batch: it names ... os.system ...
"""
import codecs
import math
import pickletools

import numpy as np

_ARRAY_NAMES = {
    ("numpy.core.multiarray", "_reconstruct"): "_reconstruct",   # files written with NumPy 1
    ("numpy._core.multiarray", "_reconstruct"): "_reconstruct",  # and with NumPy 2
    ("numpy", "ndarray"): "ndarray",
    ("numpy", "dtype"): "dtype",
}
# The dtypes a data file's array may have: fixed-size numbers, and Python objects for ragged lists.
_DTYPES = {"u1", "u2", "u4", "u8", "i1", "i2", "i4", "i8", "f2", "f4", "f8", "b1", "O4", "O8"}


class RefusedFileError(ValueError):
    """A data file that is not what it should be; it was not unpickled."""


class _Name:
    """A recognised global (one of `_ARRAY_NAMES`): a label, nothing imported."""

    def __init__(self, name):
        self.name = name


class _Pending:
    """An array or dtype being built: REDUCE made it, BUILD gives it its state."""

    def __init__(self, kind, args):
        self.kind, self.args, self.value = kind, args, None


def read_pickle(data, what):
    """The object pickled in `data` (bytes), built from data opcodes only; `what` names it in errors."""
    return _Reader(data, what).run()


def _resolved(items):
    """`items` with each array or dtype already built in place of its placeholder (containers hold values)."""
    if any(type(item) is _Pending for item in items):
        return [item.value if type(item) is _Pending and item.value is not None else item for item in items]
    return items


def finished(value, what):
    """`value` with a built array or dtype in place of its placeholder."""
    if isinstance(value, _Pending):
        if value.value is None:
            raise RefusedFileError(f"Refusing to read {what}: an array in it was never given its contents.")
        return value.value
    return value


class _Reader:
    def __init__(self, data, what):
        self.data, self.what, self.pos = bytes(data), what, 0
        self.stack, self.marks, self.memo = [], [], {}

    def run(self):
        data, push, pos = self.data, self.stack.append, self.pos
        try:
            while True:
                code = data[pos]
                if code == 0x4B:    # BININT1 and BININT2, nearly every opcode of a list of word indices:
                    push(data[pos + 1])  # read here with local names, as Python reads them fastest
                    pos += 2
                elif code == 0x4D:
                    push(data[pos + 1] | data[pos + 2] << 8)
                    pos += 3
                elif code == 0x4A and pos + 5 <= len(data):  # BININT
                    push(int.from_bytes(data[pos + 1:pos + 5], "little", signed=True))
                    pos += 5
                elif code == 0x2E:  # STOP
                    if len(self.stack) != 1 or self.marks:
                        self._refuse(pos, "STOP", "the pickle ends with an unfinished structure")
                    return finished(self.stack[0], self.what)
                else:
                    self.pos = pos + 1
                    self._step(code, pos)
                    pos = self.pos
        except IndexError:
            self.pos = len(data)
            self._truncated()

    def _step(self, code, start):
        handler = _HANDLERS.get(code)
        if handler is None:
            op = pickletools.code2op.get(chr(code))
            self._refuse(start, op.name if op else f"byte {code:#04x}",
                         "an opcode that data files do not need" if op else "not a pickle opcode")
        try:
            handler(self, start)
        except RefusedFileError:
            raise
        except (IndexError, KeyError, TypeError, AttributeError, ValueError) as error:
            self._refuse(start, pickletools.code2op[chr(code)].name, f"a malformed structure ({error!r})")

    def read(self, n):
        if n < 0 or self.pos + n > len(self.data):
            self._truncated()
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def read_int(self, size, signed=False):
        return int.from_bytes(self.read(size), "little", signed=signed)

    def read_line(self, decode=True):
        end = self.data.find(b"\n", self.pos)
        if end < 0:
            self._truncated()
        line = self.read(end + 1 - self.pos)[:-1]
        return line.decode("ascii", "replace") if decode else line

    def pop_mark(self):
        mark = self.marks.pop()
        items = self.stack[mark:]
        del self.stack[mark:]
        return _resolved(items)

    def name(self, start, module, qualname, op):
        kind = _ARRAY_NAMES.get((module, qualname))
        if kind is None:
            raise RefusedFileError(
                f"Refusing to read {self.what}: it names the Python object {module}.{qualname} (pickle opcode {op} "
                f"at byte {start}). A data file holds only numbers, strings, lists and arrays; unpickling this one "
                "would import and run that code. The file is damaged or crafted; it was not unpickled."
            )
        self.stack.append(_Name(kind))

    def _truncated(self):
        raise RefusedFileError(f"Refusing to read {self.what}: it ends early at byte {self.pos} of {len(self.data)} (a "
                         "truncated file?). Delete it and download it again.")

    def _refuse(self, start, op, reason):
        raise RefusedFileError(f"Refusing to read {self.what}: pickle opcode {op} at byte {start}: {reason}. Only "
                               "plain data and NumPy arrays are read from a data file; it was not unpickled.")


def _reduce(reader, start):
    args = reader.stack.pop()
    callee = reader.stack.pop()
    if not isinstance(callee, _Name) or callee.name == "ndarray" or type(args) is not tuple:
        reader._refuse(start, "REDUCE", "a call of something other than NumPy's array or dtype constructor")
    if callee.name == "_reconstruct" and not (len(args) == 3 and isinstance(args[0], _Name)
                                              and args[0].name == "ndarray" and args[1] == (0,)):
        reader._refuse(start, "REDUCE", f"an array reconstructed with unexpected arguments {args!r}")
    reader.stack.append(_Pending("array" if callee.name == "_reconstruct" else "dtype", args))


def _build(reader, start):
    state = reader.stack.pop()
    target = reader.stack[-1]
    if not isinstance(target, _Pending) or target.value is not None or type(state) is not tuple:
        reader._refuse(start, "BUILD", "setting the state of something other than a new NumPy array or dtype")
    try:
        target.value = _dtype(target.args, state) if target.kind == "dtype" else _array(state, reader.what)
    except (TypeError, ValueError) as error:
        reader._refuse(start, "BUILD", str(error))


def _text(value):
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _dtype(args, state):
    """``numpy.dtype(typestr, align, copy)`` with the state ``(version, byteorder, None, None, None, ...)``."""
    typestr = _text(args[0]) if args else None
    if typestr not in _DTYPES:
        raise ValueError(f"an array of dtype {typestr!r}; expected one of {sorted(_DTYPES)}")
    if len(state) < 5 or _text(state[1]) not in ("<", ">", "|", "=") or any(part is not None for part in state[2:5]):
        raise ValueError(f"a dtype state {state!r}; expected a plain dtype without fields or subarrays")
    return np.dtype(typestr).newbyteorder(_text(state[1])) if _text(state[1]) in "<>" else np.dtype(typestr)


def _array(state, what):
    """An array from ``(version, shape, dtype, is_fortran, contents)``: raw bytes, or a list of objects."""
    if len(state) != 5:
        raise ValueError(f"an array state of {len(state)} items; expected 5")
    _, shape, dtype, fortran, contents = state
    dtype = finished(dtype, what)
    if not isinstance(dtype, np.dtype) or type(shape) is not tuple or not all(type(n) is int and n >= 0
                                                                              for n in shape):
        raise ValueError(f"an array of shape {shape!r} and dtype {dtype!r}")
    count, order = math.prod(shape), "F" if fortran else "C"
    if dtype.hasobject:
        if type(contents) is not list or len(contents) != count:
            raise ValueError(f"an object array of shape {shape} whose contents are not a list of {count} items")
        flat = np.empty(count, dtype=object)
        for i, item in enumerate(contents):
            flat[i] = finished(item, what)
        return flat.reshape(shape, order=order)
    if not isinstance(contents, (bytes, memoryview)) or len(contents) != count * dtype.itemsize:
        raise ValueError(f"an array of shape {shape} and dtype {dtype} needs {count * dtype.itemsize} bytes; "
                         f"its contents are {type(contents).__name__} of length {len(contents)}")
    return np.frombuffer(contents, dtype=dtype).reshape(shape, order=order).copy()


def _sized(length_size, decode=None):
    def handler(reader, start):
        chunk = bytes(reader.read(reader.read_int(length_size)))
        reader.stack.append(chunk.decode("utf-8", "surrogatepass") if decode else chunk)
    return handler


def _container(make):
    def handler(reader, start):
        reader.stack.append(make(reader.pop_mark()))
    return handler


def _tuple_of(n):
    def handler(reader, start):
        items = tuple(_resolved(reader.stack[len(reader.stack) - n:])) if n else ()
        del reader.stack[len(reader.stack) - n:]
        reader.stack.append(items)
    return handler


def _put(size):
    def handler(reader, start):
        reader.memo[reader.read_int(size)] = reader.stack[-1]
    return handler


def _get(size):
    def handler(reader, start):
        reader.stack.append(reader.memo[reader.read_int(size)])
    return handler


def _put_line(reader, start):
    reader.memo[int(reader.read_line())] = reader.stack[-1]


def _get_line(reader, start):
    reader.stack.append(reader.memo[int(reader.read_line())])


def _appends(reader, start):
    items = reader.pop_mark()
    target = reader.stack[-1]
    if type(target) is not list:
        reader._refuse(start, "APPENDS", "appending to something other than a list")
    target.extend(items)


def _append(reader, start):
    item = _resolved([reader.stack.pop()])[0]
    if type(reader.stack[-1]) is not list:
        reader._refuse(start, "APPEND", "appending to something other than a list")
    reader.stack[-1].append(item)


def _setitems(reader, start, items=None):
    items = reader.pop_mark() if items is None else items
    target = reader.stack[-1]
    if type(target) is not dict or len(items) % 2:
        reader._refuse(start, "SETITEMS", "setting items of something other than a dict")
    for key, value in zip(items[::2], items[1::2]):
        if not isinstance(key, (bytes, str, int)):
            reader._refuse(start, "SETITEMS", f"a dict key of type {type(key).__name__}")
        target[key] = value


def _setitem(reader, start):
    value, key = reader.stack.pop(), reader.stack.pop()
    _setitems(reader, start, _resolved([key, value]))


def _global(reader, start):
    module, qualname = reader.read_line(), reader.read_line()
    reader.name(start, module, qualname, "GLOBAL")


def _stack_global(reader, start):
    qualname, module = reader.stack.pop(), reader.stack.pop()
    reader.name(start, str(module), str(qualname), "STACK_GLOBAL")


def _proto(reader, start):
    if reader.read_int(1) > 5:
        reader._refuse(start, "PROTO", "a pickle protocol newer than 5")


def _mark(reader, start):
    reader.marks.append(len(reader.stack))


def _int_line(reader, start):
    """Protocols 0 and 1 write ints as text, and booleans as ``I01``/``I00``."""
    line = reader.read_line()
    reader.stack.append({"01": True, "00": False}.get(line) if line in ("00", "01") else int(line))


def _long_line(reader, start):
    reader.stack.append(int(reader.read_line().rstrip("L")))


def _string_line(reader, start):
    """Protocol 0's quoted ``str`` (as bytes, as ``pickle.load(encoding="bytes")`` gives it)."""
    line = reader.read_line(decode=False)
    if len(line) < 2 or line[0] != line[-1] or line[:1] not in (b"'", b'"'):
        raise ValueError("an unquoted STRING")
    reader.stack.append(codecs.escape_decode(line[1:-1])[0])


def _long1(reader, start):
    reader.stack.append(reader.read_int(reader.read_int(1), signed=True))


def _constant(value):
    def handler(reader, start):
        reader.stack.append(value)
    return handler


def _new(container):
    def handler(reader, start):
        reader.stack.append(container())
    return handler


def _skip(size):
    def handler(reader, start):
        reader.read(size)
    return handler


_HANDLERS = {
    0x80: _proto, 0x95: _skip(8), 0x28: _mark,                                    # PROTO, FRAME, MARK
    0x4A: lambda reader, start: reader.stack.append(reader.read_int(4, signed=True)),  # BININT
    0x8A: _long1, 0x4E: _constant(None), 0x88: _constant(True), 0x89: _constant(False),
    0x49: _int_line, 0x4C: _long_line, 0x53: _string_line,  # INT, LONG, STRING: protocols 0 and 1 in text
    0x56: lambda reader, start: reader.stack.append(reader.read_line(decode=False).decode("raw-unicode-escape")),
    0x55: _sized(1), 0x54: _sized(4),                      # SHORT_BINSTRING, BINSTRING: Python 2 str, as bytes
    0x43: _sized(1), 0x42: _sized(4), 0x8E: _sized(8),     # SHORT_BINBYTES, BINBYTES, BINBYTES8
    0x8C: _sized(1, "utf-8"), 0x58: _sized(4, "utf-8"), 0x8D: _sized(8, "utf-8"),  # the BINUNICODEs
    0x7D: _new(dict), 0x5D: _new(list), 0x29: _tuple_of(0),              # EMPTY_DICT, EMPTY_LIST, EMPTY_TUPLE
    0x64: _container(lambda items: dict(zip(items[::2], items[1::2]))),          # DICT
    0x6C: _container(list), 0x74: _container(tuple),                             # LIST, TUPLE
    0x85: _tuple_of(1), 0x86: _tuple_of(2), 0x87: _tuple_of(3),
    0x61: _append, 0x65: _appends, 0x73: _setitem, 0x75: _setitems,
    0x71: _put(1), 0x72: _put(4), 0x68: _get(1), 0x6A: _get(4),                 # BINPUT, LONG_BINPUT, BINGETs
    0x70: _put_line, 0x67: _get_line,                                            # PUT, GET
    0x94: lambda reader, start: reader.memo.__setitem__(len(reader.memo), reader.stack[-1]),  # MEMOIZE
    0x63: _global, 0x93: _stack_global, 0x52: _reduce, 0x62: _build,
}
