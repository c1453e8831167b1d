"""Remittance advice: the payer's answer to a claim, as an 835 005010X221A1 file, posted to the ledger.

A remittance lists, for each claim and line, the charge, what the payer allowed and paid, and every
adjustment (group code + CARC + amount) that explains the difference. It always balances:
charge = paid + adjustments, where the PR adjustments are what the patient (or a secondary plan) owes.

>>> from medcode_practice import claims
>>> remit = claims.adjudicate(claims.build_claim("OP-0001"))
>>> remit.claims[0].balanced
True
>>> validate_835(write_835(remit))
[]
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from ._x12 import SegmentWriter, X12FileError, amount, envelope, parse, validate, ymd
from .model import (Address, Adjustment, Claim, ClaimPayer, ClaimProvider, Coverage, LineAdjudication, OtherPayer,
                    Person, money)

VERSION = "005010X221A1"
STATUS = {"1": "processed as primary", "2": "processed as secondary", "3": "processed as tertiary",
          "4": "denied", "19": "processed as primary, forwarded to another payer", "22": "reversal of a prior payment"}
_CLP06 = {"CI": "15"}  # 837 SBR09 codes the 835 CLP06 list lacks
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LinePayment:
    """The payer's decision on one service line (835 loop 2110: SVC, CAS, AMT*B6, LQ)."""

    line_number: int
    code: str
    modifiers: tuple[str, ...]
    units: int
    service_date: date
    charge: Decimal
    allowed: Decimal
    paid: Decimal
    adjustments: tuple[Adjustment, ...] = ()
    remarks: tuple[str, ...] = ()

    def total(self, *groups: str) -> Decimal:
        return money(sum((a.amount for a in self.adjustments if not groups or a.group in groups), ZERO))

    @property
    def patient_responsibility(self) -> Decimal:
        return self.total("PR")

    @property
    def contractual(self) -> Decimal:
        return self.total("CO")

    @property
    def balanced(self) -> bool:
        return self.charge == money(self.paid + self.total())

    @property
    def denied(self) -> bool:
        return self.paid == 0 and self.charge != 0 and any(
            a.group in ("CO", "PR", "OA") and a.reason not in ("45", "1", "2", "3", "253", "59", "23")
            for a in self.adjustments)

    @property
    def label(self) -> str:
        return f"{self.code}{''.join('-' + m for m in self.modifiers)}" + (f" x{self.units}" if self.units != 1 else "")


@dataclass(frozen=True)
class ClaimPayment:
    """The payer's decision on one claim (835 loop 2100: CLP, NM1, MOA, DTM)."""

    claim_id: str
    status: str
    charge: Decimal
    paid: Decimal
    payer_claim_number: str
    filing_indicator: str
    place_of_service: str
    frequency: str
    patient: Person
    member_id: str
    lines: tuple[LinePayment, ...]
    rendering_npi: str = ""
    remarks: tuple[str, ...] = ()
    received_date: date | None = None
    adjustments: tuple[Adjustment, ...] = ()

    @property
    def patient_responsibility(self) -> Decimal:
        return money(sum((line.patient_responsibility for line in self.lines), ZERO) +
                     sum((a.amount for a in self.adjustments if a.group == "PR"), ZERO))

    @property
    def contractual(self) -> Decimal:
        return money(sum((line.contractual for line in self.lines), ZERO))

    @property
    def balanced(self) -> bool:
        """Do the lines balance, and do they add up to the claim's charge and payment?"""
        claim_adjustments = sum((a.amount for a in self.adjustments), ZERO)
        return (all(line.balanced for line in self.lines)
                and self.charge == money(sum((line.charge for line in self.lines), ZERO))
                and self.paid == money(sum((line.paid for line in self.lines), ZERO) - claim_adjustments))

    @property
    def first_service_date(self) -> date | None:
        return min((line.service_date for line in self.lines), default=None)

    def line(self, number: int) -> LinePayment | None:
        return next((line for line in self.lines if line.line_number == number), None)


