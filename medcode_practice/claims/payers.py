"""Synthetic payers: eligibility (a 270/271 question and answer), fee schedules, filing limits, prior auth lists.

Every payer here is invented, with the names the practice cases use. Their rules are typical of their kind:

- **Medicare Part B** (a synthetic MAC): the fee schedule itself, Part B deductible, 20% coinsurance, 2%
  sequestration, 12-month filing limit, no routine physicals.
- **Medicaid (State Plan)**: 75% of the fee schedule, no deductible, a nominal adult copay, 180-day limit.
- **Bluestone Health Plan** (PPO) and **Cedarline Insurance**: a percentage of the fee schedule, a deductible,
  coinsurance, an office-visit copay, preventive care at no cost, prior authorization for advanced imaging
  (Bluestone also for knee arthroscopy), 90 and 180-day filing limits.

>>> payer("Bluestone Health Plan").timely_filing_days
90
>>> check_eligibility("Medicare Part B", "1EG4TE5MK72", date(2026, 3, 2)).active
True
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache

from .model import Address, ClaimPayer, money

PREVENTIVE_VISITS = tuple(f"{n}" for n in list(range(99381, 99388)) + list(range(99391, 99398)))
VACCINE_ADMIN = ("90460", "90461", "90471", "90472", "90473", "90474", "G0008", "G0009", "G0010")
OFFICE_VISITS = tuple(f"{n}" for n in (99202, 99203, 99204, 99205, 99211, 99212, 99213, 99214, 99215))
OFFICE_POS = frozenset({"02", "10", "11"})
ADVANCED_IMAGING = ((70450, 70498), (70540, 70559), (71250, 71275), (71550, 71555), (72125, 72159),
                    (72191, 72198), (73200, 73225), (73700, 73725), (74150, 74183), (74712, 74713),
                    (75557, 75574), (77046, 77049), (78608, 78816))
KNEE_ARTHROSCOPY = ((29866, 29889),)


def _in_ranges(code: str, ranges) -> bool:
    if not code.isdigit():
        return False
    number = int(code)
    return any(low <= number <= high for low, high in ranges)


def is_vaccine_product(code: str) -> bool:
    return code.isdigit() and 90476 <= int(code) <= 90759


def is_preventive(code: str, modifiers: tuple[str, ...] = ()) -> bool:
    """Return True for services plans pay without cost sharing: preventive visits, vaccines, modifier 33."""
    return code in PREVENTIVE_VISITS or code in VACCINE_ADMIN or is_vaccine_product(code) or "33" in modifiers or \
        code in ("99173", "G0438", "G0439")


@dataclass(frozen=True)
class Payer:
    """One synthetic payer and the rules its adjudication follows."""

    name: str
    payer_id: str
    type: str
    filing_indicator: str
    address: Address
    phone: str
    fee_percent: Decimal = Decimal("100")
    deductibles: tuple[tuple[int, Decimal], ...] = ()
    coinsurance: Decimal = Decimal("0.20")
    office_copay: Decimal = Decimal("0")
    timely_filing_days: int = 365
    prior_auth: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = ()
    sequestration: Decimal = Decimal("0")
    covers_routine_physicals: bool = True
    preventive_cost_share: bool = False
    copay_waived_under_age: int | None = None
    claim_number_prefix: str = "PCN"
    plan_name: str = ""
    coverage_start: date = date(2015, 1, 1)
    member_pattern: str = ""
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def reference(self) -> ClaimPayer:
        """Return what a claim carries about this payer (2010BB)."""
        return ClaimPayer(self.name, self.payer_id, self.filing_indicator, self.address)

    def deductible(self, year: int) -> Decimal:
        table = dict(self.deductibles)
        if not table:
            return Decimal("0.00")
        if year in table:
            return money(table[year])
        return money(table[max(table)] if year > max(table) else table[min(table)])

    def prior_auth_reason(self, code: str) -> str | None:
        """Return why this payer needs a prior authorization for ``code`` ("advanced imaging"), or None."""
        for reason, ranges in self.prior_auth:
            if _in_ranges(code, ranges):
                return reason
        return None

    def knows_member(self, member_id: str) -> bool:
        """Return True when the member id has this payer's format (a wrong payer cannot find the member)."""
        return bool(member_id.strip()) and (not self.member_pattern or
                                            re.match(self.member_pattern, member_id.strip().upper()) is not None)

    def fee_factor(self) -> Decimal:
        return self.fee_percent / Decimal("100")


