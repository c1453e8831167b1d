"""The nbgrader source assignments: committed clean, graded by key-free test cells, built from the sealed pool."""

from __future__ import annotations

import ast
import json
import re
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "exercises" / "source"
ASSESSMENT = ROOT / "autograder" / "assessment"
UNITS = ["01-terminology", "02-icd10cm-conventions", "03-icd10cm-chapters", "04-icd10pcs", "05-cpt-em",
         "06-hcpcs-modifiers", "07-ncci-mue-necessity", "08-claims-cms1500", "09-remittance-denials",
         "10-reimbursement"]
CHECKS = {"check_item", "check_choice", "check_terms", "check_number"}
SOLUTION = re.compile(r"### BEGIN SOLUTION.*?### END SOLUTION", re.DOTALL)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", re.DOTALL)


@cache
def assessment_cases() -> dict:
    from medcode_practice.records import load_file

    return {p.stem: load_file(p) for p in sorted((ASSESSMENT / "cases").glob("*.yaml"))}


@cache
def sealed_items() -> dict:
    return yaml.safe_load((ASSESSMENT / "items.yaml").read_text(encoding="utf-8"))["items"]


@cache
def key_pattern() -> re.Pattern:
    """Every key code of every assessment case, dotted and undotted, as whole tokens."""
    codes = set()
    for case in assessment_cases().values():
        key = case.key
        found = set(key.diagnosis_codes) | {p.code for p in key.procedures} | {p.code for p in key.pcs}
        found |= {a.code for a in key.alternatives} | ({key.em.code} if key.em else set())
        codes |= found | {c.replace(".", "") for c in found}
    alternation = "|".join(sorted((re.escape(c) for c in codes), key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alternation})(?![A-Za-z0-9])")


def notebook(unit: str) -> dict:
    return json.loads((SOURCE / unit / f"{unit}.ipynb").read_text(encoding="utf-8"))


def nbgrader(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def source(cell: dict) -> str:
    text = cell["source"]
    return "".join(text) if isinstance(text, list) else text


def grade_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if nbgrader(c).get("grade") and not nbgrader(c).get("solution")]


def released_view(cell: dict) -> str:
    """What a student receives from this cell: solution regions, solution cells and hidden tests removed."""
    meta = nbgrader(cell)
    text = source(cell)
    if meta.get("solution") and "### BEGIN SOLUTION" not in text:
        return ""
    return HIDDEN.sub("", SOLUTION.sub("", text))


def check_call(cell: dict) -> ast.Call:
    tree = ast.parse(source(cell))
    last = tree.body[-1]
    assert isinstance(last, ast.Expr) and isinstance(last.value, ast.Call), "the last line must be a check call"
    return last.value


def test_every_unit_is_present_in_order():
    """Are the ten units there, each in a folder named like its notebook?"""
    found = sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and not p.name.startswith("."))
    assert found[:len(UNITS)] == UNITS
    for unit in UNITS:
        assert (SOURCE / unit / f"{unit}.ipynb").is_file()


