"""Denial follow-up: what to do per adjustment, corrected claims, appeal letters, A/R aging, and the CMS-1500 view."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from medcode_practice import claims
from medcode_practice.claims import (adjudicate, appeal_letter, ar_aging, ar_aging_chart, ar_detail, corrected_claim,
                                     next_steps, reason_codes, render_cms1500, validate_837, write_837)


@pytest.fixture(scope="module")
def denied():
    """BL-0008 billed without modifier 25: the E/M comes back CO-97."""
    claim = claims.build_claim("BL-0008", "D22.5, I10, 99214, 11102")
    return claim, adjudicate(claim)


def test_reason_code_teaching_set_is_complete():
    """Does the CARC/RARC set hold at least 40 CARCs and 15 RARCs, each with an action from the list and steps?"""
    assert len(reason_codes.carcs()) >= 40 and len(reason_codes.rarcs()) >= 15
    for code in reason_codes.carcs() + reason_codes.rarcs():
        assert code.action in reason_codes.ACTIONS and code.steps and code.description
    for needed in ("1", "2", "3", "4", "11", "15", "16", "18", "23", "27", "29", "45", "50", "97", "151", "197", "253"):
        assert reason_codes.carc(needed) is not None, needed


@pytest.mark.parametrize("group, reason, remarks, action", [
    ("CO", "97", ("M15",), "correct and resubmit"),
    ("CO", "16", ("N290",), "correct and resubmit"),
    ("CO", "50", ("N115",), "appeal"),
    ("PR", "50", ("N115",), "bill patient"),
    ("CO", "45", (), "write off"),
    ("PR", "1", (), "bill patient"),
    ("CO", "29", (), "appeal"),
    ("CO", "27", ("N30",), "bill other payer"),
    ("CO", "18", (), "no action"),
    ("CO", "96", (), "write off"),
    ("PR", "96", (), "bill patient"),
])
def test_each_denial_maps_to_an_action(group, reason, remarks, action):
    """Does each adjustment map to the right follow-up: resubmit, appeal, write off or bill the patient?"""
    found, steps = claims.action_for(group, reason, remarks)
    assert found == action and steps


def test_next_steps_skip_routine_adjustments(denied):
    """Does next_steps list the denial and the patient share, and leave out contractual CO-45?"""
    _, remit = denied
    steps = next_steps(remit)
    assert [(s.code, s.group + "-" + s.reason, s.action) for s in steps] == [
        ("99214", "CO-97", "correct and resubmit"), ("11102", "PR-1", "bill patient")]
    assert "25 on the E/M" in steps[0].steps
    assert any(s.reason == "45" for s in next_steps(remit, include_routine=True))


def test_unprocessable_claims_say_new_claim_not_appeal():
    """With MA130 on the claim, does the follow-up say to send a new claim and not to appeal?"""
    remit = adjudicate(replace(claims.build_claim("BL-0007"), rendering_provider=None))
    step = next_steps(remit)[0]
    assert step.action == "correct and resubmit" and "do not appeal" in step.steps.lower()


def test_corrected_claim_is_a_valid_replacement(denied):
    """Is the corrected claim frequency 7 with REF*F8 = the payer claim number, valid, and paid?"""
    claim, remit = denied
    fixed = corrected_claim(claim, {"lines": {1: {"modifiers": ["25"]}}}, remit=remit)
    assert fixed.frequency == "7" and fixed.original_reference == remit.claims[0].payer_claim_number
    assert fixed.lines[0].modifiers == ("25",) and fixed.submission_date > claim.submission_date
    text = write_837(fixed)
    assert f"REF*F8*{remit.claims[0].payer_claim_number}~" in text and ":B:7*" in text
    assert validate_837(text) == []
    paid = adjudicate(fixed, history=[remit])
    assert paid.claims[-1].lines[0].allowed > 0


def test_corrected_claim_from_codes_and_fields():
    """Can a correction rebuild the lines from corrected codes, or set a field such as Box 23?"""
    claim = claims.build_claim("BL-0006", prior_authorization="")
    remit = adjudicate(claim)
    with_auth = corrected_claim(claim, {"prior_authorization": "PA-2026-118842"}, remit=remit)
    assert with_auth.prior_authorization == "PA-2026-118842"
    assert adjudicate(with_auth, history=[remit]).claims[-1].lines[0].allowed > 0
    recoded = corrected_claim(claims.build_claim("OP-0027", "M17.11, I10, 99214, 20610-RT"), {
        "codes": "M17.11, I10, 99214-25, 20610-RT, J3301 x4"}, original_reference="MB-1")
    assert [line.label for line in recoded.lines] == ["99214-25", "20610-RT", "J3301 x4"]


def test_corrected_claim_needs_a_reference_and_real_fields(denied):
    """Does a correction without the original claim number, or with an unknown field, say what is wrong?"""
    claim, remit = denied
    with pytest.raises(ValueError, match="original claim number"):
        corrected_claim(claim, {"lines": {1: {"modifiers": ["25"]}}})
    with pytest.raises(ValueError, match="unknown claim field"):
        corrected_claim(claim, {"box_99": 1}, remit=remit)
    with pytest.raises(ValueError, match="no line 5"):
        corrected_claim(claim, {"lines": {5: {"units": 2}}}, remit=remit)


def test_appeal_letter_is_filled_and_professional(denied):
    """Does the appeal letter name the patient, member, both claim numbers, the denied line and codes, the reason
    and the enclosures, in text and HTML?"""
    claim, remit = denied
    reason = "The record documents a separately identifiable hypertension visit; modifier 25 applies."
    text = appeal_letter(claim, remit, reason)
    for piece in ("Cedarline Insurance", "Attn: Provider Appeals", "Reginald Thistlewaite", claim.coverage.member_id,
                  remit.claims[0].payer_claim_number, "Patient account number: BL-0008", "CO-97", "M15", reason,
                  "Enclosures:", "Sincerely,", claim.billing_provider.name, "Synthetic letter for training"):
        assert piece in text, piece
    assert "11102" not in text.split("Dear Appeals Reviewer")[1].split(reason)[0]  # only the denied line is listed
    html_letter = appeal_letter(claim, remit, reason, format="html")
    assert html_letter.startswith('<div class="appeal-letter"') and "<li>" in html_letter
    with pytest.raises(ValueError, match="nothing on claim"):
        appeal_letter(claims.build_claim("BL-0006"), adjudicate(claims.build_claim("BL-0006")), reason)
    with pytest.raises(ValueError, match="needs a reason"):
        appeal_letter(claim, remit, "  ")


def test_ar_aging_buckets_by_payer():
    """Are unpaid claims aged from submission by payer, open denials kept with the payer, and patient shares aged
    from the remittance, in 0-30 ... >120 buckets that add up?"""
    sent = claims.build_claim("OP-0001")  # never answered
    denied_claim = claims.build_claim("BL-0008", "D22.5, I10, 99214, 11102")
    remit = adjudicate(denied_claim)
    as_of = sent.submission_date + timedelta(days=45)
    detail = ar_detail([sent, (denied_claim, remit)], as_of)
    assert set(detail["status"]) == {"billed, no remittance yet", "denied, follow-up needed", "patient responsibility"}
    table = ar_aging([sent, denied_claim, remit], as_of)
    assert list(table.columns) == ["0-30", "31-60", "61-90", "91-120", ">120", "Total"]
    assert table.loc["Medicare Part B", "31-60"] == float(sent.total_charge)
    assert table.loc["Total", "Total"] == pytest.approx(detail["amount"].sum())
    assert (table.drop(index="Total")[["0-30", "31-60", "61-90", "91-120", ">120"]].sum(axis=1)
            == table.drop(index="Total")["Total"]).all()
    later = ar_aging([sent], sent.submission_date + timedelta(days=200))
    assert later.loc["Medicare Part B", ">120"] == float(sent.total_charge)


def test_ar_aging_follows_the_secondary_and_the_replacement():
    """Once a secondary claim is sent, does the primary's patient share move off the Patient row?"""
    primary = claims.build_claim("BL-0003")
    remit = adjudicate(primary)
    secondary = claims.secondary_claim(primary, remit, "Cedarline Insurance", "CDL-8874310-02", relationship="19")
    as_of = remit.payment_date + timedelta(days=10)
    before = ar_aging([primary, remit], as_of)
    after = ar_aging([primary, remit, secondary], as_of)
    assert "Patient" in before.index and "Patient" not in after.index
    assert "Cedarline Insurance" in after.index


