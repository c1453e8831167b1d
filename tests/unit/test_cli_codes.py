"""The medcode CLI for code sets: lookup, search, codesets info/import — exit codes and messages."""

import json

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"



def test_lookup_explains_the_seventh_character(run_cli):
    """Does `medcode lookup S72.001` explain the 7th character and list the allowed ones (exit 0)?"""
    code, out, _ = run_cli("lookup", "S72.001")
    assert code == 0
    assert "needs a 7th character" in out and "S72.001A" in out and "sequela" in out


def test_lookup_json(run_cli):
    """Does --json give machine-readable output with the release named?"""
    code, out, _ = run_cli("lookup", "e11.22", "--json")
    data = json.loads(out)
    assert code == 0 and data["code"] == "E11.22" and data["billable"] is True and "FY2026" in data["release"]


@pytest.mark.parametrize("args", [("lookup", "E11.9!"), ("lookup", "Q99.99"), ("search", "x", "--limit", "0"),
                                  ("lookup", "99213", "--system", "icd10cm")])
def test_bad_input_exits_2_with_one_line(run_cli, args):
    """Is bad input answered with exit 2 and a single-line reason, never a traceback?"""
    code, out, err = run_cli(*args)
    assert code == 2 and out == ""
    assert err.startswith("medcode: ") and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_search_prints_ranked_codes(run_cli):
    """Does `medcode search "laparoscopic appendectomy"` list 0DTJ4ZZ in its top 5?"""
    code, out, _ = run_cli("search", "laparoscopic appendectomy", "--limit", "5", "--json")
    assert code == 0 and "0DTJ4ZZ" in [h["code"] for h in json.loads(out)]


def test_codesets_info_states_every_vintage(run_cli):
    """Does `medcode codesets info` name each loaded set with its year?"""
    code, out, _ = run_cli("codesets", "info")
    assert code == 0
    assert "ICD-10-CM FY2026 (2026-04-01)" in out and "ICD-10-PCS FY2026" in out
    assert "CPT practice set 2026" in out and "not AMA text" in out and "HCPCS" in out


def test_importing_a_newer_order_file_makes_it_active(run_cli, fresh_data_dir):
    """After importing an FY2027 order file, do lookups answer from FY2027 — and can FY2026 be made active again?"""
    code, out, err = run_cli("codesets", "import", "icd10cm", str(FIXTURES / "icd10cm" / "icd10cm-order-2027-mini.txt"))
    assert code == 0, err
    assert "FY2027" in out
    code, out, _ = run_cli("lookup", "E11.23", "--json")
    assert code == 0 and "FY2027" in json.loads(out)["release"]
    code, out, _ = run_cli("lookup", "E11.22", "--year", "FY2026", "--json")
    assert "FY2026" in json.loads(out)["release"]
    assert run_cli("codesets", "use", "icd10cm", "FY2026")[0] == 0
    code, _, err = run_cli("lookup", "E11.23")
    assert code == 2 and "not an ICD-10-CM code in FY2026" in err


def test_importing_the_tabular_xml_keeps_notes_and_seventh_characters(run_cli, fresh_data_dir):
    """Does an imported tabular XML (with its order file) answer with notes and 7th-character rules?"""
    xml = FIXTURES / "icd10cm" / "icd10cm-tabular-2027-mini.xml"
    order = FIXTURES / "icd10cm" / "icd10cm-order-2027-mini.txt"
    code, out, err = run_cli("codesets", "import", "icd10cm", str(xml), "--order", str(order))
    assert code == 0, err
    code, out, _ = run_cli("lookup", "S93.401")
    assert "needs a 7th character" in out and "FY2027" in out
    code, out, _ = run_cli("lookup", "E11.22")
    assert "N18.1-N18.6" in out


def test_xml_without_order_file_and_bad_files_are_refused(run_cli, fresh_data_dir):
    """Is an XML without its order file, or a file that is not an order file, refused with a reason?"""
    code, _, err = run_cli("codesets", "import", "icd10cm", str(FIXTURES / "icd10cm" / "icd10cm-tabular-2027-mini.xml"))
    assert code == 2 and "--order" in err
    code, _, err = run_cli("codesets", "import", "icd10cm", str(FIXTURES / "icd10cm" / "icd10cm-order-bad.txt"),
                           "--label", "FY2027")
    assert code == 2 and "line 1" in err
    code, _, err = run_cli("codesets", "import", "icd10cm", "/no/such/file.txt")
    assert code == 2 and "no such file" in err
