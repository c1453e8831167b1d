"""Render a claim as a plainly styled CMS-1500 (02/12) form in HTML, with the real box numbers.

For notebooks and Voila: ``claim`` objects display themselves with this view. The form says, on its face,
that it is a synthetic claim for training.
"""

from __future__ import annotations

import html
from datetime import date

from .model import LETTERS, Claim, ClaimProvider, Person

_STYLE = """
<style>
.cms1500 {font-family: "DejaVu Sans", Arial, sans-serif; font-size: 12px; color: #222; max-width: 980px;
  border: 2px solid #b22; padding: 8px; background: #fff;}
.cms1500 .banner {display: flex; justify-content: space-between; align-items: baseline; border-bottom: 2px solid #b22;
  margin-bottom: 6px; padding-bottom: 4px;}
.cms1500 .banner h3 {margin: 0; font-size: 15px; color: #b22; letter-spacing: .04em;}
.cms1500 .synthetic {font-weight: bold; color: #b22; text-transform: uppercase;}
.cms1500 table {border-collapse: collapse; width: 100%; margin-bottom: 4px;}
.cms1500 td, .cms1500 th {border: 1px solid #c66; vertical-align: top; padding: 2px 4px;}
.cms1500 th {background: #fbeaea; font-weight: normal; font-size: 10px; text-align: left;}
.cms1500 .box {font-size: 9px; color: #b22; display: block; text-transform: uppercase;}
.cms1500 .value {font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 12px; white-space: pre-wrap;}
.cms1500 .lines td {font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 12px; text-align: center;
  white-space: nowrap;}
.cms1500 .mark {font-family: monospace;}
</style>
"""


def _e(value) -> str:
    return html.escape(str(value if value is not None else ""))


def _mdy(day: date | None) -> str:
    return day.strftime("%m %d %Y") if day else ""


def _mdy_short(day: date | None) -> str:
    return day.strftime("%m %d %y") if day else ""


def _zip(code: str) -> str:
    return f"{code[:5]}-{code[5:]}" if len(code) == 9 else code


def _box(number: str, label: str, value: str, colspan: int = 1) -> str:
    return (f'<td colspan="{colspan}"><span class="box">{_e(number)}. {_e(label)}</span>'
            f'<span class="value">{value}</span></td>')


def _check(flag: bool) -> str:
    return '<span class="mark">[X]</span>' if flag else '<span class="mark">[ ]</span>'


def _yes_no(flag: bool) -> str:
    return f"{_check(flag)} YES &nbsp; {_check(not flag)} NO"


def _address_lines(person_or_provider) -> str:
    address = getattr(person_or_provider, "address", None)
    if address is None:
        return ""
    street = address.line1 + (f", {address.line2}" if address.line2 else "")
    return _e(f"{street}\n{address.city}, {address.state} {_zip(address.postal_code)}")


def _person(person: Person | None) -> str:
    return _e(person.name) if person else ""


def _dob_sex(person: Person | None) -> str:
    if person is None or person.date_of_birth is None:
        return ""
    return f"{_e(_mdy(person.date_of_birth))} &nbsp; M {_check(person.sex == 'M')} F {_check(person.sex == 'F')}"


def _phone(text: str) -> str:
    digits = "".join(ch for ch in text or "" if ch.isdigit())
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:10]}" if len(digits) >= 10 else _e(text)


def _provider_block(provider: ClaimProvider | None, phone: bool = False) -> str:
    if provider is None:
        return ""
    text = _e(provider.name) + "\n" + _address_lines(provider)
    if phone and provider.phone:
        text = f"PH {_phone(provider.phone)}\n" + text
    return text


