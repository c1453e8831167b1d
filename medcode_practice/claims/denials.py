"""Denials and follow-up: what to do about each adjustment, corrected claims, appeal letters, A/R aging.

>>> from medcode_practice import claims
>>> claim = claims.build_claim("BL-0008", "D22.5, I10, 99214, 11102")
>>> remit = claims.adjudicate(claim)
>>> [step.action for step in next_steps(remit)][:1]
['correct and resubmit']
>>> fixed = corrected_claim(claim, {"lines": {1: {"modifiers": ["25"]}}}, remit=remit)
>>> fixed.frequency, fixed.original_reference == remit.claims[0].payer_claim_number
('7', True)
"""

from __future__ import annotations

import html
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from decimal import Decimal

from . import fee_schedule, payers
from .model import LETTERS, Claim, ClaimLine, money
from .reason_codes import ACTIONS, carc, rarc
from .remittance import ClaimPayment, Remittance

ROUTINE = frozenset({"45", "59", "253", "23", "94"})  # expected adjustments, not denials
BUCKETS = ("0-30", "31-60", "61-90", "91-120", ">120")


@dataclass(frozen=True)
class FollowUp:
    """What to do about one adjustment on a remittance line."""

    claim_id: str
    payer_claim_number: str
    line_number: int
    code: str
    group: str
    reason: str
    amount: Decimal
    remarks: tuple[str, ...]
    action: str
    steps: str
    description: str

    def __str__(self) -> str:
        remarks = f" ({', '.join(self.remarks)})" if self.remarks else ""
        return (f"{self.claim_id} line {self.line_number} {self.code}: {self.group}-{self.reason}{remarks} "
                f"{self.amount:.2f} -> {self.action}: {self.steps}")


def action_for(group: str, reason: str, remarks: tuple[str, ...] = ()) -> tuple[str, str]:
    """Return (action, steps) for an adjustment: correct and resubmit, appeal, write off, bill patient, ..."""
    if "MA130" in remarks:
        found = rarc("MA130")
        return found.action, found.steps
    code = carc(reason)
    if code is None:
        return "appeal", "Look the code up in the X12 CARC list and the payer's manual; call the payer if unclear."
    action, steps = code.action, code.steps
    if reason == "96" and group == "CO":
        action, steps = "write off", "A non-covered service the provider is liable for (no advance notice): write it off."
    if reason == "50" and group == "PR":
        action, steps = "bill patient", "A signed ABN is on file (GA): bill the patient for the denied service."
    for remark in remarks:
        extra = rarc(remark)
        if extra and extra.steps and extra.steps not in steps:
            steps = f"{steps} {remark}: {extra.steps}"
    return action, steps


def next_steps(remit: Remittance, *, include_routine: bool = False) -> list[FollowUp]:
    """Return the follow-up for every denial and patient-responsibility amount on a remittance.

    Routine contractual adjustments (CO-45, CO-59, CO-253, OA-23) are left out unless ``include_routine``.
    """
    out = []
    for item in remit.claims:
        if item.status == "22":
            continue
        for line in item.lines:
            for adjustment in line.adjustments:
                if adjustment.reason in ROUTINE and not include_routine:
                    continue
                # Claim-level remarks (MOA) apply to every line only when the claim was unprocessable.
                remarks = line.remarks + tuple(r for r in item.remarks if r in ("MA130", "MA04"))
                action, steps = action_for(adjustment.group, adjustment.reason, remarks)
                code = carc(adjustment.reason)
                out.append(FollowUp(item.claim_id, item.payer_claim_number, line.line_number, line.code,
                                    adjustment.group, adjustment.reason, adjustment.amount, remarks, action, steps,
                                    code.description if code else ""))
    return out


# ------------------------------------------------------------------------------------------ corrected claims

_LINE_FIELDS = {"code", "modifiers", "pointers", "units", "charge", "service_date", "place_of_service", "emergency"}


