"""Read the project's tab-separated code tables (authored data and normalised imports)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from .._paths import codesets_dir


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Return the rows of a TSV with a header line; lines starting with ``#`` are comments."""
    with open(path, encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in
                csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)]


def write_tsv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write a TSV atomically, so a failed import never leaves half a file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    os.replace(tmp, path)


def authored(*parts: str) -> Path:
    return codesets_dir().joinpath(*parts)
