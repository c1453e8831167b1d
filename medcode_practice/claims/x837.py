"""The X12 837P 005010X222A1 professional claim: write it, read it back, validate it with pyx12.

The writer builds the segments itself (x12sdk's models write 005010X222A2, for which pyx12 has no map). Every
file it writes passes pyx12 validation; a claim the format cannot carry (no diagnosis, no line, an NPI that
is not 10 digits) is refused with what to fix.

>>> from medcode_practice import claims
>>> text = write_837(claims.build_claim("OP-0001"))
>>> validate_837(text)
[]
>>> read_837(text) == claims.build_claim("OP-0001")
True
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from decimal import Decimal

from ._x12 import SegmentWriter, X12FileError, amount, envelope, parse, validate, ymd
from .model import (LETTERS, Address, Adjustment, Claim, ClaimLine, ClaimPayer, ClaimProvider, Coverage,
                    LineAdjudication, OtherPayer, Person)

VERSION = "005010X222A1"
SUBMITTER_PREFIX = "MCP"


def control_number(claims: list[Claim]) -> int:
    """Return a stable interchange control number for a batch (same claims, same number)."""
    seed = "|".join(f"{c.claim_id}/{c.frequency}/{c.submission_date}/{c.total_charge}" for c in claims)
    return 1 + int(hashlib.sha256(seed.encode()).hexdigest(), 16) % 999_999_998


def submitter_id(claim: Claim) -> str:
    return f"{SUBMITTER_PREFIX}{claim.billing_provider.tax_id or claim.billing_provider.npi}"[:15]


def _check_writable(claim: Claim) -> None:
    """Refuse a claim the 837P cannot carry, with what to fix (the scrubber explains the rest)."""
    where = f"claim {claim.claim_id}"
    if claim.payer.filing_indicator == "ZZ" and claim.coverage.payer.payer_id == "SELF0":
        raise ValueError(f"{where}: a self-pay visit has no payer to send an 837 to; give the patient a statement "
                         f"(or a copy of the CMS-1500 to file with their own insurer)")
    if not claim.claim_id or len(claim.claim_id) > 38:
        raise ValueError(f"{where}: the patient account number (CLM01) must be 1-38 characters")
    if not claim.diagnoses:
        raise ValueError(f"{where}: an 837P needs at least one diagnosis (Box 21 / HI segment)")
    if not claim.lines:
        raise ValueError(f"{where}: an 837P needs at least one service line")
    if len(claim.lines) > 50:
        raise ValueError(f"{where}: an 837P claim holds at most 50 service lines")
    for role, provider in (("billing", claim.billing_provider), ("rendering", claim.rendering_provider),
                           ("referring", claim.referring_provider), ("service facility", claim.facility)):
        if provider is not None and not re.fullmatch(r"\d{10}", provider.npi or ""):
            raise ValueError(f"{where}: the {role} provider NPI {provider.npi!r} must be 10 digits")
    if not re.fullmatch(r"\d{9}", claim.billing_provider.tax_id or ""):
        raise ValueError(f"{where}: the billing provider needs a 9-digit TIN (Box 25 / REF*EI)")
    if claim.billing_provider.address is None:
        raise ValueError(f"{where}: the billing provider needs an address (Box 33 / 2010AA N3, N4)")
    if claim.patient.address is None or claim.coverage.insured.address is None:
        raise ValueError(f"{where}: the patient needs an address (Box 5 / N3, N4)")
    if not claim.coverage.member_id:
        raise ValueError(f"{where}: the insured's member id (Box 1a) is empty")
    if claim.frequency not in ("1", "7", "8"):
        raise ValueError(f"{where}: frequency code {claim.frequency!r} must be 1, 7 or 8")
    if claim.frequency in ("7", "8") and not claim.original_reference:
        raise ValueError(f"{where}: a frequency {claim.frequency} claim needs the original payer claim number "
                         f"(Box 22 / REF*F8)")
    for line in claim.lines:
        if not 1 <= line.units <= 99999:
            raise ValueError(f"{where}: {line.code} has {line.units} units; units must be 1 or more")
        if line.charge < 0:
            raise ValueError(f"{where}: {line.code} has a negative charge")
        if not line.pointers:
            raise ValueError(f"{where}: {line.code} has no diagnosis pointer (Box 24E needs at least one letter)")
        for pointer in line.pointers:
            if pointer not in LETTERS[:len(claim.diagnoses)]:
                raise ValueError(f"{where}: {line.code} points to {pointer!r}, but Box 21 only has "
                                 f"A-{LETTERS[len(claim.diagnoses) - 1]}")


def _address(out: SegmentWriter, address: Address | None) -> None:
    if address is None:
        return
    out.add("N3", address.line1, address.line2)
    out.add("N4", address.city, address.state, address.postal_code)


def _person_name(out: SegmentWriter, qualifier: str, person: Person, member_id: str = "") -> None:
    if member_id:
        out.add("NM1", qualifier, "1", person.last_name, person.first_name, person.middle_name, "", "", "MI", member_id)
    else:
        out.add("NM1", qualifier, "1", person.last_name, person.first_name, person.middle_name)


def _demographics(out: SegmentWriter, person: Person) -> None:
    if person.date_of_birth:
        out.add("DMG", "D8", ymd(person.date_of_birth), person.sex if person.sex in ("F", "M") else "U")


def _provider_name(out: SegmentWriter, qualifier: str, provider: ClaimProvider) -> None:
    if provider.is_organization:
        out.add("NM1", qualifier, "2", provider.last_name, "", "", "", "", "XX", provider.npi)
    else:
        out.add("NM1", qualifier, "1", provider.last_name, provider.first_name, "", "", "", "XX", provider.npi)


def _related_causes(claim: Claim) -> tuple[str, ...] | str:
    causes = [code for flag, code in ((claim.employment_related, "EM"), (bool(claim.auto_accident_state), "AA"),
                                      (claim.other_accident, "OA")) if flag]
    if not causes:
        return ""
    causes = (causes + ["", ""])[:3]
    return (*causes, claim.auto_accident_state)


def _claim_segments(out: SegmentWriter, claim: Claim, hl: int) -> int:
    """Write one claim's 2000A..2400 loops starting at HL number ``hl``; return the next HL number."""
    billing = claim.billing_provider
    out.add("HL", str(hl), "", "20", "1")
    if billing.taxonomy:
        out.add("PRV", "BI", "PXC", billing.taxonomy)
    _provider_name(out, "85", billing)
    _address(out, billing.address)
    out.add("REF", "EI", billing.tax_id)
    if billing.phone:
        out.add("PER", "IC", "BILLING OFFICE", "TE", billing.phone)
    coverage = claim.coverage
    dependent = not coverage.patient_is_insured
    subscriber_hl = hl + 1
    out.add("HL", str(subscriber_hl), str(hl), "22", "1" if dependent else "0")
    out.add("SBR", coverage.responsibility, "" if dependent else "18", coverage.group_number, coverage.group_name,
            "", "", "", "", coverage.payer.filing_indicator)
    _person_name(out, "IL", coverage.insured, coverage.member_id)
    _address(out, coverage.insured.address)
    _demographics(out, coverage.insured)
    out.add("NM1", "PR", "2", coverage.payer.name, "", "", "", "", "PI", coverage.payer.payer_id)
    _address(out, coverage.payer.address)
    next_hl = subscriber_hl + 1
    if dependent:
        out.add("HL", str(next_hl), str(subscriber_hl), "23", "0")
        out.add("PAT", coverage.relationship)
        _person_name(out, "QC", claim.patient)
        _address(out, claim.patient.address)
        _demographics(out, claim.patient)
        next_hl += 1
    out.add("CLM", claim.claim_id, amount(claim.total_charge), "", "", (claim.place_of_service, "B", claim.frequency),
            "Y", "A" if claim.accept_assignment else "C", "Y", "Y", "", _related_causes(claim))
    if claim.onset_date:
        out.add("DTP", "431", "D8", ymd(claim.onset_date))
    if claim.accident_date:
        out.add("DTP", "439", "D8", ymd(claim.accident_date))
    if claim.prior_authorization:
        out.add("REF", "G1", claim.prior_authorization)
    if claim.original_reference:
        out.add("REF", "F8", claim.original_reference)
    if claim.clia_number:
        out.add("REF", "X4", claim.clia_number)
    out.add("HI", *[("ABK" if index == 0 else "ABF", code.replace(".", "")) for index, code in enumerate(claim.diagnoses)])
    if claim.referring_provider:
        _provider_name(out, "DN", claim.referring_provider)
    if claim.rendering_provider:
        _provider_name(out, "82", claim.rendering_provider)
        if claim.rendering_provider.taxonomy:
            out.add("PRV", "PE", "PXC", claim.rendering_provider.taxonomy)
    if claim.facility:
        _provider_name(out, "77", claim.facility)
        _address(out, claim.facility.address)
    for other in claim.other_payers:
        cov = other.coverage
        out.add("SBR", cov.responsibility, cov.relationship, cov.group_number, cov.group_name, "", "", "", "",
                cov.payer.filing_indicator)
        out.add_adjustments(other.adjustments)
        if other.adjudication_date is not None:
            out.add("AMT", "D", amount(other.paid))
        out.add("OI", "", "", "Y", "", "", "Y")
        _person_name(out, "IL", cov.insured, cov.member_id)
        _address(out, cov.insured.address)
        out.add("NM1", "PR", "2", cov.payer.name, "", "", "", "", "PI", cov.payer.payer_id)
        _address(out, cov.payer.address)
        if other.adjudication_date is not None:
            out.add("DTP", "573", "D8", ymd(other.adjudication_date))
    for number, line in enumerate(claim.lines, 1):
        out.add("LX", str(number))
        pos = line.place_of_service if line.place_of_service and line.place_of_service != claim.place_of_service else ""
        out.add("SV1", ("HC", line.code, *line.modifiers), amount(line.charge), "UN", str(line.units), pos, "",
                tuple(str(LETTERS.index(p) + 1) for p in line.pointers), "", "Y" if line.emergency else "")
        out.add("DTP", "472", "D8", ymd(line.service_date))
        for other in claim.other_payers:
            for result in other.lines:
                if result.line_number != number:
                    continue
                out.add("SVD", result.payer_id, amount(result.paid), ("HC", result.code, *result.modifiers), "",
                        str(result.units))
                out.add_adjustments(result.adjustments)
                out.add("DTP", "573", "D8", ymd(result.adjudication_date))
    return next_hl


