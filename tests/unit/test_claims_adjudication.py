"""Payer adjudication and remittances: learner mistakes drive denials, pricing follows the fee schedule, and
every line of every remittance balances."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medcode_practice import claims, records
from medcode_practice.claims import adjudicate, balance_problems, fee_schedule, payers, read_835, validate_835, write_835
from medcode_practice.claims.model import ClaimLine

BILLABLE = [c.id for c in records.all_cases(None) if c.key.procedures and c.payer.type != "self_pay"]


def _adjustments(line):
    return [str(a).split(" ")[0] for a in line.adjustments]


def _lines(remit):
    return {line.label: line for line in remit.claims[0].lines}


def test_missing_modifier_25_denies_the_visit():
    """Does an E/M billed with a same-day joint injection but no 25 come back CO-97 with M15, the injection paid?"""
    remit = adjudicate(claims.build_claim("OP-0027", "M17.11, I10, 99214, 20610-RT, J3301 x4"))
    lines = _lines(remit)
    assert _adjustments(lines["99214"]) == ["CO-97"] and lines["99214"].remarks == ("M15",)
    assert lines["99214"].paid == 0 and lines["99214"].allowed == 0
    assert lines["20610-RT"].allowed > 0 and "CO-97" not in _adjustments(lines["20610-RT"])
    fixed = adjudicate(claims.build_claim("OP-0027"))
    assert "CO-97" not in _adjustments(_lines(fixed)["99214-25"])


def test_unbundled_pair_denies_the_column_2_code():
    """Is a colonoscopy biopsy billed with a snare polypectomy and no 59/XS denied CO-97 with M80?"""
    remit = adjudicate(claims.build_claim("AS-0003", "K64.0, D12.3, K63.5, Z86.0101, 45385, 45380"))
    lines = _lines(remit)
    assert _adjustments(lines["45380"]) == ["CO-97"] and lines["45380"].remarks == ("M80",)
    assert lines["45385"].allowed > 0


def test_modifier_59_cannot_bypass_an_indicator_0_pair():
    """Does 59 on ultrasound guidance billed with a joint injection (indicator 0) still deny?"""
    remit = adjudicate(claims.build_claim("OP-0027", "M17.11, I10, 99214-25, 20610-RT, 76942-59, J3301 x4"))
    assert _adjustments(_lines(remit)["76942-59"]) == ["CO-97"]


def test_endoscopic_family_and_multiple_procedure_reductions():
    """Are the second endoscopy (minus the base code) and a second surgical procedure (50%) reduced with CO-59?"""
    endo = _lines(adjudicate(claims.build_claim("AS-0003")))
    assert "CO-59" in _adjustments(endo["45380-59"]) and "CO-59" not in _adjustments(endo["45385"])
    skin = _lines(adjudicate(claims.build_claim("AS-0011")))
    second = skin["11401-51"]
    reduction = next(a.amount for a in second.adjustments if a.reason == "59")
    assert abs(reduction - second.allowed) <= Decimal("0.01")  # reduced to half


def test_bilateral_procedure_pays_150_percent():
    """Does modifier 50 on a bilateral-indicator-1 code allow 150% of the fee?"""
    claim = claims.build_claim("OP-0026")
    line = claim.lines[0]
    unit = fee_schedule.medicare_allowed(line.code, (), claim.place_of_service, claim.billing_provider.address.state,
                                         line.service_date)
    paid_line = adjudicate(claim).claims[0].lines[0]
    assert abs(paid_line.allowed - unit * Decimal("1.5")) <= Decimal("0.01")


def test_wrong_pointer_is_co_11_and_no_covered_diagnosis_is_co_50():
    """Is a B12 shot pointed at fatigue while the claim has pernicious anemia CO-11, and with no deficiency CO-50?"""
    claim = replace(claims.build_claim("OP-0043"), diagnoses=("R53.83", "D51.0"))
    assert _adjustments(_lines(adjudicate(claim))["J3420"]) == ["CO-11"]
    uncovered = replace(claims.build_claim("OP-0043"), diagnoses=("R53.83",))
    lines = _lines(adjudicate(uncovered))
    assert _adjustments(lines["J3420"]) == ["CO-50"] and lines["J3420"].remarks == ("N115",)
    assert _adjustments(lines["96372"]) == ["CO-50"]  # administering a non-covered drug is not covered either


def test_signed_abn_makes_the_patient_liable():
    """With GA on the lines, is the non-covered B12 injection PR-50 (patient owes it), not CO-50?"""
    lines = adjudicate(claims.build_claim("BL-0010")).claims[0].lines
    assert all(_adjustments(line) == ["PR-50"] for line in lines)
    assert sum(line.patient_responsibility for line in lines) == sum(line.charge for line in lines)


def test_prior_authorization_denials():
    """Is a missing Box 23 CO-15 (auth on file) or CO-197 (none obtained), and a wrong number CO-15 with N54?"""
    assert _adjustments(adjudicate(claims.build_claim("BL-0006", prior_authorization="")).claims[0].lines[0]) == \
        ["CO-15"]
    assert _adjustments(adjudicate(claims.build_claim("BL-0005")).claims[0].lines[0]) == ["CO-197"]
    wrong = adjudicate(claims.build_claim("BL-0006", prior_authorization="PA-2026-000001")).claims[0].lines[0]
    assert _adjustments(wrong) == ["CO-15"] and wrong.remarks == ("N54",)
    assert adjudicate(claims.build_claim("BL-0006")).claims[0].lines[0].allowed > 0


def test_claim_level_denials():
    """Are late filing (CO-29), a terminated member (CO-27), coverage not yet begun (CO-26), a member the payer
    does not know (CO-31) and a missing rendering NPI (CO-16, N290, MA130) denied on every line?"""
    base = claims.build_claim("OP-0001")
    late = replace(base, submission_date=base.first_service_date + timedelta(days=400))
    termed = claims.build_claim("BL-0001", payer="Cedarline Insurance")
    termed = replace(termed, coverage=replace(termed.coverage, member_id="CDL-5520913-01"))
    early = claims.build_claim("BL-0001")
    early = replace(early, lines=tuple(replace(line, service_date=date(2026, 1, 20)) for line in early.lines),
                    submission_date=date(2026, 1, 25))
    no_npi = replace(base, rendering_provider=None)
    for claim, code, payer in ((late, "CO-29", None), (termed, "CO-27", None), (early, "CO-26", None),
                               (base, "CO-31", "Bluestone Health Plan"), (no_npi, "CO-16", None)):
        payment = adjudicate(claim, payer).claims[0]
        assert payment.status == "4" and payment.paid == 0
        assert all(_adjustments(line) == [code] for line in payment.lines), (code, payment)
    assert adjudicate(no_npi).claims[0].remarks == ("MA130",)
    assert adjudicate(no_npi).claims[0].lines[0].remarks == ("N290",)


def test_duplicate_submission_is_co_18():
    """Is the same claim sent again as an original denied CO-18 on every line?"""
    claim = claims.build_claim("OP-0005")
    first = adjudicate(claim)
    again = adjudicate(claim, history=[first]).claims[0]
    assert all(_adjustments(line) == ["CO-18"] for line in again.lines)


def test_a_voided_service_may_be_billed_again():
    """After a void (reversal) is processed, is a new original claim for the same service paid, not CO-18?"""
    claim = claims.build_claim("OP-0005")
    first = adjudicate(claim)
    voided = adjudicate(claims.void_claim(claim, remit=first), history=[first])
    again = adjudicate(claim, history=[first, voided]).claims[0]
    assert all("CO-18" not in _adjustments(line) for line in again.lines)


def test_mue_and_laterality_denials():
    """Are units over the MUE denied CO-151 (N362) and a paired-organ code without RT/LT CO-4 (N822)?"""
    claim = claims.build_claim("OP-0027")
    lines = list(claim.lines)
    lines[0] = replace(lines[0], units=2)
    lines[1] = replace(lines[1], modifiers=())
    result = _lines(adjudicate(replace(claim, lines=tuple(lines))))
    assert _adjustments(result["99214-25 x2"]) == ["CO-151"] and result["99214-25 x2"].remarks == ("N362",)
    assert _adjustments(result["20610"]) == ["CO-4"] and result["20610"].remarks == ("N822",)


def test_medicare_excludes_routine_physicals():
    """Is a Medicare routine physical (99397-GY) the patient's, PR-96?"""
    line = adjudicate(claims.build_claim("BL-0011")).claims[0].lines[0]
    assert _adjustments(line) == ["PR-96"] and line.patient_responsibility == line.charge


