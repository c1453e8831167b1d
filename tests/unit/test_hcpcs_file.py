"""Tests for the CMS HCPCS quarterly-file reader and the authored CY2026 HCPCS tables."""

from __future__ import annotations

import csv
import datetime
import re
from pathlib import Path

import pytest

from medcode_practice.codes._hcpcs_file import HcpcsFileError, HcpcsRecord, parse_cms_hcpcs_file

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "hcpcs"
SAMPLE = FIXTURES / "HCPC_SAMPLE_ANWEB.txt"
BAD = FIXTURES / "HCPC_BAD.txt"
CODESETS = ROOT / "codesets" / "hcpcs" / "2026"


def _record(code: str, record_id: str, long_description: str, *, short: str = "", added: str = "",
            terminated: str = "", action: str = "", full_width: bool = True) -> str:
    """Build one record in the CMS layout (1-based columns as in the module docstring)."""
    line = code.ljust(5) + "00010" + record_id + long_description.ljust(80) + short.ljust(28)
    if full_width:
        line = line.ljust(268) + added.ljust(8) + "".ljust(8) + terminated.ljust(8) + action.ljust(1)
        line = line.ljust(320)
    return line


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "HCPC_TEST.txt"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="latin-1", newline="")
    return path


@pytest.fixture(scope="module")
def records() -> dict[str, HcpcsRecord]:
    return {r.code: r for r in parse_cms_hcpcs_file(SAMPLE)}


def test_record_count(records):
    """Does the sample file yield one record per code and per modifier, continuations not counted?"""
    parsed = parse_cms_hcpcs_file(SAMPLE)
    assert len(parsed) == 19
    assert len(records) == 19
    assert sum(not r.is_modifier for r in parsed) == 14
    assert sum(r.is_modifier for r in parsed) == 5


def test_records_keep_file_order():
    """Are records returned in the order the file lists them?"""
    codes = [r.code for r in parse_cms_hcpcs_file(SAMPLE)]
    assert codes[:3] == ["A0425", "A4253", "E0601"]
    assert codes[-1] == "GY"


def test_continuation_lines_are_joined(records):
    """Are continuation lines joined into one long description?"""
    g2211 = records["G2211"].long_description
    assert g2211.startswith("Visit complexity inherent to evaluation and management")
    assert g2211.endswith("office/outpatient evaluation and management visit, new or established)")
    assert "  " not in g2211
    assert records["A4253"].long_description == (
        "Blood glucose test or reagent strips for home blood glucose monitor, per 50 strips")
    assert records["G0512"].long_description.endswith("directed by an rhc or fqhc practitioner per calendar month")


def test_single_record_description_is_stripped(records):
    """Is a description that fits on one record returned without its padding?"""
    assert records["J1885"].long_description == "Injection, ketorolac tromethamine, per 15 mg"


def test_short_description(records):
    """Is the short description read from columns 92-119?"""
    assert records["J1885"].short_description == "Ketorolac tromethamine inj"
    assert records["GA"].short_description == "Waiver of liability stmt ind"
    assert all(len(r.short_description) <= 28 for r in records.values())


def test_dates_are_parsed(records):
    """Are added, action effective and termination dates read as dates, and blanks as None?"""
    j1885 = records["J1885"]
    assert j1885.added_date == datetime.date(1998, 1, 1)
    assert j1885.action_effective_date == datetime.date(2000, 1, 1)
    assert j1885.termination_date is None
    assert j1885.action_code == "N"


def test_code_added_in_2026(records):
    """Is a code added this year marked with action code A and a 2026 added date?"""
    added = records["G0568"]
    assert added.action_code == "A"
    assert added.added_date == datetime.date(2026, 1, 1)
    assert added.termination_date is None


def test_terminated_code(records):
    """Does a discontinued code carry its termination date and action code D?"""
    ended = records["G0512"]
    assert ended.termination_date == datetime.date(2025, 12, 31)
    assert ended.action_code == "D"
    assert [r.code for r in records.values() if r.termination_date] == ["G0512"]


def test_modifier_records(records):
    """Are modifiers read as two-character codes, flagged, with their continuations joined?"""
    modifiers = {code for code, r in records.items() if r.is_modifier}
    assert modifiers == {"GA", "LT", "RT", "XS", "GY"}
    assert records["GA"].long_description == (
        "Waiver of liability statement issued as required by payer policy, individual case")
    assert records["LT"].short_description == "Left side"
    assert not records["J1885"].is_modifier


def test_latin1_characters(records):
    """Is the file read as Latin-1, so a registered sign survives (and UTF-8 would have failed)?"""
    assert records["J0129"].long_description.endswith("(Orencia®)")
    with pytest.raises(UnicodeDecodeError):
        SAMPLE.read_text(encoding="utf-8")


def test_blank_lines_are_skipped(records):
    """Does a blank line between records neither stop the reader nor become a record?"""
    assert "J0696" in records and "J1885" in records
    assert "" not in records


def test_error_message_names_the_line():
    """Does a bad record identifier raise an error naming its line?"""
    with pytest.raises(HcpcsFileError, match=r"^line 3: record identifier 'Z' is not 3, 4, 7 or 8$") as caught:
        parse_cms_hcpcs_file(BAD)
    assert caught.value.line_number == 3
    assert isinstance(caught.value, ValueError)


