"""The arithmetic of a distributed update that needs no MPI: the workers' spans and shares."""
import numpy as np
import pytest

from glassnet.distribute import updates
from glassnet.distribute.sharding import BatchShares


@pytest.mark.parametrize("size", [1, 15, 16, 17, 57, 65_536, 535_818])
@pytest.mark.parametrize("workers", [1, 2, 3, 8])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_workers_spans_cover_every_element_once_cut_at_cache_lines(size, workers, dtype):
    spans = [updates._span(size, dtype, workers, rank) for rank in range(workers)]
    assert spans[0][0] == 0 and spans[-1][1] == size
    for (_, stop), (start, _) in zip(spans, spans[1:]):
        assert stop == start  # no gap, no overlap
    line = 64 // np.dtype(dtype).itemsize
    assert all(start % line == 0 for start, _ in spans)  # two workers never write one cache line
    lengths = [stop - start for start, stop in spans]
    assert max(lengths) - min(lengths) <= line or size < line * workers  # as even as whole lines allow


def test_shares_follow_the_split_of_each_global_batch():
    shares = BatchShares(2, rank=1)
    assert shares.all() == [0.5, 0.5]
    shares.split(37)  # 19 rows on worker 0, 18 on worker 1
    assert shares.all() == [19 / 37, 18 / 37] and shares.own() == 18 / 37


@pytest.mark.parametrize("value, allowed", [("1", True), ("0", False)])
def test_shared_memory_can_be_turned_off(monkeypatch, value, allowed):
    monkeypatch.setenv("GLASSNET_DISTRIBUTE_SHARED_MEMORY", value)
    assert updates.shared_memory_allowed() is allowed


def test_a_bad_shared_memory_setting_is_named(monkeypatch):
    monkeypatch.setenv("GLASSNET_DISTRIBUTE_SHARED_MEMORY", "yes")
    with pytest.raises(ValueError, match=r"GLASSNET_DISTRIBUTE_SHARED_MEMORY must be 0 .* Received: 'yes'"):
        updates.shared_memory_allowed()
