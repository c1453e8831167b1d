"""Per-student variants end to end: prepare, release, each student sees their own case, autograde by own key.

One module-scoped run drives the real commands (`medcode course init|variants|grade`) in subprocesses, with HOME
in a temporary folder and a test salt. Students:

  round 1   ada and grace each answer with their own key; "solution" submits the source notebook
  round 2   ada answers with grace's key and grace with ada's (re-submitted, graded again)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
UNIT = "11-variants"
SALT = "e2e-test-salt"
STUDENTS = ("ada", "grace")


def run(*args: str, env: dict, cwd: Path | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run(list(args), env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"{args} exited {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def medcode(*args: str, env: dict) -> dict:
    return json.loads(run(sys.executable, "-m", "medcode_practice.cli", *args, "--json", env=env).stdout)


def read_nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def cell(nb: dict, grade_id: str) -> dict:
    return next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def slots() -> dict[str, str]:
    from medcode_practice.grading.variants import slots_in_notebook

    return slots_in_notebook(ROOT / "exercises" / "source" / UNIT / f"{UNIT}.ipynb")


def case_of(student: str, slot: str):
    from medcode_practice.grading.variants import student_case

    return student_case(slots()[slot], student, UNIT, slot, SALT)


def key_text(case) -> str:
    from medcode_practice.grading import key_answer

    key = key_answer(case)
    return ", ".join(key["diagnoses"] + key["procedures"] + key["pcs"])


def answered(release: Path, keys_of: str) -> dict:
    nb = read_nb(release / f"{UNIT}.ipynb")
    for slot in slots():
        cell(nb, f"{slot}-answer")["source"] = f'answer = "{key_text(case_of(keys_of, slot))}"'
    return nb


def submit(course: Path, student: str, nb: dict) -> None:
    folder = course / "submitted" / student / UNIT
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(course / "release" / UNIT, folder)
    (folder / f"{UNIT}.ipynb").write_text(json.dumps(nb, indent=1), encoding="utf-8")


def scores(course: Path) -> dict[str, dict[str, tuple[float, float]]]:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="medcode-practice") as gb:
        for submission in gb.assignment_submissions(UNIT):
            out[submission.student.id] = {g.name: (g.score, g.max_score) for nb in submission.notebooks
                                          for g in nb.grades}
    return out


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("JUPYTER", "MEDCODE_ASSESSMENT", "MEDCODE_VARIANT", "MEDCODE_STUDENT",
                                        "NBGRADER"))}
    environment.update(HOME=str(home), PYTHONPATH=str(ROOT), PYTHONWARNINGS="ignore", MEDCODE_VARIANT_SALT=SALT,
                       PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    return environment


@pytest.fixture(scope="module")
def course(tmp_path_factory, env):
    """Create the class, prepare variants, execute each student's view, grade two rounds; return what happened."""
    base = tmp_path_factory.mktemp("variants")
    exercises = base / "exercises"
    shutil.copytree(ROOT / "exercises" / "source" / UNIT, exercises / UNIT)
    folder = base / "course"
    init = medcode("course", "init", str(folder), "--exercises", str(exercises), env=env)
    prepared = medcode("course", "variants", str(folder), UNIT, "--student", "ada", "--student", "grace", env=env)
    release = folder / "release" / UNIT

    # Each student's own view: the released folder run in their account, where no salt or key is visible.
    views = {}
    for student in STUDENTS:
        work = base / "students" / student / UNIT
        shutil.copytree(release, work)
        student_env = {k: v for k, v in env.items() if k != "MEDCODE_VARIANT_SALT"}
        student_env.update(JUPYTERHUB_USER=student, MEDCODE_ASSESSMENT_DIR=str(base / "no-keys-here"))
        run(sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", "--inplace",
            "--ExecutePreprocessor.timeout=60", f"{UNIT}.ipynb", env=student_env, cwd=work)
        views[student] = read_nb(work / f"{UNIT}.ipynb")

    for student in STUDENTS:
        submit(folder, student, answered(release, student))
    submit(folder, "solution", read_nb(folder / "source" / UNIT / f"{UNIT}.ipynb"))
    first = medcode("course", "grade", str(folder), env=env)
    round1 = scores(folder)
    feedback1 = {s: (folder / "feedback" / s / UNIT / f"{UNIT}.html").read_text(encoding="utf-8")
                 for s in STUDENTS}

    submit(folder, "ada", answered(release, "grace"))
    submit(folder, "grace", answered(release, "ada"))
    second = medcode("course", "grade", str(folder), "--student", "ada", "--student", "grace", env=env)
    round2 = scores(folder)
    feedback2 = {s: (folder / "feedback" / s / UNIT / f"{UNIT}.html").read_text(encoding="utf-8")
                 for s in STUDENTS}
    return {"folder": folder, "init": init, "prepared": prepared, "views": views, "grades": (first, second),
            "round1": round1, "round2": round2, "feedback1": feedback1, "feedback2": feedback2}


