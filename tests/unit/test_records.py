"""The case library: loading, finding, rendering — and proof that every key is right."""

import re

import pytest

from medcode_practice import records
from medcode_practice.records import CaseFormatError, UnknownCaseError, parse_case
from medcode_practice.records import validate as validation

ALL = records.all_cases(None)


def test_library_size_and_coverage_by_setting():
    """Are there >= 150 cases with the required numbers per setting and >= 40 in the assessment pool?"""
    assert len(ALL) >= 150
    by = lambda pred: sum(1 for c in ALL if pred(c))  # noqa: E731
    assert by(lambda c: c.setting in ("office", "telehealth") and not c.id.startswith("BL")) >= 60
    assert by(lambda c: c.setting == "emergency" and not c.id.startswith("BL")) >= 25
    assert by(lambda c: c.setting == "ambulatory_surgery" and not c.id.startswith("BL")) >= 25
    assert by(lambda c: c.setting == "inpatient") >= 25
    assert by(lambda c: bool(c.key.billing)) >= 15
    assert len(records.all_cases("assessment")) >= 40


@pytest.mark.parametrize("case", ALL, ids=[c.id for c in ALL])
def test_every_key_is_proved_against_the_code_sets(case):
    """Is this case's key valid, billable in its year, free of unexplained Excludes1 and age/sex conflicts,
    grouped to its MS-DRG, backed by its documentation, and synthetic?"""
    problems = validation.validate_case(case)
    assert not problems, "\n".join(map(str, problems))


def _chapter(code: str) -> str:
    from medcode_practice.codes import icd10cm

    return icd10cm.lookup(code, "FY2026").chapter[0]


def test_every_icd10cm_chapter_is_coded_at_least_once():
    """Is each of the 22 ICD-10-CM chapters used by some key?"""
    chapters = {_chapter(code) for case in ALL for code in case.key.diagnosis_codes}
    assert chapters >= {str(n) for n in range(1, 23)}, sorted(chapters, key=int)


@pytest.mark.parametrize("tag", ["diabetes", "hypertension-ckd", "sepsis", "7th-character", "pregnancy",
                                 "neoplasm", "covid-19", "signs-symptoms", "excludes1", "laterality",
                                 "modifier-25", "bilateral", "ncci", "j-code-units"])
def test_classic_traps_are_covered(tag):
    """Is there at least one case for each classic coding trap?"""
    assert any(tag in case.tags for case in ALL), tag


def test_z_codes_and_external_causes_are_keyed():
    """Do keys use Z codes (screening, history, aftercare) and external-cause codes?"""
    codes_ = [code for case in ALL for code in case.key.diagnosis_codes]
    assert any(c.startswith(("Z12", "Z13")) for c in codes_)
    assert any(c.startswith(("Z85", "Z86", "Z87")) for c in codes_)
    assert any(c[0] in "VWXY" for c in codes_)


def test_inpatient_cases_carry_pcs_and_drg():
    """Does every inpatient case carry PCS or a medical DRG, and its expected MS-DRG?"""
    for case in records.find(setting="inpatient", pool=None):
        assert case.key.ms_drg is not None


def test_load_find_and_dataframe():
    """Can cases be loaded by id, filtered, and listed as a DataFrame without keys?"""
    first = records.all_cases("practice")[0]
    assert records.load(first.id.lower()) == first
    office = records.find(setting="office")
    assert office and all(c.setting == "office" and c.pool == "practice" for c in office)
    frame = records.to_dataframe()
    assert len(frame) == len(records.all_cases("practice"))
    assert "key" not in frame.columns and {"id", "setting", "difficulty", "tags"} <= set(frame.columns)


def test_unknown_id_suggests_real_ones():
    """Does an unknown id name some real ids of the same kind?"""
    with pytest.raises(UnknownCaseError) as caught:
        records.load("OP-9999")
    assert "OP-" in str(caught.value) and "medcode cases list" in str(caught.value)


