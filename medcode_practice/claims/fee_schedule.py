"""A Medicare-like physician fee schedule and the practice's chargemaster, from the teaching tables.

Allowed amount = (work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x conversion factor, with the
facility practice-expense RVU when the place of service is a facility. Laboratory tests, drugs and vaccines
are paid from fixed amounts (clinical lab fee schedule, ASP + 6%) instead. The RVUs, GPCIs and fixed amounts
are teaching approximations (``codesets/mpfs/2026/SOURCE.md``); the formula and the conversion factors are
CMS's.

>>> str(medicare_allowed("99213", place_of_service="11", state=None, on=date(2026, 3, 2)))
'88.51'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from ..codes._tables import authored, read_tsv
from .model import money

# CY conversion factors (non-qualifying APM participants for 2026).
CONVERSION_FACTORS = {2024: Decimal("33.2875"), 2025: Decimal("32.3465"), 2026: Decimal("33.4009")}
# Places of service paid at the facility practice-expense rate. Telehealth POS 02 is paid at the facility rate;
# POS 10 (telehealth in the patient's home) at the non-facility rate.
FACILITY_POS = frozenset({"02", "19", "21", "22", "23", "24", "26", "31", "34", "41", "42", "51", "52", "53", "56",
                          "61"})
CHARGE_MULTIPLIER = Decimal("2.5")
DEFAULT_CHARGE = Decimal("100.00")
RELEASE = "MedCode Practice teaching fee schedule CY2026 (RVUs and GPCIs approximate; CMS formula and CF)"


@dataclass(frozen=True)
class Rvu:
    """One row of the RVU table (a code, or a code with modifier 26 or TC)."""

    code: str
    modifier: str
    status: str
    work: Decimal
    pe_nonfacility: Decimal
    pe_facility: Decimal
    malpractice: Decimal
    global_days: str
    multiple_procedure: str
    bilateral: str
    endoscopic_base: str
    release: str = RELEASE


@dataclass(frozen=True)
class Locality:
    id: str
    name: str
    states: tuple[str, ...]
    work: Decimal
    practice_expense: Decimal
    malpractice: Decimal


@dataclass(frozen=True)
class FixedFee:
    code: str
    amount: Decimal
    basis: str
    unit: str
    release: str = RELEASE


@cache
def _rvus() -> dict[tuple[str, str], Rvu]:
    out = {}
    for row in read_tsv(authored("mpfs", "2026", "rvu_teaching.tsv")):
        rvu = Rvu(row["code"], row.get("modifier", ""), row["status"], Decimal(row["work_rvu"]),
                  Decimal(row["pe_rvu_nonfacility"]), Decimal(row["pe_rvu_facility"]), Decimal(row["mp_rvu"]),
                  row["global_days"], row.get("multiple_procedure", "0") or "0", row.get("bilateral", "9") or "9",
                  row.get("endoscopic_base", ""))
        out[(rvu.code, rvu.modifier)] = rvu
    return out


@cache
def _localities() -> dict[str, Locality]:
    out = {}
    for row in read_tsv(authored("mpfs", "2026", "gpci_teaching.tsv")):
        out[row["locality"]] = Locality(row["locality"], row["name"],
                                        tuple(s for s in row.get("states", "").split(",") if s),
                                        Decimal(row["work_gpci"]), Decimal(row["pe_gpci"]), Decimal(row["mp_gpci"]))
    return out


@cache
def _fixed() -> dict[str, FixedFee]:
    return {row["code"]: FixedFee(row["code"], Decimal(row["amount"]), row["basis"], row.get("unit", ""))
            for row in read_tsv(authored("mpfs", "2026", "fixed_fees_teaching.tsv"))}


def rvu(code: str, modifiers: tuple[str, ...] | list[str] = ()) -> Rvu | None:
    """Return the RVU row for a code; the 26 or TC row when that modifier is on the line."""
    table = _rvus()
    for modifier in ("26", "TC"):
        if modifier in modifiers and (code, modifier) in table:
            return table[(code, modifier)]
    return table.get((code, ""))


def rvu_codes() -> list[str]:
    """Return every code with RVUs in the teaching table."""
    return sorted({code for code, _ in _rvus()})


def fixed_fee(code: str) -> FixedFee | None:
    return _fixed().get(code)


def fixed_fee_codes() -> list[str]:
    return sorted(_fixed())


def localities() -> list[Locality]:
    return list(_localities().values())


def locality(state: str | None) -> Locality:
    """Return the teaching locality for a two-letter state (the national baseline when none matches)."""
    table = _localities()
    if state:
        for item in table.values():
            if state.upper() in item.states:
                return item
        if state.upper() in table:
            return table[state.upper()]
    return table["00"]


def conversion_factor(on: date | None = None) -> Decimal:
    """Return the conversion factor for the year of ``on`` (the latest year when the year is not listed)."""
    year = (on or date(2026, 1, 1)).year
    if year in CONVERSION_FACTORS:
        return CONVERSION_FACTORS[year]
    return CONVERSION_FACTORS[max(CONVERSION_FACTORS)] if year > max(CONVERSION_FACTORS) else \
        CONVERSION_FACTORS[min(CONVERSION_FACTORS)]


def is_facility(place_of_service: str) -> bool:
    return str(place_of_service).zfill(2) in FACILITY_POS


def medicare_allowed(code: str, modifiers: tuple[str, ...] | list[str] = (), place_of_service: str = "11",
                     state: str | None = None, on: date | None = None) -> Decimal | None:
    """Return the Medicare-like allowed amount for one unit, or None when the tables have no price for the code.

    Status B (bundled) and N (non-covered) codes return their RVU amount too; the payer decides what to do.
    """
    row = rvu(code, tuple(modifiers))
    if row is None:
        fixed = fixed_fee(code)
        return money(fixed.amount) if fixed else None
    area = locality(state)
    pe = row.pe_facility if is_facility(place_of_service) else row.pe_nonfacility
    total = row.work * area.work + pe * area.practice_expense + row.malpractice * area.malpractice
    return money((total * conversion_factor(on)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def charge(code: str, modifiers: tuple[str, ...] | list[str] = ()) -> Decimal:
    """Return the practice's chargemaster price for one unit: 2.5 x the national non-facility amount, rounded.

    Prices of a dollar or more round to whole dollars; smaller ones (some drug units) to cents. Codes the
    tables cannot price are charged a flat DEFAULT_CHARGE; status B codes (99024) are charged 0.00.
    """
    row = rvu(code, tuple(modifiers))
    if row is not None and row.status == "B":
        return Decimal("0.00")
    amount = medicare_allowed(code, modifiers, place_of_service="11", state=None, on=date(2026, 1, 1))
    if amount is None:
        return DEFAULT_CHARGE
    price = amount * CHARGE_MULTIPLIER
    if price >= 1:
        return money(price.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return money(price)
