"""One module per framework; each runs one workload in its own process (see bench/harness.py)."""
