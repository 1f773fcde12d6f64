"""The parts of :class:`glassnet.inspect.Diagnostics`, one concept per module: the thresholds,
the sample, per-layer statistics, the checks (per step, on the outputs, on the loss curves,
likely causes), the record and the findings."""