def test_orphan_continuation_is_reported(tmp_path):
    """Is a continuation record with no first record of the same code reported with its line number?"""
    path = _write(tmp_path, _record("J0696", "3", "Injection, ceftriaxone sodium, per 250 mg"),
                  _record("J1885", "4", "per 15 mg"))
    with pytest.raises(HcpcsFileError, match=r"^line 2: continuation of J1885 with no first record$"):
        parse_cms_hcpcs_file(path)


def test_bad_date_is_reported(tmp_path):
    """Is a date that is not YYYYMMDD reported with its line, field and columns?"""
    path = _write(tmp_path, _record("J1885", "3", "Injection, ketorolac tromethamine, per 15 mg",
                                    added="20261399"))
    with pytest.raises(HcpcsFileError, match=r"^line 1: added date '20261399' \(columns 269-276\)"):
        parse_cms_hcpcs_file(path)


def test_line_too_short_for_record_identifier(tmp_path):
    """Is a line too short to hold the code and record identifier reported with its line number?"""
    path = _write(tmp_path, _record("J1885", "3", "Injection, ketorolac tromethamine, per 15 mg"), "J0696")
    with pytest.raises(HcpcsFileError, match=r"^line 2: record is 5 characters long, too short"):
        parse_cms_hcpcs_file(path)


def test_modifier_wider_than_two_characters(tmp_path):
    """Is a modifier record whose code runs past column 2 rejected?"""
    path = _write(tmp_path, _record("LTX", "7", "Left side"))
    with pytest.raises(HcpcsFileError, match=r"^line 1: modifier 'LTX' must be 2 characters"):
        parse_cms_hcpcs_file(path)


def test_short_lines_are_tolerated(tmp_path):
    """Are lines shorter than 320 characters (trailing blanks stripped) padded and read?"""
    path = _write(tmp_path,
                  _record("J2405", "3", "Injection, ondansetron hydrochloride, per 1 mg",
                          short="Ondansetron hcl injection", full_width=False).rstrip(),
                  _record("XU", "7", "Unusual non-overlapping service", full_width=False).rstrip())
    parsed = {r.code: r for r in parse_cms_hcpcs_file(path)}
    assert parsed["J2405"].short_description == "Ondansetron hcl injection"
    assert parsed["J2405"].added_date is None
    assert parsed["J2405"].action_code == ""
    assert parsed["XU"].is_modifier
    # The sample file's continuation records are short too.
    assert min(len(line) for line in SAMPLE.read_text(encoding="latin-1").splitlines() if line) < 320


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_subset_table_is_well_formed():
    """Does the CY2026 subset have 400+ unique, well-shaped codes, short descriptors and a dosage on every J code?"""
    rows = _read_tsv(CODESETS / "hcpcs_subset.tsv")
    assert list(rows[0]) == ["code", "section", "short_description", "long_description", "dosage", "keywords"]
    assert len(rows) >= 400
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[A-V]\d{4}", code) for code in codes)
    assert all(row["short_description"] and len(row["short_description"]) <= 28 for row in rows)
    assert all(row["long_description"] for row in rows)
    assert all(row["dosage"] for row in rows if row["code"].startswith("J"))
    by_code = {row["code"]: row for row in rows}
    assert by_code["J1885"]["dosage"] == "15 mg" and "Toradol" in by_code["J1885"]["keywords"].split(";")
    assert "Rocephin" in by_code["J0696"]["keywords"].split(";")


def test_subset_sections_follow_first_letter():
    """Is every code's section the one its first letter names, with each taught section present?"""
    rows = _read_tsv(CODESETS / "hcpcs_subset.tsv")
    sections: dict[str, set[str]] = {}
    for row in rows:
        sections.setdefault(row["code"][0], set()).add(row["section"])
    assert all(len(names) == 1 for names in sections.values())
    assert set(sections) >= set("ABCEGHJKLMPQRSTV")
    assert sections["J"] == {"Drugs administered other than oral method, and chemotherapy drugs"}


def test_subset_leaves_out_deleted_codes():
    """Are codes deleted before 2026 kept out of the subset?"""
    codes = {row["code"] for row in _read_tsv(CODESETS / "hcpcs_subset.tsv")}
    assert not codes & {"G0117", "G0118", "G0365", "J1055", "J2505", "K0553", "K0554", "G0511", "G0512"}


def test_modifier_table_has_the_taught_modifiers():
    """Does the HCPCS modifier table hold the taught modifiers, and no CPT modifier such as 25?"""
    rows = _read_tsv(CODESETS / "hcpcs_modifiers.tsv")
    assert list(rows[0]) == ["modifier", "short_description", "long_description", "kind"]
    modifiers = {row["modifier"] for row in rows}
    required = {"LT", "RT", "GA", "GY", "GZ", "KX", "XE", "XP", "XS", "XU", "FA", "TA"}
    required |= {f"F{n}" for n in range(1, 10)} | {f"T{n}" for n in range(1, 10)}
    assert required <= modifiers
    assert "25" not in modifiers and "59" not in modifiers
    assert len(modifiers) == len(rows)
    assert all(re.fullmatch(r"[A-Z0-9]{2}", m) and not m.isdigit() for m in modifiers)
    assert {row["kind"] for row in rows} <= {"anatomic", "ncci", "liability", "payment", "other"}
    kinds = {row["modifier"]: row["kind"] for row in rows}
    assert kinds["XS"] == "ncci" and kinds["LT"] == "anatomic" and kinds["GA"] == "liability"
