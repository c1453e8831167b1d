"""The scrubber: each edit fires on a crafted bad claim and stays silent on its clean twin."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from medcode_practice import claims, records
from medcode_practice.claims import scrub
from medcode_practice.claims.scrubber import EDITS


def _base():
    """OP-0027 as keyed: 99214-25 (B), 20610-RT (A), J3301 x4 (A); M17.11, I10; Medicare; clean."""
    return claims.build_claim("OP-0027")


def _line(claim, number, **changes):
    lines = list(claim.lines)
    lines[number - 1] = replace(lines[number - 1], **changes)
    return replace(claim, lines=tuple(lines))


# Each scenario: (edit id, make the bad claim, make its clean twin, extra scrub arguments).
SCENARIOS = {
    "invalid-code": (lambda: replace(_base(), diagnoses=("M17", "I10")), _base, {}),
    "invalid-code/line": (lambda: _line(_base(), 3, code="99999"), _base, {}),
    "seventh-character": (lambda: replace(_base(), diagnoses=("S52.532", "I10")),
                          lambda: replace(_base(), diagnoses=("S52.532A", "I10")), {}),
    "diagnosis-pointer": (lambda: _line(_base(), 2, pointers=("C",)), _base, {}),
    "diagnosis-pointer/external-cause": (
        lambda: _line(claims.build_claim("ED-0003"), 2, pointers=("B", "A")), lambda: claims.build_claim("ED-0003"), {}),
    "diagnosis-pointer/none": (lambda: _line(_base(), 1, pointers=()), _base, {}),
    "excludes1": (lambda: replace(_base(), diagnoses=("M17.11", "E11.9", "E10.9")),
                  lambda: replace(_base(), diagnoses=("M17.11", "E11.9", "I10")), {}),
    "age-sex": (lambda: replace(_base(), diagnoses=("M17.11", "N80.0")), _base, {}),
    "ncci-ptp": (lambda: _line(claims.build_claim("AS-0003"), 2, modifiers=()), lambda: _line(
        claims.build_claim("AS-0003"), 2, modifiers=("XS",)), {}),
    "ncci-ptp/indicator-0": (
        lambda: claims.build_claim("OP-0027", "M17.11, I10, 99214-25, 20610-RT, 76942-59, J3301 x4"),
        _base, {}),
    "mue": (lambda: _line(_base(), 1, units=2), _base, {}),
    "mue/line-edit": (lambda: _line(_base(), 2, units=3), _base, {}),
    "modifier": (lambda: _line(_base(), 1, modifiers=()), _base, {}),
    "modifier/laterality": (lambda: _line(_base(), 2, modifiers=()), _base, {}),
    "modifier/bilateral-and-side": (lambda: _line(_base(), 2, modifiers=("50", "RT")), _base, {}),
    "modifier/invalid": (lambda: _line(_base(), 2, modifiers=("RT", "7Z")), _base, {}),
    "modifier/59-and-x": (lambda: _line(claims.build_claim("AS-0003"), 2, modifiers=("59", "XS")),
                          lambda: claims.build_claim("AS-0003"), {}),
    "medical-necessity": (lambda: replace(claims.build_claim("OP-0043"), diagnoses=("R53.83",)),
                          lambda: claims.build_claim("OP-0043"), {}),
    "medical-necessity/pointer": (lambda: replace(claims.build_claim("OP-0043"), diagnoses=("R53.83", "D51.0")),
                                  lambda: _line(_line(replace(claims.build_claim("OP-0043"),
                                                              diagnoses=("R53.83", "D51.0")), 1, pointers=("B",)),
                                                2, pointers=("B",)), {}),
    "prior-auth": (lambda: claims.build_claim("BL-0006", prior_authorization=""),
                   lambda: claims.build_claim("BL-0006"), {}),
    "timely-filing": (lambda: replace(_base(), submission_date=_base().first_service_date + timedelta(days=400)),
                      _base, {}),
    "duplicate": (_base, _base, {"history": [_base()]}),
    "duplicate/same-line-twice": (lambda: replace(_base(), lines=_base().lines + (_base().lines[2],)), _base, {}),
    "provider-id": (lambda: replace(_base(), rendering_provider=None), _base, {}),
    "provider-id/check-digit": (
        lambda: replace(_base(), rendering_provider=replace(_base().rendering_provider, npi="1234567890")), _base, {}),
    "eligibility": (lambda: replace(claims.build_claim("BL-0001", payer="Cedarline Insurance"),
                                    coverage=replace(claims.build_claim("BL-0001", payer="Cedarline Insurance").coverage,
                                                     member_id="CDL-5520913-01")),
                    lambda: claims.build_claim("BL-0001"), {}),
    "frequency": (lambda: replace(_base(), frequency="7"),
                  lambda: replace(_base(), frequency="7", original_reference="MB-26179-0000001"), {}),
}


def test_every_edit_has_a_scenario():
    """Is every edit of the pipeline exercised by a bad/clean pair below?"""
    assert {key.split("/")[0] for key in SCENARIOS} == {edit.id for edit in EDITS}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_edit_fires_on_the_bad_claim_and_not_on_its_clean_twin(name):
    """Does each edit report the crafted problem, with a message and a fix, and stay silent on the clean twin?"""
    edit_id = name.split("/")[0]
    make_bad, make_clean, options = SCENARIOS[name]
    bad = scrub(make_bad(), **options)
    fired = [f for f in bad.findings if f.edit == edit_id]
    assert fired, f"{edit_id} did not fire: {bad.to_text()}"
    assert any(f.severity == "error" for f in fired)
    assert all(f.message and f.fix for f in fired)
    clean_options = {k: v for k, v in options.items() if k != "history"}
    clean = scrub(make_clean(), **clean_options)
    assert not [f for f in clean.findings if f.edit == edit_id and f.severity == "error"], clean.to_text()


def test_pipeline_is_ordered_and_named_verb_noun():
    """Are the edits an ordered list of small classes named verb-noun, each with an id and a default severity?"""
    names = [type(edit).__name__ for edit in EDITS]
    assert names[0] == "FlagInvalidCode" and names.index("CheckNcciPair") < names.index("CheckMueUnits")
    for edit in EDITS:
        assert edit.id and edit.severity in ("error", "warning") and edit.__doc__.endswith("?")
        assert type(edit).__name__[0].isupper() and not type(edit).__name__.startswith("Test")


def test_key_claims_scrub_without_errors_except_the_authorization_lessons():
    """Does every case's key claim scrub clean of errors, apart from services the payer wants authorized?"""
    problems = []
    for case in records.all_cases(None):
        if not case.key.procedures:
            continue
        report = scrub(claims.build_claim(case))
        errors = [f for f in report.errors if f.edit != "prior-auth"]
        if errors:
            problems.append(f"{case.id}: {errors[0]}")
    assert not problems, "\n".join(problems)