def _fix_line(line: ClaimLine, changes: dict) -> ClaimLine:
    unknown = set(changes) - _LINE_FIELDS
    if unknown:
        raise ValueError(f"a line fix may change {', '.join(sorted(_LINE_FIELDS))}; not {', '.join(sorted(unknown))}")
    values = dict(changes)
    if "modifiers" in values:
        mods = values["modifiers"]
        values["modifiers"] = tuple(str(m).strip().upper().lstrip("-") for m in
                                    (mods.replace("-", " ").split() if isinstance(mods, str) else mods))
    if "pointers" in values:
        raw = values["pointers"]
        values["pointers"] = tuple(ch for ch in (raw if not isinstance(raw, str) else raw.replace(",", "").upper())
                                   if ch in LETTERS)
    if "units" in values:
        values["units"] = int(values["units"])
    fixed = replace(line, **values)
    if ("code" in values or "units" in values or "modifiers" in values) and "charge" not in values:
        fixed = replace(fixed, charge=money(fee_schedule.charge(fixed.code, fixed.modifiers) * fixed.units))
    return fixed


def corrected_claim(claim: Claim, fixes: dict, *, original_reference: str | None = None,
                    remit: Remittance | None = None, submitted: date | None = None) -> Claim:
    """Return a replacement claim (frequency 7, Box 22 / REF*F8 = the payer's original claim number).

    ``fixes`` maps claim fields to new values (``{"prior_authorization": "PA-2026-118842"}``), and may hold
    ``"lines": {1: {"modifiers": ["25"]}, 2: {"pointers": "B"}}`` to change lines, or ``"codes"`` to rebuild
    the claim from corrected codes (claims built from a case). The original reference comes from
    ``original_reference``, else the remittance's payment for this claim, else the claim's own Box 22.
    """
    if not isinstance(fixes, dict):
        raise ValueError("fixes must be a mapping, e.g. {'lines': {1: {'modifiers': ['25']}}}")
    payment = remit.claim(claim.claim_id) if remit is not None else None
    reference = original_reference or (payment.payer_claim_number if payment else "") or claim.original_reference
    if not reference:
        raise ValueError("a replacement claim needs the payer's original claim number (from the remittance): pass "
                         "remit= or original_reference=")
    fixed = claim
    changes = dict(fixes)
    if "codes" in changes:
        from .build import build_claim

        if claim.case_id is None:
            raise ValueError("'codes' rebuilds a claim built from a case; this claim has no case id")
        rebuilt = build_claim(claim.case_id, changes.pop("codes"), prior_authorization=claim.prior_authorization,
                              payer=claim.payer.name)
        fixed = replace(fixed, diagnoses=rebuilt.diagnoses, lines=rebuilt.lines)
    line_changes = changes.pop("lines", {}) or {}
    lines = list(fixed.lines)
    for number, change in line_changes.items():
        index = int(number) - 1
        if not 0 <= index < len(lines):
            raise ValueError(f"the claim has no line {number} (it has {len(lines)})")
        lines[index] = _fix_line(lines[index], change)
    names = {f.name for f in fields(Claim)} - {"frequency", "original_reference"}
    unknown = set(changes) - names
    if unknown:
        raise ValueError(f"unknown claim field(s) {', '.join(sorted(unknown))}")
    if "diagnoses" in changes:
        changes["diagnoses"] = tuple(changes["diagnoses"])
    when = submitted or (remit.payment_date + timedelta(days=1) if remit else claim.submission_date + timedelta(days=21))
    return replace(fixed, lines=tuple(lines), frequency="7", original_reference=reference, submission_date=when,
                   **changes)


def void_claim(claim: Claim, *, original_reference: str | None = None, remit: Remittance | None = None,
               submitted: date | None = None) -> Claim:
    """Return a void (frequency 8) of a processed claim, e.g. one billed to the wrong patient or payer."""
    payment = remit.claim(claim.claim_id) if remit is not None else None
    reference = original_reference or (payment.payer_claim_number if payment else "") or claim.original_reference
    if not reference:
        raise ValueError("a void needs the payer's original claim number: pass remit= or original_reference=")
    when = submitted or (remit.payment_date + timedelta(days=1) if remit else claim.submission_date + timedelta(days=21))
    return replace(claim, frequency="8", original_reference=reference, submission_date=when)


