"""Where each parsed table's cells are in the text as read, for reporters that draw a grid.

A table whose every row sits on one line of the original (pipe rows, a Word or web grid, a
PDF's ruled grid, tab- or space-aligned columns) is described as rows of cell column ranges;
a table laid out another way (one cell per line) is left out and shown as text lines.
"""
from __future__ import annotations

from typing import Any


def table_grids(doc: Any) -> list[dict[str, Any]]:
    """``[{"rows": [{"line": 12, "cells": [[start, end], …]}, …]}, …]``, 0-based end-exclusive columns."""
    out: list[dict[str, Any]] = []
    for table in getattr(doc, "tables", []):
        rows: list[dict[str, Any]] = []
        for row in table.rows:
            if not row.cells:
                rows = []
                break
            line = None
            cells: list[list[int]] = []
            ok = True
            for cell in row.cells:
                l1, c1, l2, c2 = doc.locate(cell.span)
                if l1 != l2 or (line is not None and l1 != line):
                    ok = False
                    break
                line = l1
                cells.append([c1 - 1, c2 - 1])
            if not ok or line is None:
                rows = []
                break
            rows.append({"line": line, "cells": cells})
        lines = [r["line"] for r in rows]
        if len(rows) >= 2 and lines == list(range(lines[0], lines[0] + len(lines))):
            out.append({"rows": rows})
    return out