def test_ar_aging_chart_is_a_figure():
    """Does the chart come back as a matplotlib Figure with one bar group per payer?"""
    claim = claims.build_claim("OP-0001")
    figure = ar_aging_chart(ar_aging([claim], claim.submission_date + timedelta(days=70)))
    axes = figure.axes[0]
    assert axes.get_title().startswith("Accounts receivable aging")
    assert [t.get_text() for t in axes.get_yticklabels()] == ["Medicare Part B"]


def test_ar_aging_rejects_other_things():
    """Does A/R aging refuse items that are neither claims nor remittances?"""
    with pytest.raises(ValueError, match="expected claims and remittances"):
        ar_aging(["OP-0001"], date(2026, 1, 1))


def test_cms1500_has_the_boxes_and_says_synthetic():
    """Does the CMS-1500 view carry the real box numbers, the claim's values, ICD Ind 0 and the synthetic notice?"""
    claim = replace(claims.build_claim("BL-0006"), frequency="7", original_reference="BH-55031-7781")
    page = render_cms1500(claim)
    for box in ("1. ", "1a. ", "2. ", "3. ", "4. ", "5. ", "6. ", "7. ", "9. ", "10. ", "11. ", "11a. ", "11d. ",
                "12. ", "13. ", "14. ", "17. ", "17b. ", "21. DIAGNOSIS", "22. ", "23. ", "24A.", "J. Rendering",
                "25. ", "26. ", "27. ", "28. ", "31. ", "32. ", "32a. ", "33. ", "33a. "):
        assert box.upper() in page.upper(), box
    for value in ("BHP-47702291-01", "S83.211A", "29881", "RT", "PA-2026-118842", "BH-55031-7781", "ICD Ind. <b>0</b>",
                  claim.billing_provider.npi, claim.billing_provider.tax_id, f"{claim.total_charge:.2f}"):
        assert value in page, value
    assert "synthetic claim for training" in page.lower()
    tricky = replace(claim, patient=replace(claim.patient, last_name="<b>O'Hara</b>"))
    assert "<b>O'Hara</b>" not in render_cms1500(tricky) and "&lt;b&gt;O&#x27;Hara&lt;/b&gt;" in render_cms1500(tricky)
    assert claim._repr_html_() == render_cms1500(claim)