_PAYERS = (
    Payer("Medicare Part B", "SMB01", "medicare", "MB",
          Address("PO Box 0101", "Fernhollow", "OH", "439990101"), "6145550150",
          deductibles=((2024, Decimal("240")), (2025, Decimal("257")), (2026, Decimal("283"))),
          coinsurance=Decimal("0.20"), timely_filing_days=365, sequestration=Decimal("0.02"),
          covers_routine_physicals=False, claim_number_prefix="MB",
          member_pattern=r"^[1-9][A-Z][A-Z0-9][0-9]-?[A-Z][A-Z0-9][0-9]-?[A-Z]{2}[0-9]{2}$",
          plan_name="Medicare Part B (synthetic MAC)",
          notes=("Pays the fee schedule; deductible and 20% coinsurance are the patient's; 2% sequestration "
                 "reduces the payment (CO-253).", "Routine physicals are not covered (PR-96; append GY).",
                 "Claims must be filed within 12 months of the date of service.")),
    Payer("Medicaid (State Plan)", "SMC02", "medicaid", "MC",
          Address("PO Box 0102", "Fernhollow", "OH", "439990102"), "6145550151",
          fee_percent=Decimal("75"), coinsurance=Decimal("0"), office_copay=Decimal("2.00"),
          timely_filing_days=180, prior_auth=(("advanced imaging", ADVANCED_IMAGING),),
          copay_waived_under_age=21, claim_number_prefix="MCD", member_pattern=r"^MCD-",
          plan_name="State Medicaid Plan (synthetic)",
          notes=("Pays 75% of the fee schedule; no deductible; a $2 copay on adult office visits, none under 21.",
                 "Advanced imaging needs prior authorization.", "Claims must be filed within 180 days.")),
    Payer("Bluestone Health Plan", "SBH03", "commercial", "12",
          Address("PO Box 0103", "Quarry Glen", "OH", "439990103"), "6145550152",
          fee_percent=Decimal("125"), deductibles=((2024, Decimal("1500")), (2025, Decimal("1500")),
                                                   (2026, Decimal("1500"))),
          coinsurance=Decimal("0.20"), office_copay=Decimal("30.00"), timely_filing_days=90,
          prior_auth=(("advanced imaging", ADVANCED_IMAGING), ("knee arthroscopy", KNEE_ARTHROSCOPY)),
          claim_number_prefix="BH", member_pattern=r"^BHP-",
          plan_name="Bluestone Health Plan PPO (synthetic)",
          notes=("Pays 125% of the Medicare-like fee schedule; $1,500 deductible, 20% coinsurance, $30 office "
                 "visit copay (deductible does not apply to the copay visit).",
                 "Preventive care is paid in full.", "Prior authorization: advanced imaging, knee arthroscopy.",
                 "Claims must be received within 90 days.")),
    Payer("Cedarline Insurance", "SCI04", "commercial", "CI",
          Address("PO Box 0104", "Otterby", "OH", "439990104"), "6145550153",
          fee_percent=Decimal("115"), deductibles=((2024, Decimal("1000")), (2025, Decimal("1000")),
                                                   (2026, Decimal("1000"))),
          coinsurance=Decimal("0.20"), office_copay=Decimal("40.00"), timely_filing_days=180,
          prior_auth=(("advanced imaging", ADVANCED_IMAGING),),
          claim_number_prefix="CI", member_pattern=r"^CDL-",
          plan_name="Cedarline Insurance Choice (synthetic)",
          notes=("Pays 115% of the Medicare-like fee schedule; $1,000 deductible, 20% coinsurance, $40 office "
                 "visit copay.", "Preventive care is paid in full.", "Prior authorization: advanced imaging.",
                 "Claims must be received within 180 days.")),
    Payer("Self-pay", "SELF0", "self_pay", "ZZ",
          Address("No insurer", "Fernhollow", "OH", "43999"), "",
          plan_name="Self-pay (no insurance)", timely_filing_days=0,
          notes=("No payer adjudicates a self-pay visit: the practice bills the patient a statement.",)),
)
_ALIASES = {"medicare": "Medicare Part B", "medicare part b (synthetic)": "Medicare Part B",
            "medicare part b": "Medicare Part B", "medicaid": "Medicaid (State Plan)", "bluestone": "Bluestone Health Plan",
            "cedarline": "Cedarline Insurance", "self pay": "Self-pay", "self-pay": "Self-pay"}


def payers() -> list[Payer]:
    """Return every synthetic payer (Self-pay last)."""
    return list(_PAYERS)


