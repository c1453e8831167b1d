"""ICD-10-CM: descriptions, hierarchy and the instructional notes a coder relies on.

Data: the CMS tabular list carried by ``simple-icd-10-cm`` (FY2026, April 1 2026 update), read through a compact
SQLite table built once per release (see ``_icd10cm_build``). A newer release imported with
``medcode codesets import icd10cm`` becomes the active one; every answer says which release gave it.

>>> lookup("e1122").description
'Type 2 diabetes mellitus with diabetic chronic kidney disease'
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from dataclasses import dataclass, field
from functools import cache

from . import _releases
from .errors import NotBillableError, PlaceholderError, SeventhCharacterError, UnknownCodeError
from .normalize import ICD10CM, clean, dotted_icd

SYSTEM = ICD10CM


@dataclass(frozen=True)
class Note:
    """One instructional note, with the code or block it is written at (notes apply to everything below)."""

    kind: str
    text: str
    source: str


@dataclass(frozen=True)
class IcdCode:
    """An ICD-10-CM item as a coder sees it in the Tabular List."""

    code: str
    description: str
    billable: bool
    kind: str
    release: str
    parent: str | None = None
    chapter: tuple[str, str] = ("", "")
    block: tuple[str, str] = ("", "")
    children: tuple[str, ...] = ()
    billable_children: tuple[str, ...] = ()
    inclusion_terms: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()
    seventh_characters: dict[str, str] = field(default_factory=dict)
    seventh_character_source: str | None = None
    system: str = SYSTEM

    def notes_of(self, kind: str) -> list[Note]:
        """Return the notes of one kind (``excludes1``, ``code_first`` …), own and inherited."""
        return [n for n in self.notes if n.kind == kind]

    @property
    def needs_seventh_character(self) -> bool:
        return not self.billable and bool(self.seventh_characters) and all(
            len(c.replace(".", "")) == 7 for c in self.children)


NOTE_KINDS = ("includes", "excludes1", "excludes2", "code_first", "use_additional_code", "code_also", "notes")
NOTE_TITLES = {"includes": "Includes", "excludes1": "Excludes1", "excludes2": "Excludes2", "code_first": "Code first",
               "use_additional_code": "Use additional code", "code_also": "Code also", "notes": "Note"}


class Icd10cmRelease:
    """One loaded ICD-10-CM release, read from its compact table."""

    def __init__(self, source: _releases.Icd10cmSource):
        self.source = source
        self.label = source.label
        self.title = source.title
        self._path = _releases.icd10cm_table(source)
        self._local = threading.local()
        self.has_notes = self._meta("has_notes") == "1"
        # Entries and parsed Excludes1 references are immutable per release: cache them (graders ask often).
        self._entries: dict[str, IcdCode] = {}
        self._excludes1: dict[str, list[tuple[Note, list[tuple[str, str]]]]] = {}

    @property
    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(f"file:{self._path}?mode=ro", uri=True, check_same_thread=False)
            con.row_factory = sqlite3.Row
            self._local.con = con
        return con

    def _meta(self, key: str) -> str | None:
        row = self._con.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def row(self, code: str) -> sqlite3.Row | None:
        """Return the stored row for a code typed with or without its dot, or None."""
        bare = clean(code).replace(".", "")
        return self._con.execute("SELECT * FROM item WHERE nodot=? AND kind NOT IN ('chapter','block')",
                                 (bare,)).fetchone()

    def exists(self, code: str) -> bool:
        return self.row(code) is not None

    def is_billable(self, code: str) -> bool:
        row = self.row(code)
        return bool(row and row["billable"])

    def children(self, code: str) -> list[str]:
        return [r[0] for r in self._con.execute("SELECT code FROM item WHERE parent=? ORDER BY ordinal", (code,))]

    def ancestors(self, code: str) -> list[str]:
        """Return the codes, block and chapter above ``code``, nearest first."""
        out = []
        row = self._con.execute("SELECT parent FROM item WHERE code=?", (code,)).fetchone()
        while row and row[0]:
            out.append(row[0])
            row = self._con.execute("SELECT parent FROM item WHERE code=?", (row[0],)).fetchone()
        return out

    def billable_descendants(self, code: str, limit: int = 200) -> list[str]:
        bare = code.replace(".", "")
        rows = self._con.execute(
            "SELECT code FROM item WHERE nodot > ? AND nodot < ? AND billable=1 ORDER BY ordinal LIMIT ?",
            (bare, bare + "~", limit))
        return [r[0] for r in rows]

    def all_billable(self) -> list[str]:
        return [r[0] for r in self._con.execute("SELECT code FROM item WHERE billable=1 ORDER BY ordinal")]

    def describe(self, code: str) -> str:
        row = self.row(code)
        if row is None:
            raise self.unknown(code)
        return row["description"]

    def lookup(self, code: str) -> IcdCode:
        """Return everything the Tabular List says about ``code``, notes inherited from above included.

        Raises UnknownCodeError (with a placeholder-X suggestion where one fits) for a code that does not exist.
        """
        key = clean(code).replace(".", "")
        found = self._entries.get(key)
        if found is None:
            found = self._read(code)
            if len(self._entries) < 50_000:
                self._entries[key] = found
        return found

    def _read(self, code: str) -> IcdCode:
        row = self.row(code)
        if row is None:
            raise self.unknown(code)
        lineage = [row["code"], *self.ancestors(row["code"])]
        rows = {r["code"]: r for r in self._con.execute(
            f"SELECT * FROM item WHERE code IN ({','.join('?' * len(lineage))})", lineage)}
        notes: list[Note] = []
        seventh: dict[str, str] = {}
        seventh_source = None
        for name in lineage:
            item = rows[name]
            for kind in NOTE_KINDS:
                value = item[kind]
                texts = json.loads(value) if kind in ("includes", "excludes1", "excludes2") else (
                    [t for t in value.split("\n") if t.strip()] if value else [])
                notes += [Note(kind, text, name) for text in texts]
            if not seventh and item["seven_chr_def"] not in (None, "{}"):
                seventh = json.loads(item["seven_chr_def"])
                seventh_source = name
        chapter = rows.get(row["chapter"]) if row["chapter"] else None
        block = rows.get(row["block"]) if row["block"] else None
        children = self.children(row["code"])
        billable_children = [] if row["billable"] else self.billable_descendants(row["code"], 500)
        return IcdCode(
            code=row["code"], description=row["description"], billable=bool(row["billable"]), kind=row["kind"],
            release=self.title, parent=row["parent"],
            chapter=(row["chapter"], chapter["description"] if chapter else ""),
            block=(row["block"], block["description"] if block else ""),
            children=tuple(children), billable_children=tuple(billable_children),
            inclusion_terms=tuple(json.loads(row["inclusion_terms"] or "[]")), notes=tuple(notes),
            seventh_characters=seventh, seventh_character_source=seventh_source)

    def check(self, code: str) -> IcdCode:
        """Return the code if it can be reported as entered, else raise an error that says what to fix.

        >>> release().check("S72.001")
        Traceback (most recent call last):
        SeventhCharacterError: S72.001 needs a 7th character: A (initial encounter for closed fracture), ...
        """
        info = self.lookup(code)
        if info.billable:
            return info
        if info.needs_seventh_character:
            raise SeventhCharacterError(seventh_character_message(info), code=info.code, system=SYSTEM,
                                        suggestions=list(info.children))
        shown = ", ".join(info.billable_children[:12]) + (" …" if len(info.billable_children) > 12 else "")
        raise NotBillableError(
            f"{info.code} ({info.description}) is a header, not a billable code: choose a more specific code "
            f"below it ({shown})", code=info.code, system=SYSTEM, suggestions=list(info.billable_children))

    def unknown(self, code: str) -> UnknownCodeError:
        """Build the error for a code that does not exist, suggesting a placeholder X or a nearby header."""
        bare = clean(code).replace(".", "")
        shown = dotted_icd(bare)
        for fixed in _placeholder_fixes(bare):
            if self.exists(fixed):
                return PlaceholderError(
                    f"{shown} is not a code: placeholder X is needed to hold the 7th character in its place — "
                    f"did you mean {dotted_icd(fixed)}?", code=shown, system=SYSTEM, suggestions=[dotted_icd(fixed)])
        prefix = bare[:-1]
        while len(prefix) >= 3:
            if self.exists(prefix):
                near = dotted_icd(prefix)
                kids = self.children(near)
                below = f"codes below it: {', '.join(kids[:10])}" if kids else "it is itself a complete code"
                return UnknownCodeError(f"{shown} is not an ICD-10-CM code in {self.label}; {near} exists "
                                        f"({below})", code=shown, system=SYSTEM, suggestions=kids or [near])
            prefix = prefix[:-1]
        return UnknownCodeError(f"{shown} is not an ICD-10-CM code in {self.label}", code=shown, system=SYSTEM)

    def excludes1_conflict(self, first: str, second: str) -> Note | None:
        """Return the Excludes1 note that forbids coding ``first`` and ``second`` together, or None.

        Both directions are checked, with notes inherited from categories and blocks.
        """
        for a, b in ((first, second), (second, first)):
            b_bare = clean(b).replace(".", "")
            for note, ranges in self._excludes1_references(a):
                if any(_in_range(b_bare, start, end) for start, end in ranges):
                    return note
        return None

    def _excludes1_references(self, code: str) -> list[tuple[Note, list[tuple[str, str]]]]:
        key = clean(code).replace(".", "")
        found = self._excludes1.get(key)
        if found is None:
            try:
                notes = self.lookup(code).notes_of("excludes1")
            except UnknownCodeError:
                return []
            found = [(note, references(note.text)) for note in notes]
            self._excludes1[key] = found
        return found


def _placeholder_fixes(bare: str) -> list[str]:
    """Candidate codes with placeholder X inserted so that the last character lands in 7th position."""
    if len(bare) >= 7 or len(bare) < 4:
        return []
    body, last = bare[:-1], bare[-1]
    out = []
    for at in range(3, len(body) + 1):
        filled = body[:at] + "X" * (6 - len(body)) + body[at:]
        out.append(filled + last)
    return out


_REF = re.compile(r"\b([A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?)(?:\.?-)?(?:\s*-\s*([A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?)(?:\.?-)?)?")


def references(text: str) -> list[tuple[str, str]]:
    """Return the code ranges a note points to, as undotted (start, end) pairs.

    >>> references("code to identify stage of chronic kidney disease (N18.1-N18.6)")
    [('N181', 'N186')]
    """
    out = []
    for start, end in _REF.findall(text):
        s = start.replace(".", "")
        out.append((s, (end or start).replace(".", "")))
    return out


def _in_range(code: str, start: str, end: str) -> bool:
    if code.startswith(start) or code.startswith(end):
        return True
    return start < code[: len(start)] <= end[: len(start)] if start != end else False


def seventh_character_message(info: IcdCode) -> str:
    """Say that a code needs a 7th character and list the allowed ones with their meaning."""
    allowed = ", ".join(info.seventh_characters)
    common = [k for k in ("A", "D", "S") if k in info.seventh_characters] or list(info.seventh_characters)[:2]
    meanings = "; ".join(f"{k} = {info.seventh_characters[k]}" for k in common)
    example = info.children[0] if info.children else info.code
    return f"{info.code} needs a 7th character: {allowed} ({meanings}). Example: {example}"


@cache
def release(label: str | None = None) -> Icd10cmRelease:
    """Return a loaded release: the active one by default, or one by label (``FY2026``)."""
    sources = _releases.icd10cm_sources()
    label = label or _releases.active_icd10cm()
    if label not in sources:
        raise ValueError(f"no ICD-10-CM release {label!r} here; available: {', '.join(sorted(sources))}")
    return Icd10cmRelease(sources[label])


def lookup(code: str, year: str | None = None) -> IcdCode:
    """Return the Tabular List entry for ``code`` (dot optional) in the active or the named release."""
    return release(year).lookup(code)


def check(code: str, year: str | None = None) -> IcdCode:
    """Return ``code`` if it is billable, else raise an error naming what is missing."""
    return release(year).check(code)


def describe(code: str, year: str | None = None) -> str:
    return release(year).describe(code)


def is_valid(code: str, year: str | None = None) -> bool:
    return release(year).exists(code)


def is_billable(code: str, year: str | None = None) -> bool:
    return release(year).is_billable(code)


def children(code: str, year: str | None = None) -> list[str]:
    return release(year).children(release(year).lookup(code).code)


def ancestors(code: str, year: str | None = None) -> list[str]:
    return release(year).ancestors(release(year).lookup(code).code)


def excludes1_conflict(first: str, second: str, year: str | None = None) -> Note | None:
    return release(year).excludes1_conflict(first, second)
