"""Reading the pickles inside Keras's data files without unpickling them.

CIFAR's batches are pickled dicts, and IMDB's and Reuters' ``.npz`` files hold pickled object
arrays. Unpickling runs whatever the file names (``GLOBAL os system`` then ``REDUCE`` is a shell
command), so these files are never given to ``pickle``. This module walks the opcodes itself and
builds only data: ints, bytes, strings, None, booleans, lists, tuples, dicts, and NumPy arrays of
fixed-size numbers or of such objects. An array is the one thing that names code in a pickle
(``numpy.core.multiarray._reconstruct``, ``numpy.ndarray``, ``numpy.dtype``); those three names
are recognised and `pickled_arrays` makes the array from its bytes; nothing of theirs is imported.
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
import pickletools

from glassnet.keras.datasets import pickled_arrays as arrays


class RefusedFileError(ValueError):
    """A data file that is not what it should be; it was not unpickled."""


def read_pickle(data, what):
    """The object pickled in `data` (bytes), built from data opcodes only; `what` names it in errors."""
    return _Reader(data, what).run()


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
                    if len(self.stack) != 1 or self.marks or type(self.stack[0]) is arrays.Pending \
                            and self.stack[0].value is None:
                        self._refuse(pos, "STOP", "the pickle ends with an unfinished structure")
                    return arrays.finished(self.stack[0])
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
        return arrays.resolved(items)

    def name(self, start, module, qualname, op):
        kind = arrays.ARRAY_NAMES.get((module, qualname))
        if kind is None:
            raise RefusedFileError(
                f"Refusing to read {self.what}: it names the Python object {module}.{qualname} (pickle opcode {op} "
                f"at byte {start}). A data file holds only numbers, strings, lists and arrays; unpickling this one "
                "would import and run that code. The file is damaged or crafted; it was not unpickled."
            )
        self.stack.append(arrays.Name(kind))

    def _truncated(self):
        raise RefusedFileError(f"Refusing to read {self.what}: it ends early at byte {self.pos} of {len(self.data)} (a "
                         "truncated file?). Delete it and download it again.")

    def _refuse(self, start, op, reason):
        raise RefusedFileError(f"Refusing to read {self.what}: pickle opcode {op} at byte {start}: {reason}. Only "
                               "plain data and NumPy arrays are read from a data file; it was not unpickled.")


def _reduce(reader, start):
    args, callee = reader.stack.pop(), reader.stack.pop()
    try:
        reader.stack.append(arrays.reduce(callee, args))
    except ValueError as error:
        reader._refuse(start, "REDUCE", str(error))


def _build(reader, start):
    state = reader.stack.pop()
    try:
        arrays.build(reader.stack[-1], state)
    except (TypeError, ValueError) as error:
        reader._refuse(start, "BUILD", str(error))


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
        items = tuple(arrays.resolved(reader.stack[len(reader.stack) - n:])) if n else ()
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
    item = arrays.resolved([reader.stack.pop()])[0]
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
    _setitems(reader, start, arrays.resolved([key, value]))


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
