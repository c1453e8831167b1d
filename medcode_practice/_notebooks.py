"""Read nbgrader notebooks as plain JSON: cells, their nbgrader metadata and their source text (stdlib only)."""

from __future__ import annotations

import json
from pathlib import Path


def cells(path: Path) -> list[dict]:
    """Return a notebook's cells, or [] when the file is missing or not a notebook."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return []


def nbgrader_meta(cell: dict) -> dict:
    return (cell.get("metadata") or {}).get("nbgrader") or {}


def source(cell: dict) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else str(text)
