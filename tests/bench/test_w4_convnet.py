"""bench/w4_convnet.py runs (glassnet alone, one step) and prints its figure; no timing is asserted."""
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_w4_convnet_runs_and_reports_samples_per_second():
    done = subprocess.run([sys.executable, "-m", "bench.w4_convnet", "--steps", "1", "--rounds", "1",
                           "--frameworks", "glassnet"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "glassnet:" in done.stdout and "samples/s" in done.stdout
