"""The professional claim: the CMS-1500 / 837P fields as frozen dataclasses.

A claim is read, checked, written and adjudicated; it is never changed in place. A corrected claim is a new
claim (``dataclasses.replace`` or :func:`medcode_practice.claims.denials.corrected_claim`).

Money is ``Decimal`` rounded to cents. Diagnoses are dotted ICD-10-CM codes in the order of Box 21 (A-L); a
service line points at them with letters (Box 24E).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

LETTERS = "ABCDEFGHIJKL"
MAX_DIAGNOSES = 12
MAX_MODIFIERS = 4
MAX_POINTERS = 4
FREQUENCIES = {"1": "original claim", "7": "replacement of a prior claim", "8": "void / cancel of a prior claim"}
RELATIONSHIPS = {"18": "self", "01": "spouse", "19": "child", "G8": "other relationship"}
CENTS = Decimal("0.01")
_CASE_ID = re.compile(r"^[A-Z]{2}-[A-Z]?\d{3,4}$")


def money(value) -> Decimal:
    """Return ``value`` as Decimal cents (half up), the way a claim and a remittance carry amounts."""
    if isinstance(value, Decimal):
        return value.quantize(CENTS, rounding=ROUND_HALF_UP)
    return Decimal(str(value)).quantize(CENTS, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Address:
    line1: str
    city: str
    state: str
    postal_code: str
    line2: str = ""

    def one_line(self) -> str:
        street = f"{self.line1}, {self.line2}" if self.line2 else self.line1
        return f"{street}, {self.city}, {self.state} {self.postal_code}"


@dataclass(frozen=True)
class Person:
    """A patient or an insured person (Boxes 2, 3, 5 and 4, 7, 11a)."""

    last_name: str
    first_name: str
    middle_name: str = ""
    sex: str = "U"
    date_of_birth: date | None = None
    address: Address | None = None
    # Boxes 5 and 7 print a phone number; the 837P has no place for it, so it does not survive a round trip.
    phone: str = field(default="", compare=False)

    @property
    def name(self) -> str:
        """Return "Last, First M" as the form prints it."""
        middle = f" {self.middle_name[:1]}" if self.middle_name else ""
        return f"{self.last_name}, {self.first_name}{middle}"

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_name, self.last_name) if p)


@dataclass(frozen=True)
class ClaimProvider:
    """A provider on the claim: billing (Box 33), rendering (24J/31), referring (17) or service facility (32)."""

    npi: str
    last_name: str
    first_name: str = ""
    is_organization: bool = False
    tax_id: str = ""
    taxonomy: str = ""
    address: Address | None = None
    phone: str = ""
    # The 837P NM1 segment has no credential field ("MD", "DO"), so it does not survive a round trip.
    credential: str = field(default="", compare=False)

    @property
    def name(self) -> str:
        if self.is_organization:
            return self.last_name
        credential = f", {self.credential}" if self.credential else ""
        return f"{self.first_name} {self.last_name}{credential}".strip()


@dataclass(frozen=True)
class ClaimPayer:
    """The payer a claim is sent to: name, payer id (2010BB NM109) and claim filing indicator (SBR09)."""

    name: str
    payer_id: str
    filing_indicator: str
    address: Address | None = None


@dataclass(frozen=True)
class Coverage:
    """A patient's coverage with one payer: the insured, the member id and who the patient is to the insured."""

    payer: ClaimPayer
    member_id: str
    insured: Person
    relationship: str = "18"
    group_number: str = ""
    group_name: str = ""
    responsibility: str = "P"

    @property
    def patient_is_insured(self) -> bool:
        return self.relationship == "18"


@dataclass(frozen=True)
class Adjustment:
    """One claim adjustment (835 CAS): group code, CARC reason code and amount (positive reduces payment)."""

    group: str
    reason: str
    amount: Decimal
    quantity: int | None = None

    def __str__(self) -> str:
        return f"{self.group}-{self.reason} {self.amount:.2f}"


