"""Payer adjudication: turn claims into a remittance, line by line, the way a payer's claim system does.

The order is the order of a real adjudication: can the payer identify the member and were they covered, was the
claim filed in time, is it a duplicate, can it be processed at all (rendering NPI, diagnoses), then each line's
edits (code, modifier, pointer, authorization, NCCI, MUE, medical necessity, benefit exclusions), then pricing
(fee schedule, bilateral and multiple-procedure rules) and cost sharing (copay, deductible, coinsurance) and,
for Medicare, sequestration. Learner mistakes drive the denials: a missing 25 denies the E/M (CO-97, M15), an
unbundled pair denies the column 2 code (CO-97, M80), a wrong pointer gives CO-11.

Every line balances: charge = paid + the sum of its adjustments (PR ones are the patient's share).

>>> from medcode_practice import claims
>>> remit = adjudicate(claims.build_claim("OP-0027", "M17.11, I10, 99214, 20610-RT, J3301 x4"))
>>> [str(a) for a in remit.claims[0].lines[0].adjustments]
['CO-97 306.00']
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations

from ..codes import CodeError, cpt, hcpcs, icd10cm, modifiers, ncci, normalize
from ..codes.normalize import CPT, HCPCS
from ..records.validate import age_conflict, npi_is_valid, sex_conflict
from . import coverage, fee_schedule, payers
from .model import LETTERS, Adjustment, Claim, ClaimLine, ClaimProvider, Person, money
from .remittance import ClaimPayment, LinePayment, Remittance, payer_claim_number, payer_tax_id
from .scrubber import EM_CODES, INJECTIONS, PREVENTIVE_EM, _bypassed, _global_days, _is_paired_organ, LATERAL

ZERO = Decimal("0.00")
UNPRICED_RATE = Decimal("0.40")  # what a payer allows for a code it has no fee for: 40% of the charge
PROCESSING_DAYS = 14


@dataclass(frozen=True)
class Denial:
    group: str
    reason: str
    remarks: tuple[str, ...] = ()


@dataclass
class _Run:
    """State shared by the claims of one adjudication run: deductible used, services already seen."""

    plan: payers.Payer
    deductible_used: dict = field(default_factory=dict)
    seen: set = field(default_factory=set)
    prior: dict = field(default_factory=dict)


def _grouped(adjustments) -> tuple[Adjustment, ...]:
    """Order adjustments by group, groups in first-seen order: the order CAS segments carry them in."""
    order: list[str] = []
    for item in adjustments:
        if item.group not in order:
            order.append(item.group)
    return tuple(sorted(adjustments, key=lambda a: order.index(a.group)))


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _service_key(member_id: str, line_date: date, code: str, mods) -> tuple:
    return (member_id.strip().upper(), line_date, code, frozenset(mods))


def _history(run: _Run, history) -> None:
    """Remember what the payer already processed: payments by claim number, services by member/date/code.

    A reversal (CLP02 22) takes its services back out, so a voided service may be billed again.
    """
    def remember(payment: ClaimPayment) -> None:
        run.prior[payment.payer_claim_number] = payment
        for line in payment.lines:
            key = _service_key(payment.member_id, line.service_date, line.code, line.modifiers)
            if payment.status == "22":
                run.seen.discard(key)
            else:
                run.seen.add(key)

    for item in history or ():
        if isinstance(item, Remittance):
            for payment in item.claims:
                remember(payment)
        elif isinstance(item, ClaimPayment):
            remember(item)
        elif isinstance(item, Claim):
            if item.frequency != "8":
                for line in item.lines:
                    run.seen.add(_service_key(item.coverage.member_id, line.service_date, line.code, line.modifiers))
        else:
            raise ValueError(f"history items must be claims or remittances, not {type(item).__name__}")


def _age(claim: Claim, on: date) -> int | None:
    born = claim.patient.date_of_birth
    if born is None:
        return None
    return on.year - born.year - int((on.month, on.day) < (born.month, born.day))


def _deny_all(claim: Claim, denial: Denial, plan: payers.Payer, claim_remarks: tuple[str, ...] = ()) -> ClaimPayment:
    lines = tuple(LinePayment(n, line.code, line.modifiers, line.units, line.service_date, line.charge, ZERO, ZERO,
                              (Adjustment(denial.group, denial.reason, line.charge),) if line.charge else (),
                              denial.remarks)
                  for n, line in enumerate(claim.lines, 1))
    return _payment(claim, plan, lines, claim_remarks)


def _payment(claim: Claim, plan: payers.Payer, lines: tuple[LinePayment, ...],
             remarks: tuple[str, ...] = ()) -> ClaimPayment:
    paid = money(sum((line.paid for line in lines), ZERO))
    owed = sum((line.patient_responsibility for line in lines), ZERO)
    if paid == 0 and owed == 0:
        status = "4"
    else:
        status = "1" if claim.coverage.responsibility == "P" else "2"
    patient = Person(claim.patient.last_name, claim.patient.first_name, claim.patient.middle_name)
    return ClaimPayment(claim.claim_id, status, claim.total_charge, paid,
                        payer_claim_number(claim, plan.claim_number_prefix), plan.filing_indicator,
                        claim.place_of_service, claim.frequency, patient, claim.coverage.member_id, lines,
                        claim.rendering_provider.npi if claim.rendering_provider else "", remarks,
                        claim.submission_date)


def _reversal(original: ClaimPayment) -> ClaimPayment:
    """Return the reversal (CLP02 22) of a prior payment: every amount negated."""
    def neg(value: Decimal) -> Decimal:
        return money(-value)

    lines = tuple(LinePayment(line.line_number, line.code, line.modifiers, line.units, line.service_date,
                              neg(line.charge), neg(line.allowed), neg(line.paid),
                              tuple(Adjustment(a.group, a.reason, neg(a.amount), a.quantity) for a in line.adjustments),
                              line.remarks) for line in original.lines)
    return ClaimPayment(original.claim_id, "22", neg(original.charge), neg(original.paid), original.payer_claim_number,
                        original.filing_indicator, original.place_of_service, original.frequency, original.patient,
                        original.member_id, lines, original.rendering_npi, (), original.received_date)


# ------------------------------------------------------------------------------------------------ line edits

def _code_denial(line: ClaimLine) -> Denial | None:
    try:
        system, code = normalize(line.code)
    except CodeError:
        return Denial("CO", "181", ("M51",))
    module = cpt if system == CPT else hcpcs if system == HCPCS else None
    if module is None or not module.is_valid(code):
        return Denial("CO", "181", ("M51",))
    if any(not modifiers.is_valid(m) for m in line.modifiers):
        return Denial("CO", "182", ("N519",))
    return None


def _modifier_denials(claim: Claim) -> dict[int, Denial]:
    out: dict[int, Denial] = {}
    lines = list(enumerate(claim.lines, 1))
    minor = [l for _, l in lines if l.code not in EM_CODES and (_global_days(l.code) in ("000", "010")
                                                                 or l.code in INJECTIONS)]
    em = [(n, l) for n, l in lines if l.code in EM_CODES]
    preventive = any(l.code in PREVENTIVE_EM for _, l in em)
    needs_25 = [(n, l) for n, l in em if l.code not in PREVENTIVE_EM] if preventive else em
    if minor or (preventive and len(em) > 1):
        for number, line in needs_25:
            if not {"25", "57"} & set(line.modifiers):
                out[number] = Denial("CO", "97", ("M15",))
    for number, line in lines:
        mods = set(line.modifiers)
        if "50" in mods and mods & {"RT", "LT"} or {"RT", "LT"} <= mods:
            out[number] = Denial("CO", "4", ("N519",))
        elif "50" in mods:
            row = fee_schedule.rvu(line.code)
            if row is not None and row.bilateral in ("0", "2", "9"):
                out[number] = Denial("CO", "4", ("N519",))
        elif _is_paired_organ(line.code) and not mods & LATERAL:
            out[number] = Denial("CO", "4", ("N822",))
    return out


def _ptp_denials(claim: Claim, open_lines: dict[int, ClaimLine]) -> dict[int, Denial]:
    out: dict[int, Denial] = {}
    for (n1, a), (n2, b) in combinations(sorted(open_lines.items()), 2):
        if a.service_date != b.service_date or a.code == b.code:
            continue
        edit = ncci.ptp(a.code, b.code, a.service_date)
        if edit is None:
            continue
        if edit.modifier_indicator == "0" or not _bypassed(edit, a, b):
            out[n1 if a.code == edit.column2 else n2] = Denial("CO", "97", ("M80",))
    return out


def _mue_denials(open_lines: dict[int, ClaimLine]) -> dict[int, Denial]:
    out: dict[int, Denial] = {}
    per_day: dict[tuple[str, date], list[int]] = {}
    for number, line in open_lines.items():
        edit = ncci.mue(line.code)
        if edit is None:
            continue
        if edit.per_line:
            if line.units > edit.value:
                out[number] = Denial("CO", "151", ("N362",))
        else:
            per_day.setdefault((line.code, line.service_date), []).append(number)
    for (code, _), numbers in per_day.items():
        if sum(open_lines[n].units for n in numbers) > ncci.mue(code).value:
            for number in numbers:
                out[number] = Denial("CO", "151", ("N362",))
    return out


def _necessity_denials(claim: Claim, open_lines: dict[int, ClaimLine]) -> dict[int, Denial]:
    out: dict[int, Denial] = {}
    for number, line in open_lines.items():
        verdict = coverage.necessity(line.code, claim.pointed_diagnoses(line), list(claim.diagnoses))
        if verdict.verdict == "pointer":
            out[number] = Denial("CO", "11", ())
        elif verdict.verdict == "not_covered":
            out[number] = Denial("PR" if "GA" in line.modifiers else "CO", "50", ("N115",))
    drugs = [n for n, line in open_lines.items() if line.code[:1] == "J"]
    if drugs and all(n in out and out[n].reason == "50" for n in drugs):
        for number, line in open_lines.items():
            if line.code in INJECTIONS and number not in out:
                out[number] = Denial("PR" if "GA" in line.modifiers else "CO", "50", ("N115",))
    return out


def _line_denials(claim: Claim, run: _Run) -> dict[int, Denial]:
    """Return the denial of each line that a payer edit stops (line number -> Denial)."""
    plan = run.plan
    denials: dict[int, Denial] = {}
    age = _age(claim, claim.first_service_date)
    count = len(claim.diagnoses)
    on_file = payers.authorizations(plan.name, claim.coverage.member_id)
    for number, line in enumerate(claim.lines, 1):
        denial = _code_denial(line)
        if denial is None and (not line.pointers or
                               any(not 0 <= LETTERS.find(p) < count for p in line.pointers)):
            denial = Denial("CO", "16", ("M76",))
        if denial is None and claim.frequency == "1":
            key = _service_key(claim.coverage.member_id, line.service_date, line.code, line.modifiers)
            if key in run.seen:
                denial = Denial("CO", "18", ())
        if denial is None and plan.prior_auth_reason(line.code):
            if not claim.prior_authorization:
                denial = Denial("CO", "15", ("M62",)) if any(a.code == line.code for a in on_file) else \
                    Denial("CO", "197", ())
            elif not any(a.number == claim.prior_authorization and a.covers(line.code, line.service_date)
                         for a in on_file):
                denial = Denial("CO", "15", ("N54",))
        if denial is None:
            for dx in claim.pointed_diagnoses(line):
                if claim.patient.sex in ("F", "M") and sex_conflict(dx, claim.patient.sex):
                    denial = Denial("CO", "10", ())
                    break
                if age is not None and age_conflict(dx, age):
                    denial = Denial("CO", "9", ())
                    break
        if denial is None and plan.type == "medicare":
            row = fee_schedule.rvu(line.code, line.modifiers)
            if line.code in payers.PREVENTIVE_VISITS or (row is not None and row.status == "N"):
                denial = Denial("PR", "96", ("N130",))
        if denial is None:
            row = fee_schedule.rvu(line.code, line.modifiers)
            if row is not None and row.status == "B" and line.charge > 0:
                denial = Denial("CO", "97", ("M15",))
        if denial is not None:
            denials[number] = denial
    for number, denial in _modifier_denials(claim).items():
        denials.setdefault(number, denial)
    open_lines = {n: l for n, l in enumerate(claim.lines, 1) if n not in denials}
    for finder in (_ptp_denials, lambda c, o: _mue_denials(o), _necessity_denials):
        found = finder(claim, open_lines)
        denials.update(found)
        open_lines = {n: l for n, l in open_lines.items() if n not in found}
    for number, line in enumerate(claim.lines, 1):
        run.seen.add(_service_key(claim.coverage.member_id, line.service_date, line.code, line.modifiers))
    return denials


# --------------------------------------------------------------------------------------------------- pricing

def _fee(claim: Claim, line: ClaimLine, plan: payers.Payer) -> Decimal | None:
    state = claim.billing_provider.address.state if claim.billing_provider.address else None
    unit = fee_schedule.medicare_allowed(line.code, line.modifiers, claim.line_place_of_service(line), state,
                                         line.service_date)
    if unit is None:
        return None
    total = unit * line.units * plan.fee_factor()
    row = fee_schedule.rvu(line.code, line.modifiers)
    if "50" in line.modifiers and row is not None:
        total *= {"1": Decimal("1.5"), "3": Decimal("2")}.get(row.bilateral, Decimal("1"))
    return _round(total)


def _allowed(claim: Claim, plan: payers.Payer, priced: dict[int, ClaimLine]) -> dict[int, tuple[Decimal, Decimal, bool]]:
    """Return line -> (allowed before reductions, allowed after the multiple-procedure rules, on the fee schedule?)."""
    full: dict[int, Decimal] = {}
    on_schedule: dict[int, bool] = {}
    for number, line in priced.items():
        fee = _fee(claim, line, plan)
        on_schedule[number] = fee is not None
        if fee is None:
            fee = _round(line.charge * UNPRICED_RATE)
        full[number] = min(fee, line.charge)
    groups: dict[tuple, list[int]] = {}
    for number, line in priced.items():
        row = fee_schedule.rvu(line.code, line.modifiers)
        if row is None or row.global_days == "ZZZ" or row.multiple_procedure not in ("2", "3") or full[number] == 0:
            continue
        key = ("endo", row.endoscopic_base, line.service_date) if row.multiple_procedure == "3" and \
            row.endoscopic_base else ("one", number)
        groups.setdefault(key, []).append(number)
    reduced = dict(full)
    values = []
    for key, numbers in groups.items():
        numbers.sort(key=lambda n: full[n], reverse=True)
        if key[0] == "endo" and len(numbers) > 1:
            base = fee_schedule.medicare_allowed(key[1], (), claim.place_of_service, None, key[2]) or ZERO
            base = _round(base * plan.fee_factor())
            for number in numbers[1:]:
                reduced[number] = max(ZERO, full[number] - base)
        values.append((sum(reduced[n] for n in numbers), numbers))
    values.sort(key=lambda item: item[0], reverse=True)
    for _, numbers in values[1:]:
        for number in numbers:
            reduced[number] = _round(reduced[number] / 2)
    return {n: (full[n], reduced[n], on_schedule[n]) for n in priced}


def _cost_share(plan: payers.Payer, claim: Claim, line: ClaimLine, allowed: Decimal, run: _Run, copay: Decimal,
                copay_used: list) -> list[Adjustment]:
    """Return the PR adjustments (deductible, coinsurance, copay) of one priced line."""
    if allowed <= 0:
        return []
    vaccine = line.code in payers.VACCINE_ADMIN or payers.is_vaccine_product(line.code)
    if plan.type == "medicare":
        if vaccine or "33" in line.modifiers:
            return []
        waive_deductible = "PT" in line.modifiers
        rate = Decimal("0.15") if waive_deductible and 2023 <= line.service_date.year <= 2026 else plan.coinsurance
    else:
        if payers.is_preventive(line.code, line.modifiers) and not plan.preventive_cost_share:
            return []
        if (copay > 0 and not copay_used and line.code in payers.OFFICE_VISITS
                and claim.line_place_of_service(line) in payers.OFFICE_POS):
            copay_used.append(line)
            return [Adjustment("PR", "3", min(copay, allowed))]
        waive_deductible = False
        rate = plan.coinsurance
    out = []
    remaining_allowed = allowed
    if not waive_deductible:
        key = (claim.coverage.member_id, line.service_date.year)
        eligibility = payers.check_eligibility(plan, claim.coverage.member_id, line.service_date,
                                               _age(claim, line.service_date))
        used = run.deductible_used.get(key, ZERO)
        left = max(ZERO, eligibility.deductible_remaining - used)
        deductible = min(left, remaining_allowed)
        if deductible > 0:
            out.append(Adjustment("PR", "1", money(deductible)))
            run.deductible_used[key] = used + deductible
            remaining_allowed -= deductible
    coinsurance = _round(remaining_allowed * rate)
    if coinsurance > 0:
        out.append(Adjustment("PR", "2", coinsurance))
    return out


def _priced_line(number: int, line: ClaimLine, full: Decimal, allowed: Decimal, shares: list[Adjustment],
                 plan: payers.Payer, on_schedule: bool = True) -> LinePayment:
    adjustments = []
    if line.charge - full > 0:
        # A code with no fee schedule amount is repriced by the payer (40% of charge): a payer-initiated
        # reduction (PI) rather than a contractual one (CO).
        adjustments.append(Adjustment("CO" if on_schedule else "PI", "45", money(line.charge - full)))
    if full - allowed > 0:
        adjustments.append(Adjustment("CO", "59", money(full - allowed)))
    adjustments += shares
    paid = allowed - sum((a.amount for a in shares), ZERO)
    if plan.sequestration and paid > 0:
        cut = _round(paid * plan.sequestration)
        if cut > 0:
            adjustments.append(Adjustment("CO", "253", cut))
            paid -= cut
    return LinePayment(number, line.code, line.modifiers, line.units, line.service_date, line.charge, money(allowed),
                       money(paid), _grouped(adjustments))


def _denied_line(number: int, line: ClaimLine, denial: Denial) -> LinePayment:
    adjustments = (Adjustment(denial.group, denial.reason, line.charge),) if line.charge else ()
    return LinePayment(number, line.code, line.modifiers, line.units, line.service_date, line.charge, ZERO, ZERO,
                       adjustments, denial.remarks)


# ------------------------------------------------------------------------------------------------ one claim

def _claim_level_denial(claim: Claim, plan: payers.Payer, run: _Run) -> tuple[Denial, tuple[str, ...]] | None:
    if not claim.lines:
        return Denial("CO", "16", ("MA130",)), ("MA130",)
    eligibility = payers.check_eligibility(plan, claim.coverage.member_id, claim.first_service_date,
                                           _age(claim, claim.first_service_date))
    if not eligibility.found:
        return Denial("CO", "31", ()), ("MA130",)
    if not eligibility.active:
        reason = "26" if claim.first_service_date < eligibility.coverage_start else "27"
        return Denial("CO", reason, ("N30",)), ()
    if plan.timely_filing_days and (claim.submission_date - claim.first_service_date).days > plan.timely_filing_days:
        return Denial("CO", "29", ()), ()
    rendering = claim.rendering_provider
    if rendering is None or not npi_is_valid(rendering.npi or ""):
        return Denial("CO", "16", ("N290",)), ("MA130",)
    for code in claim.diagnoses:
        try:
            icd10cm.check(code)
        except CodeError:
            return Denial("CO", "16", ("M76",)), ("MA130",)
    if not claim.diagnoses:
        return Denial("CO", "16", ("M76",)), ("MA130",)
    return None


def _primary(claim: Claim, run: _Run) -> ClaimPayment:
    plan = run.plan
    stopped = _claim_level_denial(claim, plan, run)
    if stopped:
        denial, remarks = stopped
        return _deny_all(claim, denial, plan, remarks)
    denials = _line_denials(claim, run)
    priced = {n: l for n, l in enumerate(claim.lines, 1) if n not in denials}
    allowed = _allowed(claim, plan, priced)
    eligibility = payers.check_eligibility(plan, claim.coverage.member_id, claim.first_service_date,
                                           _age(claim, claim.first_service_date))
    copay_used: list = []
    lines = []
    for number, line in enumerate(claim.lines, 1):
        if number in denials:
            lines.append(_denied_line(number, line, denials[number]))
            continue
        full, reduced, on_schedule = allowed[number]
        shares = _cost_share(plan, claim, line, reduced, run, eligibility.copay, copay_used)
        lines.append(_priced_line(number, line, full, reduced, shares, plan, on_schedule))
    remarks = ("MA01",) if plan.type == "medicare" and any(line.denied for line in lines) else ()
    return _payment(claim, plan, tuple(lines), remarks)


def _secondary(claim: Claim, run: _Run) -> ClaimPayment:
    """Coordinate benefits: pay the lesser of this plan's normal benefit and what the primary left the patient."""
    plan = run.plan
    primary = claim.other_payers[0] if claim.other_payers else None
    if primary is None or primary.adjudication_date is None or not primary.lines:
        return _deny_all(claim, Denial("CO", "16", ("MA04",)), plan, ("MA04",))
    normal = _primary(claim, run)
    results = {r.line_number: r for r in primary.lines}
    lines = []
    for number, line in enumerate(claim.lines, 1):
        own = normal.line(number)
        result = results.get(number)
        if result is None:
            lines.append(_denied_line(number, line, Denial("CO", "16", ("MA04",))))
            continue
        if own.allowed == 0 or own.denied:
            lines.append(own)
            continue
        left_by_primary = money(sum((a.amount for a in result.adjustments if a.group == "PR"), ZERO))
        own_shares = [a for a in own.adjustments if a.group == "PR"]
        own_paid = own.allowed - sum((a.amount for a in own_shares), ZERO)
        pays = min(own_paid, left_by_primary)
        adjustments = []
        if line.charge - left_by_primary > 0:
            adjustments.append(Adjustment("OA", "23", money(line.charge - left_by_primary)))
        leftover = left_by_primary - pays
        for share in own_shares:
            take = min(share.amount, leftover)
            if take > 0:
                adjustments.append(Adjustment("PR", share.reason, money(take)))
                leftover -= take
        if leftover > 0:
            adjustments.append(Adjustment("CO", "45", money(leftover)))
        if plan.sequestration and pays > 0:
            cut = _round(pays * plan.sequestration)
            if cut > 0:
                adjustments.append(Adjustment("CO", "253", cut))
                pays -= cut
        lines.append(LinePayment(number, line.code, line.modifiers, line.units, line.service_date, line.charge,
                                 own.allowed, money(pays), _grouped(adjustments)))
    return _payment(claim, plan, tuple(lines))