@pytest.mark.parametrize("unit", UNITS)
def test_committed_without_outputs(unit):
    """Is every code cell committed without outputs or execution counts?"""
    for cell in notebook(unit)["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, cell.get("id")


@pytest.mark.parametrize("unit", UNITS)
def test_first_code_cell_imports_the_library(unit):
    """Does the first code cell import the library, with no sys.path edits, installs or star imports?"""
    nb = notebook(unit)
    first = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert source(first).startswith("from medcode_practice import records")
    for cell in nb["cells"]:
        text = source(cell)
        if cell["cell_type"] == "code":
            assert "sys.path" not in text and "pip install" not in text and "import *" not in text


@pytest.mark.parametrize("unit", UNITS)
def test_enough_autograded_and_manual_items(unit):
    """Has each assignment at least five autograded items and one manually graded written item?"""
    nb = notebook(unit)
    auto = [c for c in grade_cells(nb) if c["cell_type"] == "code"]
    manual = [c for c in nb["cells"] if c["cell_type"] == "markdown" and nbgrader(c).get("grade")
              and nbgrader(c).get("solution")]
    assert len(auto) >= 5
    assert len(manual) >= 1
    ids = [nbgrader(c)["grade_id"] for c in nb["cells"] if nbgrader(c)]
    assert len(ids) == len(set(ids)), "grade ids must be unique"


@pytest.mark.parametrize("unit", UNITS)
def test_test_cells_hold_no_key_and_call_one_check(unit):
    """Is every test cell free of key codes, and does it end with one check call whose points match?"""
    for cell in grade_cells(notebook(unit)):
        text = source(cell)
        assert not key_pattern().search(text), f"key code in test cell {nbgrader(cell)['grade_id']}"
        call = check_call(cell)
        assert isinstance(call.func, ast.Name) and call.func.id in CHECKS
        points = {k.arg: ast.literal_eval(k.value) for k in call.keywords}.get("points")
        assert points == nbgrader(cell)["points"], nbgrader(cell)["grade_id"]
        assert nbgrader(cell)["locked"] is True


@pytest.mark.parametrize("unit", UNITS)
def test_items_reference_sealed_cases_and_items(unit):
    """Does every item name an assessment case (or sealed item) that exists, and a question it has?"""
    cases, items = assessment_cases(), sealed_items()
    for cell in grade_cells(notebook(unit)):
        call = check_call(cell)
        target = ast.literal_eval(call.args[0])
        if call.func.id in ("check_item", "check_choice"):
            assert target in cases, f"{target} is not an assessment case"
            assert cases[target].pool == "assessment"
            if call.func.id == "check_choice":
                assert ast.literal_eval(call.args[1]) < len(cases[target].key.billing)
        else:
            kind = {"check_terms": "terms", "check_number": "number"}[call.func.id]
            assert items.get(target, {}).get("kind") == kind, f"{target} is not a sealed {kind} item"


@pytest.mark.parametrize("unit", UNITS)
def test_released_view_leaks_nothing(unit):
    """Outside solution regions, is the notebook free of every key code and every sealed item answer?"""
    nb = notebook(unit)
    text = "\n".join(released_view(c) for c in nb["cells"])
    leak = key_pattern().search(text)
    assert leak is None, f"key code {leak.group(0)} would be released"
    for item_id, item in sealed_items().items():
        if item.get("assignment") != unit:
            continue
        for answer in item["answers"]:
            if item["kind"] == "number":
                if answer.get("given"):  # an amount the prompt states; the skill is where it goes
                    continue
                amount = re.escape(f"{answer['value']:.2f}")
                assert not re.search(rf"(?<![\d.]){amount}(?!\d)", text.replace(",", "")), f"{item_id} released"
            else:
                for word in answer["accept"]:
                    if len(word) > 2:
                        assert not re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE), (item_id, word)


@pytest.mark.parametrize("unit", UNITS)
def test_answer_cells_start_blank(unit):
    """Does every answer cell give students a blank `answer = ""` and keep the real answer in a solution region?"""
    for cell in notebook(unit)["cells"]:
        meta = nbgrader(cell)
        if cell["cell_type"] == "code" and meta.get("solution"):
            text = source(cell)
            assert SOLUTION.search(text), meta["grade_id"]
            assert SOLUTION.sub("", text).strip() == 'answer = ""', meta["grade_id"]


def items_with_solutions(unit: str):
    """Yield (prompt markdown, solution answer, check call) for each autograded item of a source notebook."""
    prompt, answer = "", None
    for cell in notebook(unit)["cells"]:
        meta = nbgrader(cell)
        if cell["cell_type"] == "markdown" and not meta.get("solution"):
            prompt = source(cell)
        elif cell["cell_type"] == "code" and meta.get("solution"):
            region = SOLUTION.search(source(cell)).group(0)
            answer = ast.literal_eval(re.search(r'answer = (".*")', region).group(1))
        elif cell["cell_type"] == "code" and meta.get("grade"):
            yield prompt, answer, check_call(cell)
            answer = None


@pytest.mark.parametrize("unit", UNITS)
def test_solutions_earn_full_points_against_the_current_keys(unit, monkeypatch):
    """Does every solution still earn its points under today's sealed keys (no stale solution)?"""
    from medcode_practice.grading import notebook as glue

    monkeypatch.setenv("MEDCODE_ASSESSMENT_DIR", str(ASSESSMENT / "cases"))
    monkeypatch.setattr(glue, "_show", lambda markup: None)
    for _prompt, answer, call in items_with_solutions(unit):
        literals = [ast.literal_eval(a) for a in call.args if not isinstance(a, ast.Name)]  # the answer comes last
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
        earned = getattr(glue, call.func.id)(*literals, answer, **kwargs)
        assert earned == kwargs["points"], f"{unit}: {call.func.id}({literals[0]!r}) gives {earned} for its solution"


@pytest.mark.parametrize("unit", UNITS)
def test_inlined_records_match_the_cases(unit):
    """Does each record shown in a prompt still belong to its case (same patient and date), not a stale copy?"""
    cases = assessment_cases()
    for prompt, _answer, _call in items_with_solutions(unit):
        for case_id in re.findall(r"\*\*Record ([A-Z]{2}-X\d{3})\*\*", prompt):
            case = cases[case_id]
            assert case.patient.name in prompt, f"{unit}: the record of {case_id} is out of date"
            assert str(case.encounter.date) in prompt, f"{unit}: the record of {case_id} is out of date"
