"""CPT and HCPCS Level II modifiers, and CMS place-of-service codes.

CPT modifier descriptions are written by MedCode Practice contributors (not AMA text); HCPCS modifiers and
place-of-service codes come from CMS (public domain), described in our own words.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .._paths import data_dir
from ._tables import authored, read_tsv
from .errors import UnknownCodeError
from .normalize import clean


@dataclass(frozen=True)
class Modifier:
    """A two-character modifier, where it comes from (CPT or HCPCS) and what it tells the payer."""

    code: str
    name: str
    description: str
    source: str
    kind: str = ""


@dataclass(frozen=True)
class PlaceOfService:
    code: str
    name: str
    description: str


@cache
def _authored_modifiers() -> dict[str, Modifier]:
    out: dict[str, Modifier] = {}
    for row in read_tsv(authored("hcpcs", "2026", "hcpcs_modifiers.tsv")):
        out[row["modifier"]] = Modifier(row["modifier"], row.get("short_description", ""),
                                        row.get("long_description", ""), "HCPCS", row.get("kind", ""))
    for row in read_tsv(authored("cpt", "practice-2026", "cpt_modifiers.tsv")):
        out[row["modifier"]] = Modifier(row["modifier"], row.get("name", ""), row.get("descriptor", ""), "CPT",
                                        row.get("applies_to", ""))
    return out


def all_modifiers() -> dict[str, Modifier]:
    """Return every known modifier: authored ones, plus those from an imported CMS HCPCS file."""
    out = dict(_authored_modifiers())
    imported = data_dir() / "hcpcs" / "modifiers.tsv"
    if imported.exists():
        for row in read_tsv(imported):
            out.setdefault(row["modifier"], Modifier(row["modifier"], row["short_description"],
                                                     row["long_description"], "HCPCS"))
    return out


def lookup(code: str) -> Modifier:
    """Return a modifier; raise UnknownCodeError naming it when it is not a CPT or HCPCS modifier."""
    text = clean(code).lstrip("-")
    found = all_modifiers().get(text)
    if found is None:
        raise UnknownCodeError(f"{code!r} is not a CPT or HCPCS modifier (modifiers are 2 characters, e.g. 25, "
                               f"59, LT, RT, XS)", code=text, system="modifier")
    return found


def is_valid(code: str) -> bool:
    return clean(code).lstrip("-") in all_modifiers()


@cache
def places_of_service() -> dict[str, PlaceOfService]:
    return {row["code"]: PlaceOfService(row["code"], row["name"], row.get("description", ""))
            for row in read_tsv(authored("pos", "2026", "place_of_service.tsv"))}


def place_of_service(code: str) -> PlaceOfService:
    text = str(code).strip().zfill(2)
    found = places_of_service().get(text)
    if found is None:
        raise UnknownCodeError(f"{code!r} is not a CMS place-of-service code (e.g. 11 office, 21 inpatient "
                               f"hospital, 23 emergency department)", code=text, system="POS")
    return found