def adjudicate(claims: Claim | list[Claim], payer: str | payers.Payer | None = None, *, history=(),
               paid_on: date | None = None) -> Remittance:
    """Adjudicate one claim or a batch (same payer, same billing provider); return the payer's remittance.

    ``payer`` defaults to the claim's payer; a different one adjudicates as that payer would (a payer that does
    not know the member denies CO-31). ``history``: earlier claims or remittances (duplicates, and the payment a
    replacement or void reverses). Raises ValueError for a self-pay claim (no payer adjudicates it).
    """
    batch = [claims] if isinstance(claims, Claim) else list(claims)
    if not batch:
        raise ValueError("no claims to adjudicate")
    if isinstance(payer, payers.Payer):
        plan = payer
    else:
        plan = payers.payer(payer or batch[0].payer.name)
    if plan.type == "self_pay":
        raise ValueError("a self-pay visit has no payer to adjudicate it: bill the patient a statement")
    npis = {c.billing_provider.npi for c in batch}
    if len(npis) > 1:
        raise ValueError("one remittance pays one billing provider; adjudicate each provider's claims separately")
    run = _Run(plan)
    _history(run, history)
    payments: list[ClaimPayment] = []
    for claim in batch:
        if claim.frequency in ("7", "8"):
            original = run.prior.get(claim.original_reference)
            if original is not None and original.status != "22":
                payments.append(_reversal(original))
                for line in original.lines:
                    run.seen.discard(_service_key(original.member_id, line.service_date, line.code, line.modifiers))
            elif claim.frequency == "8":
                payments.append(_deny_all(claim, Denial("CO", "129", ()), plan, ("MA130",)))
                continue
            if claim.frequency == "8":
                continue
        payments.append(_secondary(claim, run) if claim.coverage.responsibility != "P" else _primary(claim, run))
    received = max(c.submission_date for c in batch)
    payment_date = paid_on or received + timedelta(days=PROCESSING_DAYS)
    seed = "|".join(p.payer_claim_number for p in payments) + str(payment_date)
    digits = int(hashlib.sha256(seed.encode()).hexdigest(), 16) % 10 ** 6
    trace = f"{plan.claim_number_prefix}{payment_date:%Y%m%d}{digits:06d}"
    billing = batch[0].billing_provider
    payee = ClaimProvider(billing.npi, billing.last_name, is_organization=True, tax_id=billing.tax_id,
                          address=billing.address)
    return Remittance(plan.reference, plan.phone, payee, payment_date, trace, tuple(payments),
                      payer_tax_id(plan.payer_id))