def render_cms1500(claim: Claim) -> str:
    """Return the claim as an HTML CMS-1500 form (a plain, readable rendering; not a print-ready red form)."""
    cov = claim.coverage
    payer = cov.payer
    kind = {"MB": "Medicare", "MC": "Medicaid", "ZZ": "Other"}.get(payer.filing_indicator, "Group Health Plan")
    kinds = " ".join(f"{_check(kind == k)} {k}" for k in ("Medicare", "Medicaid", "TRICARE", "CHAMPVA",
                                                          "Group Health Plan", "FECA Blk Lung", "Other"))
    relationship = {"18": "self", "01": "spouse", "19": "child"}.get(cov.relationship, "other")
    relation = " ".join(f"{_check(relationship == r)} {r.title()}" for r in ("self", "spouse", "child", "other"))
    other = claim.other_payers[0] if claim.other_payers else None
    phone = _phone(claim.patient.phone) if claim.patient.phone else ""
    cells = [f'<td><span class="box">{letter}.</span><span class="value">{_e(code)}</span></td>'
             for letter, code in zip(LETTERS, list(claim.diagnoses) + [""] * (12 - len(claim.diagnoses)))]
    diagnoses = "".join(f"<tr>{''.join(cells[row:row + 4])}</tr>" for row in (0, 4, 8))
    rows = []
    for line in claim.lines:
        mods = " ".join(line.modifiers)
        rows.append(
            "<tr>"
            f"<td>{_e(_mdy_short(line.service_date))}</td><td>{_e(_mdy_short(line.service_date))}</td>"
            f"<td>{_e(claim.line_place_of_service(line))}</td><td>{'Y' if line.emergency else ''}</td>"
            f"<td>{_e(line.code)}</td><td>{_e(mods)}</td><td>{_e(''.join(line.pointers))}</td>"
            f"<td>{line.charge:.2f}</td><td>{line.units}</td><td></td><td>NPI</td>"
            f"<td>{_e(claim.rendering_provider.npi if claim.rendering_provider else '')}</td>"
            "</tr>")
    resubmission = _e(claim.frequency) if claim.frequency in ("7", "8") else ""
    rendering = claim.rendering_provider
    signed = _e(_mdy(claim.submission_date))
    accident = ""
    if claim.auto_accident_state:
        accident = f" &nbsp; PLACE (State) {_e(claim.auto_accident_state)}"
    billing = claim.billing_provider
    patient_address = _address_lines(claim.patient) + (f"\nTEL {phone}" if phone else "")
    carrier = _e(payer.name) + "\n" + _address_lines(payer)
    return _STYLE + f"""
<div class="cms1500">
  <div class="banner"><h3>HEALTH INSURANCE CLAIM FORM &middot; CMS-1500 (02/12)</h3>
    <span class="synthetic">Synthetic claim for training &mdash; not for submission</span></div>
  <table><tr><td><span class="box">Carrier</span><span class="value">{carrier}</span></td></tr></table>
  <table>
    <tr>{_box("1", "Insurance type", kinds, 2)}{_box("1a", "Insured's ID number", _e(cov.member_id))}</tr>
    <tr>{_box("2", "Patient's name (last, first, MI)", _person(claim.patient))}
        {_box("3", "Patient's birth date, sex", _dob_sex(claim.patient))}
        {_box("4", "Insured's name (last, first, MI)", _person(cov.insured))}</tr>
    <tr>{_box("5", "Patient's address, telephone", patient_address)}
        {_box("6", "Patient relationship to insured", relation)}
        {_box("7", "Insured's address", _address_lines(cov.insured))}</tr>
    <tr>{_box("9", "Other insured's name", _person(other.coverage.insured) if other else "")}
        {_box("10", "Is patient's condition related to", "a. Employment: " + _yes_no(claim.employment_related)
              + "<br>b. Auto accident: " + _yes_no(bool(claim.auto_accident_state)) + accident
              + "<br>c. Other accident: " + _yes_no(claim.other_accident))}
        {_box("11", "Insured's policy group or FECA number", _e(cov.group_number or "NONE"))}</tr>
    <tr>{_box("9a", "Other insured's policy or group number",
              _e((other.coverage.member_id + " " + other.coverage.group_number).strip()) if other else "")}
        {_box("11a", "Insured's date of birth, sex", _dob_sex(cov.insured))}
        {_box("11c", "Insurance plan or program name", _e(payer.name))}</tr>
    <tr>{_box("9d", "Other insurance plan or program name", _e(other.coverage.payer.name) if other else "")}
        {_box("11d", "Is there another health benefit plan?", _yes_no(bool(claim.other_payers)), 2)}</tr>
    <tr>{_box("12", "Patient's or authorized person's signature", "SIGNATURE ON FILE &nbsp; " + signed)}
        {_box("13", "Insured's or authorized person's signature", "SIGNATURE ON FILE", 2)}</tr>
    <tr>{_box("14", "Date of current illness, injury or pregnancy (LMP)",
              (_e(_mdy(claim.onset_date)) + " QUAL 431") if claim.onset_date else "")}
        {_box("17", "Name of referring provider or other source",
              ("DN " + _e(claim.referring_provider.name)) if claim.referring_provider else "")}
        {_box("17b", "NPI", _e(claim.referring_provider.npi) if claim.referring_provider else "")}</tr>
  </table>
  <table>
    <tr><th colspan="4">21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY (relate A-L to service line below, 24E)
        &nbsp; ICD Ind. <b>0</b></th></tr>
    {diagnoses}
  </table>
  <table>
    <tr>{_box("22", "Resubmission code / original ref. no.", f"{resubmission} &nbsp; {_e(claim.original_reference)}")}
        {_box("23", "Prior authorization number", _e(claim.prior_authorization))}</tr>
  </table>
  <table class="lines">
    <tr><th>24A. From</th><th>To</th><th>B. Place of service</th><th>C. EMG</th><th>D. CPT/HCPCS</th>
        <th>Modifier</th><th>E. Diagnosis pointer</th><th>F. $ Charges</th><th>G. Days or units</th>
        <th>H. EPSDT</th><th>I. ID qual.</th><th>J. Rendering provider ID #</th></tr>
    {''.join(rows)}
  </table>
  <table>
    <tr>{_box("25", "Federal tax I.D. number (EIN)", _e(billing.tax_id))}
        {_box("26", "Patient's account no.", _e(claim.claim_id))}
        {_box("27", "Accept assignment?", _yes_no(claim.accept_assignment))}
        {_box("28", "Total charge", f"$ {claim.total_charge:.2f}")}
        {_box("29", "Amount paid", "")}</tr>
    <tr>{_box("31", "Signature of physician or supplier including degrees or credentials",
              (_e(rendering.name) if rendering else "") + " &nbsp; " + signed)}
        {_box("32", "Service facility location information", _provider_block(claim.facility), 2)}
        {_box("33", "Billing provider info and phone #", _provider_block(billing, phone=True), 2)}</tr>
    <tr><td></td>{_box("32a", "NPI", _e(claim.facility.npi) if claim.facility else "", 2)}
        {_box("33a", "NPI", _e(billing.npi))}{_box("33b", "Other ID (taxonomy)",
                                                   ("ZZ " + _e(billing.taxonomy)) if billing.taxonomy else "")}</tr>
  </table>
</div>
"""