@dataclass(frozen=True)
class Remittance:
    """One 835: a payer's payment (or notice of none) to one payee, for one or more claims."""

    payer: ClaimPayer
    payer_phone: str
    payee: ClaimProvider
    payment_date: date
    trace_number: str
    claims: tuple[ClaimPayment, ...]
    payer_tax_id: str = ""

    @property
    def total_paid(self) -> Decimal:
        return money(sum((claim.paid for claim in self.claims), ZERO))

    @property
    def method(self) -> str:
        return "ACH" if self.total_paid > 0 else "NON"

    def claim(self, claim_id: str) -> ClaimPayment | None:
        """Return the payment for a claim (its new adjudication, not the reversal of an earlier one)."""
        matches = [c for c in self.claims if c.claim_id == claim_id]
        current = [c for c in matches if c.status != "22"]
        return (current or matches or [None])[-1]

    def to_text(self) -> str:
        """Return a readable summary, the way a biller reads an ERA."""
        out = [f"Remittance from {self.payer.name} ({self.payer.payer_id}) to {self.payee.name} "
               f"(NPI {self.payee.npi})",
               (f"Paid {self.total_paid:.2f} by {'EFT' if self.method == 'ACH' else 'no payment'}" if self.total_paid >= 0
                else f"Takes back {-self.total_paid:.2f} (carried forward, PLB FB)")
               + f" on {self.payment_date}, trace {self.trace_number}  (synthetic remittance for training)"]
        from .reason_codes import carc, rarc

        for item in self.claims:
            out.append("")
            out.append(f"Claim {item.claim_id}  payer claim # {item.payer_claim_number}  "
                       f"status {item.status} ({STATUS.get(item.status, '?')})")
            out.append(f"  Patient {item.patient.name}  member {item.member_id}  billed {item.charge:.2f}  "
                       f"paid {item.paid:.2f}  patient owes {item.patient_responsibility:.2f}")
            for code in item.remarks:
                found = rarc(code)
                out.append(f"  Remark {code}: {found.description if found else ''}")
            for line in item.lines:
                out.append(f"  {line.line_number}. {line.label:<14} {line.service_date}  billed {line.charge:>9.2f}"
                           f"  allowed {line.allowed:>9.2f}  paid {line.paid:>9.2f}")
                for adj in line.adjustments:
                    found = carc(adj.reason)
                    out.append(f"       {adj.group}-{adj.reason:<4} {adj.amount:>9.2f}  "
                               f"{found.description if found else ''}")
                for code in line.remarks:
                    found = rarc(code)
                    out.append(f"       {code:<7}         {found.description if found else ''}")
        return "\n".join(out)

    def to_dict(self) -> dict:
        return {
            "payer": self.payer.name, "payer_id": self.payer.payer_id, "payee": self.payee.name,
            "payee_npi": self.payee.npi, "payment_date": self.payment_date.isoformat(), "trace": self.trace_number,
            "total_paid": str(self.total_paid),
            "claims": [{
                "claim_id": c.claim_id, "status": c.status, "status_text": STATUS.get(c.status, ""),
                "payer_claim_number": c.payer_claim_number, "charge": str(c.charge), "paid": str(c.paid),
                "patient_responsibility": str(c.patient_responsibility), "remarks": list(c.remarks),
                "lines": [{"line": l.line_number, "code": l.code, "modifiers": list(l.modifiers), "units": l.units,
                           "date": l.service_date.isoformat(), "charge": str(l.charge), "allowed": str(l.allowed),
                           "paid": str(l.paid), "remarks": list(l.remarks),
                           "adjustments": [{"group": a.group, "reason": a.reason, "amount": str(a.amount)}
                                           for a in l.adjustments]} for l in c.lines]}
                for c in self.claims]}

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(self.to_text())}</pre>"