def outputs_text(nb: dict, grade_id: str) -> str:
    parts = []
    for output in cell(nb, grade_id).get("outputs", []):
        data = output.get("data", {})
        parts.append("".join(data.get("text/html", "")) + "".join(data.get("text/plain", "")))
        parts.append("".join(output.get("text", "")))
    return "".join(parts)


def test_the_example_has_three_or_more_variant_items():
    """Does 11-variants hold at least three variant items, each with a record, an answer and a check cell?"""
    found = slots()
    assert len(found) >= 3
    nb = read_nb(ROOT / "exercises" / "source" / UNIT / f"{UNIT}.ipynb")
    for slot, template in found.items():
        assert f'show_variant("{template}", "{slot}")' in "".join(cell(nb, f"{slot}-record")["source"])
        assert cell(nb, f"{slot}-check")["metadata"]["nbgrader"]["points"] > 0


def test_release_carries_records_but_no_key_seed_or_salt(course):
    """Does the release hold each student's record table, and no key code, seed, salt or student id?"""
    assert course["init"]["key_leaks"] == []
    release = course["folder"] / "release" / UNIT
    table = (release / "variants.json").read_text(encoding="utf-8")
    notebook = (release / f"{UNIT}.ipynb").read_text(encoding="utf-8")
    assert "variant_key_answer" not in notebook and "BEGIN SOLUTION" not in notebook
    from medcode_practice.records.templates import seed_for

    for student in STUDENTS:
        assert f'"{student}"' not in table  # keyed by a hash, not by the id
        for slot in slots():
            case = case_of(student, slot)
            assert case.patient.name in table
            for code in set(case.key.diagnosis_codes) | {p.code for p in case.key.procedures}:
                assert not re.search(rf"(?<![A-Za-z0-9.]){re.escape(code)}(?![A-Za-z0-9])", table + notebook), code
            assert str(seed_for(student, UNIT, slot, SALT)) not in table
    assert SALT not in table and SALT not in notebook


def test_each_student_sees_their_own_record(course):
    """Does each student's notebook show their own case for every item, not their classmate's?"""
    for student, other in (("ada", "grace"), ("grace", "ada")):
        view = course["views"][student]
        for slot in slots():
            shown = outputs_text(view, f"{slot}-record")
            mine, theirs = case_of(student, slot), case_of(other, slot)
            assert mine.patient.name in shown, (student, slot)
            if theirs.patient.name != mine.patient.name:
                assert theirs.patient.name not in shown
            assert "Traceback" not in shown


def test_students_get_different_cases():
    """Do ada and grace get different records and (for at least one item) different keys?"""
    differ = [slot for slot in slots() if case_of("ada", slot) != case_of("grace", slot)]
    assert differ == list(slots())
    assert any(key_text(case_of("ada", s)) != key_text(case_of("grace", s)) for s in slots())


def test_student_view_does_not_grade(course):
    """Before autograding, does a check cell only read the answer back and score nothing?"""
    view = course["views"]["ada"]
    for slot in slots():
        text = outputs_text(view, f"{slot}-check")
        assert "No answer yet" in text
        results = [o for o in cell(view, f"{slot}-check")["outputs"] if o["output_type"] == "execute_result"]
        assert results and "".join(results[0]["data"]["text/plain"]) == "0.0"


def test_own_key_earns_full_marks(course):
    """Does each student's own key, autograded, earn every point of every variant item?"""
    assert course["grades"][0]["graded"] == 3
    for student in (*STUDENTS, "solution"):
        grades = course["round1"][student]
        assert grades and all(score == pytest.approx(maximum) for score, maximum in grades.values()), (student, grades)


def test_the_other_students_key_does_not(course):
    """Does a student who hands in the classmate's codes lose points wherever the two keys differ?"""
    assert course["grades"][1]["graded"] == 2
    for student, other in (("ada", "grace"), ("grace", "ada")):
        grades = course["round2"][student]
        total = sum(score for score, _ in grades.values())
        assert total < sum(maximum for _, maximum in grades.values())
        for slot in slots():
            if key_text(case_of(student, slot)) != key_text(case_of(other, slot)):
                score, maximum = grades[f"{slot}-check"]
                assert score < maximum, (student, slot)


def test_feedback_shows_no_code_of_the_students_key(course):
    """Does feedback for the swapped answers keep the student's own (unentered) key codes hidden?"""
    for student, other in (("ada", "grace"), ("grace", "ada")):
        html = course["feedback2"][student]
        entered = {c for s in slots() for c in re.split(r",\s*", key_text(case_of(other, s)))}
        for slot in slots():
            case = case_of(student, slot)
            for code in set(case.key.diagnosis_codes) | {p.code for p in case.key.procedures}:
                if code in entered or any(e.startswith(code) for e in entered):
                    continue
                assert not re.search(rf"(?<![A-Za-z0-9.]){re.escape(code)}(?![A-Za-z0-9])", html), (student, code)