def test_html_hides_the_key_and_says_synthetic():
    """Does the chart view show the record, say it is synthetic, and hide the key unless asked?"""
    case = records.all_cases("practice")[0]
    page = case.to_html()
    assert case.patient.name in page and "Synthetic record" in page
    assert "Answer key" not in page
    assert "Answer key" in case.to_html(show_key=True)


def test_format_errors_name_the_file_and_field(tmp_path):
    """Are a missing field and an unquoted CPT code reported with the field named?"""
    with pytest.raises(CaseFormatError, match="missing 'patient'"):
        parse_case({"id": "OP-1", "setting": "office", "key": {}}, source="OP-1.yaml")
    bad = tmp_path / "OP-1.yaml"
    bad.write_text("id: OP-1\nsetting: office\ntitle: t\npatient: {name: A, sex: F, date_of_birth: 1990-01-01}\n"
                   "payer: {name: P, type: commercial}\nencounter: {date: 2026-01-05, place_of_service: '11'}\n"
                   "provider: {name: D, npi: '1234567893'}\nkey:\n  procedures:\n    - code: 99213\n")
    with pytest.raises(CaseFormatError, match="must be quoted"):
        records.load_file(bad)
    bad.write_text("id: [unclosed\n")
    with pytest.raises(CaseFormatError, match="not valid YAML"):
        records.load_file(bad)


def test_validator_catches_planted_errors():
    """Does the validator report a header code, a bad pointer, missing evidence, a bad NPI and a real-looking phone?"""
    case = records.all_cases("practice")[0]
    import dataclasses

    from medcode_practice.records.schema import KeyCode, ServiceLine

    broken = dataclasses.replace(
        case,
        key=dataclasses.replace(case.key, diagnoses=(KeyCode("E11", "r", "no such words anywhere"),),
                                procedures=(ServiceLine("99213", "r", "", (), 1, (3,)),)),
        provider=dataclasses.replace(case.provider, npi="1234567890"),
        patient=dataclasses.replace(case.patient, phone="(312) 867-5309"))
    found = {p.check for p in validation.validate_case(broken)}
    messages = " ".join(p.message for p in validation.validate_case(broken))
    assert {"codes", "evidence", "phi"} <= found
    assert "header" in messages and "pointer 3" in messages and "check digit" in messages


def test_excludes1_pair_needs_a_recorded_exception():
    """Is an Excludes1 pair flagged unless the case records the guideline exception?"""
    import dataclasses

    from medcode_practice.records.schema import Excludes1Exception, KeyCode

    case = records.all_cases("practice")[0]
    pair = (KeyCode("E11.9", "r", "x"), KeyCode("E10.9", "r", "x"))
    flagged = dataclasses.replace(case, key=dataclasses.replace(case.key, diagnoses=pair))
    assert validation.check_excludes1(flagged)
    excused = dataclasses.replace(flagged, key=dataclasses.replace(
        flagged.key, excludes1_exceptions=(Excludes1Exception(("E11.9", "E10.9"), "test"),)))
    assert not validation.check_excludes1(excused)


def test_npi_check_digit():
    """Is the NPI Luhn check (with the 80840 prefix) right on known values?"""
    assert validation.npi_is_valid("1234567893")
    assert not validation.npi_is_valid("1234567890")
    assert not validation.npi_is_valid("12345")


def test_no_real_looking_identifiers_anywhere():
    """Do the case files hold no SSN-like numbers and only 555-01xx phone numbers?"""
    for case in ALL:
        text = open(case.source, encoding="utf-8").read()
        assert not re.search(r"\b\d{3}-\d{2}-\d{4}\b", text), case.id
        for exchange, line in re.findall(r"\b(\d{3})[ .-](\d{4})\b", text):
            if exchange != "555":
                continue
            assert line.startswith("01"), (case.id, exchange, line)
