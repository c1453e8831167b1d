"""The instructor dashboard, driven in-process on a synthetic gradebook: loads, charts, tables, errors."""

from __future__ import annotations

import pytest
from classbook_fixture import SALT, make_course

from medcode_practice.apps import _safe, dashboard
from medcode_practice.apps.dashboard import ALL, find


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return make_course(tmp_path_factory.mktemp("dashboard"))


def build(course):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MEDCODE_VARIANT_SALT", SALT)
        patch.delenv(dashboard.GRADEBOOK_VARIABLE, raising=False)
        return dashboard.build_app(str(course))


@pytest.fixture(scope="module")
def app(course):
    """One loaded dashboard for the tests that only read it."""
    return build(course)


@pytest.fixture
def fresh(course):
    """A dashboard of its own, for a test that changes the filters."""
    return build(course)


def test_loads_and_summarizes(app):
    """Does loading a course folder show the students, submissions and the read-only note?"""
    assert "read-only" in find(app, "dashboard-status").value
    summary = find(app, "dashboard-summary").value
    assert "<b>3</b> student(s)" in summary and "<b>5</b> submission(s)" in summary
    assert "<b>1</b> waiting for manual grading" in summary
    assert list(find(app, "dashboard-assignment").options) == [ALL, "hw1", "hw2"]


def test_score_distribution_is_a_chart(app):
    """Is the score distribution drawn with matplotlib as an embedded PNG?"""
    assert find(app, "dashboard-scores").value.count("data:image/png;base64,") == 1


def test_items_hardest_first(app):
    """Are items listed hardest first with their mean score, and charted?"""
    items = find(app, "dashboard-items").value
    assert "data:image/png" in items
    assert items.index("<td>q2-check</td>") < items.index("<td>q1-check</td>")  # hw1 q2 is the hardest


def test_missed_codes_and_error_tags_from_regrading(app):
    """Do the re-graded answers give the most-missed codes (practice key and variant key) and error types?"""
    missed = find(app, "dashboard-missed").value
    assert "<td>N18.31</td>" in missed  # grace and lin left the CKD stage out of OP-0001
    assert "<td>E11.9</td>" in missed  # grace entered the unspecified code
    assert "missing code" in missed and "data:image/png" in missed
    assert "not re-graded" not in find(app, "dashboard-summary").value


def test_students_who_need_help(app):
    """Are low scorers, missing work and pending manual grading listed, lowest first, with the reason?"""
    table = find(app, "dashboard-help").value
    assert table.index("<td>grace</td>") < table.index("<td>lin</td>")
    assert "nothing submitted for hw2" in table
    assert "waiting for manual grading: hw1" in table
    assert "<td>ada</td>" not in table


def test_threshold_and_assignment_filters(fresh):
    """Do the assignment menu and the threshold slider re-draw the panels?"""
    app = fresh
    find(app, "dashboard-assignment").value = "hw2"
    assert "<b>2</b> submission(s)" in find(app, "dashboard-summary").value
    assert "nothing submitted for hw2" in find(app, "dashboard-help").value
    find(app, "dashboard-assignment").value = ALL
    find(app, "dashboard-threshold").value = 0
    table = find(app, "dashboard-help").value
    assert "below" not in table and "<td>lin</td>" in table  # lin is still missing hw2


def test_without_the_salt_variant_items_are_skipped_and_said(course, monkeypatch):
    """Where the variant salt is not visible, are variant items left out of the code analysis, with a note?"""
    monkeypatch.delenv("MEDCODE_VARIANT_SALT", raising=False)
    monkeypatch.setenv("MEDCODE_ASSESSMENT_DIR", str(course / "no-keys"))
    app = dashboard.build_app(str(course))
    assert "not re-graded: variant items" in find(app, "dashboard-summary").value
    assert "<td>N18.31</td>" in find(app, "dashboard-missed").value


@pytest.mark.parametrize("typed", ["", "   ", "/no/such/folder", "gradebook.db"])
def test_bad_path_is_a_message_not_a_traceback(tmp_path, monkeypatch, typed):
    """Does a missing or wrong path show a plain message and clear the panels?"""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gradebook.db").write_text("not a database", encoding="utf-8")
    app = dashboard.build_app("")
    find(app, "dashboard-path").value = typed
    find(app, "dashboard-load").click()
    status = find(app, "dashboard-status").value
    assert "app-msg-no" in status and "Traceback" not in status
    assert find(app, "dashboard-summary").value == ""
    assert find(app, "app-error").value == ""


def test_path_from_the_environment(course, monkeypatch):
    """Is MEDCODE_GRADEBOOK loaded at once when the app opens?"""
    monkeypatch.setenv(dashboard.GRADEBOOK_VARIABLE, str(course / "gradebook.db"))
    monkeypatch.setenv("MEDCODE_VARIANT_SALT", SALT)
    app = dashboard.build_app()
    assert find(app, "dashboard-path").value.endswith("gradebook.db")
    assert "<b>3</b> student(s)" in find(app, "dashboard-summary").value


def test_unexpected_error_shows_the_friendly_message(fresh, monkeypatch):
    """Does an unexpected failure inside a callback become the friendly message (and a log entry)?"""
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(dashboard, "summarize", broken)
    find(fresh, "dashboard-threshold").value = 35
    assert _safe.FRIENDLY_MESSAGE in find(fresh, "app-error").value
    assert "boom" not in find(fresh, "app-error").value


def test_empty_gradebook(tmp_path, monkeypatch):
    """Does a gradebook with no submissions load with plain 'nothing yet' notes?"""
    import os
    import shutil
    import sys
    from pathlib import Path

    from nbgrader.api import Gradebook

    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    assert shutil.which("alembic")
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}", course_id="empty") as gb:
        gb.add_assignment("hw1")
    app = dashboard.build_app(str(tmp_path))
    assert "No submission has been autograded yet" in find(app, "dashboard-scores").value
    assert "<b>0</b> submission(s)" in find(app, "dashboard-summary").value