def write_837(claims: Claim | list[Claim], *, control: int | None = None) -> str:
    """Return the 837P 005010X222A1 interchange for one claim or a batch to the same payer.

    A batch goes out on one date (BHT04): the latest submission date of its claims. Raises ValueError with
    what to fix when a claim cannot be carried by the format.
    """
    batch = [claims] if isinstance(claims, Claim) else list(claims)
    if not batch:
        raise ValueError("no claims to write")
    for claim in batch:
        _check_writable(claim)
    payer_ids = {c.payer.payer_id for c in batch}
    if len(payer_ids) > 1:
        raise ValueError(f"one 837 file goes to one payer; these claims go to {', '.join(sorted(payer_ids))}")
    first = batch[0]
    control = control if control is not None else control_number(batch)
    out = SegmentWriter()
    out.add("ST", "837", "0001", VERSION)
    sent = max(c.submission_date for c in batch)
    out.add("BHT", "0019", "00", f"{first.claim_id}-{control}"[:50], ymd(sent), "1200", "CH")
    billing = first.billing_provider
    out.add("NM1", "41", "2", billing.last_name, "", "", "", "", "46", submitter_id(first))
    out.add("PER", "IC", "BILLING OFFICE", "TE", billing.phone or "6145550100")
    out.add("NM1", "40", "2", first.payer.name, "", "", "", "", "46", first.payer.payer_id)
    hl = 1
    for claim in batch:
        hl = _claim_segments(out, claim, hl)
    out.add("SE", str(len(out) + 1), "0001")
    return envelope(out.segments, functional_id="HC", version=VERSION, sender=submitter_id(first),
                    receiver=first.payer.payer_id, control=control, when=sent)


