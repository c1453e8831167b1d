"""Grades for the LMS: a class's nbgrader gradebook as the CSV that Canvas or Moodle gradebooks import.

**Canvas** ("Import" in the Gradebook) reads: ``Student, ID, SIS User ID, SIS Login ID, Section``, then one
column per assignment; a first data row ``Points Possible`` gives each assignment's points. Canvas matches a
student by ``ID`` (its own user id: nbgrader's ``lms_user_id`` when the roster has it) or by ``SIS User ID``
(here the nbgrader student id, which is the university login on a JupyterHub). An assignment column named
``Name (12345)`` updates Canvas assignment 12345; a column without an id creates a new assignment, so pass
``canvas_ids`` ({nbgrader assignment: Canvas assignment id}) to land grades in assignments you already made.

**Moodle** ("Import > CSV file" in the gradebook) maps one identifier column to its users (email address,
username or ID number) and each other column to a grade item chosen on the import page. The file has
``Email address`` (or ``Username`` / ``ID number``), ``First name``, ``Last name``, then one column per
assignment named after it.

A student with no submission gets an empty cell (the LMS leaves that grade alone) unless ``missing="zero"``.

>>> rows = canvas_rows(book)          # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .gradebook import Classbook, read

__all__ = ["FORMATS", "canvas_rows", "moodle_rows", "export", "write_csv", "LmsExportError"]

FORMATS = ("canvas", "moodle")
CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_IDENTIFIERS = {"email": "Email address", "username": "Username", "idnumber": "ID number"}


class LmsExportError(ValueError):
    """The export cannot be made as asked; the message says what to change."""


def _points(value: float) -> str:
    value = round(float(value), 2)
    return str(int(value)) if value == int(value) else f"{value:g}"


def _scores(book: Classbook, missing: str) -> dict[tuple[str, str], str]:
    if missing not in ("blank", "zero"):
        raise LmsExportError(f"missing must be blank or zero, not {missing!r}")
    scores = {(r.student, r.assignment): _points(r.score) for r in book.submissions.itertuples()}
    if missing == "zero":
        for student in book.students["student"]:
            for assignment in book.assignments["assignment"]:
                scores.setdefault((student, assignment), "0")
    return scores


def _students(book: Classbook) -> list[dict]:
    """Every student in the roster, plus any who submitted without being on it, sorted by last then first name."""
    known = {r["student"]: r for r in book.students.to_dict("records")}
    for student in book.submissions["student"]:
        known.setdefault(student, {"student": student, "first_name": "", "last_name": "", "email": "",
                                   "lms_user_id": ""})
    return sorted(known.values(), key=lambda r: ((r["last_name"] or r["student"]).lower(),
                                                 (r["first_name"] or "").lower(), r["student"]))


def _assignments(book: Classbook, only=None) -> list[tuple[str, float]]:
    rows = [(r.assignment, float(r.max_score)) for r in book.assignments.itertuples()]
    if only:
        unknown = sorted(set(only) - {name for name, _ in rows})
        if unknown:
            raise LmsExportError(f"no assignment {', '.join(unknown)} in the gradebook "
                                 f"(have: {', '.join(name for name, _ in rows) or 'none'})")
        rows = [row for row in rows if row[0] in set(only)]
    return sorted(rows)


def canvas_rows(book: Classbook, canvas_ids: dict[str, str] | None = None, section: str = "",
                missing: str = "blank", assignments=None) -> list[list[str]]:
    """Return the Canvas gradebook CSV as rows: header, ``Points Possible``, then one row per student."""
    canvas_ids = {str(k): str(v).strip() for k, v in (canvas_ids or {}).items()}
    columns = _assignments(book, assignments)
    header = CANVAS_HEADER + [f"{name} ({canvas_ids[name]})" if canvas_ids.get(name) else name
                              for name, _ in columns]
    rows = [header, ["Points Possible", "", "", "", ""] + [_points(points) for _, points in columns]]
    scores = _scores(book, missing)
    for student in _students(book):
        name = ", ".join(p for p in (student["last_name"], student["first_name"]) if p) or student["student"]
        rows.append([name, student["lms_user_id"], student["student"], student["student"], section]
                    + [scores.get((student["student"], assignment), "") for assignment, _ in columns])
    return rows


def moodle_rows(book: Classbook, identifier: str = "email", missing: str = "blank",
                assignments=None) -> list[list[str]]:
    """Return the Moodle grade-import CSV as rows: header, then one row per student.

    ``identifier`` is ``email`` (every student needs an email in the roster), ``username`` (the nbgrader
    student id) or ``idnumber`` (the roster's LMS user id). Raises LmsExportError naming students who lack it.
    """
    if identifier not in MOODLE_IDENTIFIERS:
        raise LmsExportError(f"identifier must be one of {', '.join(MOODLE_IDENTIFIERS)}, not {identifier!r}")
    columns = _assignments(book, assignments)
    field = {"email": "email", "username": "student", "idnumber": "lms_user_id"}[identifier]
    students = _students(book)
    lacking = [s["student"] for s in students if not str(s[field]).strip()]
    if lacking:
        raise LmsExportError(f"{len(lacking)} student(s) have no {MOODLE_IDENTIFIERS[identifier].lower()} in the "
                             f"gradebook ({', '.join(lacking[:5])}{' …' if len(lacking) > 5 else ''}); add it "
                             f"(nbgrader db student add ID --email …) or use --identifier username")
    rows = [[MOODLE_IDENTIFIERS[identifier], "First name", "Last name"] + [name for name, _ in columns]]
    scores = _scores(book, missing)
    for student in students:
        rows.append([student[field], student["first_name"], student["last_name"]]
                    + [scores.get((student["student"], assignment), "") for assignment, _ in columns])
    return rows


def write_csv(rows: list[list[str]], out: str | Path | None = None) -> str:
    """Write rows as CSV (UTF-8, no BOM, CRLF line ends as spreadsheets expect); return the text."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    text = buffer.getvalue()
    if out is not None:
        Path(out).write_text(text, encoding="utf-8", newline="")
    return text


def export(gradebook: str | Path | Classbook, format: str, out: str | Path | None = None, **options) -> dict:
    """Export a gradebook (path, course folder or Classbook) as ``format`` CSV; write it to ``out`` when given.

    Returns {"format", "students", "assignments", "out", "csv"}. Raises LmsExportError or GradebookError
    (both ValueErrors) with a message for bad input.
    """
    if format not in FORMATS:
        raise LmsExportError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    book = gradebook if isinstance(gradebook, Classbook) else read(gradebook)
    rows = canvas_rows(book, **options) if format == "canvas" else moodle_rows(book, **options)
    text = write_csv(rows, out)
    students = len(rows) - (2 if format == "canvas" else 1)
    return {"format": format, "students": students, "assignments": len(rows[0]) - (5 if format == "canvas" else 3),
            "out": str(out) if out is not None else None, "csv": text}