def payer(name: str) -> Payer:
    """Return a payer by name, alias or payer id; raise ValueError naming the choices otherwise."""
    wanted = " ".join(str(name).split()).lower()
    for item in _PAYERS:
        if wanted in (item.name.lower(), item.payer_id.lower()):
            return item
    if wanted in _ALIASES:
        return payer(_ALIASES[wanted])
    if wanted.startswith("medicare part a"):
        raise ValueError("Medicare Part A pays hospital (institutional) claims; a professional claim goes to "
                         "Medicare Part B")
    choices = ", ".join(p.name for p in _PAYERS)
    raise ValueError(f"no payer {name!r}: use one of {choices}")


# ---------------------------------------------------------------------------------------------- eligibility

@dataclass(frozen=True)
class Eligibility:
    """A 271-style answer to "is this member covered on this date, and what will they owe?"."""

    payer: str
    member_id: str
    on: date
    active: bool
    coverage_start: date
    coverage_end: date | None
    plan: str
    deductible: Decimal
    deductible_met: Decimal
    coinsurance: Decimal
    copay: Decimal
    message: str = ""
    found: bool = True

    @property
    def deductible_remaining(self) -> Decimal:
        return money(max(Decimal("0"), self.deductible - self.deductible_met))

    def to_text(self) -> str:
        """Return the answer as the EB lines of a 271 and one plain sentence each."""
        day = self.on.strftime("%Y%m%d")
        if not self.active:
            end = f"~  DTP*347*D8*{self.coverage_end:%Y%m%d}" if self.coverage_end else ""
            return (f"EB*6**30~  (inactive coverage on {self.on:%Y-%m-%d}){end}\n"
                    f"MSG*{self.message or 'COVERAGE NOT ACTIVE ON DATE OF SERVICE'}~")
        lines = [f"EB*1**30**{self.plan}~  (active coverage)  DTP*346*D8*{self.coverage_start:%Y%m%d}~",
                 f"EB*C*IND*30***23*{self.deductible}~  (calendar-year deductible ${self.deductible})",
                 f"EB*C*IND*30***29*{self.deductible_remaining}~  (deductible remaining "
                 f"${self.deductible_remaining} as of {day})",
                 f"EB*A*IND*30****{self.coinsurance}~  (coinsurance {self.coinsurance * 100:.0f}%)"]
        if self.copay:
            lines.append(f"EB*B*IND*98***27*{self.copay}~  (office visit copay ${self.copay})")
        if self.message:
            lines.append(f"MSG*{self.message}~")
        return "\n".join(lines)


# Members whose records say something specific (coverage dates, deductible met); everyone else is active from
# the payer's coverage_start with a deductible met derived from the member id (same member, same answer).
_ENROLLMENT: dict[tuple[str, str], dict] = {
    ("Cedarline Insurance", "CDL-5520913-01"): {"start": date(2023, 1, 1), "end": date(2026, 1, 31),
                                                "message": "COVERAGE TERMINATED 01/31/2026"},
    ("Bluestone Health Plan", "BHP-70413386-01"): {"start": date(2026, 2, 1), "met": {2026: Decimal("0")}},
    ("Bluestone Health Plan", "BHP-47702291-01"): {"met": {2026: Decimal("1000")}},
    ("Bluestone Health Plan", "BHP-22960175-03"): {"met": {2026: Decimal("1450")}},
}
_MEDICARE_MET = {2026: Decimal("283")}


def enroll(payer_name: str, member_id: str, *, start: date | None = None, end: date | None = None,
           deductible_met: dict[int, Decimal] | None = None, message: str = "") -> None:
    """Record a member's coverage dates or deductible met, for a scenario (a notebook or a test)."""
    entry = _ENROLLMENT.setdefault((payer(payer_name).name, member_id), {})
    if start:
        entry["start"] = start
    if end:
        entry["end"] = end
    if deductible_met:
        entry["met"] = {int(k): money(v) for k, v in deductible_met.items()}
    if message:
        entry["message"] = message


def _derived_met(plan: Payer, member_id: str, year: int) -> Decimal:
    digest = hashlib.sha256(f"{plan.payer_id}|{member_id}|{year}".encode()).digest()
    quarters = digest[0] % 5  # 0, 1/4, 1/2, 3/4 or all of the deductible met
    return money(plan.deductible(year) * quarters / 4)


