"""Read a class's nbgrader gradebook into plain tables, and re-grade its answers to see what went wrong.

The LMS export (``lms.py``) and the instructor dashboard (``apps/dashboard.py``) both start here. The gradebook
is opened **read-only**: reading it never changes an instructor's grades, and a file that is not an nbgrader
gradebook is refused with a message instead of being turned into an empty one.

>>> book = read("course/gradebook.db")          # doctest: +SKIP
>>> book.submissions[["student", "assignment", "score"]]   # doctest: +SKIP
"""

from __future__ import annotations

import ast
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .._notebooks import cells as _cells
from .._notebooks import nbgrader_meta as _meta
from .._notebooks import source as _source

__all__ = ["read", "Classbook", "GradebookError", "regrade", "item_checks", "answer_literal"]

_TABLES = {"assignment", "student", "submitted_assignment", "grade_cells", "grade"}
_CHECKS = ("check_item", "check_variant")

STUDENT_COLUMNS = ["student", "first_name", "last_name", "email", "lms_user_id"]
ASSIGNMENT_COLUMNS = ["assignment", "max_score", "duedate"]
SUBMISSION_COLUMNS = ["student", "assignment", "score", "max_score", "needs_manual_grade"]
GRADE_COLUMNS = ["student", "assignment", "notebook", "item", "cell_type", "score", "max_score", "auto_score",
                 "manual_score", "needs_manual_grade"]


class GradebookError(ValueError):
    """The file is missing or is not an nbgrader gradebook; the message says what was expected."""


@dataclass
class Classbook:
    """A gradebook as pandas DataFrames: students, assignments, submissions and per-item grades."""

    path: Path
    course_id: str
    students: "object"
    assignments: "object"
    submissions: "object"
    grades: "object"
    notes: list[str] = field(default_factory=list)

    @property
    def course_dir(self) -> Path:
        """The course folder (where nbgrader keeps gradebook.db, source/, submitted/ and autograded/)."""
        return self.path.parent


def _locate(path: str | Path) -> Path:
    text = str(path or "").strip()
    if not text:
        raise GradebookError("give the path of the gradebook (gradebook.db) or of the course folder")
    found = Path(text).expanduser()
    if found.is_dir():
        found = found / "gradebook.db"
    if not found.is_file():
        raise GradebookError(f"no gradebook at {found}: give the course folder or its gradebook.db")
    return found.resolve()


def _course_id(path: Path) -> str:
    """Check the file is an nbgrader gradebook (read-only) and return its course id."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not _TABLES <= tables:
                raise GradebookError(f"{path.name} is not an nbgrader gradebook (its tables are missing)")
            rows = [row[0] for row in db.execute("SELECT id FROM course")] if "course" in tables else []
    except sqlite3.DatabaseError as error:
        raise GradebookError(f"{path.name} is not a readable gradebook ({error})") from None
    return rows[0] if rows else "default_course"


def read(path: str | Path) -> Classbook:
    """Return the gradebook at ``path`` (the file, or the course folder holding gradebook.db) as tables.

    Raises GradebookError (a ValueError) for a missing file or one that is not an nbgrader gradebook.
    """
    import pandas as pd
    from nbgrader.api import Gradebook

    found = _locate(path)
    course_id = _course_id(found)
    students, assignments, submissions, grades = [], [], [], []
    with Gradebook(f"sqlite:///file:{found}?mode=ro&uri=true", course_id=course_id) as gb:
        for student in gb.students:
            students.append({"student": student.id, "first_name": student.first_name or "",
                             "last_name": student.last_name or "", "email": student.email or "",
                             "lms_user_id": student.lms_user_id or ""})
        for assignment in gb.assignments:
            assignments.append({"assignment": assignment.name, "max_score": float(assignment.max_score or 0),
                                "duedate": assignment.duedate})
            for submission in gb.assignment_submissions(assignment.name):
                submissions.append({"student": submission.student.id, "assignment": assignment.name,
                                    "score": float(submission.score or 0),
                                    "max_score": float(submission.max_score or 0),
                                    "needs_manual_grade": bool(submission.needs_manual_grade)})
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        grades.append({"student": submission.student.id, "assignment": assignment.name,
                                       "notebook": notebook.name, "item": grade.name, "cell_type": grade.cell_type,
                                       "score": float(grade.score or 0), "max_score": float(grade.max_score or 0),
                                       "auto_score": grade.auto_score, "manual_score": grade.manual_score,
                                       "needs_manual_grade": bool(grade.needs_manual_grade)})
    return Classbook(found, course_id,
                     pd.DataFrame(students, columns=STUDENT_COLUMNS),
                     pd.DataFrame(assignments, columns=ASSIGNMENT_COLUMNS),
                     pd.DataFrame(submissions, columns=SUBMISSION_COLUMNS),
                     pd.DataFrame(grades, columns=GRADE_COLUMNS))


# ----------------------------------------------------------------------------------------------- re-grading
def final_call(source: str, names) -> ast.Call | None:
    """Return the call a test cell ends with (its last expression, the value nbgrader scores) if it is to one of
    ``names`` by plain name, else None."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    if not tree.body or not isinstance(tree.body[-1], ast.Expr) or not isinstance(tree.body[-1].value, ast.Call):
        return None
    call = tree.body[-1].value
    return call if isinstance(call.func, ast.Name) and call.func.id in names else None


