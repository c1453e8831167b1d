"""Synthetic payers: names that match the cases, eligibility answers, rules, and the data tables behind pricing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from medcode_practice import claims, records
from medcode_practice.claims import coverage, fee_schedule, payers
from medcode_practice.records.validate import npi_is_valid


def test_every_case_payer_is_known():
    """Does every payer named in a case resolve (Medicare Part A only with its pointer to Part B)?"""
    for case in records.all_cases(None):
        if case.payer.name.startswith("Medicare Part A"):
            with pytest.raises(ValueError, match="Part B"):
                payers.payer(case.payer.name)
            continue
        assert payers.payer(case.payer.name).type == case.payer.type, case.id


def test_payer_lookup_by_alias_and_id_and_unknown_names():
    """Can a payer be found by alias or payer id, and does an unknown one list the choices?"""
    assert payers.payer("Medicare Part B (synthetic)").name == "Medicare Part B"
    assert payers.payer("sbh03").name == "Bluestone Health Plan"
    with pytest.raises(ValueError, match="use one of Medicare Part B"):
        payers.payer("Acme Health")


def test_eligibility_answers_like_a_271():
    """Does a 270 question get a 271-style answer: active, deductible and amount met, coinsurance, copay?"""
    answer = payers.check_eligibility("Bluestone Health Plan", "BHP-47702291-01", date(2026, 5, 19))
    assert answer.active and answer.deductible == Decimal("1500.00")
    assert answer.deductible_remaining == Decimal("500.00")  # as the case's 271 says
    assert answer.coinsurance == Decimal("0.20") and answer.copay == Decimal("30.00")
    text = answer.to_text()
    assert "EB*1**30" in text and "EB*C*IND*30***29*500.00~" in text and "EB*B*IND*98***27*30.00~" in text
    ended = payers.check_eligibility("Cedarline Insurance", "CDL-5520913-01", date(2026, 2, 10))
    assert not ended.active and ended.coverage_end == date(2026, 1, 31) and "EB*6**30" in ended.to_text()
    stranger = payers.check_eligibility("Cedarline Insurance", "BHP-47702291-01", date(2026, 5, 19))
    assert not stranger.found and stranger.message == "MEMBER NOT FOUND"
    child = payers.check_eligibility("Medicaid (State Plan)", "MCD-300718-52", date(2026, 3, 1), age=9)
    assert child.copay == 0 and child.deductible == 0
    with pytest.raises(ValueError, match="no insurer"):
        payers.check_eligibility("Self-pay", "", date(2026, 1, 1))


def test_same_member_same_answer():
    """Is the synthetic deductible met stable for a member and year (the same question, the same answer)?"""
    first = payers.check_eligibility("Cedarline Insurance", "CDL-1234567-01", date(2026, 3, 1))
    again = payers.check_eligibility("Cedarline Insurance", "CDL-1234567-01", date(2026, 9, 1))
    assert first.deductible_met == again.deductible_met <= first.deductible


def test_payer_rules():
    """Do the payers carry their filing limits, prior authorization lists and fee levels?"""
    medicare, medicaid = payers.payer("Medicare Part B"), payers.payer("Medicaid (State Plan)")
    bluestone, cedarline = payers.payer("Bluestone Health Plan"), payers.payer("Cedarline Insurance")
    assert (medicare.timely_filing_days, medicaid.timely_filing_days, bluestone.timely_filing_days,
            cedarline.timely_filing_days) == (365, 180, 90, 180)
    assert bluestone.prior_auth_reason("29881") == "knee arthroscopy"
    assert cedarline.prior_auth_reason("72148") == "advanced imaging" and cedarline.prior_auth_reason("29881") is None
    assert medicare.prior_auth_reason("72148") is None
    assert medicare.deductible(2026) == Decimal("283.00") and medicare.sequestration == Decimal("0.02")
    assert medicaid.fee_factor() < 1 < cedarline.fee_factor() < bluestone.fee_factor()


def test_registered_authorization_is_on_file():
    """Can a scenario put an authorization on file, and does the payer then accept the claim's Box 23?"""
    claim = claims.build_claim("BL-0005", prior_authorization="PA-2026-900001")
    assert claims.adjudicate(claim).claims[0].lines[0].adjustments[0].reason == "15"
    payers.register_authorization("Bluestone Health Plan", claim.coverage.member_id, "PA-2026-900001", "72148",
                                  date(2026, 3, 30), date(2026, 6, 30))
    assert claims.adjudicate(claim).claims[0].lines[0].allowed > 0


def test_synthetic_parties_have_valid_identifiers():
    """Do the invented practice, facility and parent carry check-digit-valid NPIs, 00-prefixed TINs, 555-01xx
    phones, and a 9-digit billing ZIP?"""
    for case_id in ("OP-0001", "ED-0004", "AS-0009"):
        claim = claims.build_claim(case_id)
        for provider in (claim.billing_provider, claim.rendering_provider, claim.facility):
            if provider is not None:
                assert npi_is_valid(provider.npi), provider
        assert claim.billing_provider.tax_id.startswith("00") and len(claim.billing_provider.tax_id) == 9
        assert claim.billing_provider.phone[3:8] == "55501"
        assert len(claim.billing_provider.address.postal_code) == 9


def test_rvu_table_covers_the_case_codes():
    """Does the fee schedule price the CPT/HCPCS codes the case keys bill (from RVUs or a fixed amount)?

    Case authors add cases all the time; a code the tables do not know is still adjudicated (the payer reprices
    it), so a few stragglers are tolerated here and listed when there are more."""
    billed = {line.code for case in records.all_cases(None) for line in case.key.procedures}
    missing = {code for code in billed if fee_schedule.medicare_allowed(code) is None}
    assert len(missing) <= max(3, len(billed) // 20), sorted(missing)
    assert len(fee_schedule.rvu_codes()) >= 80 and len(fee_schedule.localities()) >= 5


def test_coverage_table_supports_the_keyed_claims():
    """Does every keyed line with a coverage policy point to a covered diagnosis, unless the case is an ABN case?"""
    problems = []
    for case in records.all_cases(None):
        if not case.key.procedures:
            continue
        claim = claims.build_claim(case)
        for line in claim.lines:
            verdict = coverage.necessity(line.code, claim.pointed_diagnoses(line), list(claim.diagnoses))
            if not verdict.ok and "GA" not in line.modifiers:
                problems.append(f"{case.id} {line.code}: {verdict.verdict}")
    assert not problems, problems