# --------------------------------------------------------------------------------------------- appeal letter

def _denied(payment: ClaimPayment):
    """Yield (line, adjustment) for each denial: payer-side non-routine adjustments and PR-50/PR-96."""
    for line in payment.lines:
        for adjustment in line.adjustments:
            if adjustment.group == "PR":
                if adjustment.reason in ("50", "96"):
                    yield line, adjustment
            elif adjustment.reason not in ROUTINE:
                yield line, adjustment


def _long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def appeal_letter(claim: Claim, remit: Remittance, reason: str, *, format: str = "text", signer: str | None = None,
                  letter_date: date | None = None, enclosures: list[str] | None = None) -> str:
    """Return a filled, professional request for reconsideration of a denied claim (``format``: text or html).

    ``reason`` is the argument, in the biller's words: why the service should be paid. The letter names the
    patient, member, claim and payer claim numbers, the denied lines with their adjustment and remark codes,
    and lists what is enclosed.
    """
    if format not in ("text", "html"):
        raise ValueError("format must be 'text' or 'html'")
    payment = remit.claim(claim.claim_id)
    if payment is None:
        raise ValueError(f"the remittance has no payment for claim {claim.claim_id}")
    denied = list(_denied(payment))
    if not denied:
        raise ValueError(f"nothing on claim {claim.claim_id} was denied: there is nothing to appeal")
    if not reason or not reason.strip():
        raise ValueError("an appeal needs a reason: say why the service meets the payer's rules")
    plan = None
    try:
        plan = payers.payer(remit.payer.name)
    except ValueError:
        pass
    billing = claim.billing_provider
    rendering = claim.rendering_provider
    today = letter_date or remit.payment_date + timedelta(days=7)
    signer = signer or (rendering.name if rendering else "Billing Office")
    address = billing.address
    payer_address = remit.payer.address
    denied_lines = []
    for line, adjustment in denied:
        code = carc(adjustment.reason)
        remarks = ", ".join(line.remarks) if line.remarks else ""
        denied_lines.append(f"Line {line.line_number}: {line.label} on {line.service_date:%m/%d/%Y}, billed "
                            f"${line.charge:,.2f}, adjusted {adjustment.group}-{adjustment.reason}"
                            + (f" (remark {remarks})" if remarks else "")
                            + (f": {code.description}" if code else "."))
    enclosed = enclosures or [f"Remittance advice dated {remit.payment_date:%m/%d/%Y} (trace {remit.trace_number})",
                              f"Medical record for the date of service {claim.first_service_date:%m/%d/%Y}",
                              "A copy of the claim as submitted"]
    deadline = ""
    if plan is not None and plan.type == "medicare":
        # Medicare redeterminations are due within 120 days of the initial determination (the remittance).
        if (today - remit.payment_date).days <= 120:
            deadline = "This request for redetermination is filed within 120 days of the initial determination. "
        else:
            deadline = ("This request is filed more than 120 days after the initial determination; we ask that it "
                        "be accepted for good cause, as explained below. ")
    paragraphs = [
        f"I am writing on behalf of {billing.name} to request reconsideration of the claim below, which was "
        f"denied in whole or in part on the remittance dated {_long_date(remit.payment_date)}. {deadline}",
        " ".join(denied_lines),
        reason.strip(),
        "The enclosed documentation supports the services as billed. We ask that the claim be reprocessed and the "
        "denied amount paid. Please contact our billing office with any question about this request.",
    ]
    heading = [billing.name,
               address.line1 if address else "",
               f"{address.city}, {address.state} {address.postal_code[:5]}" if address else "",
               f"Phone {billing.phone[:3]}-{billing.phone[3:6]}-{billing.phone[6:]}  NPI {billing.npi}  "
               f"TIN {billing.tax_id}" if billing.phone else f"NPI {billing.npi}  TIN {billing.tax_id}"]
    to = [remit.payer.name, "Attn: Provider Appeals / Reconsiderations",
          payer_address.line1 if payer_address else "",
          f"{payer_address.city}, {payer_address.state} {payer_address.postal_code[:5]}" if payer_address else ""]
    regarding = [f"Patient: {claim.patient.display_name} (date of birth "
                 f"{claim.patient.date_of_birth:%m/%d/%Y})" if claim.patient.date_of_birth else
                 f"Patient: {claim.patient.display_name}",
                 f"Member ID: {claim.coverage.member_id}" + (f"  Group: {claim.coverage.group_number}"
                                                              if claim.coverage.group_number else ""),
                 f"Patient account number: {claim.claim_id}   Payer claim number: {payment.payer_claim_number}",
                 f"Date(s) of service: {claim.first_service_date:%m/%d/%Y}"
                 + (f" - {claim.last_service_date:%m/%d/%Y}" if claim.last_service_date != claim.first_service_date
                    else "") + f"   Billed: ${claim.total_charge:,.2f}",
                 f"Rendering provider: {rendering.name} (NPI {rendering.npi})" if rendering else ""]
    closing = ["Sincerely,", "", signer, billing.name]
    footer = "Synthetic letter for training: every name, number and address in it is invented."
    if format == "text":
        parts = [*[h for h in heading if h], "", _long_date(today), "", *[t for t in to if t], "",
                 "RE: Request for reconsideration", *[f"    {r}" for r in regarding if r], "",
                 "Dear Appeals Reviewer:", ""]
        for paragraph in paragraphs:
            parts += [paragraph.strip(), ""]
        parts += [*closing, "", "Enclosures:", *[f"  - {e}" for e in enclosed], "", footer]
        return "\n".join(parts) + "\n"
    e = html.escape
    body = "".join(f"<p>{e(p.strip())}</p>" for p in paragraphs)
    return (f'<div class="appeal-letter" style="font-family: Georgia, serif; max-width: 720px; line-height: 1.45">'
            f'<p>{"<br>".join(e(h) for h in heading if h)}</p><p>{_long_date(today)}</p>'
            f'<p>{"<br>".join(e(t) for t in to if t)}</p>'
            f'<p><b>RE: Request for reconsideration</b><br>{"<br>".join(e(r) for r in regarding if r)}</p>'
            f'<p>Dear Appeals Reviewer:</p>{body}<p>{"<br>".join(e(c) for c in closing)}</p>'
            f'<p><b>Enclosures:</b></p><ul>{"".join(f"<li>{e(x)}</li>" for x in enclosed)}</ul>'
            f'<p style="color:#b22"><i>{e(footer)}</i></p></div>')