def test_fee_schedule_formula_and_conversion_factor():
    """Is the allowed amount (wRVU x GPCI + PE x GPCI + MP x GPCI) x 33.4009, with the facility PE in a facility?"""
    assert fee_schedule.conversion_factor(date(2026, 5, 1)) == Decimal("33.4009")
    assert fee_schedule.conversion_factor(date(2025, 5, 1)) == Decimal("32.3465")
    row = fee_schedule.rvu("99213")
    area = fee_schedule.locality("OH")
    expected = (row.work * area.work + row.pe_nonfacility * area.practice_expense + row.malpractice *
                area.malpractice) * Decimal("33.4009")
    assert fee_schedule.medicare_allowed("99213", (), "11", "OH", date(2026, 3, 1)) == expected.quantize(Decimal("0.01"))
    assert fee_schedule.medicare_allowed("99213", (), "22", "OH", date(2026, 3, 1)) < expected
    assert fee_schedule.medicare_allowed("71045", ("26",), "23") < fee_schedule.medicare_allowed("71045", (), "23")
    assert len(fee_schedule.rvu_codes()) >= 80
    assert fee_schedule.charge("99213") == (fee_schedule.medicare_allowed("99213", (), "11", None, date(2026, 1, 1))
                                            * Decimal("2.5")).quantize(Decimal("1"))


