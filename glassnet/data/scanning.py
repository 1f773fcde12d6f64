"""scan: a running state carried through the elements (``scan_func(state, element) -> (state, output)``)."""
from glassnet.data.dataset import Dataset, _arguments, spec_of
from glassnet.data.shuffling import peeking
from glassnet.data.structure import describe, flatten, normalize, same_structure, to_tensors
from glassnet.data.transforms import _as_structure


class Scan(Dataset):
    """Each element's output of ``scan_func(state, *element)``, the new state passed on to the next element.

    The state must keep its structure and dtypes from `initial_state`, as TensorFlow requires.

    >>> ds = Dataset.range(5).scan(0, lambda total, x: (total + int(x), total))
    >>> [int(x) for x in ds]
    [0, 0, 1, 3, 6]
    """

    def __init__(self, dataset, initial_state, scan_func):
        if not callable(scan_func):
            raise TypeError(f"`scan_func` must be callable. Received: scan_func={scan_func!r}")
        self.input, self.initial_state, self.scan_func = dataset, normalize(initial_state), scan_func

    def _steps(self):
        state = self.initial_state
        for element in self.input._elements():
            result = _as_structure(self.scan_func(to_tensors(state), *_arguments(element)))
            if not isinstance(result, tuple) or len(result) != 2:
                raise TypeError(f"`scan_func` must return a pair (new_state, output_element). It returned "
                                f"{result!r:.200}")
            new_state, output = normalize(result[0]), normalize(_as_structure(result[1]))
            self._check_state(new_state)
            state = new_state
            yield output

    def _check_state(self, state):
        start = self.initial_state
        if not same_structure(start, state) or any(
                a.dtype != b.dtype for a, b in zip(flatten(start), flatten(state))):
            raise TypeError(f"The element types for the new state must match the initial state. Expected "
                            f"{describe(spec_of(start))}; got {describe(spec_of(state))}.")

    def _elements(self):
        return self._steps()

    def _cardinality(self):
        return self.input._cardinality()

    def _spec(self):
        with peeking():
            first = next(self._steps(), None)
        if first is None:
            raise ValueError("Cannot tell the element structure of scan over an empty dataset.")
        return spec_of(first)