def test_the_missing_seventh_character_message_lists_the_characters():
    """Does the 7th-character finding say what to add?"""
    report = scrub(replace(_base(), diagnoses=("S52.532", "I10")))
    finding = next(f for f in report.findings if f.edit == "seventh-character")
    assert "7th character" in finding.message and "A initial" in finding.fix


def test_replacement_claims_are_not_duplicates():
    """Is a frequency 7 replacement of a submitted claim left alone by the duplicate edit?"""
    original = _base()
    replacement = replace(original, frequency="7", original_reference="MB-1")
    assert not [f for f in scrub(replacement, history=[original]).findings if f.edit == "duplicate"]


def test_abn_modifier_turns_the_necessity_error_into_a_warning():
    """With GA on the line (ABN signed), is the non-covered service a warning that the patient will owe it?"""
    claim = claims.build_claim("BL-0010")
    findings = [f for f in scrub(claim).findings if f.edit == "medical-necessity"]
    assert findings and all(f.severity == "warning" for f in findings)
    assert "PR-50" in findings[0].message


def test_report_renders_as_text_dict_and_html():
    """Does a report read as text, JSON-ready dict and an HTML table?"""
    report = scrub(_line(_base(), 1, modifiers=()))
    assert "ERROR [modifier]" in report.to_text()
    data = report.to_dict()
    assert data["ok"] is False and data["errors"] == 1 and data["findings"][0]["edit"] == "modifier"
    assert "<table>" in report._repr_html_()
