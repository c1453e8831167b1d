"""HCPCS Level II: the authored teaching subset, or the complete CMS quarterly file once imported.

HCPCS Level II is maintained by CMS and is in the public domain. The project ships a subset with descriptors its
contributors wrote; ``medcode codesets import hcpcs FILE`` loads the official fixed-width quarterly file
(e.g. ``HCPC2026_JAN_ANWEB.txt``), which then answers first.

>>> lookup("j1885").dosage
'15 mg'
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
from .normalize import HCPCS, clean

SYSTEM = HCPCS
SUBSET_RELEASE = "HCPCS Level II 2026 teaching subset (MedCode Practice)"
_SHAPE = re.compile(r"^[A-V]\d{4}$")


@dataclass(frozen=True)
class HcpcsCode:
    """A HCPCS Level II code: descriptors, billing unit for drugs, and its status in the loaded release."""

    code: str
    long_description: str
    short_description: str = ""
    section: str = ""
    dosage: str = ""
    keywords: tuple[str, ...] = ()
    terminated: str = ""
    release: str = SUBSET_RELEASE
    system: str = SYSTEM

    @property
    def description(self) -> str:
        return self.long_description

    @property
    def billable(self) -> bool:
        return not self.terminated or self.terminated > date.today().isoformat()


def _official_path() -> Path:
    return data_dir() / "hcpcs" / "official.tsv"


@cache
def subset() -> dict[str, HcpcsCode]:
    """Return the authored subset, by code."""
    out = {}
    for row in read_tsv(authored("hcpcs", "2026", "hcpcs_subset.tsv")):
        out[row["code"]] = HcpcsCode(
            code=row["code"], long_description=row["long_description"],
            short_description=row.get("short_description", ""), section=row.get("section", ""),
            dosage=row.get("dosage", ""),
            keywords=tuple(k.strip() for k in row.get("keywords", "").split(";") if k.strip()))
    return out


_active_cache: dict = {}


def codes() -> dict[str, HcpcsCode]:
    """Return the active codes: the official file's where imported (subset extras kept), else the subset."""
    path = _official_path()
    if not path.exists():
        return subset()
    stamp = path.stat().st_mtime_ns
    if _active_cache.get("stamp") != stamp:
        meta = json.loads(path.with_suffix(".json").read_text()) if path.with_suffix(".json").exists() else {}
        label = f"HCPCS Level II official file {meta.get('source', path.name)}"
        merged = dict(subset())
        for row in read_tsv(path):
            base = merged.get(row["code"])
            merged[row["code"]] = HcpcsCode(
                code=row["code"], long_description=row["long_description"],
                short_description=row["short_description"], section=base.section if base else "",
                dosage=base.dosage if base else "", keywords=base.keywords if base else (),
                terminated=row.get("termination_date", ""), release=label)
        _active_cache.update(stamp=stamp, codes=merged)
    return _active_cache["codes"]


def release() -> str:
    path = _official_path()
    if path.exists():
        meta = json.loads(path.with_suffix(".json").read_text()) if path.with_suffix(".json").exists() else {}
        return (f"HCPCS Level II official file {meta.get('source', '?')} ({meta.get('count', '?')} codes, "
                f"imported {meta.get('imported', '?')})")
    return f"{SUBSET_RELEASE}, {len(subset())} codes"


def lookup(code: str) -> HcpcsCode:
    text = clean(code)
    if not _SHAPE.match(text):
        raise MalformedCodeError(f"{code!r} is not shaped like a HCPCS Level II code (a letter A-V and 4 digits, "
                                 f"e.g. J1885)", code=text, system=SYSTEM)
    found = codes().get(text)
    if found is None:
        where = "the loaded CMS HCPCS file" if _official_path().exists() else "the HCPCS teaching subset"
        raise UnknownCodeError(f"{text} is not in {where} — check the code, or load the CMS quarterly file "
                               f"(medcode codesets import hcpcs FILE)", code=text, system=SYSTEM)
    return found


def is_valid(code: str) -> bool:
    return clean(code) in codes()


def import_official(path: str | Path) -> tuple[int, int]:
    """Load the CMS quarterly fixed-width HCPCS file; return (procedure codes, modifiers) loaded."""
    from ._hcpcs_file import parse_cms_hcpcs_file

    records = parse_cms_hcpcs_file(path)
    procedures = [r for r in records if not r.is_modifier]
    modifiers = [r for r in records if r.is_modifier]
    if not procedures:
        raise ValueError(f"{Path(path).name}: no HCPCS procedure records found")
    iso = lambda d: d.isoformat() if d else ""  # noqa: E731
    write_tsv(_official_path(), ["code", "long_description", "short_description", "termination_date"],
              [[r.code, r.long_description, r.short_description, iso(r.termination_date)] for r in procedures])
    write_tsv(_official_path().with_name("modifiers.tsv"), ["modifier", "short_description", "long_description"],
              [[r.code, r.short_description, r.long_description] for r in modifiers])
    _official_path().with_suffix(".json").write_text(json.dumps(
        {"source": Path(path).name, "count": len(procedures), "modifiers": len(modifiers),
         "imported": date.today().isoformat()}))
    _active_cache.clear()
    return len(procedures), len(modifiers)


def remove_official() -> None:
    for name in ("official.tsv", "official.json", "modifiers.tsv"):
        (_official_path().parent / name).unlink(missing_ok=True)
    _active_cache.clear()
