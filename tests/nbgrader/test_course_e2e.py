"""A whole class, end to end: release, submit, autograde, feedback, report and export in a temporary course.

One module-scoped run drives the real commands (`medcode course init|grade|report`, `nbgrader export`) in
subprocesses with HOME pointed at a temporary folder; the tests then read what they left behind.

Students:
  solution  every assignment, the source notebooks with their solutions       -> full marks
  blank     every assignment, the release untouched                           -> 0
  partial   02: two items right, one less specific, the rest blank            -> strictly between
  tamper    05: a test cell edited to return full points, one deleted, one answer computed by code
  failing   03: a wrong code in every item                                    -> feedback must not show keys
  loop      01: an answer cell that loops until interrupted                   -> graded, flagged
  hang      01: an answer cell that swallows the interrupt                    -> not gradable, flagged
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "exercises" / "source"
CASES = ROOT / "autograder" / "assessment" / "cases"
RELEASED = sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
# The ten unit assignments graded here (other assignments in exercises/source are released and scanned too).
UNITS = ["01-terminology", "02-icd10cm-conventions", "03-icd10cm-chapters", "04-icd10pcs", "05-cpt-em",
         "06-hcpcs-modifiers", "07-ncci-mue-necessity", "08-claims-cms1500", "09-remittance-denials",
         "10-reimbursement"]
STUDENTS = {"solution", "blank", "partial", "tamper", "failing", "loop", "hang"}
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.DOTALL)
LOOP = "while True:\n    pass\n"
HIDDEN_MARKER = "HIDDEN-MARKER-7Q"
HANG = "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n    except KeyboardInterrupt:\n        pass\n"


# ----------------------------------------------------------------------------------------------- helpers
def key_codes() -> set[str]:
    from medcode_practice.records import load_file

    codes = set()
    for path in CASES.glob("*.yaml"):
        key = load_file(path).key
        found = set(key.diagnosis_codes) | {p.code for p in key.procedures} | {p.code for p in key.pcs}
        found |= {a.code for a in key.alternatives} | ({key.em.code} if key.em else set())
        codes |= found | {c.replace(".", "") for c in found}
    return codes


def key_pattern() -> re.Pattern:
    alternation = "|".join(sorted((re.escape(c) for c in key_codes()), key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alternation})(?![A-Za-z0-9])")


def key_prefix_pattern() -> re.Pattern:
    """Every key code and every start of one from 4 characters on (T46.5X1 for T46.5X1A), as whole tokens."""
    from medcode_practice.records import load_file

    forms = set()
    for path in CASES.glob("*.yaml"):
        key = load_file(path).key
        found = set(key.diagnosis_codes) | {p.code for p in key.procedures} | {p.code for p in key.pcs}
        found |= {a.code for a in key.alternatives} | ({key.em.code} if key.em else set())
        for code in found:
            bare = code.replace(".", "")
            for length in range(4, len(bare) + 1):
                forms.add(bare[:length])
                if "." in code:
                    forms.add(bare[:3] + "." + bare[3:length])
    alternation = "|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9.])(?:{alternation})(?![A-Za-z0-9])")


def read_nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write_nb(nb: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def grade_id(cell: dict) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def src(cell: dict) -> str:
    text = cell["source"]
    return "".join(text) if isinstance(text, list) else text


def solutions(unit: str) -> dict[str, str]:
    """Return {answer cell id: the solution's answer line} from a source notebook."""
    out = {}
    for cell in read_nb(SOURCE / unit / f"{unit}.ipynb")["cells"]:
        match = SOLUTION.search(src(cell))
        if match:
            out[grade_id(cell)] = match.group(1).strip()
    return out


def set_answer(nb: dict, answer_id: str, source: str) -> None:
    for cell in nb["cells"]:
        if grade_id(cell) == answer_id:
            cell["source"] = source
            return
    raise AssertionError(f"no cell {answer_id}")


def check_calls(unit: str) -> dict[str, str]:
    """Return {answer cell id: the check call of the test cell after it}."""
    out, last = {}, None
    for cell in read_nb(SOURCE / unit / f"{unit}.ipynb")["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "code" and meta.get("solution"):
            last = meta["grade_id"]
        elif cell["cell_type"] == "code" and meta.get("grade") and last:
            out[last] = src(cell)
            last = None
    return out


def run(*args: str, env: dict, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(list(args), env=env, cwd=cwd, capture_output=True, text=True, timeout=400)
    if check and done.returncode != 0:
        raise AssertionError(f"{args} exited {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def medcode(*args: str, env: dict) -> dict:
    done = run(sys.executable, "-m", "medcode_practice.cli", *args, "--json", env=env)
    return json.loads(done.stdout)


# ----------------------------------------------------------------------------------------------- the class
@pytest.fixture(scope="module")
def env(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "MEDCODE_ASSESSMENT"))}
    environment.update(HOME=str(home), PYTHONPATH=str(ROOT), PYTHONWARNINGS="ignore",
                       PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    return environment


@pytest.fixture(scope="module")
def course(tmp_path_factory, env):
    """Create the course, submit for every student, grade, report and export; return what happened."""
    folder = tmp_path_factory.mktemp("class") / "course"
    init = medcode("course", "init", str(folder), env=env)
    release = folder / "release"
    submitted = folder / "submitted"

    def submit(student: str, unit: str, nb: dict) -> None:
        write_nb(nb, submitted / student / unit / f"{unit}.ipynb")

    for unit in UNITS:
        submit("solution", unit, read_nb(SOURCE / unit / f"{unit}.ipynb"))
        submit("blank", unit, read_nb(release / unit / f"{unit}.ipynb"))

    partial = read_nb(release / "02-icd10cm-conventions" / "02-icd10cm-conventions.ipynb")
    answers = list(solutions("02-icd10cm-conventions").items())
    for answer_id, line in answers[:2]:
        set_answer(partial, answer_id, line)
    third_id, third = answers[2]
    codes = re.search(r'"(.*)"', third).group(1).split(", ")
    set_answer(partial, third_id, f'answer = "{", ".join(codes[:-1] or codes)}"')  # one code short
    submit("partial", "02-icd10cm-conventions", partial)

    tamper = read_nb(release / "05-cpt-em" / "05-cpt-em.ipynb")
    checks = [c for c in tamper["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade")
              and c["cell_type"] == "code"]
    edited, deleted = checks[0], checks[1]
    edited["source"] = f"{edited['metadata']['nbgrader']['points']}  # full marks, please"
    tamper["cells"].remove(deleted)
    third_answer = list(solutions("05-cpt-em"))[2]
    set_answer(tamper, third_answer, 'answer = ", ".join(["not", "a", "literal"])')
    submit("tamper", "05-cpt-em", tamper)

    failing = read_nb(release / "03-icd10cm-chapters" / "03-icd10cm-chapters.ipynb")
    wrong = next(c for c in ("R69", "R68.89", "R53.81", "R41.89") if c.replace(".", "") not in key_codes()
                 and c not in key_codes())
    for answer_id in solutions("03-icd10cm-chapters"):
        set_answer(failing, answer_id, f'answer = "{wrong}"')
    submit("failing", "03-icd10cm-chapters", failing)

    for student, code in (("loop", LOOP), ("hang", HANG)):
        nb = read_nb(release / "01-terminology" / "01-terminology.ipynb")
        first, second = list(solutions("01-terminology").items())[:2]
        set_answer(nb, first[0], first[1])
        set_answer(nb, second[0], code)
        submit(student, "01-terminology", nb)

    # An extra assignment with a hidden test, released with the nbgrader CLI itself: its source must not reach
    # the student's notebook or the feedback.
    hidden = {"cells": [
        {"cell_type": "code", "id": "answer", "metadata": {"nbgrader": {
            "grade": False, "grade_id": "answer", "locked": False, "schema_version": 3, "solution": True,
            "task": False}}, "source": 'answer = ""\n### BEGIN SOLUTION\nanswer = "x"\n### END SOLUTION',
         "outputs": [], "execution_count": None},
        {"cell_type": "code", "id": "check", "metadata": {"nbgrader": {
            "grade": True, "grade_id": "check", "locked": True, "points": 1, "schema_version": 3,
            "solution": False, "task": False}},
         "source": f"assert isinstance(answer, str)\n### BEGIN HIDDEN TESTS\nassert answer != '{HIDDEN_MARKER}'\n"
                   "### END HIDDEN TESTS", "outputs": [], "execution_count": None}],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5}
    write_nb(hidden, folder / "source" / "zz-hidden" / "zz-hidden.ipynb")
    run(sys.executable, "-m", "nbgrader", "generate_assignment", "zz-hidden", "--force", env=env, cwd=folder)
    submit("solution", "zz-hidden", hidden)

    graded = medcode("course", "grade", str(folder), "--timeout", "3", env=env)
    report = medcode("course", "report", str(folder), env=env)
    run(sys.executable, "-m", "nbgrader", "export", env=env, cwd=folder)
    return {"folder": folder, "init": init, "grade": graded, "report": report, "wrong": wrong}


@pytest.fixture(scope="module")
def gradebook(course):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course['folder'] / 'gradebook.db'}") as gb:
        yield gb


def submission(gradebook, unit: str, student: str):
    return gradebook.find_submission(unit, student)


# ----------------------------------------------------------------------------------------------- release
def test_every_assignment_is_released(course):
    """Is every source assignment generated into release/ with its notebook?"""
    assert course["init"]["released"] == RELEASED
    for unit in RELEASED:
        assert (course["folder"] / "release" / unit / f"{unit}.ipynb").is_file()
    assert course["init"]["key_leaks"] == []


def test_release_holds_no_key_and_no_solution(course):
    """Does any released file contain a key code of any assessment case, or any solution text?"""
    pattern = key_pattern()
    secrets = []
    for unit in RELEASED:
        for cell in read_nb(SOURCE / unit / f"{unit}.ipynb")["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            text = src(cell)
            # A one-letter multiple-choice solution is no secret string; the grader holds the right letter.
            secrets += [m.strip() for m in SOLUTION.findall(text) if len(re.sub(r'answer = "|"', "", m.strip())) > 2]
            if meta.get("solution") and cell["cell_type"] == "markdown":
                secrets.append(text.strip().splitlines()[-1][:60])  # a model answer's last line
    files = [p for p in (course["folder"] / "release").rglob("*") if p.is_file()]
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        leak = pattern.search(text)
        assert leak is None, f"{path.name} contains key code {leak.group(0)}"
        assert "BEGIN SOLUTION" not in text
        for secret in secrets:
            assert json.dumps(secret)[1:-1] not in text and secret not in text, f"{path.name}: {secret}"


# ----------------------------------------------------------------------------------------------- scores
@pytest.mark.parametrize("unit", UNITS)
def test_solution_scores_full_marks(gradebook, unit):
    """Does the source notebook, autograded, earn every autograded point?"""
    sub = submission(gradebook, unit, "solution")
    assert sub.max_code_score > 0
    assert sub.code_score == pytest.approx(sub.max_code_score)
    for notebook in sub.notebooks:
        for grade in notebook.grades:
            if grade.cell_type == "code":
                assert grade.score == pytest.approx(grade.max_score), (unit, grade.name)


@pytest.mark.parametrize("unit", UNITS)
def test_blank_release_scores_zero(gradebook, unit):
    """Does the untouched student notebook score 0?"""
    assert submission(gradebook, unit, "blank").score == 0


def test_partial_answers_score_in_between(gradebook):
    """Does a partly answered notebook score strictly between 0 and the autograded maximum?"""
    sub = submission(gradebook, "02-icd10cm-conventions", "partial")
    assert 0 < sub.code_score < sub.max_code_score
    code = [g for nb in sub.notebooks for g in nb.grades if g.cell_type == "code"]
    assert any(0 < g.score < g.max_score for g in code), "the answer one code short earns partial credit"


def test_edited_test_cell_is_graded_with_the_original(gradebook):
    """Does a test cell rewritten to return full points earn nothing for a blank answer?"""
    sub = submission(gradebook, "05-cpt-em", "tamper")
    assert sub.code_score == 0
    names = {g.name: g for nb in sub.notebooks for g in nb.grades}
    assert names["item01-check"].score == 0
    assert "item02-check" in names  # the deleted test cell was put back and graded


def test_timeout_is_reported_and_the_rest_graded(course, gradebook):
    """Is a looping cell interrupted (graded, flagged) and a hanging one reported while everyone else is graded?"""
    results = {(r["student"], r["assignment"]): r for r in course["grade"]["results"]}
    loop = results[("loop", "01-terminology")]
    assert loop["graded"] and loop["timed_out_cells"]
    hang = results[("hang", "01-terminology")]
    assert not hang["graded"] and hang["reason"]
    review = {(r["student"], r["assignment"]) for r in course["grade"]["needs_review"]}
    assert {("loop", "01-terminology"), ("hang", "01-terminology")} <= review
    others = [r for key, r in results.items() if key[0] != "hang"]
    assert others and all(r["graded"] for r in others)
    assert course["grade"]["graded"] == len(results) - 1
    assert submission(gradebook, "01-terminology", "loop").code_score > 0


# ----------------------------------------------------------------------------------------------- feedback
def test_feedback_for_a_failing_student_shows_no_key(course):
    """Does the feedback HTML of a student who got everything wrong stay free of key codes (whole or cut short)?"""
    pattern = key_prefix_pattern()
    shown = (("failing", "03-icd10cm-chapters"), ("blank", "04-icd10pcs"), ("blank", "09-remittance-denials"))
    for student, unit in shown:
        html = (course["folder"] / "feedback" / student / unit / f"{unit}.html").read_text(encoding="utf-8")
        leak = pattern.search(html)
        assert leak is None, f"{student}/{unit} feedback shows {leak.group(0)}"
        assert "HIDDEN TESTS" not in html
    failing = (course["folder"] / "feedback" / "failing" / "03-icd10cm-chapters" / "03-icd10cm-chapters.html")
    assert course["wrong"] in failing.read_text(encoding="utf-8")  # their own answer is shown back


def test_hidden_test_source_stays_out_of_release_and_feedback(course):
    """Is a hidden test's source absent from the released notebook and from the feedback HTML?"""
    folder = course["folder"]
    released = (folder / "release" / "zz-hidden" / "zz-hidden.ipynb").read_text(encoding="utf-8")
    feedback = (folder / "feedback" / "solution" / "zz-hidden" / "zz-hidden.html").read_text(encoding="utf-8")
    assert HIDDEN_MARKER not in released
    assert HIDDEN_MARKER not in feedback
    assert "isinstance" in feedback  # the visible part of the test is still shown
    autograded = (folder / "autograded" / "solution" / "zz-hidden" / "zz-hidden.ipynb").read_text(encoding="utf-8")
    assert HIDDEN_MARKER in autograded  # nbgrader ran the hidden test; only the feedback step removed it


# ----------------------------------------------------------------------------------------------- report
def test_report_flags_altered_test_cells(course):
    """Does the report list the edited and the deleted test cell, and the answer computed by code?"""
    altered = {(a["student"], a["item"], a["change"]) for a in course["report"]["altered_test_cells"]}
    assert ("tamper", "item01-check", "edited") in altered
    assert ("tamper", "item02-check", "deleted") in altered
    assert all(a["student"] == "tamper" for a in course["report"]["altered_test_cells"])
    assert course["report"]["not_autograded"] == [{"student": "hang", "assignment": "01-terminology"}]
    unusual = {u["student"] for u in course["report"]["unusual_answer_cells"]}
    assert unusual == {"tamper", "loop", "hang"}  # code in an answer cell, not a quoted answer


def test_report_files(course):
    """Are the CSV files and charts written, with a row per student and the missed codes counted?"""
    out = Path(course["report"]["out"])
    for name in ("students.csv", "items.csv", "missed_codes.csv", "error_tags.csv", "altered_test_cells.csv",
                 "scores_by_assignment.png", "hardest_items.png", "error_tags.png"):
        assert (out / name).is_file(), name
    with open(out / "students.csv", newline="") as handle:
        students = [row["student"] for row in csv.DictReader(handle)]
    assert sorted(students) == sorted(STUDENTS)
    with open(out / "missed_codes.csv", newline="") as handle:
        assert list(csv.DictReader(handle))


def test_export_has_a_row_per_student(course):
    """Does `nbgrader export` list every graded student?"""
    with open(course["folder"] / "grades.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert STUDENTS <= {r["student_id"] for r in rows}


# ----------------------------------------------------------------------------------------------- bad input
def test_init_refuses_a_folder_in_use(tmp_path, run_cli):
    """Does `course init` on a non-empty folder exit 2 with one line and no traceback?"""
    (tmp_path / "notes.txt").write_text("mine")
    code, out, err = run_cli("course", "init", str(tmp_path))
    assert code == 2 and "not empty" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("action", ["grade", "report"])
def test_commands_refuse_a_folder_that_is_not_a_course(tmp_path, run_cli, action):
    """Do `course grade` and `course report` on a plain folder exit 2 with a JSON error under --json?"""
    code, out, err = run_cli("course", action, str(tmp_path), "--json")
    assert code == 2 and "course init" in json.loads(out)["error"]


def test_grade_with_nothing_submitted(tmp_path, run_cli):
    """Does `course grade` say there is nothing to grade instead of failing?"""
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    (tmp_path / "release" / "01-terminology").mkdir(parents=True)
    (tmp_path / "release" / "01-terminology" / "01-terminology.ipynb").write_text("{}")
    code, out, err = run_cli("course", "grade", str(tmp_path))
    assert code == 2 and "nothing to grade" in err


def test_bad_input_through_python_m_has_no_traceback(tmp_path, env):
    """Run as `python -m medcode_practice.cli`, does a bad course folder still give one line and exit 2?"""
    done = run(sys.executable, "-m", "medcode_practice.cli", "course", "report", str(tmp_path), env=env, check=False)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
