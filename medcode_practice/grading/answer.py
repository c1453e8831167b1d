"""Read a learner's answer, however it was typed, into diagnoses, service lines and PCS codes.

Accepted: a string (``"E11.22, N18.31, z79.4"``; service lines as ``99214-25``, ``20610-RT``, ``J1885 x2``),
a list of such strings, or a mapping with ``diagnoses`` / ``procedures`` / ``pcs`` (strings or lists) and
optional ``modifiers`` / ``units`` mappings keyed by code. Nothing here raises on bad input: unreadable tokens
are returned in ``invalid`` with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..codes import CodeError, normalize
from ..codes.normalize import CPT, HCPCS, ICD10CM, ICD10PCS

_SPLIT = re.compile(r"[,;\n\t]+|\s{2,}")
_LINE = re.compile(r"^\s*(?P<code>\d{4}[0-9FTUftu]|[A-Va-v]\d{4}|[A-Za-z0-9.]+)\s*(?P<mods>(?:[-/ ]\s*[A-Za-z0-9]{2}\b)*)"
                   r"\s*(?:(?:[x×*]|units?\s*[:=]?)\s*(?P<units>\d{1,4}))?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class EnteredLine:
    """A service line as entered: code, modifiers, units."""

    code: str
    modifiers: tuple[str, ...] = ()
    units: int = 1
    text: str = ""


@dataclass
class Answer:
    """What the learner entered, sorted by role, in the order typed."""

    diagnoses: list[str] = field(default_factory=list)
    procedures: list[EnteredLine] = field(default_factory=list)
    pcs: list[str] = field(default_factory=list)
    invalid: list[tuple[str, str]] = field(default_factory=list)
    billing: dict[int, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.diagnoses or self.procedures or self.pcs or self.invalid or self.billing)


@lru_cache(maxsize=65536)
def _classify(token: str, role: str | None) -> tuple[str, str] | tuple[None, str]:
    """Return (system, code) for a token, or (None, reason)."""
    try:
        return normalize(token, role) if role else normalize(token)
    except CodeError as error:
        return None, str(error)
    except ValueError as error:
        return None, str(error)


def _tokens(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [t.strip() for t in _SPLIT.split(value) if t and t.strip()]
    if isinstance(value, (list, tuple, set)):
        out: list[str] = []
        for item in value:
            out += _tokens(item) if not isinstance(item, (list, tuple)) else _tokens(" ".join(map(str, item)))
        return out
    return [str(value).strip()]


@lru_cache(maxsize=65536)
def _split_words(token: str) -> tuple[str, ...]:
    """Split a token typed with single spaces ("E11.22 N18.31") unless it reads as one service line."""
    if " " not in token or _LINE.match(token):
        return (token,)
    return tuple(t for t in token.split() if t)


@lru_cache(maxsize=65536)
def _line(token: str, default_role: str | None) -> tuple[str | None, object, str]:
    """Return (role, value, reason) for one token."""
    match = _LINE.match(token)
    code_text = match.group("code") if match else token
    has_line_parts = bool(match and (match.group("mods") or match.group("units")))
    role = default_role
    if has_line_parts and role is None:
        role = "procedures"
    system_hint = {"diagnoses": ICD10CM, "pcs": ICD10PCS}.get(role or "")
    system, code = _classify(code_text, system_hint)
    if system is None and role == "procedures":
        system, code = _classify(code_text, None)
    if system is None:
        return None, token, code
    if system == ICD10CM:
        if has_line_parts:
            return None, token, f"{token}: modifiers and units go with CPT/HCPCS codes, not diagnoses"
        return "diagnoses", code, ""
    if system == ICD10PCS:
        return "pcs", code, ""
    if system in (CPT, HCPCS):
        mods = tuple(m.upper() for m in re.findall(r"[A-Za-z0-9]{2}", match.group("mods") or "")) if match else ()
        units = int(match.group("units")) if match and match.group("units") else 1
        return "procedures", EnteredLine(code, mods, units, token), ""
    return None, token, f"{token}: not a code for this answer"


def parse_answer(value) -> Answer:
    """Sort whatever was entered into an Answer; never raises."""
    answer = Answer()
    try:
        if isinstance(value, dict):
            modifiers = {str(k).upper(): v for k, v in (value.get("modifiers") or {}).items()}
            units = {str(k).upper(): v for k, v in (value.get("units") or {}).items()}
            for role in ("diagnoses", "procedures", "pcs"):
                _add(answer, value.get(role), role)
            for key in value:
                if key not in ("diagnoses", "procedures", "pcs", "modifiers", "units", "billing", "codes"):
                    answer.invalid.append((str(key), f"unknown part {key!r}: use diagnoses, procedures, pcs, "
                                                     f"modifiers, units"))
            _add(answer, value.get("codes"), None)
            answer.procedures = [_override(line, modifiers, units) for line in answer.procedures]
            billing = value.get("billing") or {}
            if isinstance(billing, dict):
                answer.billing = {int(k): str(v) for k, v in billing.items() if str(k).isdigit()}
            elif isinstance(billing, (list, tuple)):
                answer.billing = {i: str(v) for i, v in enumerate(billing) if v is not None}
        else:
            _add(answer, value, None)
    except Exception as error:  # an answer must never crash grading
        answer.invalid.append((repr(value)[:40], f"could not read this answer ({type(error).__name__})"))
    return answer


def _override(line: EnteredLine, modifiers: dict, units: dict) -> EnteredLine:
    mods = modifiers.get(line.code)
    count = units.get(line.code)
    new_mods = line.modifiers
    if mods is not None:
        new_mods = tuple(str(m).strip().upper().lstrip("-") for m in _tokens(mods) for m in str(m).replace("-", " ").split())
    new_units = line.units
    if count is not None:
        try:
            new_units = int(count)
        except (TypeError, ValueError):
            new_units = line.units
    return EnteredLine(line.code, new_mods, new_units, line.text)


def _add(answer: Answer, value, role: str | None) -> None:
    if value is not None and not isinstance(value, (str, list, tuple, set, int, float)):
        answer.invalid.append((repr(value)[:40], "expected text or a list of codes"))
        return
    for token in _tokens(value):
        for word in _split_words(token):
            placed, item, reason = _line(word, role)
            if placed is None:
                answer.invalid.append((word, reason))
            elif placed == "procedures":
                answer.procedures.append(item)  # type: ignore[arg-type]
            else:
                getattr(answer, placed).append(item)