# ------------------------------------------------------------------------------------------------ A/R aging

def _bucket(days: int) -> str:
    if days <= 30:
        return "0-30"
    if days <= 60:
        return "31-60"
    if days <= 90:
        return "61-90"
    if days <= 120:
        return "91-120"
    return ">120"


def _latest_payment(claim: Claim, remits: list[Remittance]) -> tuple[ClaimPayment, Remittance] | None:
    found = None
    for remit in sorted(remits, key=lambda r: r.payment_date):
        if remit.payer.payer_id != claim.payer.payer_id:
            continue
        for payment in remit.claims:
            if payment.claim_id == claim.claim_id and payment.status != "22":
                found = (payment, remit)
    return found


def ar_detail(items, as_of: date):
    """Return one row per open balance: claim, who owes it (a payer or the patient), amount, age and bucket."""
    import pandas as pd

    claims_: list[Claim] = []
    remits: list[Remittance] = []
    for item in items:
        if isinstance(item, Claim):
            claims_.append(item)
        elif isinstance(item, Remittance):
            remits.append(item)
        elif isinstance(item, tuple):
            for part in item:
                if isinstance(part, Claim):
                    claims_.append(part)
                elif isinstance(part, Remittance):
                    remits.append(part)
                elif part is not None:
                    raise ValueError(f"expected claims and remittances, not {type(part).__name__}")
        else:
            raise ValueError(f"expected claims and remittances, not {type(item).__name__}")
    # A replacement claim supersedes the claim it replaces; a secondary claim takes over the patient share.
    latest: dict[tuple[str, str], Claim] = {}
    for claim in sorted(claims_, key=lambda c: c.submission_date):
        latest[(claim.claim_id, claim.payer.payer_id)] = claim
    secondary_for = {c.claim_id: c for c in latest.values() if c.coverage.responsibility != "P"}
    rows = []
    for claim in latest.values():
        found = _latest_payment(claim, remits)
        if found is None:
            age = (as_of - claim.submission_date).days
            rows.append({"claim": claim.claim_id, "owed_by": claim.payer.name, "amount": float(claim.total_charge),
                         "since": claim.submission_date, "age_days": age, "bucket": _bucket(age),
                         "status": "billed, no remittance yet"})
            continue
        payment, remit = found
        open_denials = money(sum((a.amount for line in payment.lines for a in line.adjustments
                                  if a.group != "PR" and a.reason not in ROUTINE), Decimal("0")))
        if open_denials > 0:
            age = (as_of - claim.submission_date).days
            rows.append({"claim": claim.claim_id, "owed_by": claim.payer.name, "amount": float(open_denials),
                         "since": claim.submission_date, "age_days": age, "bucket": _bucket(age),
                         "status": "denied, follow-up needed"})
        patient = payment.patient_responsibility
        if patient > 0 and claim.coverage.responsibility == "P" and claim.claim_id in secondary_for:
            continue  # the secondary claim carries this balance now
        if patient > 0:
            age = (as_of - remit.payment_date).days
            rows.append({"claim": claim.claim_id, "owed_by": "Patient", "amount": float(patient),
                         "since": remit.payment_date, "age_days": age, "bucket": _bucket(age),
                         "status": "patient responsibility"})
    return pd.DataFrame(rows, columns=["claim", "owed_by", "amount", "since", "age_days", "bucket", "status"])