def validate_837(text: str) -> list[str]:
    """Validate an 837P with pyx12 (005010X222A1 map); return its error messages, empty when valid."""
    return validate(text)


# ---------------------------------------------------------------------------------------------------- reader

def _dotted(code: str) -> str:
    code = code.strip().upper()
    return f"{code[:3]}.{code[3:]}" if len(code) > 3 and "." not in code else code


class _Reader:
    """Walk the segments of an 837P and rebuild Claim objects."""

    def __init__(self, segments):
        self.segments = segments
        self.claims: list[Claim] = []
        self.submission_date: date | None = None
        self.billing: dict = {}
        self.subscriber: dict = {}
        self.patient: dict | None = None
        self.claim: dict | None = None
        self.line: dict | None = None
        self.other: dict | None = None
        self.adjudication: dict | None = None
        self.entity: dict | None = None

    def fail(self, segment, message: str):
        raise X12FileError(message, segment=segment.id, line=segment.line)

    def read(self) -> list[Claim]:
        for segment in self.segments:
            handler = getattr(self, f"on_{segment.id.lower()}", None)
            if handler:
                handler(segment)
        self.finish_claim()
        return self.claims

    # envelope and header
    def on_bht(self, s):
        self.submission_date = s.date(4)

    def on_hl(self, s):
        self.finish_claim()
        level = s.get(3)
        if level == "20":
            self.billing = {"address": None}
            self.entity = None
        elif level == "22":
            if not self.billing:
                self.fail(s, "a subscriber (HL 22) comes before any billing provider (HL 20)")
            self.subscriber = {}
            self.patient = None
        elif level == "23":
            if not self.subscriber:
                self.fail(s, "a patient (HL 23) comes before its subscriber (HL 22)")
            self.patient = {"relationship": "G8"}
        else:
            self.fail(s, f"HL03 {level!r} is not 20 (billing provider), 22 (subscriber) or 23 (patient)")

    def on_prv(self, s):
        if s.get(1) == "BI":
            self.billing["taxonomy"] = s.get(3)
        elif s.get(1) == "PE" and self.claim is not None and self.claim.get("rendering") is not None:
            self.claim["rendering"]["taxonomy"] = s.get(3)

    def on_sbr(self, s):
        data = {"responsibility": s.get(1) or "P", "relationship": s.get(2), "group_number": s.get(3),
                "group_name": s.get(4), "filing": s.get(9)}
        if self.claim is None:
            self.subscriber.update(data)
        else:
            self.finish_adjudication()
            self.other = {**data, "adjustments": [], "paid": Decimal("0.00"), "date": None, "insured": None,
                          "payer": None}
            self.claim["others"].append(self.other)

    def on_pat(self, s):
        if self.patient is None:
            self.fail(s, "PAT outside a patient loop (HL 23)")
        self.patient["relationship"] = s.get(1)

    def on_nm1(self, s):
        qualifier = s.get(1)
        name = {"last": s.get(3), "first": s.get(4), "middle": s.get(5), "id": s.get(9), "org": s.get(2) == "2",
                "address": None}
        self.entity = name
        if qualifier in ("41", "40"):
            self.entity = None
        elif qualifier == "85":
            self.billing.update(name)
            self.entity = self.billing
        elif qualifier == "IL":
            if self.claim is not None and self.other is not None:
                self.other["insured"] = name
            else:
                self.subscriber["insured"] = name
        elif qualifier == "PR":
            if not s.get(3).strip():
                self.fail(s, "the payer name (NM1*PR element 3) is empty")
            if self.claim is not None and self.other is not None:
                self.other["payer"] = name
            else:
                self.subscriber["payer"] = name
        elif qualifier == "QC":
            if self.patient is None:
                self.fail(s, "a patient name (NM1*QC) outside a patient loop (HL 23)")
            self.patient["person"] = name
        elif qualifier in ("DN", "82", "77"):
            if self.claim is None:
                self.fail(s, f"NM1*{qualifier} before the claim (CLM) it belongs to")
            self.claim[{"DN": "referring", "82": "rendering", "77": "facility"}[qualifier]] = name

    def on_n3(self, s):
        if self.entity is not None:
            self.entity["address"] = {"line1": s.get(1), "line2": s.get(2)}

    def on_n4(self, s):
        if self.entity is not None:
            current = self.entity.get("address") or {"line1": "", "line2": ""}
            current.update(city=s.get(1), state=s.get(2), postal=s.get(3))
            self.entity["address"] = current

    def on_ref(self, s):
        qualifier, value = s.get(1), s.get(2)
        if qualifier == "EI" and self.claim is None:
            self.billing["tax_id"] = value
        elif self.claim is not None and self.line is None and self.other is None:
            key = {"G1": "prior_authorization", "F8": "original_reference", "X4": "clia"}.get(qualifier)
            if key:
                self.claim[key] = value

    def on_per(self, s):
        if self.claim is None and self.billing and self.entity is self.billing:
            self.billing["phone"] = s.get(4)

    def on_dmg(self, s):
        if self.entity is not None:
            self.entity["dob"] = s.date(2) if s.get(2) else None
            self.entity["sex"] = s.get(3) or "U"

    # claim
    def on_clm(self, s):
        self.finish_claim()
        if not self.subscriber.get("insured") or not self.subscriber.get("payer"):
            self.fail(s, "a claim (CLM) before its subscriber (NM1*IL) and payer (NM1*PR)")
        location = s.parts(5)
        if len(location) < 3:
            self.fail(s, "CLM05 must be place of service:B:frequency (e.g. 11:B:1)")
        causes = s.parts(11)
        self.claim = {"id": s.get(1), "total": s.amount(2), "pos": location[0], "frequency": location[2],
                      "assign": s.get(7) != "C", "causes": causes, "lines": [], "others": [], "diagnoses": [],
                      "rendering": None, "referring": None, "facility": None, "line": s.line,
                      "subscriber": self.subscriber, "patient": self.patient, "billing": self.billing}
        self.entity = None

    def on_dtp(self, s):
        qualifier = s.get(1)
        if qualifier == "472":
            if self.line is None:
                self.fail(s, "a service date (DTP*472) outside a service line")
            self.line["date"] = s.date(3)
        elif qualifier == "573":
            if self.adjudication is not None:
                self.adjudication["date"] = s.date(3)
            elif self.other is not None:
                self.other["date"] = s.date(3)
        elif qualifier in ("431", "439") and self.claim is not None and self.line is None:
            self.claim["onset" if qualifier == "431" else "accident"] = s.date(3)

    def on_hi(self, s):
        if self.claim is None:
            self.fail(s, "diagnoses (HI) before the claim (CLM)")
        for index in range(1, len(s.elements) + 1):
            parts = s.parts(index)
            if len(parts) >= 2 and parts[0] in ("ABK", "ABF", "BK", "BF"):
                self.claim["diagnoses"].append(_dotted(parts[1]))

    def on_cas(self, s):
        items = []
        for start in range(2, len(s.elements) + 1, 3):
            reason = s.get(start)
            if not reason:
                continue
            items.append(Adjustment(s.get(1), reason, s.amount(start + 1), s.integer(start + 2)))
        if self.adjudication is not None:
            self.adjudication["adjustments"] += items
        elif self.other is not None:
            self.other["adjustments"] += items

    def on_amt(self, s):
        if s.get(1) == "D" and self.other is not None:
            self.other["paid"] = s.amount(2)

    def on_lx(self, s):
        if self.claim is None:
            self.fail(s, "a service line (LX) before the claim (CLM)")
        self.finish_adjudication()
        self.other = None
        self.line = {"number": len(self.claim["lines"]) + 1, "segment": s}
        self.claim["lines"].append(self.line)

    def on_sv1(self, s):
        if self.line is None:
            self.fail(s, "SV1 without the LX that starts its service line")
        procedure = s.parts(1)
        if len(procedure) < 2 or procedure[0] not in ("HC", "ER", "WK"):
            self.fail(s, "SV101 must be HC:code[:modifiers]")
        units = s.integer(4, 1)
        pointers = []
        for part in s.parts(7):
            if not part.isdigit() or not 1 <= int(part) <= 12:
                self.fail(s, f"SV107 pointer {part!r} must be a number 1-12")
            pointers.append(LETTERS[int(part) - 1])
        self.line.update(code=procedure[1], modifiers=tuple(m for m in procedure[2:6] if m), charge=s.amount(2),
                         units=units, pos=s.get(5), pointers=tuple(pointers), emergency=s.get(9) == "Y")

    def on_svd(self, s):
        if self.line is None:
            self.fail(s, "SVD without a service line")
        self.finish_adjudication()
        procedure = s.parts(3)
        self.adjudication = {"payer_id": s.get(1), "paid": s.amount(2), "code": procedure[1] if len(procedure) > 1 else "",
                             "modifiers": tuple(m for m in procedure[2:6] if m), "units": s.integer(5, 1),
                             "adjustments": [], "date": None, "line": self.line["number"], "segment": s}

    def on_se(self, s):
        self.finish_claim()

    # assembly
    def finish_adjudication(self):
        if self.adjudication is None:
            return
        item = self.adjudication
        self.adjudication = None
        if item["date"] is None:
            self.fail(item["segment"], "the line adjudication (SVD) has no DTP*573 adjudication date")
        for other in self.claim["others"]:
            if other.get("payer") and other["payer"]["id"] == item["payer_id"]:
                other.setdefault("lines", []).append(LineAdjudication(
                    item["line"], item["payer_id"], item["code"], item["modifiers"], item["units"], item["paid"],
                    tuple(item["adjustments"]), item["date"]))
                return
        self.fail(item["segment"], f"SVD01 payer {item['payer_id']!r} is not one of the claim's other payers (2330B)")

    def finish_claim(self):
        if self.claim is None:
            return
        self.finish_adjudication()
        data, self.claim, self.line, self.other = self.claim, None, None, None
        self.claims.append(_assemble(data, self.submission_date))