def payer_claim_number(claim: Claim, prefix: str) -> str:
    """Return the payer's claim control number for a claim (stable: same claim, same number)."""
    seed = f"{claim.claim_id}|{claim.frequency}|{claim.submission_date}|{claim.coverage.member_id}|{claim.total_charge}"
    digits = str(int(hashlib.sha256(seed.encode()).hexdigest(), 16) % 10 ** 7).zfill(7)
    return f"{prefix}-{claim.submission_date:%y%j}-{digits}"


# ------------------------------------------------------------------------------------------------ 835 writer

def payer_tax_id(payer_id: str) -> str:
    """Return a payer's synthetic 9-digit TIN (prefix 00, never assigned by the IRS)."""
    return "00" + str(int(hashlib.sha256(payer_id.encode()).hexdigest(), 16) % 10 ** 7).zfill(7)


def _payer_tin(remit: Remittance) -> str:
    return "1" + (remit.payer_tax_id or payer_tax_id(remit.payer.payer_id))


def write_835(remit: Remittance, *, control: int | None = None) -> str:
    """Return the 835 005010X221A1 interchange for a remittance."""
    if not remit.claims:
        raise ValueError("a remittance needs at least one claim")
    control = control if control is not None else 1 + int(hashlib.sha256(remit.trace_number.encode()).hexdigest(),
                                                           16) % 999_999_998
    total = remit.total_paid
    out = SegmentWriter()
    out.add("ST", "835", "0001")
    payer_tin = _payer_tin(remit)
    carried = total if total < 0 else ZERO
    if total > 0:
        out.add("BPR", "I", amount(total), "C", "ACH", "CCP", "01", "999999992", "DA", "0101010101", payer_tin, "",
                "01", "999999989", "DA", "0202020202", ymd(remit.payment_date))
    else:
        out.add("BPR", "H", "0", "C", "NON", "", "", "", "", "", "", "", "", "", "", "", ymd(remit.payment_date))
    out.add("TRN", "1", remit.trace_number, payer_tin)
    out.add("DTM", "405", ymd(remit.payment_date))
    out.add("N1", "PR", remit.payer.name)
    if remit.payer.address:
        out.add("N3", remit.payer.address.line1, remit.payer.address.line2)
        out.add("N4", remit.payer.address.city, remit.payer.address.state, remit.payer.address.postal_code)
    out.add("PER", "BL", "PROVIDER TECHNICAL SUPPORT", "TE", remit.payer_phone or "6145550150")
    out.add("N1", "PE", remit.payee.name, "XX", remit.payee.npi)
    if remit.payee.address:
        out.add("N3", remit.payee.address.line1, remit.payee.address.line2)
        out.add("N4", remit.payee.address.city, remit.payee.address.state, remit.payee.address.postal_code)
    if remit.payee.tax_id:
        out.add("REF", "TJ", remit.payee.tax_id)
    out.add("LX", "1")
    for item in remit.claims:
        responsibility = item.patient_responsibility
        out.add("CLP", item.claim_id, item.status, amount(item.charge), amount(item.paid),
                amount(responsibility) if responsibility else "", _CLP06.get(item.filing_indicator,
                                                                             item.filing_indicator),
                item.payer_claim_number, item.place_of_service, item.frequency)
        out.add_adjustments(item.adjustments)
        person = item.patient
        out.add("NM1", "QC", "1", person.last_name, person.first_name, person.middle_name, "", "", "MI", item.member_id)
        if item.rendering_npi:
            out.add("NM1", "82", "1", "", "", "", "", "", "XX", item.rendering_npi)
        if item.remarks:
            out.add("MOA", "", "", *item.remarks[:5])
        if item.received_date:
            out.add("DTM", "050", ymd(item.received_date))
        for line in item.lines:
            out.add("SVC", ("HC", line.code, *line.modifiers), amount(line.charge), amount(line.paid), "",
                    str(line.units))
            out.add("DTM", "472", ymd(line.service_date))
            out.add_adjustments(line.adjustments)
            out.add("REF", "6R", str(line.line_number))
            out.add("AMT", "B6", amount(line.allowed))
            for remark in line.remarks:
                out.add("LQ", "HE", remark)
    if carried:
        # Reversals exceed payments: the negative balance is carried forward to a later remittance (PLB FB),
        # so that BPR02 = sum(CLP04) - sum(PLB) = 0.
        out.add("PLB", remit.payee.npi, f"{remit.payment_date.year}1231", ("FB", remit.trace_number), amount(carried))
    out.add("SE", str(len(out) + 1), "0001")
    return envelope(out.segments, functional_id="HP", version=VERSION, sender=remit.payer.payer_id,
                    receiver=remit.payee.npi, control=control, when=remit.payment_date)