def ar_aging(items, as_of: date):
    """Return the A/R aging table: rows by payer (and Patient), columns 0-30 ... >120 days and Total.

    ``items`` holds claims and remittances (or (claim, remittance) pairs). A claim with no remittance is aged
    from its submission date for its full charge; a denied amount stays with the payer, aged from submission,
    until it is corrected, appealed or written off; patient responsibility is aged from the remittance date.
    """
    import pandas as pd

    detail = ar_detail(items, as_of)
    if detail.empty:
        table = pd.DataFrame(columns=list(BUCKETS) + ["Total"], dtype=float)
    else:
        table = detail.pivot_table(index="owed_by", columns="bucket", values="amount", aggfunc="sum", fill_value=0.0)
        table = table.reindex(columns=list(BUCKETS), fill_value=0.0)
        table["Total"] = table.sum(axis=1)
    table.index.name = "payer"
    table = table.astype(float).round(2)
    if not table.empty:
        table.loc["Total"] = table.sum(axis=0).round(2)
    return table


def ar_aging_chart(df):
    """Return a matplotlib Figure: a stacked bar per payer, one color per aging bucket (no pyplot state)."""
    from matplotlib.figure import Figure

    data = df.drop(index="Total", errors="ignore")
    figure = Figure(figsize=(8, 0.6 * max(len(data), 1) + 1.6), layout="constrained")
    axes = figure.add_subplot()
    colors = ("#4c9f70", "#a8c256", "#f2c14e", "#f08a4b", "#c0392b")
    left = [0.0] * len(data)
    names = [str(i) for i in data.index]
    for bucket, color in zip(BUCKETS, colors):
        values = [float(v) for v in data[bucket]] if bucket in data else [0.0] * len(data)
        axes.barh(names, values, left=left, color=color, label=f"{bucket} days")
        left = [a + b for a, b in zip(left, values)]
    axes.set_xlabel("Open balance ($)")
    axes.set_title("Accounts receivable aging by payer (synthetic data)")
    axes.invert_yaxis()
    axes.legend(loc="lower right", fontsize=8)
    return figure


__all__ = ["FollowUp", "ACTIONS", "action_for", "next_steps", "corrected_claim", "void_claim", "appeal_letter",
           "ar_detail", "ar_aging", "ar_aging_chart"]