def _address_of(entity: dict | None) -> Address | None:
    if not entity or not entity.get("address"):
        return None
    a = entity["address"]
    return Address(a.get("line1", ""), a.get("city", ""), a.get("state", ""), a.get("postal", ""), a.get("line2", ""))


def _person(entity: dict) -> Person:
    return Person(entity["last"], entity["first"], entity["middle"], entity.get("sex", "U"), entity.get("dob"),
                  _address_of(entity))


def _provider(entity: dict | None, **extra) -> ClaimProvider | None:
    if entity is None:
        return None
    return ClaimProvider(entity["id"], entity["last"], entity["first"] if not entity["org"] else "",
                         is_organization=entity["org"], address=_address_of(entity), **extra)


def _assemble(data: dict, submitted: date | None) -> Claim:
    clm_line = data["line"]
    if submitted is None:
        raise X12FileError("the claim's BHT segment (creation date) is missing", segment="CLM", line=clm_line)
    subscriber, patient, billing = data["subscriber"], data["patient"], data["billing"]
    payer_entity = subscriber["payer"]
    payer = ClaimPayer(payer_entity["last"], payer_entity["id"], subscriber.get("filing", ""), _address_of(payer_entity))
    insured = _person(subscriber["insured"])
    if patient is not None:
        if "person" not in patient:
            raise X12FileError("the patient loop (HL 23) has no patient name (NM1*QC)", segment="CLM", line=clm_line)
        relationship = patient["relationship"]
        person = _person(patient["person"])
    else:
        relationship = "18"
        person = insured
    coverage = Coverage(payer, subscriber["insured"]["id"], insured, relationship, subscriber.get("group_number", ""),
                        subscriber.get("group_name", ""), subscriber.get("responsibility", "P"))
    if not data["lines"]:
        raise X12FileError(f"claim {data['id']} has no service line (LX, SV1)", segment="CLM", line=clm_line)
    lines = []
    for item in data["lines"]:
        if "code" not in item:
            raise X12FileError("a service line (LX) has no SV1 segment", segment="LX", line=item["segment"].line)
        if "date" not in item:
            raise X12FileError(f"service line {item['number']} ({item['code']}) has no service date (DTP*472)",
                               segment="LX", line=item["segment"].line)
        lines.append(ClaimLine(item["code"], item["charge"], item["date"], item["modifiers"], item["pointers"],
                               item["units"], item["pos"], item["emergency"]))
    total = sum((line.charge for line in lines), Decimal("0.00"))
    if lines and total != data["total"]:
        raise X12FileError(f"CLM02 total {data['total']} is not the sum of the line charges ({total})",
                           segment="CLM", line=clm_line)
    others = []
    for other in data["others"]:
        if not other.get("insured") or not other.get("payer"):
            raise X12FileError("an other-payer loop (2320) lacks its subscriber (2330A) or payer (2330B)",
                               segment="SBR", line=clm_line)
        other_payer = ClaimPayer(other["payer"]["last"], other["payer"]["id"], other.get("filing", ""),
                                 _address_of(other["payer"]))
        cov = Coverage(other_payer, other["insured"]["id"], _person(other["insured"]), other.get("relationship", ""),
                       other.get("group_number", ""), other.get("group_name", ""), other.get("responsibility", "P"))
        others.append(OtherPayer(cov, other["paid"], tuple(other["adjustments"]), other["date"],
                                 tuple(other.get("lines", []))))
    causes = data["causes"]
    rendering = _provider(data["rendering"], taxonomy=(data["rendering"] or {}).get("taxonomy", ""))
    billing_provider = ClaimProvider(billing.get("id", ""), billing.get("last", ""), "", is_organization=True,
                                     tax_id=billing.get("tax_id", ""), taxonomy=billing.get("taxonomy", ""),
                                     address=_address_of(billing), phone=billing.get("phone", ""))
    return Claim(
        claim_id=data["id"], patient=person, coverage=coverage, billing_provider=billing_provider,
        rendering_provider=rendering, diagnoses=tuple(data["diagnoses"]), lines=tuple(lines),
        place_of_service=data["pos"], submission_date=submitted, referring_provider=_provider(data["referring"]),
        facility=_provider(data["facility"]), prior_authorization=data.get("prior_authorization", ""),
        frequency=data["frequency"], original_reference=data.get("original_reference", ""),
        other_payers=tuple(others), onset_date=data.get("onset"), employment_related="EM" in causes[:3],
        auto_accident_state=causes[3] if "AA" in causes[:3] and len(causes) > 3 else "",
        other_accident="OA" in causes[:3], accident_date=data.get("accident"), accept_assignment=data["assign"],
        clia_number=data.get("clia", ""))


def read_837_claims(text: str) -> list[Claim]:
    """Read every claim in an 837P file; raise X12FileError naming the segment and line when it is broken."""
    segments = parse(text, expect="837")
    for segment in segments:
        if segment.id == "GS" and segment.get(8) and not segment.get(8).startswith("005010X222"):
            raise X12FileError(f"GS08 {segment.get(8)!r} is not an 837P (005010X222A1)", segment="GS", line=segment.line)
    claims = _Reader(segments).read()
    if not claims:
        last = segments[-1]
        raise X12FileError("the 837 holds no claim (no CLM segment)", segment=last.id, line=last.line)
    return claims


def read_837(text: str) -> Claim:
    """Read the one claim of an 837P file (use :func:`read_837_claims` for a batch)."""
    claims = read_837_claims(text)
    if len(claims) > 1:
        raise X12FileError(f"the file holds {len(claims)} claims; read them with read_837_claims")
    return claims[0]