def validate_835(text: str) -> list[str]:
    """Validate an 835 with pyx12 (005010X221A1 map); return its error messages, empty when valid.

    pyx12 does not check that the remittance balances: :func:`balance_problems` does.
    """
    return validate(text)


def balance_problems(remit: Remittance) -> list[str]:
    """Return every place the remittance does not balance (empty when it does)."""
    out = []
    for item in remit.claims:
        for line in item.lines:
            if not line.balanced:
                out.append(f"claim {item.claim_id} line {line.line_number}: charge {line.charge} != paid {line.paid} "
                           f"+ adjustments {line.total()}")
        if not item.balanced:
            out.append(f"claim {item.claim_id}: the lines do not add up to CLP03/CLP04")
    return out


# ------------------------------------------------------------------------------------------------ 835 reader

def read_835(text: str) -> Remittance:
    """Read an 835 file; raise X12FileError naming the segment and line when it is broken or does not balance."""
    segments = parse(text, expect="835")
    payer: dict = {}
    payee: dict = {}
    entity: dict | None = None
    claims: list[dict] = []
    claim: dict | None = None
    line: dict | None = None
    payment_date = trace = phone = tin = None
    for s in segments:
        if s.id == "BPR":
            payment_date = s.date(16) if s.get(16) else None
        elif s.id == "TRN":
            trace = s.get(2)
            tin = s.get(3)[1:] if s.get(3) else ""
        elif s.id == "N1":
            entity = payer if s.get(1) == "PR" else payee if s.get(1) == "PE" else None
            if entity is not None:
                entity.update(name=s.get(2), id=s.get(4))
        elif s.id == "N3" and entity is not None and claim is None:
            entity["line1"], entity["line2"] = s.get(1), s.get(2)
        elif s.id == "N4" and entity is not None and claim is None:
            entity.update(city=s.get(1), state=s.get(2), postal=s.get(3))
        elif s.id == "PER" and s.get(1) == "BL":
            phone = s.get(4)
        elif s.id == "REF" and s.get(1) == "TJ" and claim is None:
            payee["tin"] = s.get(2)
        elif s.id == "DTM" and s.get(1) == "405" and payment_date is None:
            payment_date = s.date(2)
        elif s.id == "CLP":
            entity = None
            line = None
            claim = {"id": s.get(1), "status": s.get(2), "charge": s.amount(3), "paid": s.amount(4),
                     "responsibility": s.amount(5, ZERO), "filing": s.get(6), "number": s.get(7), "pos": s.get(8),
                     "frequency": s.get(9) or "1", "lines": [], "remarks": (), "adjustments": [], "segment": s,
                     "patient": None, "member": "", "rendering": "", "received": None}
            claims.append(claim)
        elif s.id == "CAS":
            if claim is None:
                raise X12FileError("an adjustment (CAS) outside a claim", segment="CAS", line=s.line)
            items = []
            for start in range(2, len(s.elements) + 1, 3):
                if s.get(start):
                    items.append(Adjustment(s.get(1), s.get(start), s.amount(start + 1), s.integer(start + 2)))
            (line["adjustments"] if line is not None else claim["adjustments"]).extend(items)
        elif s.id == "NM1" and claim is not None:
            if s.get(1) == "QC":
                claim["patient"] = Person(s.get(3), s.get(4), s.get(5))
                claim["member"] = s.get(9)
            elif s.get(1) == "82":
                claim["rendering"] = s.get(9)
        elif s.id == "MOA" and claim is not None:
            claim["remarks"] = tuple(x for x in s.elements[2:7] if x)
        elif s.id == "DTM" and claim is not None:
            if s.get(1) == "050" and line is None:
                claim["received"] = s.date(2)
            elif s.get(1) == "472":
                if line is None:
                    raise X12FileError("a service date (DTM*472) outside a service line", segment="DTM", line=s.line)
                line["date"] = s.date(2)
        elif s.id == "SVC":
            if claim is None:
                raise X12FileError("a service line (SVC) before any claim (CLP)", segment="SVC", line=s.line)
            procedure = s.parts(1)
            if len(procedure) < 2:
                raise X12FileError("SVC01 must be HC:code[:modifiers]", segment="SVC", line=s.line)
            line = {"code": procedure[1], "modifiers": tuple(m for m in procedure[2:6] if m), "charge": s.amount(2),
                    "paid": s.amount(3), "units": s.integer(5, 1), "adjustments": [], "remarks": [],
                    "allowed": None, "number": len(claim["lines"]) + 1, "date": None, "segment": s}
            claim["lines"].append(line)
        elif s.id == "REF" and s.get(1) == "6R" and line is not None:
            if s.get(2).isdigit():
                line["number"] = int(s.get(2))
        elif s.id == "AMT" and s.get(1) == "B6" and line is not None:
            line["allowed"] = s.amount(2)
        elif s.id == "LQ" and line is not None:
            line["remarks"].append(s.get(2))
    if not payer or not payee:
        raise X12FileError("the 835 lacks its payer (N1*PR) or payee (N1*PE)", segment="N1", line=segments[-1].line)
    if not claims:
        raise X12FileError("the 835 holds no claim payment (no CLP segment)", segment=segments[-1].id,
                           line=segments[-1].line)
    payments = []
    for item in claims:
        lines = []
        for raw in item["lines"]:
            if raw["date"] is None:
                raise X12FileError(f"service line {raw['code']} has no service date (DTM*472)", segment="SVC",
                                   line=raw["segment"].line)
            allowed = raw["allowed"] if raw["allowed"] is not None else money(
                raw["charge"] - sum((a.amount for a in raw["adjustments"] if a.group in ("CO", "OA", "PI")), ZERO))
            lines.append(LinePayment(raw["number"], raw["code"], raw["modifiers"], raw["units"], raw["date"],
                                     raw["charge"], allowed, raw["paid"], tuple(raw["adjustments"]),
                                     tuple(raw["remarks"])))
        filing = {v: k for k, v in _CLP06.items()}.get(item["filing"], item["filing"])
        payment = ClaimPayment(item["id"], item["status"], item["charge"], item["paid"], item["number"],
                               filing, item["pos"], item["frequency"], item["patient"] or Person("", ""),
                               item["member"], tuple(lines), item["rendering"], item["remarks"], item["received"],
                               tuple(item["adjustments"]))
        if lines and not payment.balanced:
            raise X12FileError(f"claim {item['id']} does not balance: CLP03 {item['charge']} / CLP04 {item['paid']} "
                               f"against its lines and adjustments", segment="CLP", line=item["segment"].line)
        payments.append(payment)
    address = Address(payer.get("line1", ""), payer.get("city", ""), payer.get("state", ""), payer.get("postal", ""),
                      payer.get("line2", "")) if payer.get("city") else None
    payee_address = Address(payee.get("line1", ""), payee.get("city", ""), payee.get("state", ""),
                            payee.get("postal", ""), payee.get("line2", "")) if payee.get("city") else None
    return Remittance(
        payer=ClaimPayer(payer.get("name", ""), _payer_id_of(segments), payments[0].filing_indicator, address),
        payer_phone=phone or "", payee=ClaimProvider(payee.get("id", ""), payee.get("name", ""), is_organization=True,
                                                     tax_id=payee.get("tin", ""), address=payee_address),
        payment_date=payment_date or date.today(), trace_number=trace or "", claims=tuple(payments),
        payer_tax_id=tin or "")


