"""A small synthetic class for the LMS and dashboard tests: a course folder and a gradebook made by nbgrader's API.

Two assignments; hw1 has a case item (OP-0001, a practice case, so its key is visible), a variant item and a
manually graded note; hw2 one case item. Students: ada (all right), grace (wrong and blank), lin (partial, no
hw2, no email). Not a test module (pytest collects test_*.py only).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import warnings
from pathlib import Path

SALT = "classbook-salt"
OP_0001_DX = "E11.22, I12.9, N18.31, E11.42, Z79.84, Z87.891"


def _meta(grade_id: str, grade=False, solution=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": not solution, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _notebook(items: list[tuple[str, str, int]], answers: dict[str, str], manual: bool) -> dict:
    cells = [{"cell_type": "code", "id": "setup", "metadata": _meta("setup"), "outputs": [], "execution_count": None,
              "source": "from medcode_practice.grading.notebook import check_item\n"
                        "from medcode_practice.grading.variants import check_variant, show_variant"}]
    for item, call, points in items:
        cells.append({"cell_type": "code", "id": f"{item}-answer", "metadata": _meta(f"{item}-answer", solution=True),
                      "outputs": [], "execution_count": None,
                      "source": f"answer = {json.dumps(answers.get(item, ''))}"})
        cells.append({"cell_type": "code", "id": f"{item}-check", "metadata": _meta(f"{item}-check", True,
                                                                                    points=points),
                      "outputs": [], "execution_count": None, "source": call})
    if manual:
        cells.append({"cell_type": "markdown", "id": "note", "metadata": _meta("note", True, True, points=2),
                      "source": "Explain your sequencing."})
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


HW1 = [("q1", 'check_item("OP-0001", answer, points=3, parts="diagnoses")', 3),
       ("q2", 'check_variant("otitis-media", "q2", answer, points=3)', 3)]
HW2 = [("q1", 'check_item("OP-0001", answer, points=2, parts="diagnoses")', 2)]


def make_course(folder: Path) -> Path:
    """Write the course (source/, autograded/, gradebook.db) under ``folder``; return the course folder.

    Needs MEDCODE_VARIANT_SALT=SALT in the environment of whoever re-grades it.
    """
    from medcode_practice.grading import key_answer
    from medcode_practice.grading.variants import student_case

    def variant_key(student: str) -> str:
        key = key_answer(student_case("otitis-media", student, "hw1", "q2", SALT))
        return ", ".join(key["diagnoses"] + key["procedures"])

    course = folder / "course"
    answers = {
        ("ada", "hw1"): {"q1": OP_0001_DX, "q2": variant_key("ada")},
        ("grace", "hw1"): {"q1": "E11.9, I10"},
        ("lin", "hw1"): {"q1": "E11.22, I12.9", "q2": variant_key("ada")},
        ("ada", "hw2"): {"q1": OP_0001_DX},
        ("grace", "hw2"): {"q1": "E11.22"},
    }
    scores = {("ada", "hw1"): {"q1-check": 3, "q2-check": 3, "note": 2},
              ("grace", "hw1"): {"q1-check": 0.5, "q2-check": 0, "note": None},
              ("lin", "hw1"): {"q1-check": 1.5, "q2-check": 1, "note": 1},
              ("ada", "hw2"): {"q1-check": 2}, ("grace", "hw2"): {"q1-check": 0.5}}
    for name, items, manual in (("hw1", HW1, True), ("hw2", HW2, False)):
        path = course / "source" / name / f"{name}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(_notebook(items, {}, manual)), encoding="utf-8")
    for (student, name), given in answers.items():
        items, manual = (HW1, True) if name == "hw1" else (HW2, False)
        path = course / "autograded" / student / name / f"{name}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(_notebook(items, given, manual)), encoding="utf-8")

    # nbgrader runs the `alembic` script when it creates a gradebook: make this environment's scripts findable.
    saved_path = os.environ.get("PATH", "")
    if shutil.which("alembic") is None:
        os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + saved_path
    try:
        with warnings.catch_warnings():  # nbgrader's add_submission trips SQLAlchemy autoflush warnings
            warnings.simplefilter("ignore")
            _fill_gradebook(course, scores)
    finally:
        os.environ["PATH"] = saved_path
    return course


def _fill_gradebook(course: Path, scores: dict) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="medcode-practice") as gb:
        for name, items, manual in (("hw1", HW1, True), ("hw2", HW2, False)):
            gb.add_assignment(name)
            gb.add_notebook(name, name)
            for item, _call, points in items:
                gb.add_grade_cell(f"{item}-check", name, name, max_score=points, cell_type="code")
            if manual:
                gb.add_grade_cell("note", name, name, max_score=2, cell_type="markdown")
        gb.add_student("ada", first_name="Ada", last_name="Quillfeather", email="ada@example.edu",
                       lms_user_id="1001")
        gb.add_student("grace", first_name="Grace", last_name="Pemberton-Ash", email="grace@example.edu",
                       lms_user_id="1002")
        gb.add_student("lin", first_name="Lin", last_name="Okonkwo-Hart")
        for (student, name), given in scores.items():
            gb.add_submission(name, student)
            for cell, score in given.items():
                grade = gb.find_grade(cell, name, name, student)
                if cell == "note":
                    grade.manual_score = score
                    grade.needs_manual_grade = score is None
                else:
                    grade.auto_score = score
                    grade.needs_manual_grade = False
            gb.db.commit()
