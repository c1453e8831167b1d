"""Invented identifiers for the parties a case record does not name: practices, facilities, parents.

Everything is derived from a name with a hash, so the same case always gets the same practice, NPI and TIN.
NPIs carry a valid check digit (Luhn over 80840 + 9 digits); TINs start with 00, a prefix the IRS never
assigns; phone numbers are 555-01xx.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

from ..records.validate import npi_is_valid
from .model import Address, ClaimProvider, Person

# NUCC taxonomy codes (public) for the specialties the cases use.
TAXONOMY = {
    "internal medicine": "207R00000X", "family medicine": "207Q00000X", "emergency medicine": "207P00000X",
    "orthopedic surgery": "207X00000X", "orthopaedic surgery": "207X00000X", "general surgery": "208600000X",
    "dermatology": "207N00000X", "pediatrics": "208000000X", "ophthalmology": "207W00000X",
    "gastroenterology": "207RG0100X", "otolaryngology": "207Y00000X", "urology": "208800000X",
    "obstetrics and gynecology": "207V00000X", "obstetrics": "207V00000X", "gynecology": "207VG0400X",
    "cardiology": "207RC0000X", "pain medicine": "208VP0014X", "nurse practitioner": "363L00000X",
    "physician assistant": "363A00000X", "psychiatry": "2084P0800X", "radiology": "2085R0202X",
    "neurology": "2084N0400X", "pulmonology": "207RP1001X", "endocrinology": "207RE0101X",
    "oncology": "207RX0202X", "hematology/oncology": "207RH0003X", "infectious disease": "207RI0200X",
    "nephrology": "207RN0300X", "rheumatology": "207RR0500X", "geriatric medicine": "207RG0300X",
    "allergy and immunology": "207K00000X", "plastic surgery": "208200000X", "vascular surgery": "2086S0129X",
    "physical medicine and rehabilitation": "208100000X", "anesthesiology": "207L00000X",
    "hospital medicine": "208M00000X", "podiatry": "213E00000X", "critical care": "207RC0200X",
}
_PARENT_FIRST = {"F": ("Juniper", "Marisol", "Wrenna", "Tamsin", "Odette", "Briony"),
                 "M": ("Alder", "Corwin", "Fenwick", "Jasper", "Leland", "Rowan")}
_ADDRESS = re.compile(r"^(?P<street>.+?),\s*(?P<city>[^,]+),\s*(?P<state>[A-Z]{2})\s+(?P<zip>\d{5}(?:-?\d{4})?)\s*$")


def _digits(seed: str, count: int) -> str:
    number = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
    return str(number % 10 ** count).zfill(count)


def npi_for(seed: str) -> str:
    """Return a synthetic 10-digit NPI with a valid check digit, derived from ``seed``."""
    base = "1" + _digits("npi|" + seed, 8)
    for check in "0123456789":
        if npi_is_valid(base + check):
            return base + check
    raise AssertionError("unreachable: one check digit always fits")


def tin_for(seed: str) -> str:
    """Return a synthetic 9-digit TIN (prefix 00, never assigned by the IRS)."""
    return "00" + _digits("tin|" + seed, 7)


def clia_for(seed: str) -> str:
    """Return a synthetic 10-character CLIA number (two digits, D, seven digits)."""
    return "99D" + _digits("clia|" + seed, 7)


def phone_for(seed: str) -> str:
    return "614555" + "01" + _digits("phone|" + seed, 2)


def parse_address(text: str) -> Address | None:
    """Read "27 Wicklow Bend, Fernhollow, OH 43999" into an Address; None when it does not have that shape."""
    match = _ADDRESS.match((text or "").strip())
    if not match:
        return None
    street = [part.strip() for part in match.group("street").split(",") if part.strip()]
    return Address(street[0], match.group("city").strip(), match.group("state"), match.group("zip").replace("-", ""),
                   ", ".join(street[1:]))


def split_name(text: str) -> tuple[str, str, str, str]:
    """Split "Thaddeus Brindlecombe, DO" into (last, first, middle, credential)."""
    name, _, credential = str(text).partition(",")
    words = name.split()
    if not words:
        return "", "", "", credential.strip()
    if len(words) == 1:
        return words[0], "", "", credential.strip()
    return words[-1], words[0], " ".join(words[1:-1]), credential.strip()


def _specialty_words(specialty: str) -> str:
    words = " ".join(w.capitalize() if w not in ("and", "of") else w for w in (specialty or "medicine").split())
    return words.replace("Orthopedic Surgery", "Orthopedics")


def billing_practice(city: str, state: str, zip_code: str, specialty: str, setting: str) -> ClaimProvider:
    """Return the synthetic group practice that bills for a case's rendering provider (Box 33)."""
    if setting == "emergency":
        name = f"{city} Emergency Physicians"
    else:
        name = f"{city} {_specialty_words(specialty)} Associates"
    zip9 = (zip_code + "0101")[:9] if len(zip_code) == 5 else zip_code
    return ClaimProvider(npi_for(name), name, is_organization=True, tax_id=tin_for(name),
                         taxonomy="193200000X", address=Address(f"{10 + int(_digits(name, 2))} Market Street", city,
                                                                state, zip9),
                         phone=phone_for(name))


def service_facility(city: str, state: str, zip_code: str, place_of_service: str) -> ClaimProvider | None:
    """Return the synthetic hospital or surgery center where a facility-based service took place (Box 32)."""
    kind = {"21": "Community Hospital", "22": "Community Hospital", "23": "Community Hospital",
            "19": "Community Hospital", "24": "Surgery Center"}.get(place_of_service)
    if kind is None:
        return None
    name = f"{city} {kind}"
    zip9 = (zip_code + "0102")[:9] if len(zip_code) == 5 else zip_code
    return ClaimProvider(npi_for(name), name, is_organization=True,
                         address=Address(f"{100 + int(_digits(name, 3)) % 800} Hospital Drive", city, state, zip9))


def parent_of(patient: Person, member_id: str) -> Person:
    """Return a synthetic parent who holds a child's commercial coverage (the insured, Box 4)."""
    sex = "F" if int(_digits("parent|" + member_id, 1)) % 2 == 0 else "M"
    names = _PARENT_FIRST[sex]
    first = names[int(_digits("first|" + member_id, 2)) % len(names)]
    born = patient.date_of_birth or date(2010, 1, 1)
    years = 27 + int(_digits("age|" + member_id, 1))
    birth = date(born.year - years, 1 + int(_digits("m|" + member_id, 2)) % 12, 1 + int(_digits("d|" + member_id, 2)) % 28)
    return Person(patient.last_name, first, "", sex, birth, patient.address, patient.phone)