def check_eligibility(payer_name: str | Payer, member_id: str, on: date, age: int | None = None) -> Eligibility:
    """Answer a 270 eligibility question for a member on a date of service.

    ``age`` (the patient's, on that date) decides copays that are waived for children.
    """
    plan = payer_name if isinstance(payer_name, Payer) else payer(payer_name)
    if plan.type == "self_pay":
        raise ValueError("Self-pay has no insurer to ask: there is no eligibility to check")
    entry = _ENROLLMENT.get((plan.name, member_id), {})
    start = entry.get("start", plan.coverage_start)
    end = entry.get("end")
    found = plan.knows_member(member_id) or bool(entry)
    active = found and start <= on and (end is None or on <= end)
    met_table = entry.get("met", {})
    if on.year in met_table:
        met = met_table[on.year]
    elif plan.type == "medicare" and on.year in _MEDICARE_MET and member_id in _MEDICARE_MEMBERS_MET:
        met = _MEDICARE_MET[on.year]
    else:
        met = _derived_met(plan, member_id, on.year)
    copay = plan.office_copay
    if plan.copay_waived_under_age is not None and age is not None and age < plan.copay_waived_under_age:
        copay = Decimal("0.00")
    message = entry.get("message", "")
    if not member_id.strip():
        message = "MEMBER ID MISSING"
    elif not found:
        message = "MEMBER NOT FOUND"
    elif not active and not message:
        message = "COVERAGE NOT ACTIVE ON DATE OF SERVICE" if on >= start else "COVERAGE NOT YET EFFECTIVE"
    return Eligibility(plan.name, member_id, on, active, start, end, plan.plan_name or plan.name,
                       plan.deductible(on.year), min(met, plan.deductible(on.year)), plan.coinsurance, money(copay),
                       message, found)


# Medicare members whose case records state the Part B deductible is met.
_MEDICARE_MEMBERS_MET = {"5VC9-HH4-WE38", "7GB2-YN5-CT14"}


# --------------------------------------------------------------------------------------- prior authorization

@dataclass(frozen=True)
class Authorization:
    """An approved prior authorization on file with a payer."""

    payer: str
    member_id: str
    number: str
    code: str
    start: date | None = None
    end: date | None = None

    def covers(self, code: str, on: date) -> bool:
        return code == self.code and (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


_REGISTERED: list[Authorization] = []
_AUTH = re.compile(r"auth(?:orization)?\s*(?:number|no\.?)?\s*#?\s*(?P<number>[A-Z]{1,4}-[A-Z0-9-]*\d)\s+APPROVED"
                   r"(?P<rest>[^\n]*)", re.IGNORECASE)
_AUTH_CODE = re.compile(r"\b(?:CPT|HCPCS)?\s*(\d{4}[0-9FTU]|[A-V]\d{4})\b")
_AUTH_DATES = re.compile(r"valid\s+(\d{4}-\d{2}-\d{2})\s+(?:through|to|-)\s+(\d{4}-\d{2}-\d{2})", re.IGNORECASE)


def authorizations_in_text(text: str, payer_name: str = "", member_id: str = "") -> list[Authorization]:
    """Find approved authorizations in record text ("auth #PA-2026-118842 APPROVED ... for CPT 29881 ...")."""
    out = []
    for match in _AUTH.finditer(text or ""):
        rest = match.group("rest")
        codes = [c for c in _AUTH_CODE.findall(rest) if not re.fullmatch(r"\d{4}", c)]
        dates = _AUTH_DATES.search(rest)
        start = date.fromisoformat(dates.group(1)) if dates else None
        end = date.fromisoformat(dates.group(2)) if dates else None
        for code in codes[:3]:
            out.append(Authorization(payer_name, member_id, match.group("number").upper(), code, start, end))
    return out


@cache
def _case_authorizations() -> tuple[Authorization, ...]:
    from .. import records

    out: list[Authorization] = []
    for case in records.all_cases(None):
        text = case.documentation.get("billing_notes", "")
        if "APPROVED" in text.upper():
            out += authorizations_in_text(text, case.payer.name, case.payer.member_id)
    return tuple(out)


def register_authorization(payer_name: str, member_id: str, number: str, code: str, start: date | None = None,
                           end: date | None = None) -> Authorization:
    """Put an approved authorization on file with a payer (for a scenario); return it."""
    item = Authorization(payer(payer_name).name, member_id, number.strip().upper(), code, start, end)
    _REGISTERED.append(item)
    return item


def authorizations(payer_name: str, member_id: str) -> list[Authorization]:
    """Return the authorizations a payer has on file for a member (from the case records and registrations)."""
    name = payer(payer_name).name
    return [a for a in (*_case_authorizations(), *_REGISTERED) if a.payer == name and a.member_id == member_id]
