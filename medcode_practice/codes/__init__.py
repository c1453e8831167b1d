"""Code sets: ICD-10-CM, ICD-10-PCS, CPT (practice set or licensed), HCPCS Level II, modifiers, place of service.

Flat verbs over every system: ``lookup`` (what a code is), ``check`` (can it be reported as entered — or exactly
what is wrong), ``normalize`` (typed text to a canonical code and its system), ``search`` and ``info``.

>>> lookup("e119").code
'E11.9'
>>> check("S72.001")
Traceback (most recent call last):
medcode_practice.codes.errors.SeventhCharacterError: S72.001 needs a 7th character: A, B, C, ...
"""

from __future__ import annotations

from dataclasses import dataclass

from . import cpt, hcpcs, icd10cm, icd10pcs, modifiers
from .errors import (CodeError, InvalidAxisValueError, MalformedCodeError, NotBillableError, PlaceholderError,
                     SeventhCharacterError, UnknownCodeError, WrongSystemError)
from .normalize import CPT, HCPCS, ICD10CM, ICD10PCS, MODIFIER, SYSTEMS, candidates, describe_shape, system_name
from .search import Hit, search

__all__ = [
    "lookup", "check", "normalize", "search", "info", "Hit", "CodeSetInfo",
    "CodeError", "MalformedCodeError", "UnknownCodeError", "NotBillableError", "SeventhCharacterError",
    "PlaceholderError", "InvalidAxisValueError", "WrongSystemError",
    "ICD10CM", "ICD10PCS", "CPT", "HCPCS", "MODIFIER", "SYSTEMS",
    "icd10cm", "icd10pcs", "cpt", "hcpcs", "modifiers",
]

_MODULES = {ICD10CM: icd10cm, ICD10PCS: icd10pcs, CPT: cpt, HCPCS: hcpcs}
_FIELD = {ICD10CM: "a diagnosis (ICD-10-CM)", ICD10PCS: "an inpatient procedure (ICD-10-PCS)",
          CPT: "a procedure or service (CPT)", HCPCS: "a supply, drug or service (HCPCS Level II)"}


def _lookup_in(system: str, code: str, year: str | None):
    if system == ICD10CM:
        return icd10cm.lookup(code, year)
    if system == ICD10PCS:
        return icd10pcs.decode(code)
    if system == MODIFIER:
        return modifiers.lookup(code)
    return _MODULES[system].lookup(code)


def _exists(system: str, code: str, year: str | None) -> bool:
    if system == ICD10CM:
        return icd10cm.is_valid(code, year)
    return _MODULES[system].is_valid(code)


def normalize(text: str, system: str | None = None, year: str | None = None) -> tuple[str, str]:
    """Return ``(system, canonical code)`` for what a learner typed, deciding ambiguous shapes by what exists.

    With ``system`` given, a code that only exists in another system raises WrongSystemError.

    >>> normalize("j1885")
    ('HCPCS', 'J1885')
    >>> normalize("0dtj4zz")
    ('ICD-10-PCS', '0DTJ4ZZ')
    """
    wanted = system_name(system) if system else None
    if wanted == MODIFIER:
        return MODIFIER, modifiers.lookup(text).code
    options = candidates(text)
    if not options:
        raise MalformedCodeError(describe_shape(text), code=str(text).strip(), system=wanted or "")
    existing = [c for c in options if _exists(c.system, c.code, year)]
    if wanted:
        mine = [c for c in options if c.system == wanted]
        if mine and (any(c.system == wanted for c in existing) or not existing):
            return wanted, mine[0].code
        if existing:
            other = existing[0]
            raise WrongSystemError(
                f"{other.code} is {_FIELD[other.system]} code, but this field needs {_FIELD[wanted]}",
                code=other.code, system=wanted)
        raise MalformedCodeError(f"{str(text).strip()!r} is not shaped like {_FIELD[wanted]} code", code=text,
                                 system=wanted)
    chosen = existing[0] if existing else options[0]
    return chosen.system, chosen.code


def lookup(text: str, system: str | None = None, year: str | None = None):
    """Return the entry for a code of any system (headers included); raise CodeError if there is none.

    The object has at least ``system``, ``code``, ``description``, ``billable`` and ``release``.
    """
    found_system, code = normalize(text, system, year)
    return _lookup_in(found_system, code, year)


def check(text: str, system: str | None = None, year: str | None = None):
    """Return the entry if the code can be reported as entered; else raise the error that says what to fix.

    Headers raise NotBillableError (SeventhCharacterError when only a 7th character is missing).
    """
    found_system, code = normalize(text, system, year)
    if found_system == ICD10CM:
        return icd10cm.check(code, year)
    return _lookup_in(found_system, code, year)


@dataclass(frozen=True)
class CodeSetInfo:
    """One loaded code set and the release that answers for it."""

    system: str
    release: str
    count: int
    note: str = ""


def info() -> list[CodeSetInfo]:
    """Describe every loaded code set with its year or version."""
    from . import _releases

    out = []
    active = icd10cm.release()
    others = [label for label in _releases.icd10cm_sources() if label != active.label]
    note = ("active" + (f"; also loaded: {', '.join(sorted(others))}" if others else "")
            + ("" if active.has_notes else "; descriptions only (order file: no instructional notes)"))
    out.append(CodeSetInfo(ICD10CM, active.title, len(active.all_billable()), note + "; count = billable codes"))
    out.append(CodeSetInfo(ICD10PCS, icd10pcs.release_title(), len(icd10pcs.all_codes()), "valid codes in the tables"))
    out.append(CodeSetInfo(CPT, cpt.release(), len(cpt.codes()),
                           "practice descriptors are not AMA text" if not any(
                               c.official_text for c in cpt.codes().values()) else "licensed file loaded"))
    out.append(CodeSetInfo(HCPCS, hcpcs.release(), len(hcpcs.codes())))
    out.append(CodeSetInfo(MODIFIER, "CPT and HCPCS Level II modifiers", len(modifiers.all_modifiers())))
    out.append(CodeSetInfo("POS", "CMS place-of-service codes 2026", len(modifiers.places_of_service())))
    return out