def test_cost_sharing_copay_deductible_coinsurance_and_sequestration():
    """Does a commercial office visit take the copay, a Medicare line deductible then 20%, minus 2% sequestration?"""
    commercial = _lines(adjudicate(claims.build_claim("BL-0008")))
    assert [str(a) for a in commercial["99214-25"].adjustments if a.group == "PR"] == ["PR-3 40.00"]
    medicare = claims.build_claim("BL-0007")  # Part B deductible met per the member's record
    line = adjudicate(medicare).claims[0].lines[0]
    coinsurance = next(a.amount for a in line.adjustments if a.reason == "2")
    sequestration = next(a.amount for a in line.adjustments if a.reason == "253")
    assert coinsurance == (line.allowed * Decimal("0.2")).quantize(Decimal("0.01"))
    assert sequestration == ((line.allowed - coinsurance) * Decimal("0.02")).quantize(Decimal("0.01"))
    assert line.paid == line.allowed - coinsurance - sequestration


def test_deductible_is_used_up_across_lines_and_claims():
    """Is the deductible taken once: across the lines of a claim and the claims of one run?"""
    claim = claims.build_claim("OP-0027")
    eligibility = payers.check_eligibility("Medicare Part B", claim.coverage.member_id, claim.first_service_date)
    twin = replace(claim, claim_id="OP-0027B", lines=tuple(replace(l, service_date=l.service_date + timedelta(days=1))
                                                           for l in claim.lines))
    remit = adjudicate([claim, twin])
    taken = sum(a.amount for p in remit.claims for l in p.lines for a in l.adjustments if a.reason == "1")
    assert taken == eligibility.deductible_remaining


def test_secondary_payer_coordinates_benefits():
    """Does the secondary pay the lesser of its normal benefit and the primary's patient share, with OA-23?"""
    primary_claim = claims.build_claim("BL-0003")
    primary = adjudicate(primary_claim)
    owed = primary.claims[0].patient_responsibility
    second = claims.secondary_claim(primary_claim, primary, "Cedarline Insurance", "CDL-8874310-02",
                                    relationship="19")
    remit = adjudicate(second)
    payment = remit.claims[0]
    assert payment.status == "2" and payment.paid <= owed and payment.balanced
    line = payment.lines[0]
    assert [a.group + "-" + a.reason for a in line.adjustments][0] == "OA-23"
    assert next(a.amount for a in line.adjustments if a.reason == "23") == line.charge - owed
    missing = adjudicate(replace(second, other_payers=())).claims[0]
    assert missing.status == "4" and missing.remarks == ("MA04",)
    with pytest.raises(ValueError, match="primary payer on this claim"):
        claims.secondary_claim(primary_claim, primary, "Bluestone Health Plan", "BHP-1")


def test_replacement_reverses_the_original_and_void_cancels_it():
    """Does a frequency 7 claim come back as a reversal (CLP02 22) plus a new payment, and a void as a reversal?"""
    original = claims.build_claim("BL-0008", "D22.5, I10, 99214, 11102")
    first = adjudicate(original)
    replacement = claims.corrected_claim(original, {"lines": {1: {"modifiers": ["25"]}}}, remit=first)
    second = adjudicate(replacement, history=[first])
    assert [p.status for p in second.claims] == ["22", "1"]
    assert second.claims[0].paid == -first.claims[0].paid
    void = claims.void_claim(replacement, remit=second)
    third = adjudicate(void, history=[first, second])
    assert [p.status for p in third.claims] == ["22"] and third.total_paid == -second.claims[1].paid
    for remit in (second, third):
        text = write_835(remit)
        assert validate_835(text) == [] and read_835(text) == remit


def test_a_code_without_a_fee_is_repriced_by_the_payer():
    """Is a valid code with no fee schedule amount allowed at 40% of the charge, the cut a PI-45 reduction?"""
    line = _lines(adjudicate(claims.build_claim("OP-0027", "M17.11, I10, 99214-25, 20610-RT, 97110")))["97110"]
    assert line.adjustments[0].group == "PI" and line.adjustments[0].reason == "45"
    assert line.allowed == (line.charge * Decimal("0.4")).quantize(Decimal("0.01"))


