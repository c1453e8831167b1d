"""NCCI edits for practitioner claims: procedure-to-procedure (PTP) pairs and medically unlikely edits (MUE).

MedCode Practice ships a teaching table of each, in the column layout of the CMS quarterly files
(``codesets/ncci/2026/``). An institution loads the real CMS files with :func:`import_ptp` and
:func:`import_mue` (``medcode`` users: the library call, or ``medcode_practice.codes.ncci.import_ptp(path)``);
they are stored in the user data folder and then answer instead of the teaching tables.

A PTP edit names a column 1 code (the one that is paid) and a column 2 code (denied when both are reported for
the same patient, same day, same provider) with a modifier indicator: 0 no modifier can separate them, 1 a
modifier such as 59/XS can when the services really were distinct, 9 the edit no longer applies.

>>> pair("45385", "45380")   # doctest: +ELLIPSIS
'45380 and 45385 form an NCCI procedure-to-procedure pair: column 1 45385, column 2 45380 ...'
>>> mue("17003").value
13
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from .._paths import data_dir
from ._tables import authored, read_tsv
from .normalize import clean

TEACHING_RELEASE = "NCCI practitioner teaching tables 2026 (MedCode Practice, CMS layout)"
MODIFIER_INDICATORS = {
    "0": "no modifier can bypass this edit; the column 2 code is never paid with the column 1 code",
    "1": "a modifier (59, XE, XS, XP, XU, or an anatomic modifier) may bypass it when the services were "
         "distinct and the record shows it",
    "9": "the edit does not apply (it was deleted or never active)",
}
MUE_INDICATORS = {
    1: "line edit: units are checked on each claim line",
    2: "date-of-service edit (policy): units of the day are added up and the limit is absolute",
    3: "date-of-service edit (clinical): units of the day are added up; documentation may support more on appeal",
}
# Modifiers that may bypass a PTP edit with indicator 1. Anatomic modifiers bypass only when the two lines carry
# different ones (RT on one knee, LT on the other).
BYPASS_MODIFIERS = frozenset({"59", "XE", "XS", "XP", "XU", "24", "25", "27", "57", "58", "78", "79", "91"})
ANATOMIC_MODIFIERS = frozenset({"LT", "RT", "E1", "E2", "E3", "E4", "FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7",
                                "F8", "F9", "TA", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "LC", "LD",
                                "LM", "RC", "RI"})
_CODE = re.compile(r"^(?:\d{4}[0-9FTU]|[A-V]\d{4})$")


@dataclass(frozen=True)
class PtpEdit:
    """One procedure-to-procedure edit: column 2 is not paid with column 1 unless the modifier rule allows it."""

    column1: str
    column2: str
    effective_date: date
    deletion_date: date | None
    modifier_indicator: str
    rationale: str
    release: str = TEACHING_RELEASE

    def is_active(self, on: date | None = None) -> bool:
        """Return True when the edit applies on ``on`` (default: it has no deletion date)."""
        if self.modifier_indicator == "9":
            return False
        if on is None:
            return self.deletion_date is None
        return self.effective_date <= on and (self.deletion_date is None or on < self.deletion_date)

    @property
    def modifier_allowed(self) -> bool:
        return self.modifier_indicator == "1"

    def explain(self) -> str:
        """Return the edit as a sentence a learner can act on."""
        low, high = sorted((self.column1, self.column2))
        return (f"{low} and {high} form an NCCI procedure-to-procedure pair: column 1 {self.column1}, column 2 "
                f"{self.column2} (rationale: {self.rationale}); modifier indicator {self.modifier_indicator}: "
                f"{MODIFIER_INDICATORS.get(self.modifier_indicator, 'unknown indicator')}.")


@dataclass(frozen=True)
class MueEdit:
    """The most units of a code one provider reports for one patient on one day (or one line, for MAI 1)."""

    code: str
    value: int
    adjudication_indicator: int
    rationale: str
    release: str = TEACHING_RELEASE

    @property
    def per_line(self) -> bool:
        return self.adjudication_indicator == 1

    def explain(self) -> str:
        return (f"{self.code}: MUE {self.value} unit{'s' if self.value != 1 else ''} "
                f"({MUE_INDICATORS.get(self.adjudication_indicator, 'unknown indicator')}; {self.rationale})")


def _parse_date(text: str, where: str = "") -> date | None:
    value = (text or "").strip()
    if value in ("", "*") or value.lower() in ("none", "n/a"):
        return None
    for fmt in ("%Y%m%d", "%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{where}{value!r} is not a date (YYYYMMDD, YYYY-MM-DD or MM/DD/YYYY)")


# ---------------------------------------------------------------------------------------------------- storage

def _db_path() -> Path:
    return data_dir() / "ncci" / "ncci.sqlite"


def _meta_path() -> Path:
    return data_dir() / "ncci" / "imported.json"


def _meta() -> dict:
    try:
        return json.loads(_meta_path().read_text())
    except (OSError, json.JSONDecodeError):
        return {}


_imported_cache: dict = {}


def _imported() -> sqlite3.Connection | None:
    """Return a connection to the imported CMS tables, or None when nothing was imported."""
    path = _db_path()
    if not path.exists():
        _imported_cache.clear()
        return None
    stamp = path.stat().st_mtime_ns
    if _imported_cache.get("stamp") != (str(path), stamp):
        old = _imported_cache.get("con")
        if old is not None:
            old.close()
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        _imported_cache.update(stamp=(str(path), stamp), con=con)
    return _imported_cache["con"]


def _has_table(con: sqlite3.Connection, name: str) -> bool:
    return con.execute("select 1 from sqlite_master where type='table' and name=?", (name,)).fetchone() is not None


@cache
def _teaching_ptp() -> dict[tuple[str, str], PtpEdit]:
    out = {}
    for row in read_tsv(authored("ncci", "2026", "ptp_practitioner.tsv")):
        edit = PtpEdit(row["column1"], row["column2"], _parse_date(row["effective_date"]) or date(1996, 1, 1),
                       _parse_date(row.get("deletion_date", "")), row["modifier_indicator"], row["rationale"])
        out[(edit.column1, edit.column2)] = edit
    return out


@cache
def _teaching_mue() -> dict[str, MueEdit]:
    return {row["code"]: MueEdit(row["code"], int(row["mue_value"]), int(row["mai"]), row["rationale"])
            for row in read_tsv(authored("ncci", "2026", "mue_practitioner.tsv"))}


def release() -> str:
    """Say which NCCI tables answer: the teaching tables or an imported CMS file."""
    meta = _meta()
    con = _imported()
    parts = []
    if con is not None and _has_table(con, "ptp"):
        parts.append(f"PTP: CMS file {meta.get('ptp', {}).get('source', '?')} ({meta.get('ptp', {}).get('count', '?')} "
                     f"edits, imported {meta.get('ptp', {}).get('imported', '?')})")
    else:
        parts.append(f"PTP: teaching table ({len(_teaching_ptp())} pairs)")
    if con is not None and _has_table(con, "mue"):
        parts.append(f"MUE: CMS file {meta.get('mue', {}).get('source', '?')} ({meta.get('mue', {}).get('count', '?')} "
                     f"codes, imported {meta.get('mue', {}).get('imported', '?')})")
    else:
        parts.append(f"MUE: teaching table ({len(_teaching_mue())} codes)")
    return "; ".join(parts)


# ---------------------------------------------------------------------------------------------------- queries

def _code(text: str) -> str:
    return clean(str(text)).split("-")[0]


def _ptp_rows(first: str, second: str) -> list[PtpEdit]:
    con = _imported()
    if con is not None and _has_table(con, "ptp"):
        label = f"CMS NCCI PTP file {_meta().get('ptp', {}).get('source', '')}".strip()
        rows = con.execute("select column1, column2, effective, deletion, indicator, rationale from ptp "
                           "where (column1=? and column2=?) or (column1=? and column2=?)",
                           (first, second, second, first)).fetchall()
        return [PtpEdit(r[0], r[1], date.fromisoformat(r[2]), date.fromisoformat(r[3]) if r[3] else None, r[4],
                        r[5], label) for r in rows]
    table = _teaching_ptp()
    return [e for e in (table.get((first, second)), table.get((second, first))) if e is not None]


def ptp(code_a: str, code_b: str, on: date | None = None) -> PtpEdit | None:
    """Return the PTP edit between two codes in either order, active on ``on`` (default: not deleted), or None.

    >>> ptp("43235", "43239").column1
    '43239'
    """
    first, second = _code(code_a), _code(code_b)
    if not first or first == second:
        return None
    active = [e for e in _ptp_rows(first, second) if e.is_active(on)]
    return active[0] if active else None


def pair(column1_or_any: str, other: str, on: date | None = None) -> str | None:
    """Return a learner-facing sentence when the two codes form an active PTP pair (either order), else None.

    >>> pair("29881", "29877").startswith("29877 and 29881 form an NCCI")
    True
    """
    edit = ptp(column1_or_any, other, on)
    return edit.explain() if edit else None


def mue(code: str) -> MueEdit | None:
    """Return the practitioner MUE for a code, or None when the code has none (in the tables loaded).

    >>> mue("99213").value
    1
    """
    wanted = _code(code)
    con = _imported()
    if con is not None and _has_table(con, "mue"):
        row = con.execute("select code, value, mai, rationale from mue where code=?", (wanted,)).fetchone()
        label = f"CMS NCCI MUE file {_meta().get('mue', {}).get('source', '')}".strip()
        return MueEdit(row[0], int(row[1]), int(row[2]), row[3], label) if row else None
    return _teaching_mue().get(wanted)


def ptp_edits() -> list[PtpEdit]:
    """Return every PTP edit of the teaching table (an imported CMS file is too large to list here)."""
    return list(_teaching_ptp().values())


def mue_edits() -> list[MueEdit]:
    """Return every MUE of the teaching table."""
    return list(_teaching_mue().values())


# ---------------------------------------------------------------------------------------------------- imports

def _text_sources(paths) -> list[tuple[str, str]]:
    """Return (name, text) for each file; a .zip contributes each .txt/.csv/.tsv member."""
    out = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file")
        if path.suffix.lower() == ".zip":
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.namelist() if m.lower().endswith((".txt", ".csv", ".tsv"))]
                if not members:
                    raise ValueError(f"{path.name}: the zip holds no .txt, .csv or .tsv file")
                for member in members:
                    out.append((f"{path.name}:{member}", archive.read(member).decode("utf-8-sig", errors="replace")))
        else:
            out.append((path.name, path.read_text(encoding="utf-8-sig", errors="replace")))
    return out


def _rows(text: str) -> list[list[str]]:
    delimiter = "\t" if "\t" in text[:20000] else ","
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _header_index(rows: list[list[str]], first_name: str, name: str) -> tuple[int, list[str]]:
    for number, row in enumerate(rows):
        if row and row[0].strip().lower().startswith(first_name.lower()):
            return number, [c.strip().lower() for c in row]
    raise ValueError(f"{name}: no header line starting with {first_name!r} was found — is this the CMS file?")


def _column(header: list[str], starts: tuple[str, ...], name: str, label: str) -> int:
    for index, cell in enumerate(header):
        if any(cell.startswith(s) for s in starts):
            return index
    raise ValueError(f"{name}: no {label!r} column in the header")


def _write_table(table: str, create: str, insert: str, rows: list[tuple], meta_key: str, source: str) -> None:
    path = _db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    if tmp.exists():
        tmp.unlink()
    if path.exists():
        tmp.write_bytes(path.read_bytes())
    con = sqlite3.connect(tmp)
    try:
        con.execute(f"drop table if exists {table}")
        con.execute(create)
        con.executemany(insert, rows)
        if table == "ptp":
            con.execute("create index ptp_pair on ptp(column1, column2)")
        con.commit()
    finally:
        con.close()
    _imported_cache.pop("stamp", None)
    old = _imported_cache.pop("con", None)
    if old is not None:
        old.close()
    tmp.replace(path)
    meta = _meta()
    meta[meta_key] = {"source": source, "count": len(rows), "imported": date.today().isoformat()}
    _meta_path().write_text(json.dumps(meta))


def import_ptp(*paths: str | Path) -> int:
    """Load CMS practitioner PTP files (tab or comma text, or the CMS zip); return the number of edits.

    Expected header (the preamble above it is skipped): ``Column 1``, ``Column 2``, ``*=in existence prior to
    1996``, ``Effective Date``, ``Deletion Date``, ``Modifier 0=not allowed 1=allowed 9=not applicable``,
    ``PTP Edit Rationale``. CMS splits the practitioner table into several files: pass them all in one call;
    the call replaces any earlier PTP import. Bad lines are reported, never guessed at.
    """
    if not paths:
        raise ValueError("import_ptp needs at least one file")
    edits: dict[tuple[str, str], tuple] = {}
    problems: list[str] = []
    names = []
    for name, text in _text_sources(paths):
        names.append(name)
        rows = _rows(text)
        start, header = _header_index(rows, "Column 1", name)
        col1 = _column(header, ("column 1",), name, "Column 1")
        col2 = _column(header, ("column 2",), name, "Column 2")
        eff = _column(header, ("effective",), name, "Effective Date")
        dele = _column(header, ("deletion",), name, "Deletion Date")
        mod = _column(header, ("modifier",), name, "Modifier 0=not allowed 1=allowed 9=not applicable")
        why = _column(header, ("ptp edit rationale", "rationale"), name, "PTP Edit Rationale")
        for number, row in enumerate(rows[start + 1:], start + 2):
            if not row or not any(row):
                continue
            first = row[col1].upper() if len(row) > col1 else ""
            if not _CODE.match(first):
                continue  # a second header line or a footnote
            try:
                second = row[col2].upper()
                if not _CODE.match(second):
                    raise ValueError(f"column 2 {second!r} is not a CPT/HCPCS code")
                indicator = row[mod].strip()[:1]
                if indicator not in ("0", "1", "9"):
                    raise ValueError(f"modifier indicator {row[mod]!r} is not 0, 1 or 9")
                effective = _parse_date(row[eff], "effective date ")
                if effective is None:
                    raise ValueError("the effective date is missing")
                deleted = _parse_date(row[dele], "deletion date ")
                rationale = " ".join(row[why].split()) if len(row) > why else ""
            except (ValueError, IndexError) as error:
                problems.append(f"{name} line {number}: {error}")
                continue
            edits[(first, second)] = (first, second, effective.isoformat(),
                                      deleted.isoformat() if deleted else None, indicator, rationale)
    if problems:
        raise ValueError(f"{len(problems)} bad line(s): " + "; ".join(problems[:5]))
    if not edits:
        raise ValueError(f"{', '.join(names)}: no PTP edits found under the header")
    _write_table("ptp", "create table ptp (column1 text, column2 text, effective text, deletion text, "
                        "indicator text, rationale text)",
                 "insert into ptp values (?, ?, ?, ?, ?, ?)", list(edits.values()), "ptp", ", ".join(names))
    return len(edits)


def import_mue(*paths: str | Path) -> int:
    """Load the CMS practitioner MUE file (comma or tab text, or its zip); return the number of codes.

    Expected header: ``HCPCS/CPT Code``, ``Practitioner Services MUE Values``, ``MUE Adjudication Indicator``
    (``2 Date of Service Edit: Policy`` or a bare digit), ``MUE Rationale``.
    """
    if not paths:
        raise ValueError("import_mue needs at least one file")
    values: dict[str, tuple] = {}
    problems: list[str] = []
    names = []
    for name, text in _text_sources(paths):
        names.append(name)
        rows = _rows(text)
        start, header = _header_index(rows, "HCPCS", name)
        code_col = _column(header, ("hcpcs",), name, "HCPCS/CPT Code")
        value_col = _column(header, ("practitioner", "mue value"), name, "Practitioner Services MUE Values")
        mai_col = _column(header, ("mue adjudication", "mai"), name, "MUE Adjudication Indicator")
        why_col = _column(header, ("mue rationale", "rationale"), name, "MUE Rationale")
        for number, row in enumerate(rows[start + 1:], start + 2):
            if not row or not any(row):
                continue
            code = row[code_col].upper() if len(row) > code_col else ""
            if not _CODE.match(code):
                continue
            try:
                value = int(row[value_col])
                if value < 0:
                    raise ValueError("a negative MUE value")
                mai = int(row[mai_col].strip()[:1])
                if mai not in (1, 2, 3):
                    raise ValueError(f"adjudication indicator {row[mai_col]!r} is not 1, 2 or 3")
                rationale = " ".join(row[why_col].split()) if len(row) > why_col else ""
            except (ValueError, IndexError) as error:
                problems.append(f"{name} line {number}: {error}" if "invalid literal" not in str(error)
                                else f"{name} line {number}: MUE value or indicator is not a number")
                continue
            values[code] = (code, value, mai, rationale)
    if problems:
        raise ValueError(f"{len(problems)} bad line(s): " + "; ".join(problems[:5]))
    if not values:
        raise ValueError(f"{', '.join(names)}: no MUE rows found under the header")
    _write_table("mue", "create table mue (code text primary key, value integer, mai integer, rationale text)",
                 "insert into mue values (?, ?, ?, ?)", list(values.values()), "mue", ", ".join(names))
    return len(values)


def remove_imported() -> None:
    """Go back to the teaching tables."""
    old = _imported_cache.pop("con", None)
    if old is not None:
        old.close()
    _imported_cache.clear()
    _db_path().unlink(missing_ok=True)
    _meta_path().unlink(missing_ok=True)