def _payer_id_of(segments) -> str:
    for segment in segments:
        if segment.id == "GS":
            return segment.get(2)
    return ""


# --------------------------------------------------------------------------------------------- posting

@dataclass(frozen=True)
class Posting:
    """One line posted to the practice ledger from a remittance."""

    claim_id: str
    payer_claim_number: str
    line_number: int
    code: str
    service_date: date
    charge: Decimal
    allowed: Decimal
    paid: Decimal
    contractual: Decimal
    other_adjustment: Decimal
    patient_responsibility: Decimal
    reasons: str

    @property
    def balance(self) -> Decimal:
        """What is still owed on the line after the payer: the patient responsibility."""
        return money(self.charge - self.paid - self.contractual - self.other_adjustment)


def post_payment(remit: Remittance) -> list[Posting]:
    """Post a remittance line by line: payment, contractual write-off (CO/PI), other (OA), patient share (PR)."""
    out = []
    for item in remit.claims:
        for line in item.lines:
            out.append(Posting(item.claim_id, item.payer_claim_number, line.line_number, line.code, line.service_date,
                               line.charge, line.allowed, line.paid, line.total("CO", "PI"), line.total("OA"),
                               line.patient_responsibility, " ".join(f"{a.group}-{a.reason}" for a in line.adjustments)))
    return out


