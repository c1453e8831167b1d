"""`medcode cases …` and `medcode grade`: listing, showing, validating, grading from the command line."""

import json

from medcode_practice import records


def test_cases_list_json_has_no_keys(run_cli):
    """Does `cases list --json` list every practice case without its key?"""
    code, out, _ = run_cli("cases", "list", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == len(records.all_cases("practice"))
    assert all("key" not in row for row in rows)
    code, out, _ = run_cli("cases", "list", "--setting", "inpatient", "--json")
    assert {row["setting"] for row in json.loads(out)} == {"inpatient"}


def test_cases_show_reveals_practice_keys_only(run_cli):
    """Is a practice key shown on request, and an assessment key refused with exit 2?"""
    practice = records.all_cases("practice")[0]
    code, out, _ = run_cli("cases", "show", practice.id, "--key")
    assert code == 0 and "ANSWER KEY" in out and practice.key.diagnoses[0].code in out
    assert "synthetic" in out
    assessment = records.all_cases("assessment")[0]
    code, out, err = run_cli("cases", "show", assessment.id, "--key")
    assert code == 2 and "not shown" in err and assessment.key.diagnoses[0].code not in out + err


def test_cases_validate_passes_and_fails_readably(run_cli, tmp_path, monkeypatch):
    """Does `cases validate` exit 0 on the library, and 1 with a readable problem list for a broken case?"""
    assert run_cli("cases", "validate")[0] == 0
    broken_dir = tmp_path / "cases"
    broken_dir.mkdir()
    source = records.all_cases("assessment")[0]
    text = open(source.source, encoding="utf-8").read()
    first = source.key.diagnoses[0].code
    (broken_dir / f"{source.id}.yaml").write_text(text.replace(f"code: {first}", "code: E11", 1))
    monkeypatch.setenv("MEDCODE_ASSESSMENT_DIR", str(broken_dir))
    code, out, _ = run_cli("cases", "validate", "--pool", "assessment")
    assert code == 1
    assert f"{source.id}: [codes]" in out and "header" in out
    assert out.strip().splitlines()[-1].startswith("1 cases checked")


def test_grade_from_the_command_line(run_cli):
    """Does `medcode grade` print the score, give JSON, and refuse an unknown case with exit 2?"""
    case = records.all_cases("practice")[0]
    answer = ", ".join(case.key.diagnosis_codes)
    code, out, _ = run_cli("grade", case.id, answer)
    assert code == 0 and case.id in out and "learning mode" in out
    code, out, _ = run_cli("grade", case.id, answer, "--mode", "exam", "--json")
    data = json.loads(out)
    assert data["mode"] == "exam" and 0 < data["total"] <= data["max"]
    code, _, err = run_cli("grade", "ZZ-0000", "E11.9")
    assert code == 2 and "no case" in err
