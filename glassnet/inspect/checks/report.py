"""What :func:`~glassnet.inspect.check_model` returns: a list of findings with a verdict."""
import html


class Finding:
    """One problem found before training.

    Attributes:
        check: a short, stable id of the check, e.g. ``"softmax_with_from_logits"``.
        layer: the name of the layer concerned, or None when it is about the data, loss or optimizer.
        problem: what is wrong, naming the values seen.
        fix: what to change.
    """

    def __init__(self, check, layer, problem, fix):
        self.check, self.layer, self.problem, self.fix = check, layer, problem, fix

    def __repr__(self):
        return f"Finding(check={self.check!r}, layer={self.layer!r})"


class ModelReport(list):
    """The findings of :func:`~glassnet.inspect.check_model`, one :class:`Finding` each.

    ``ok`` is True when there is none. ``skipped`` names the checks that could not run (those
    that need ``x``, ``y`` or a compiled model). Prints as aligned text ending with a verdict;
    renders as a table in a notebook.
    """

    def __init__(self, findings=(), skipped=()):
        super().__init__(findings)
        self.skipped = list(skipped)

    @property
    def ok(self):
        return len(self) == 0

    @property
    def checks(self):
        """The ids of the checks that found something, in order."""
        return [finding.check for finding in self]

    def verdict(self):
        skipped = f" (not checked: {'; '.join(self.skipped)})" if self.skipped else ""
        if self.ok:
            return f"ok: no problem found{skipped}"
        count = f"{len(self)} problem{'s' if len(self) > 1 else ''}"
        return f"{count} found: fix {'them' if len(self) > 1 else 'it'} before training{skipped}"

    def __str__(self):
        check_width = max((len(f.check) for f in self), default=5)
        layer_width = max((len(f.layer or "-") for f in self), default=5)
        lines = [f"{'check'.ljust(check_width)}  {'layer'.ljust(layer_width)}  problem and fix"] if self else []
        indent = " " * (check_width + layer_width + 4)
        for f in self:
            lines.append(f"{f.check.ljust(check_width)}  {(f.layer or '-').ljust(layer_width)}  {f.problem}")
            lines.append(f"{indent}fix: {f.fix}")
        lines.append(self.verdict())
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_markdown_(self):
        rows = "\n".join(f"| `{f.check}` | {f.layer or '-'} | {_cell(f.problem)} | {_cell(f.fix)} |" for f in self)
        table = f"| check | layer | problem | fix |\n| --- | --- | --- | --- |\n{rows}\n\n" if self else ""
        return f"{table}**{self.verdict()}**"

    def _repr_html_(self):
        rows = "".join(
            f"<tr><td><code>{html.escape(f.check)}</code></td><td>{html.escape(f.layer or '-')}</td>"
            f"<td>{html.escape(f.problem)}</td><td>{html.escape(f.fix)}</td></tr>" for f in self)
        table = ("<table><tr><th>check</th><th>layer</th><th>problem</th><th>fix</th></tr>"
                 f"{rows}</table>") if self else ""
        return f"{table}<p><b>{html.escape(self.verdict())}</b></p>"


def _cell(text):
    return text.replace("|", "\\|").replace("\n", " ")
