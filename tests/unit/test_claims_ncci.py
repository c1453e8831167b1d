"""NCCI procedure-to-procedure and MUE tables: teaching data, lookups, and importers for the CMS files."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest

from medcode_practice.codes import ncci
from medcode_practice.codes.normalize import candidates

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ncci"


def test_teaching_tables_are_large_enough_and_well_formed():
    """Do the teaching tables hold at least 60 PTP pairs and 60 MUE codes, with valid indicators and codes?"""
    edits = ncci.ptp_edits()
    mues = ncci.mue_edits()
    assert len(edits) >= 60 and len(mues) >= 60
    for edit in edits:
        assert edit.modifier_indicator in ("0", "1", "9")
        assert edit.column1 != edit.column2
        assert candidates(edit.column1) and candidates(edit.column2)
        assert edit.rationale
    for item in mues:
        assert item.value >= 1 and item.adjudication_indicator in (1, 2, 3)


def test_commonly_taught_pairs_are_present():
    """Are the classic pairs there, with column 1 the comprehensive code?"""
    for column1, column2 in [("45380", "45378"), ("45385", "45380"), ("43239", "43235"), ("29881", "29877"),
                             ("11042", "97597"), ("20611", "20610")]:
        edit = ncci.ptp(column2, column1)
        assert edit is not None, (column1, column2)
        assert (edit.column1, edit.column2) == (column1, column2)


def test_pair_is_a_sentence_in_either_order_and_none_for_unrelated_codes():
    """Does pair() explain a PTP pair whichever code comes first, and stay silent otherwise?"""
    sentence = ncci.pair("29877", "29881")
    assert sentence == ncci.pair("29881", "29877")
    assert "column 1 29881" in sentence and "column 2 29877" in sentence and "modifier indicator 1" in sentence
    assert ncci.pair("99213", "36415") is None
    assert ncci.pair("29881", "29881") is None
    assert ncci.pair("29881-RT", "29877") is not None


def test_indicator_zero_pairs_say_no_modifier_helps():
    """Does an indicator 0 pair say that no modifier can bypass it?"""
    edit = ncci.ptp("62323", "77003")
    assert edit.modifier_indicator == "0" and not edit.modifier_allowed
    assert "no modifier" in edit.explain()


def test_mue_values_and_indicators():
    """Does mue() return the value and adjudication indicator, and None for codes without an MUE?"""
    assert ncci.mue("17003").value == 13
    assert ncci.mue("20610").per_line
    assert not ncci.mue("99213").per_line
    assert ncci.mue("J3301").adjudication_indicator == 3
    assert ncci.mue("00000") is None


def test_import_ptp_from_the_cms_layout(fresh_data_dir):
    """Does import_ptp read the CMS text layout (preamble, header, * dates) and then answer instead of the teaching table?"""
    count = ncci.import_ptp(FIXTURES / "ptp_practitioner_sample.txt")
    assert count == 5
    assert "CMS file ptp_practitioner_sample.txt" in ncci.release()
    edit = ncci.ptp("76942", "10021")
    assert edit.column1 == "10021" and edit.modifier_indicator == "0"
    assert "CMS NCCI PTP file" in edit.release
    assert ncci.ptp("43235", "43239") is None  # teaching-only pair: the imported table replaces the teaching one
    deleted = ncci._ptp_rows("11042", "11720")[0]
    assert deleted.deletion_date == date(2020, 1, 1)
    assert ncci.ptp("11042", "11720") is None
    assert ncci.ptp("11042", "11720", on=date(2019, 6, 1)) is not None
    assert ncci.ptp("36000", "36410") is None  # indicator 9 never applies
    ncci.remove_imported()
    assert ncci.ptp("43235", "43239") is not None


def test_import_mue_from_the_cms_csv(fresh_data_dir):
    """Does import_mue read the CMS CSV (quoted cells, "2 Date of Service Edit: Policy") into values and indicators?"""
    assert ncci.import_mue(FIXTURES / "mue_practitioner_sample.csv") == 3
    assert ncci.mue("J3301").value == 40
    assert ncci.mue("20610").adjudication_indicator == 1
    assert ncci.mue("99213") is None  # only the imported file answers now
    assert "MUE: CMS file" in ncci.release()
    ncci.remove_imported()
    assert ncci.mue("99213").value == 1


def test_import_reads_the_cms_zip(fresh_data_dir, tmp_path):
    """Does the importer take the zip CMS distributes?"""
    archive = tmp_path / "ccipra.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(FIXTURES / "ptp_practitioner_sample.txt", "ccipra-v321r0-f1.txt")
    assert ncci.import_ptp(archive) == 5


def test_import_reports_bad_lines_and_keeps_the_previous_table(fresh_data_dir):
    """Are bad lines reported with their line numbers, and nothing half-imported?"""
    with pytest.raises(ValueError) as raised:
        ncci.import_ptp(FIXTURES / "ptp_bad.txt")
    message = str(raised.value)
    assert "2 bad line(s)" in message and "line 3" in message and "line 4" in message
    assert "modifier indicator" in message and "ABCDE" in message
    assert ncci.ptp("43235", "43239") is not None


def test_import_rejects_files_that_are_not_cms_tables(fresh_data_dir, tmp_path):
    """Does a file without the CMS header say so, and a missing file raise FileNotFoundError?"""
    other = tmp_path / "notes.txt"
    other.write_text("code\tdescriptor\n99213\tvisit\n")
    with pytest.raises(ValueError, match="no header line starting with 'Column 1'"):
        ncci.import_ptp(other)
    with pytest.raises(FileNotFoundError):
        ncci.import_mue(tmp_path / "absent.csv")


def test_grader_uses_the_pair_sentence():
    """Does the grader explain an unbundled code with the NCCI sentence?"""
    from medcode_practice import grading

    score = grading.grade("BL-0006", "S83.211A, 29881-RT, 29877")
    tagged = [v for v in score.items if v.tag == "ncci"]
    assert tagged and "column 1 29881" in tagged[0].message
