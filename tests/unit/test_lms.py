"""LMS export: a gradebook made with nbgrader's API, read read-only, written as Canvas and Moodle CSV."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
from classbook_fixture import make_course

from medcode_practice.grading import lms
from medcode_practice.grading.gradebook import GradebookError, read


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return make_course(tmp_path_factory.mktemp("lms"))


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_gradebook_reads_students_assignments_and_scores(course):
    """Are students, assignments (with points) and submission scores read from the gradebook?"""
    book = read(course)
    assert sorted(book.students["student"]) == ["ada", "grace", "lin"]
    assert dict(zip(book.assignments["assignment"], book.assignments["max_score"])) == {"hw1": 8.0, "hw2": 2.0}
    scores = {(r.student, r.assignment): r.score for r in book.submissions.itertuples()}
    assert scores[("ada", "hw1")] == 8 and scores[("grace", "hw1")] == 0.5 and ("lin", "hw2") not in scores
    assert book.course_id == "medcode-practice"


def test_reading_never_writes(course):
    """Does reading leave the gradebook file byte-for-byte unchanged?"""
    before = (course / "gradebook.db").read_bytes()
    read(course / "gradebook.db")
    assert (course / "gradebook.db").read_bytes() == before


@pytest.mark.parametrize("kind", ["missing", "empty", "text", "other-sqlite", "blank"])
def test_not_a_gradebook_is_refused_not_created(tmp_path, kind):
    """Is a missing file, a folder without a gradebook, a text file or another database refused with a message?"""
    path = tmp_path / "gradebook.db"
    if kind == "empty":
        path = tmp_path
    elif kind == "text":
        path.write_text("not a database", encoding="utf-8")
    elif kind == "other-sqlite":
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE notes (x)")
    elif kind == "blank":
        path = "   "
    with pytest.raises(GradebookError):
        read(path)
    if kind == "missing":
        assert not path.exists()


def test_canvas_layout(course):
    """Is the Canvas CSV: Student, ID, SIS User ID, SIS Login ID, Section, assignments; then Points Possible?"""
    text = lms.export(course, "canvas", canvas_ids={"hw1": "4411"}, section="Fall 2026 - 01")["csv"]
    rows = rows_of(text)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "hw1 (4411)", "hw2"]
    assert rows[1][0] == "Points Possible" and rows[1][5:] == ["8", "2"]
    by_sis = {r[2]: r for r in rows[2:]}
    assert by_sis["ada"][:5] == ["Quillfeather, Ada", "1001", "ada", "ada", "Fall 2026 - 01"]
    assert by_sis["ada"][5:] == ["8", "2"]
    assert by_sis["grace"][5:] == ["0.5", "0.5"]
    assert by_sis["lin"][1] == "" and by_sis["lin"][6] == ""  # no LMS id; no hw2 submission stays blank
    assert text.endswith("\r\n") and "\r\n" in text


def test_canvas_missing_as_zero(course):
    """With missing="zero", does a student without a submission get 0?"""
    rows = rows_of(lms.export(course, "canvas", missing="zero")["csv"])
    assert {r[2]: r for r in rows[2:]}["lin"][6] == "0"


def test_moodle_layout_by_email_and_by_username(course, tmp_path):
    """Does the Moodle CSV lead with the identifier column, refuse students without one, and write the file?"""
    with pytest.raises(lms.LmsExportError, match="lin"):
        lms.export(course, "moodle", identifier="email")
    out = tmp_path / "moodle.csv"
    result = lms.export(course, "moodle", out, identifier="username")
    rows = rows_of(out.read_text(encoding="utf-8"))
    assert rows[0] == ["Username", "First name", "Last name", "hw1", "hw2"]
    assert {r[0]: r[3:] for r in rows[1:]} == {"ada": ["8", "2"], "grace": ["0.5", "0.5"], "lin": ["3.5", ""]}
    assert result["students"] == 3 and result["assignments"] == 2


def test_only_some_assignments_and_bad_options(course):
    """Can one assignment be exported alone, and are unknown assignments or formats refused?"""
    rows = rows_of(lms.export(course, "canvas", assignments=["hw2"])["csv"])
    assert rows[0][5:] == ["hw2"]
    with pytest.raises(lms.LmsExportError, match="no assignment hw9"):
        lms.export(course, "canvas", assignments=["hw9"])
    with pytest.raises(lms.LmsExportError, match="format"):
        lms.export(course, "blackboard")
    with pytest.raises(lms.LmsExportError, match="missing"):
        lms.export(course, "canvas", missing="maybe")


def test_cli_export(course, tmp_path, run_cli):
    """Does `medcode course export` write the file, report counts, and exit 2 with a reason on bad input?"""
    out = tmp_path / "canvas.csv"
    ids = tmp_path / "ids.csv"
    ids.write_text("assignment,canvas_id\nhw1,4411\n", encoding="utf-8")
    code, stdout, _ = run_cli("course", "export", str(course), "--format", "canvas", "--out", str(out),
                              "--canvas-ids", str(ids), "--json")
    assert code == 0 and json.loads(stdout)["students"] == 3
    assert rows_of(out.read_text(encoding="utf-8"))[0][5] == "hw1 (4411)"
    code, _, err = run_cli("course", "export", str(tmp_path / "nowhere"), "--format", "moodle", "--out",
                           str(tmp_path / "m.csv"))
    assert code == 2 and "no gradebook" in err and "Traceback" not in err
    code, _, err = run_cli("course", "export", str(course), "--format", "moodle", "--out", str(tmp_path / "m.csv"))
    assert code == 2 and "email" in err
    ids.write_text("hw1,not-a-number\n", encoding="utf-8")
    code, _, err = run_cli("course", "export", str(course), "--format", "canvas", "--out", str(out),
                           "--canvas-ids", str(ids))
    assert code == 2 and "canvas_id" in err
    code, _, err = run_cli("course", "export", str(course), "--format", "canvas", "--out",
                           str(tmp_path / "no" / "such" / "dir.csv"))
    assert code == 2 and "does not exist" in err
