"""A small table that prints as aligned text, Markdown or HTML: the shape every report of
``glassnet.inspect`` takes in a terminal and in a notebook."""
import html


class Table:
    """Rows of strings under a header; every row has one cell per column."""

    def __init__(self, header, rows):
        self.header, self.rows = list(header), [list(row) for row in rows]

    def text(self):
        widths = [max(len(str(cell)) for cell in column) for column in zip(self.header, *self.rows)]
        lines = [self.header, *self.rows]
        return "\n".join("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths)).rstrip()
                         for line in lines)

    def markdown(self):
        lines = ["| " + " | ".join(self.header) + " |", "|" + " --- |" * len(self.header)]
        lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in self.rows]
        return "\n".join(lines)

    def html(self):
        head = "".join(f"<th>{html.escape(str(cell))}</th>" for cell in self.header)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>"
                       for row in self.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