@dataclass(frozen=True)
class LineAdjudication:
    """A prior payer's result for one line, carried on a secondary claim (2430 SVD/CAS/DTP*573)."""

    line_number: int
    payer_id: str
    code: str
    modifiers: tuple[str, ...]
    units: int
    paid: Decimal
    adjustments: tuple[Adjustment, ...]
    adjudication_date: date


@dataclass(frozen=True)
class OtherPayer:
    """Another payer's coverage and, on a secondary claim, what it paid (2320/2330A/2330B, Boxes 9 and 11d)."""

    coverage: Coverage
    paid: Decimal = Decimal("0.00")
    adjustments: tuple[Adjustment, ...] = ()
    adjudication_date: date | None = None
    lines: tuple[LineAdjudication, ...] = ()


@dataclass(frozen=True)
class ClaimLine:
    """One service line (Box 24): date, place of service, code, modifiers, pointers (letters), charge, units."""

    code: str
    charge: Decimal
    service_date: date
    modifiers: tuple[str, ...] = ()
    pointers: tuple[str, ...] = ()
    units: int = 1
    place_of_service: str = ""
    emergency: bool = False

    @property
    def label(self) -> str:
        """Return the line as a coder writes it: ``99214-25 x1``."""
        return f"{self.code}{''.join('-' + m for m in self.modifiers)}" + (f" x{self.units}" if self.units != 1 else "")


@dataclass(frozen=True)
class Claim:
    """A professional claim (CMS-1500 02/12, X12 837P 005010X222A1), synthetic, for training."""

    claim_id: str
    patient: Person
    coverage: Coverage
    billing_provider: ClaimProvider
    rendering_provider: ClaimProvider | None
    diagnoses: tuple[str, ...]
    lines: tuple[ClaimLine, ...]
    place_of_service: str
    submission_date: date
    referring_provider: ClaimProvider | None = None
    facility: ClaimProvider | None = None
    prior_authorization: str = ""
    frequency: str = "1"
    original_reference: str = ""
    other_payers: tuple[OtherPayer, ...] = ()
    onset_date: date | None = None
    employment_related: bool = False
    auto_accident_state: str = ""
    other_accident: bool = False
    accident_date: date | None = None
    accept_assignment: bool = True
    clia_number: str = ""

    @property
    def total_charge(self) -> Decimal:
        """Box 28 / CLM02: the sum of the line charges."""
        return money(sum((line.charge for line in self.lines), Decimal("0")))

    @property
    def payer(self) -> ClaimPayer:
        return self.coverage.payer

    @property
    def first_service_date(self) -> date:
        return min(line.service_date for line in self.lines)

    @property
    def last_service_date(self) -> date:
        return max(line.service_date for line in self.lines)

    @property
    def case_id(self) -> str | None:
        """The practice case this claim was built from (the patient account number is the case id), or None."""
        return self.claim_id if _CASE_ID.match(self.claim_id) else None

    @property
    def is_secondary(self) -> bool:
        return self.coverage.responsibility != "P"

    def letter_of(self, code: str) -> str | None:
        """Return the Box 21 letter of a diagnosis code, or None."""
        wanted = code.replace(".", "").upper()
        for letter, dx in zip(LETTERS, self.diagnoses):
            if dx.replace(".", "").upper() == wanted:
                return letter
        return None

    def pointed_diagnoses(self, line: ClaimLine) -> list[str]:
        """Return the diagnosis codes a line points at (pointers outside A..last are skipped)."""
        out = []
        for pointer in line.pointers:
            index = LETTERS.find(pointer)
            if 0 <= index < len(self.diagnoses):
                out.append(self.diagnoses[index])
        return out

    def line_place_of_service(self, line: ClaimLine) -> str:
        return line.place_of_service or self.place_of_service

    def _repr_html_(self) -> str:
        from .cms1500 import render_cms1500

        return render_cms1500(self)

    def __repr__(self) -> str:
        lines = ", ".join(line.label for line in self.lines)
        return (f"<Claim {self.claim_id} freq {self.frequency}: {self.patient.name} to {self.payer.name}, "
                f"{len(self.diagnoses)} dx, {lines}, {self.total_charge}>")
