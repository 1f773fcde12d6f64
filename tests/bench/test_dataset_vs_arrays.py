"""bench/dataset_vs_arrays.py runs at a tiny size and reports its ratios (timings are not asserted)."""
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_dataset_vs_arrays_checks_its_batches_and_reports_ratios(capsys, monkeypatch):
    monkeypatch.syspath_prepend(str(REPO))
    from bench import dataset_vs_arrays

    ratios = dataset_vs_arrays.main(epochs=1, repeats=1, rows=100)  # checks every row comes once per pass
    assert set(ratios) == {(kind, clock) for kind in ("dataset", "dataset+map") for clock in ("wall", "CPU")}
    assert all(r > 0 for r in ratios.values())
    assert "median ratio" in capsys.readouterr().out
