"""Turn whatever a learner typed into a canonical code and the system it belongs to.

Codes are accepted with or without the dot, in any case, with stray spaces; ICD-10-CM codes are always
returned dotted (``e119`` -> ``E11.9``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ICD10CM = "ICD-10-CM"
ICD10PCS = "ICD-10-PCS"
CPT = "CPT"
HCPCS = "HCPCS"
MODIFIER = "modifier"
SYSTEMS = (ICD10CM, ICD10PCS, CPT, HCPCS)

_SYSTEM_ALIASES = {
    "icd10cm": ICD10CM, "icd-10-cm": ICD10CM, "icd": ICD10CM, "cm": ICD10CM, "dx": ICD10CM, "diagnosis": ICD10CM,
    "icd10pcs": ICD10PCS, "icd-10-pcs": ICD10PCS, "pcs": ICD10PCS,
    "cpt": CPT, "hcpcs": HCPCS, "hcpcs2": HCPCS, "hcpcs-ii": HCPCS, "modifier": MODIFIER, "modifiers": MODIFIER,
}

_ICD_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z](?:[0-9A-Z]{1,4})?$")
_PCS_SHAPE = re.compile(r"^[0-9A-HJ-NP-Z]{7}$")
_CPT_SHAPE = re.compile(r"^(?:\d{5}|\d{4}[FTU])$")
_HCPCS_SHAPE = re.compile(r"^[A-V]\d{4}$")


@dataclass(frozen=True)
class Candidate:
    """One reading of a typed string: the canonical code and the system it would belong to."""

    system: str
    code: str


def system_name(name: str) -> str:
    """Return the canonical system name for a user's spelling (``icd10cm`` -> ``ICD-10-CM``).

    Raises ValueError naming the systems taught when the name is not one of them.
    """
    key = name.strip().lower().replace(" ", "").replace("_", "")
    if name in SYSTEMS or name == MODIFIER:
        return name
    if key in _SYSTEM_ALIASES:
        return _SYSTEM_ALIASES[key]
    raise ValueError(f"unknown code system {name!r}: use icd10cm, icd10pcs, cpt or hcpcs")


def clean(text: str) -> str:
    """Upper-case the text and drop spaces, dots and dashes around it (keeps inner dots for ICD-10-CM)."""
    return re.sub(r"\s+", "", str(text)).strip(".-").upper()


def dotted_icd(code: str) -> str:
    """Return an ICD-10-CM code with its dot after the third character (``E119`` -> ``E11.9``)."""
    bare = code.replace(".", "")
    return bare if len(bare) <= 3 else f"{bare[:3]}.{bare[3:]}"


def candidates(text: str) -> list[Candidate]:
    """List every system whose code shape the text fits, most likely first.

    A dot means ICD-10-CM. Letter plus four digits fits both HCPCS and undotted ICD-10-CM (``G0439``), so both
    are offered and the caller decides by what exists.

    >>> candidates("j1885")
    [Candidate(system='HCPCS', code='J1885'), Candidate(system='ICD-10-CM', code='J18.85')]
    """
    raw = clean(text)
    if not raw:
        return []
    out: list[Candidate] = []
    if "." in raw:
        bare = raw.replace(".", "")
        if raw.index(".") == 3 and _ICD_SHAPE.match(bare):
            out.append(Candidate(ICD10CM, dotted_icd(bare)))
        return out
    if _CPT_SHAPE.match(raw):
        out.append(Candidate(CPT, raw))
    if _HCPCS_SHAPE.match(raw):
        out.append(Candidate(HCPCS, raw))
    if _PCS_SHAPE.match(raw) and (raw[0].isdigit() or raw[0] in "BCDFGHX"):
        out.append(Candidate(ICD10PCS, raw))
    if _ICD_SHAPE.match(raw):
        out.append(Candidate(ICD10CM, dotted_icd(raw)))
    return out


def describe_shape(text: str) -> str:
    """Say why a string is not shaped like any code, for error messages."""
    raw = clean(text)
    if not raw:
        return "nothing was entered"
    if re.search(r"[^0-9A-Z.]", raw):
        bad = sorted(set(re.findall(r"[^0-9A-Z.]", raw)))
        return f"{text.strip()!r} contains {' '.join(repr(b) for b in bad)}, which no code uses"
    if raw.isdigit() and len(raw) != 5:
        return f"{raw} has {len(raw)} digits; CPT codes have exactly 5"
    if "." in raw and raw.index(".") != 3:
        return f"{raw}: in ICD-10-CM the dot goes after the 3rd character (e.g. E11.9)"
    if len(raw) > 8:
        return f"{raw} is too long for any code ({len(raw)} characters)"
    return (f"{raw} does not look like an ICD-10-CM (E11.9), ICD-10-PCS (0DTJ4ZZ), CPT (99213) "
            f"or HCPCS (J1885) code")
