"""CPT: the project's practice set (plain-words descriptors, not AMA text) or an institution's licensed file.

CPT descriptors are copyrighted by the AMA, so MedCode Practice ships only code numbers and facts with
descriptors its contributors wrote (``official_text`` is False on every one of them). An institution that
holds a CPT licence loads its own file with ``medcode codesets import cpt FILE``; its descriptors then take
precedence.

>>> lookup("99213").official_text
False
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from .._paths import data_dir
from ._tables import authored, read_tsv, write_tsv
from .errors import MalformedCodeError, UnknownCodeError
from .normalize import CPT, clean

SYSTEM = CPT
PRACTICE_RELEASE = "CPT practice set 2026 (MedCode Practice plain-words descriptors, not AMA text)"
_SHAPE = re.compile(r"^(?:\d{5}|\d{4}[FTU])$")


@dataclass(frozen=True)
class CptCode:
    """A CPT code with its descriptor and the facts a coder uses (global days, add-on status)."""

    code: str
    descriptor: str
    section: str = ""
    subsection: str = ""
    global_days: str = ""
    add_on: bool = False
    keywords: tuple[str, ...] = ()
    official_text: bool = False
    release: str = PRACTICE_RELEASE
    billable: bool = True
    system: str = SYSTEM

    @property
    def description(self) -> str:
        return self.descriptor


def _licensed_path() -> Path:
    return data_dir() / "cpt" / "licensed.tsv"


def _licensed_meta() -> dict:
    path = _licensed_path().with_suffix(".json")
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return {}


@cache
def practice_set() -> dict[str, CptCode]:
    """Return the authored practice set, by code."""
    out = {}
    for row in read_tsv(authored("cpt", "practice-2026", "cpt_practice.tsv")):
        out[row["code"]] = CptCode(
            code=row["code"], descriptor=row["descriptor"], section=row.get("section", ""),
            subsection=row.get("subsection", ""), global_days=row.get("global_days", ""),
            add_on=row.get("add_on", "").lower() == "yes",
            keywords=tuple(k.strip() for k in row.get("keywords", "").split(";") if k.strip()))
    return out


def _active() -> dict[str, CptCode]:
    path = _licensed_path()
    if not path.exists():
        return practice_set()
    stamp = path.stat().st_mtime_ns
    cached = _active_cache.get("stamp")
    if cached != stamp:
        meta = _licensed_meta()
        release = f"CPT {meta.get('year', '')} licensed file {meta.get('source', path.name)}".replace("  ", " ")
        merged = dict(practice_set())
        for row in read_tsv(path):
            base = merged.get(row["code"])
            merged[row["code"]] = CptCode(
                code=row["code"], descriptor=row["descriptor"], section=base.section if base else "",
                subsection=base.subsection if base else "", global_days=base.global_days if base else "",
                add_on=base.add_on if base else False, keywords=base.keywords if base else (),
                official_text=True, release=release)
        _active_cache.update(stamp=stamp, codes=merged)
    return _active_cache["codes"]


_active_cache: dict = {}


def codes() -> dict[str, CptCode]:
    """Return the active CPT codes: the licensed file's where one is loaded, else the practice set."""
    return _active()


def release() -> str:
    path = _licensed_path()
    if path.exists():
        meta = _licensed_meta()
        return f"CPT licensed file {meta.get('source', path.name)} ({meta.get('count', '?')} codes, " \
               f"imported {meta.get('imported', '?')}) over the practice set"
    return f"{PRACTICE_RELEASE}, {len(practice_set())} codes"


def lookup(code: str) -> CptCode:
    """Return a CPT code's entry, or raise an error that says whether the code is malformed or just absent."""
    text = clean(code)
    if not _SHAPE.match(text):
        raise MalformedCodeError(f"{code!r} is not shaped like a CPT code (5 digits, e.g. 99213, or 4 digits "
                                 f"and F/T/U, e.g. 3074F)", code=text, system=SYSTEM)
    found = codes().get(text)
    if found is None:
        raise UnknownCodeError(f"{text} is not in the {'loaded CPT file' if _licensed_path().exists() else 'practice CPT set'}"
                               f" — check the number, or load your institution's licensed CPT file "
                               f"(medcode codesets import cpt FILE)", code=text, system=SYSTEM)
    return found


def is_valid(code: str) -> bool:
    return clean(code) in codes()


def import_licensed(path: str | Path, year: str = "") -> int:
    """Load an institution's licensed CPT file (tab-delimited: code, descriptor; a header line is allowed).

    Lines whose first field is not a CPT code are reported, not guessed at. Returns the number of codes.
    """
    rows, problems = [], []
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            fields = line.rstrip("\n\r").split("\t")
            code = clean(fields[0])
            if not _SHAPE.match(code):
                if number == 1:
                    continue  # header line
                problems.append(f"line {number}: {fields[0]!r} is not a CPT code")
                continue
            if len(fields) < 2 or not fields[1].strip():
                problems.append(f"line {number}: code {code} has no descriptor after a tab")
                continue
            rows.append([code, " ".join(fields[1].split())])
    if problems:
        raise ValueError(f"{Path(path).name}: {len(problems)} bad line(s): " + "; ".join(problems[:5]))
    if not rows:
        raise ValueError(f"{Path(path).name}: no CPT codes found (expected code<TAB>descriptor lines)")
    write_tsv(_licensed_path(), ["code", "descriptor"], rows)
    _licensed_path().with_suffix(".json").write_text(json.dumps(
        {"source": Path(path).name, "count": len(rows), "imported": date.today().isoformat(), "year": year}))
    _active_cache.clear()
    return len(rows)


def remove_licensed() -> None:
    """Go back to the practice set."""
    _licensed_path().unlink(missing_ok=True)
    _licensed_path().with_suffix(".json").unlink(missing_ok=True)
    _active_cache.clear()