def _check(source: str) -> dict | None:
    """Read the check call a test cell ends with: check_item(case, answer, ...) or check_variant(tpl, slot, ...)."""
    call = final_call(source, _CHECKS)
    if call is None:
        return None
    try:
        args = [a.value for a in call.args if isinstance(a, ast.Constant)]
        keywords = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
    except ValueError:
        return None
    wanted = 1 if call.func.id == "check_item" else 2
    if len(args) < wanted or not all(isinstance(a, str) for a in args[:wanted]):
        return None
    parts = keywords.get("parts")
    if isinstance(parts, str):
        parts = tuple(p for p in re.split(r"[\s,]+", parts) if p)
    info = {"check": call.func.id, "mode": keywords.get("mode", "learning"), "parts": parts}
    if call.func.id == "check_item":
        info.update(target=args[0], template=None, slot=None)
    else:
        info.update(target=f"{args[0]} ({args[1]})", template=args[0], slot=args[1])
    return info


def item_checks(notebook: str | Path) -> dict[str, dict]:
    """Return {test cell grade id: what it checks} for the check_item/check_variant cells of a notebook."""
    found = {}
    for cell in _cells(Path(notebook)):
        meta = _meta(cell)
        if cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution"):
            info = _check(_source(cell))
            if info and meta.get("grade_id"):
                found[meta["grade_id"]] = info
    return found


def answer_literal(source: str):
    """Return the answer a cell assigns as plain ``answer = "..."``; raise ValueError for anything else."""
    values = []
    for node in ast.parse(source).body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == "answer"):
            values.append(ast.literal_eval(node.value))
        else:
            raise ValueError("the answer cell holds code, not just a quoted answer")
    if not values:
        raise ValueError("the answer cell assigns no answer")
    return values[-1]


def _answers(cells: list[dict]) -> dict[str, str]:
    """Map each test cell's grade id to the source of the nearest answer cell above it."""
    pairs, last = {}, None
    for cell in cells:
        meta = _meta(cell)
        if cell.get("cell_type") != "code":
            continue
        if meta.get("solution") and not meta.get("grade"):
            last = _source(cell)
        elif meta.get("grade") and not meta.get("solution") and meta.get("grade_id"):
            if last is not None:
                pairs[meta["grade_id"]] = last
            last = None
    return pairs


def regrade(book: Classbook, course_dir: str | Path | None = None) -> tuple[list[dict], list[str]]:
    """Grade every submitted answer again with the library, for error tags and missed codes.

    Reads the test cells from ``source/<assignment>/`` and the answers from ``autograded/`` (else
    ``submitted/``) of the course folder. Items whose key is not visible here (assessment keys, variant salt)
    are skipped and said so in the returned notes. Returns (rows, notes); a row has student, assignment, item,
    target, percent, tags (a dict), missed and wrong (lists of codes).
    """
    from .. import records
    from . import variants
    from .engine import grade

    course = Path(course_dir) if course_dir else book.course_dir
    rows, notes, skipped = [], [], set()
    salt = variants.salt()
    checks: dict[tuple[str, str], dict] = {}
    for row in book.submissions.itertuples():
        for where in ("autograded", "submitted"):
            folder = course / where / row.student / row.assignment
            if folder.is_dir():
                break
        else:
            continue
        for path in sorted(folder.glob("*.ipynb")):
            key = (row.assignment, path.stem)
            if key not in checks:
                source = course / "source" / row.assignment / path.name
                checks[key] = item_checks(source if source.is_file() else path)
            answers = _answers(_cells(path))
            for item, info in checks[key].items():
                text = answers.get(item)
                if text is None:
                    continue
                try:
                    answer = answer_literal(text)
                except (ValueError, SyntaxError):
                    continue
                if not str(answer).strip():
                    continue
                try:
                    if info["check"] == "check_item":
                        case = records.load(info["target"])
                    elif salt is None:
                        skipped.add("variant items (the variant salt is not visible here)")
                        continue
                    else:
                        case = variants.student_case(info["template"], row.student, row.assignment, info["slot"],
                                                     salt)
                except (KeyError, LookupError, ValueError):
                    skipped.add(f"{info['target']} (its key is not visible here)")
                    continue
                score = grade(case, answer, mode=info.get("mode") or "learning", reveal=True,
                              parts=info.get("parts"))
                missed = [v.expected for v in score.items
                          if v.tag == "missing" and v.expected and v.part != "sequencing"]
                wrong = [v.entered for v in score.items
                         if v.is_error and v.entered and v.tag != "missing" and v.part != "sequencing"]
                rows.append({"student": row.student, "assignment": row.assignment, "item": item,
                             "target": info["target"], "percent": score.percent, "tags": dict(score.tags),
                             "missed": missed, "wrong": wrong})
    notes += [f"not re-graded: {what}" for what in sorted(skipped)]
    return rows, notes
