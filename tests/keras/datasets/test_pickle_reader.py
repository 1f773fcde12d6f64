"""pickle_reader builds data from a pickle's opcodes and refuses everything else, running nothing."""
import pickle

import numpy as np
import pytest

from glassnet.keras.datasets.pickle_reader import read_pickle
from tests.keras.datasets import keras_format_files as files


@pytest.mark.parametrize("protocol", [3, 4])
def test_plain_data_and_arrays_read_as_pickle_reads_them(protocol):
    value = {b"data": np.arange(12, dtype=np.uint8).reshape(3, 4), b"labels": [0, 255, 256, 70000, -1, 2**40],
             b"names": [b"a.png", "b"], b"nothing": None, b"flags": (True, False)}
    read = read_pickle(pickle.dumps(value, protocol=protocol), "a batch")
    expected = pickle.loads(pickle.dumps(value, protocol=protocol))
    assert read.keys() == expected.keys() and read[b"labels"] == expected[b"labels"]
    assert read[b"data"].dtype == np.uint8 and np.array_equal(read[b"data"], value[b"data"])
    assert read[b"names"] == [b"a.png", "b"] and read[b"flags"] == (True, False) and read[b"nothing"] is None


@pytest.mark.parametrize("protocol", [1, 2])
def test_python2_cifar_batches_read(protocol):
    data = np.arange(2 * 3072, dtype=np.uint32).astype(np.uint8).reshape(2, 3072)
    batch = files.python2_cifar_batch(data, [3, 300], protocol=protocol)
    read = read_pickle(batch, "a batch")
    assert read[b"labels"] == [3, 300] and np.array_equal(read[b"data"], data)
    reference = pickle.loads(batch, encoding="bytes")
    assert np.array_equal(reference[b"data"], read[b"data"]) and reference[b"labels"] == read[b"labels"]


@pytest.mark.parametrize("protocol", [0, 1])
def test_text_protocols_read(protocol):
    value = {"labels": [1, -7, 2**70], "ok": (True, False, None), "name": "caf\u00e9"}
    assert read_pickle(pickle.dumps(value, protocol=protocol), "x") == value
    python2_str = b"(dp0\nS'data'\np1\n(lp2\nI1\naI2\nasS'k\\x00'\np3\ng2\ns."
    assert read_pickle(python2_str, "x") == pickle.loads(python2_str, encoding="bytes") == {b"data": [1, 2],
                                                                                           b"k\x00": [1, 2]}


@pytest.mark.parametrize("array", [np.arange(6, dtype=">i4").reshape(2, 3), np.asfortranarray(np.eye(3)),
                                   np.zeros((0, 3), np.float32)])
def test_byte_order_and_layout_are_kept(array):
    read = read_pickle(pickle.dumps(array, protocol=3), "an array")
    assert read.dtype == array.dtype and np.array_equal(read, array)


def test_object_arrays_of_lists():
    array = np.empty(2, dtype=object)
    array[0], array[1] = [1, 2, 3], [4]
    read = read_pickle(pickle.dumps(array, protocol=4), "reviews")
    assert read.dtype == object and read.tolist() == [[1, 2, 3], [4]]


class _RunsCode:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return open, (self.marker, "w")


@pytest.mark.parametrize("protocol", [0, 2, 3, 4, 5])
def test_any_other_global_is_refused_and_nothing_runs(tmp_path, protocol):
    marker = tmp_path / "ran"
    crafted = pickle.dumps({b"labels": [_RunsCode(str(marker))]}, protocol=protocol)
    with pytest.raises(ValueError, match="Refusing to read a batch") as error:
        read_pickle(crafted, "a batch")
    assert not marker.exists()
    assert "open" in str(error.value) or "opcode" in str(error.value)
    pickle.loads(crafted)                      # the same bytes given to pickle do run the code
    assert marker.exists()


@pytest.mark.parametrize("crafted, says", [
    (b"cos\nsystem\n(S'touch /tmp/x'\ntR.", "os.system (pickle opcode GLOBAL at byte 0)"),
    (b"\x80\x04\x8c\x08builtins\x8c\x04eval\x93\x8c\x011\x85R.", "builtins.eval (pickle opcode STACK_GLOBAL"),
    (b"(cos\nsystem\nS'ls'\no.", "GLOBAL"),                               # OBJ, after its GLOBAL
    (b"(K\x01ios\nsystem\n.", "INST"),                                    # INST names its class inline
    (b"\x80\x02cnumpy\nndarray\n)R.", "REDUCE"),                         # ndarray itself is never called
    (b"\x80\x02K\x01K\x02.", "unfinished structure"),
    (b"\x80\x02]q\x00(K\x01", "ends early at byte"),                     # truncated: no STOP
    (b"\x80\x02U\x10abc", "ends early"),                                 # a string longer than the file
    (b"\x80\x02G?\xf0\x00\x00\x00\x00\x00\x00.", "BINFLOAT"),            # floats: no data file needs them
    (b"\x80\x02h\x05.", "BINGET"),                                       # a memo slot never filled
])
def test_crafted_and_broken_pickles_are_refused_with_a_reason(crafted, says):
    with pytest.raises(ValueError, match="Refusing to read x") as error:
        read_pickle(crafted, "x")
    assert says in str(error.value)


def test_an_array_whose_bytes_do_not_match_its_shape_is_refused():
    good = pickle.dumps(np.zeros((2, 2), np.uint8), protocol=3)
    bad = good.replace(b"C\x04\x00\x00\x00\x00", b"C\x03\x00\x00\x00")
    with pytest.raises(ValueError, match=r"shape \(2, 2\) and dtype uint8 needs 4 bytes"):
        read_pickle(bad, "x")


def test_only_plain_dtypes_are_built():
    with pytest.raises(ValueError, match="an array of dtype 'V8'"):
        read_pickle(pickle.dumps(np.zeros(2, dtype="V8"), protocol=3), "x")
    with pytest.raises(ValueError, match="an array of dtype 'V1'"):
        read_pickle(pickle.dumps(np.zeros(2, dtype=[("a", "u1")]), protocol=3), "x")