def test_self_pay_is_not_adjudicated():
    """Does a self-pay visit say there is no payer, instead of inventing one?"""
    with pytest.raises(ValueError, match="self-pay"):
        adjudicate(claims.build_claim("OP-0030"))


@pytest.mark.parametrize("case_id", BILLABLE)
def test_every_case_remittance_validates_balances_and_round_trips(case_id):
    """Does the 835 for every case's key claim pass pyx12, balance, and read back to the same remittance?"""
    remit = adjudicate(claims.build_claim(case_id))
    assert balance_problems(remit) == []
    text = write_835(remit)
    assert validate_835(text) == []
    assert read_835(text) == remit


def test_835_envelope_and_balance_segments():
    """Does the 835 carry BPR/TRN, payer PER*BL, and per line SVC, CAS, AMT*B6?"""
    text = write_835(adjudicate(claims.build_claim("BL-0006")))
    for piece in ("ST*835*0001~", "GS*HP*", "005010X221A1", "BPR*I*", "TRN*1*", "N1*PR*Bluestone Health Plan~",
                  "PER*BL*", "N1*PE*", "CLP*BL-0006*1*", "SVC*HC:29881:RT*", "CAS*CO*45*", "CAS*PR*1*", "AMT*B6*"):
        assert piece in text, piece


def test_posting_splits_payment_contractual_and_patient():
    """Does posting a remittance give, per line, paid + contractual + other + patient share = charge?"""
    remit = adjudicate(claims.build_claim("BL-0006"))
    posted = claims.post_payment(remit)
    assert len(posted) == 1
    item = posted[0]
    assert item.paid + item.contractual + item.other_adjustment + item.patient_responsibility == item.charge
    assert item.balance == item.patient_responsibility
    table = claims.posting_table(remit)
    assert list(table.columns)[:4] == ["claim", "payer_claim", "line", "code"]


# ------------------------------------------------------------------------------------------ property test

_CODES = sorted(set(fee_schedule.rvu_codes()) | set(fee_schedule.fixed_fee_codes())) + ["99499", "0001U"]
_MODIFIERS = ["25", "59", "XS", "RT", "LT", "50", "GA", "GY", "PT", "26", "TC", "51", "76", "QW"]
_BASES = ["OP-0001", "OP-0027", "BL-0006", "ED-0004", "OP-0043", "AS-0003", "OP-0019", "BL-0003"]


@st.composite
def random_claims(draw):
    base = claims.build_claim(draw(st.sampled_from(_BASES)))
    dx = len(base.diagnoses)
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        code = draw(st.sampled_from(_CODES))
        mods = tuple(dict.fromkeys(draw(st.lists(st.sampled_from(_MODIFIERS), max_size=3))))
        units = draw(st.integers(1, 5))
        pointers = tuple(dict.fromkeys(draw(st.lists(st.sampled_from("ABCD"[:dx]), min_size=1, max_size=3))))
        price = fee_schedule.charge(code, mods) * units
        if draw(st.booleans()):
            price = Decimal(draw(st.integers(0, 300000))) / 100
        lines.append(ClaimLine(code, price.quantize(Decimal("0.01")), base.first_service_date, mods, pointers, units))
    delay = draw(st.integers(0, 420))
    payer = draw(st.sampled_from([None, "Medicare Part B", "Medicaid (State Plan)", "Bluestone Health Plan",
                                  "Cedarline Insurance"]))
    return replace(base, lines=tuple(lines), submission_date=base.first_service_date + timedelta(days=delay)), payer


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_claims())
def test_every_line_and_claim_balances(drawn):
    """For random claims and payers, is charge = paid + adjustments (patient share included) on every line and
    claim, primary and secondary, and does the 835 carry it intact?"""
    claim, payer = drawn
    remit = adjudicate(claim, payer)
    for payment in remit.claims:
        for line in payment.lines:
            assert line.charge == line.paid + sum(a.amount for a in line.adjustments), line
            assert line.paid >= 0 and all(a.amount >= 0 for a in line.adjustments), line
        assert payment.charge == claim.total_charge
        assert payment.charge == payment.paid + sum(a.amount for l in payment.lines for a in l.adjustments)
    assert read_835(write_835(remit)) == remit
    members = {"Cedarline Insurance": "CDL-0000001-01", "Bluestone Health Plan": "BHP-0000001-01",
               "Medicaid (State Plan)": "MCD-000001-01"}
    secondary_payer = next(name for name in members if name not in (claim.payer.name, remit.payer.name))
    second = adjudicate(claims.secondary_claim(claim, remit, secondary_payer, members[secondary_payer]))
    for line in second.claims[0].lines:
        assert line.charge == line.paid + sum(a.amount for a in line.adjustments), line
