"""olekukonko/tablewriter v0.0.5 as minikube configures it (``service``, ``addons list``, ``profile list``):
every border on, ``|`` as the centre separator, headers upper-cased (``SetAutoFormatHeaders``) and
centred, numeric cells right-aligned, others left, multi-line cells one line per row line, widths in
terminal columns (an emoji such as ✅ is two)."""

from __future__ import annotations

import re
import unicodedata

_NUMERIC = re.compile(r"^-?\d+\.?\d*$")  # tablewriter's decimal regexp


def width(text: str) -> int:
    """go-runewidth's StringWidth for the characters minikube prints."""
    n = 0
    for ch in text:
        if unicodedata.combining(ch) or ch == "\ufe0f":
            continue
        n += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return n


def _center(text: str, size: int) -> str:
    gap = size - width(text)
    left = gap // 2
    return " " * left + text + " " * (gap - left)


def render(header: list[str], rows: list[list[str]], *, auto_format: bool = True) -> str:
    """The table's text, ending with its bottom border and a newline."""
    heads = [h.replace("_", " ").upper() if auto_format else h for h in header]
    split_rows = [[cell.split("\n") for cell in row] for row in rows]
    widths = [width(h) for h in heads]
    for row in split_rows:
        for i, lines in enumerate(row):
            widths[i] = max(widths[i], *(width(line) for line in lines))
    line = "|" + "|".join("-" * (w + 2) for w in widths) + "|\n"
    out = [line, "|" + "|".join(f" {_center(h, widths[i])} " for i, h in enumerate(heads)) + "|\n", line]
    for row in split_rows:
        height = max(len(lines) for lines in row)
        for k in range(height):
            cells = []
            for i, lines in enumerate(row):
                cell = lines[k] if k < len(lines) else ""
                pad = " " * (widths[i] - width(cell))
                cells.append(f" {pad}{cell} " if _NUMERIC.match(cell) else f" {cell}{pad} ")
            out.append("|" + "|".join(cells) + "|\n")
    out.append(line)
    return "".join(out)
