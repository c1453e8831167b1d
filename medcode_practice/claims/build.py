"""Build a professional claim from a case record and a learner's codes (or the case's answer key).

>>> from medcode_practice import claims
>>> claim = claims.build_claim("OP-0001")
>>> [line.label for line in claim.lines]
['99214', '83036-QW']
>>> claim.diagnoses[:2]
('E11.22', 'I12.9')
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from .. import records
from ..grading import parse_answer
from ..records.schema import Case
from . import fee_schedule, payers
from ._synthetic import TAXONOMY, billing_practice, clia_for, parent_of, parse_address, service_facility, split_name
from .model import (LETTERS, MAX_DIAGNOSES, MAX_MODIFIERS, MAX_POINTERS, Address, Claim, ClaimLine, ClaimProvider,
                    Coverage, Person, money)

SUBMISSION_DELAY_DAYS = 5
_DEFAULT_ADDRESS = Address("1 Synthetic Way", "Fernhollow", "OH", "43999")


def _is_lab(code: str, modifiers: tuple[str, ...]) -> bool:
    return "QW" in modifiers or (code.isdigit() and 80047 <= int(code) <= 89398)


def _letters(value) -> tuple[str, ...]:
    """Read pointers given as "AB", "A,B", ["A", "B"] or [1, 2] into letters."""
    if value is None:
        return ()
    items = value if isinstance(value, (list, tuple)) else re.findall(r"\d{1,2}|[A-La-l]", str(value))
    out = []
    for item in items:
        text = str(item).strip().upper()
        if text.isdigit() and 1 <= int(text) <= MAX_DIAGNOSES:
            out.append(LETTERS[int(text) - 1])
        elif len(text) == 1 and text in LETTERS:
            out.append(text)
        else:
            raise ValueError(f"diagnosis pointer {item!r} is not a letter A-L or a number 1-12")
    return tuple(out)


def _patient(case: Case) -> Person:
    last, first, middle, _ = split_name(case.patient.name)
    address = parse_address(case.patient.address) or _DEFAULT_ADDRESS
    return Person(last, first, middle, case.patient.sex, case.patient.date_of_birth, address, case.patient.phone)


def _coverage(case: Case, patient: Person, payer_name: str | None) -> Coverage:
    name = payer_name or case.payer.name
    if case.payer.type == "medicare" and not payer_name:
        name = "Medicare Part B"  # professional services are billed to Part B whatever card the record shows
    plan = payers.payer(name)
    member = case.payer.member_id or ""
    group = case.payer.group_number or ""
    if plan.type == "commercial" and case.age < 18:
        return Coverage(plan.reference, member, parent_of(patient, member), "19", group, "")
    return Coverage(plan.reference, member, patient, "18", group, "")


def _rendering(case: Case) -> ClaimProvider:
    last, first, _, credential = split_name(case.provider.name)
    specialty = (case.provider.specialty or case.specialty or "").lower()
    taxonomy = TAXONOMY.get(specialty, "")
    if not taxonomy and credential.upper().startswith("NP"):
        taxonomy = TAXONOMY["nurse practitioner"]
    if not taxonomy and credential.upper().startswith("PA"):
        taxonomy = TAXONOMY["physician assistant"]
    return ClaimProvider(case.provider.npi, last, first, taxonomy=taxonomy, credential=credential)


def _key_lines(case: Case) -> list[tuple[str, tuple[str, ...], int, tuple[str, ...]]]:
    out = []
    for line in case.key.procedures:
        pointers = tuple(LETTERS[p - 1] for p in line.pointers if 1 <= p <= MAX_DIAGNOSES)[:MAX_POINTERS]
        out.append((line.code, tuple(m.upper() for m in line.modifiers), line.units, pointers))
    return out


def _default_pointers(case: Case, code: str, diagnoses: list[str]) -> tuple[str, ...]:
    """Point a learner's line where the key's line for the same code points, when those diagnoses are entered."""
    key_dx = case.key.diagnosis_codes
    wanted = [d.replace(".", "") for d in diagnoses]
    for line in case.key.procedures:
        if line.code != code:
            continue
        letters = []
        for pointer in line.pointers:
            if 1 <= pointer <= len(key_dx) and key_dx[pointer - 1].replace(".", "") in wanted:
                letters.append(LETTERS[wanted.index(key_dx[pointer - 1].replace(".", ""))])
        if letters:
            return tuple(dict.fromkeys(letters))[:MAX_POINTERS]
    return ("A",) if diagnoses else ()


def _learner_lines(case: Case, codes) -> tuple[list[str], list[tuple[str, tuple[str, ...], int, tuple[str, ...]]]]:
    pointer_map = {}
    if isinstance(codes, dict):
        codes = dict(codes)
        raw = codes.pop("pointers", None) or {}
        if not isinstance(raw, dict):
            raise ValueError("pointers must map a code to its letters, e.g. {'99214': 'AB'}")
        pointer_map = {str(k).upper(): _letters(v) for k, v in raw.items()}
    answer = parse_answer(codes)
    if answer.invalid:
        token, reason = answer.invalid[0]
        more = f" (and {len(answer.invalid) - 1} more)" if len(answer.invalid) > 1 else ""
        raise ValueError(f"cannot put {token!r} on a claim: {reason}{more}")
    if answer.pcs:
        raise ValueError(f"ICD-10-PCS codes ({', '.join(answer.pcs)}) go on an institutional claim (UB-04/837I), "
                         f"not on a CMS-1500")
    lines = []
    for entered in answer.procedures:
        pointers = pointer_map.get(entered.code) or _default_pointers(case, entered.code, answer.diagnoses)
        lines.append((entered.code, tuple(entered.modifiers), entered.units, pointers))
    return list(answer.diagnoses), lines


def build_claim(case: Case | str, codes=None, *, submitted: date | None = None,
                prior_authorization: str | None = None, referring: ClaimProvider | None = None,
                payer: str | None = None, frequency: str = "1", original_reference: str = "") -> Claim:
    """Build the claim for a case from a learner's codes (default: the case's answer key).

    ``codes`` is what :func:`medcode_practice.grading.parse_answer` reads (``"E11.22, 99214-25, 20610-RT"``, a
    list, or a mapping with ``diagnoses``/``procedures``), plus an optional ``pointers`` mapping
    (``{"20610": "A"}``). Lines without pointers point where the key's line for the same code points, or at A.
    Charges come from the synthetic chargemaster. ``prior_authorization`` defaults to an approved authorization
    the record's billing notes show for a billed code; pass ``""`` to leave Box 23 blank.

    Raises ValueError (with what to fix) for unreadable codes, ICD-10-PCS codes, more than 12 diagnoses or 4
    modifiers, or a visit with nothing to bill.
    """
    if isinstance(case, str):
        case = records.load(case)
    if codes is None:
        diagnoses = list(case.key.diagnosis_codes)
        lines = _key_lines(case)
    else:
        diagnoses, lines = _learner_lines(case, codes)
    if not lines:
        where = "inpatient stay (facility services go on a UB-04)" if case.is_inpatient else "visit"
        raise ValueError(f"{case.id}: no CPT/HCPCS service lines to bill for this {where}")
    if len(diagnoses) > MAX_DIAGNOSES:
        raise ValueError(f"a CMS-1500 holds at most 12 diagnoses (Box 21 A-L); {len(diagnoses)} were entered — "
                         f"keep the ones the service lines point to")
    for code, modifiers, _, _ in lines:
        if len(modifiers) > MAX_MODIFIERS:
            raise ValueError(f"{code}: a service line holds at most 4 modifiers; {len(modifiers)} were entered")
    dos = case.encounter.date
    pos = case.encounter.place_of_service
    claim_lines = tuple(
        ClaimLine(code=code, charge=money(fee_schedule.charge(code, modifiers) * units), service_date=dos,
                  modifiers=modifiers, pointers=pointers, units=units)
        for code, modifiers, units, pointers in lines)
    patient = _patient(case)
    coverage = _coverage(case, patient, payer)
    address = patient.address or _DEFAULT_ADDRESS
    billing = billing_practice(address.city, address.state, address.postal_code, case.provider.specialty or
                               case.specialty, case.setting)
    if prior_authorization is None:
        billed = {line.code for line in claim_lines}
        found = [a for a in payers.authorizations_in_text(case.documentation.get("billing_notes", ""))
                 if a.code in billed]
        prior_authorization = found[0].number if found else ""
    clia = clia_for(billing.name) if any(_is_lab(line.code, line.modifiers) for line in claim_lines) else ""
    return Claim(
        claim_id=case.id, patient=patient, coverage=coverage, billing_provider=billing,
        rendering_provider=_rendering(case), diagnoses=tuple(diagnoses), lines=claim_lines, place_of_service=pos,
        submission_date=submitted or dos + timedelta(days=SUBMISSION_DELAY_DAYS), referring_provider=referring,
        facility=service_facility(address.city, address.state, address.postal_code, pos),
        prior_authorization=prior_authorization.strip(), frequency=frequency, original_reference=original_reference,
        clia_number=clia)