def posting_table(remit: Remittance):
    """Return the postings as a pandas DataFrame (one row a line, with a balance column)."""
    import pandas as pd

    rows = [{"claim": p.claim_id, "payer_claim": p.payer_claim_number, "line": p.line_number, "code": p.code,
             "date": p.service_date, "charge": float(p.charge), "allowed": float(p.allowed), "paid": float(p.paid),
             "contractual": float(p.contractual), "other": float(p.other_adjustment),
             "patient": float(p.patient_responsibility), "balance": float(p.balance), "reasons": p.reasons}
            for p in post_payment(remit)]
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------ secondary claim

def secondary_claim(claim: Claim, remit: Remittance, payer_name: str, member_id: str, *,
                    insured: Person | None = None, relationship: str = "18", group_number: str = "",
                    submitted: date | None = None) -> Claim:
    """Return the claim for the secondary payer, carrying the primary's payment and adjustments (COB).

    The primary becomes an "other payer" (2320/2330, Boxes 9 and 11d) with its paid amount and, for each
    line, its payment and adjustments (2430 SVD/CAS/DTP*573).
    """
    from . import payers

    payment = remit.claim(claim.claim_id)
    if payment is None:
        raise ValueError(f"the remittance has no payment for claim {claim.claim_id}")
    plan = payers.payer(payer_name)
    if plan.type == "self_pay":
        raise ValueError("Self-pay is not a secondary payer: bill the patient")
    if plan.payer_id == claim.payer.payer_id:
        raise ValueError(f"{plan.name} is the primary payer on this claim; choose a different secondary payer")
    primary_insured = claim.coverage.insured
    other_insured = Person(primary_insured.last_name, primary_insured.first_name, primary_insured.middle_name,
                           address=primary_insured.address)
    primary = Coverage(claim.coverage.payer, claim.coverage.member_id, other_insured, claim.coverage.relationship,
                       claim.coverage.group_number, claim.coverage.group_name, "P")
    results = tuple(LineAdjudication(line.line_number, claim.payer.payer_id, line.code, line.modifiers, line.units,
                                     line.paid, line.adjustments, remit.payment_date) for line in payment.lines)
    other = OtherPayer(primary, payment.paid, payment.adjustments, remit.payment_date, results)
    holder = insured or claim.patient
    coverage = Coverage(plan.reference, member_id, holder, relationship, group_number, "", "S")
    return replace(claim, coverage=coverage, other_payers=(other,), frequency="1", original_reference="",
                   submission_date=submitted or remit.payment_date + timedelta(days=1))
