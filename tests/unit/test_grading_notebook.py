"""The nbgrader glue: scaled partial credit, key-free feedback, and quiet failure in a student's environment."""

from __future__ import annotations

import re
import sys
import warnings

import pytest
import yaml

from medcode_practice.grading import notebook

CASE = {
    "id": "OP-X901", "pool": "assessment", "title": "fixture: strep throat visit", "synthetic": True,
    "setting": "office", "specialty": "family medicine", "difficulty": 1, "tags": ["claims"],
    "code_set_year": "FY2026",
    "patient": {"name": "Fixture Person", "sex": "F", "date_of_birth": "1990-01-02", "phone": "(555) 555-0101"},
    "payer": {"name": "Bluestone Health Plan", "type": "commercial", "member_id": "BHP-1"},
    "encounter": {"date": "2026-02-03", "place_of_service": "11", "patient_status": "established"},
    "provider": {"name": "Doc Fixture, MD", "npi": "1234567893", "specialty": "family medicine"},
    "documentation": {"assessment_plan": "Streptococcal pharyngitis confirmed by rapid antigen; hypertension."},
    "key": {
        "diagnoses": [{"code": "J02.0", "rationale": "strep throat, organism confirmed"},
                      {"code": "I10", "rationale": "treated hypertension"}],
        "procedures": [{"code": "99213", "units": 1, "pointers": [1, 2], "rationale": "low MDM"},
                       {"code": "87880", "units": 1, "pointers": [1], "rationale": "rapid strep test"}],
        "common_errors": [{"code": "J02.9", "instead_of": "J02.0", "why": "The organism is confirmed: J02.0."}],
        "billing": [{"question": "Which form?", "choices": ["UB-04", "CMS-1500", "ADA"], "answer": "CMS-1500",
                     "rationale": "professional claim"}],
    },
}
ITEMS = {"items": {
    "TERM-X901": {"kind": "terms", "answers": [{"accept": ["gastritis"]},
                                               {"accept": ["appendectomy", "appendicectomy"]},
                                               {"accept": ["C"]}]},
    "PAY-X901": {"kind": "number", "answers": [{"label": "paid", "value": 1234.5, "tolerance": 0.01},
                                               {"label": "patient", "value": 16.85, "tolerance": 0.02}]},
}}
KEY_CODES = ("J02.0", "J020", "I10", "99213", "87880")


@pytest.fixture
def shown(monkeypatch):
    """Collect what the checks display instead of sending it to a notebook."""
    markup: list[str] = []
    monkeypatch.setattr(notebook, "_show", markup.append)
    return markup


@pytest.fixture
def sealed(tmp_path, monkeypatch):
    """An instructor's environment: a sealed assessment folder with one case and an item store."""
    cases = tmp_path / "assessment" / "cases"
    cases.mkdir(parents=True)
    (cases / "OP-X901.yaml").write_text(yaml.safe_dump(CASE, sort_keys=False), encoding="utf-8")
    (tmp_path / "assessment" / "items.yaml").write_text(yaml.safe_dump(ITEMS), encoding="utf-8")
    monkeypatch.setenv("MEDCODE_ASSESSMENT_DIR", str(cases))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    return cases


@pytest.fixture
def student(tmp_path, monkeypatch):
    """A student's environment: the assessment folder does not exist."""
    monkeypatch.setenv("MEDCODE_ASSESSMENT_DIR", str(tmp_path / "not-shipped"))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


def visible_text(markup: list[str]) -> str:
    return re.sub(r"<[^>]+>", " ", " ".join(markup))


# ----------------------------------------------------------------------------------------------- check_item
def test_full_answer_earns_exactly_the_points(sealed, shown):
    """Does the key answer return the cell's points, as a float nbgrader can read?"""
    earned = notebook.check_item("OP-X901", "J02.0, I10, 99213, 87880", points=3)
    assert earned == 3.0 and isinstance(earned, float)
    assert "mcp-score" in shown[0]


def test_partial_answer_earns_part_of_the_points(sealed, shown):
    """Is a partly right answer scored strictly between 0 and the points, rounded to cents?"""
    earned = notebook.check_item("OP-X901", "J02.9, I10, 99213", points=3)
    assert 0 < earned < 3
    assert earned == round(earned, 2)


def test_score_never_exceeds_points(sealed, shown):
    """Can over-entering codes ever push the returned value above the cell's points?"""
    earned = notebook.check_item("OP-X901", "J02.0, I10, 99213, 87880, 99213, J02.0", points=2)
    assert earned <= 2


def test_blank_answer_scores_zero(sealed, shown):
    """Does an untouched answer cell score 0?"""
    assert notebook.check_item("OP-X901", "", points=3) == 0.0


def test_parts_limit_what_is_graded(sealed, shown):
    """With parts='diagnoses', do the diagnoses alone earn full points?"""
    assert notebook.check_item("OP-X901", "J02.0, I10", points=2, parts="diagnoses") == 2.0
    assert notebook.check_item("OP-X901", "99213, 87880", points=2, parts=("procedures",)) == 2.0


def test_feedback_hides_key_codes_not_entered(sealed, shown):
    """Does the feedback for a wrong answer keep every key code out of the displayed table?"""
    notebook.check_item("OP-X901", "J02.9, R51.9", points=3)
    text = visible_text(shown)
    for code in KEY_CODES:
        assert code not in text, code
    assert "J02.9" in text  # what the learner typed is shown back


def test_exam_mode_is_all_or_nothing_per_code(sealed, shown):
    """Does exam mode give no credit for a less specific code that learning mode credits in part?"""
    learning = notebook.check_item("OP-X901", "J02.9", points=2, parts="diagnoses")
    exam = notebook.check_item("OP-X901", "J02.9", points=2, parts="diagnoses", mode="exam")
    assert exam == 0.0 < learning


def test_student_environment_reads_the_answer_and_scores_zero(student, shown):
    """Without the sealed keys, is the answer read back (count, well-formed) and 0.0 returned?"""
    assert notebook.check_item("OP-X901", "J02.0, 99213-25", points=3) == 0.0
    text = visible_text(shown)
    assert "Your answer was read: 2 codes, looks well-formed; your instructor grades it" in text


def test_student_environment_points_out_malformed_codes(student, shown):
    """Are malformed codes explained to a student without any key?"""
    notebook.check_item("OP-X901", "S72.001, I10", points=3)
    text = visible_text(shown)
    assert "S72.001" in text and "7th character" in text


def test_student_environment_blank_answer(student, shown):
    """Does a blank answer tell the student where to type?"""
    notebook.check_item("OP-X901", "", points=3)
    assert "No answer yet" in visible_text(shown)


def test_autograde_without_keys_says_so(student, shown, monkeypatch):
    """At autograde time without the key store, does the feedback say the item could not be graded?"""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert notebook.check_item("OP-X901", "J02.0", points=3) == 0.0
    assert "could not be graded" in visible_text(shown)


@pytest.mark.parametrize("answer", [None, 42, ["J02.0", None], {"diagnoses": object()}, object(), "¿?", "x" * 5000])
def test_odd_answers_never_raise(sealed, shown, answer):
    """Does any value typed (or mistyped) as an answer give a number, never an exception?"""
    earned = notebook.check_item("OP-X901", answer, points=3)
    assert isinstance(earned, float) and 0 <= earned <= 3


@pytest.mark.parametrize("points", ["three", None, -1, 0])
def test_bad_points_score_zero(sealed, shown, points):
    """Do nonsense points give 0.0 instead of an error?"""
    assert notebook.check_item("OP-X901", "J02.0, I10, 99213, 87880", points=points) == 0.0


def test_failures_inside_grading_are_silent(sealed, capfd, monkeypatch):
    """If grading warns, writes to stderr or crashes, does the test cell still see no stderr and 0.0?"""
    from medcode_practice.grading import engine

    def noisy(*args, **kwargs):
        warnings.warn("something deprecated", DeprecationWarning)
        print("grading noise", file=sys.stderr)
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "grade", noisy)
    shown: list[str] = []
    monkeypatch.setattr(notebook, "_show", shown.append)
    assert notebook.check_item("OP-X901", "J02.0", points=3) == 0.0
    captured = capfd.readouterr()
    assert captured.err == ""
    assert "could not be checked" in visible_text(shown)


def test_practice_cases_work_for_students(student, shown):
    """Can a practice case be checked with its key in a student's environment?"""
    from medcode_practice import grading, records

    case = records.all_cases("practice")[0]
    answer = grading.key_answer(case)
    assert notebook.check_item(case.id, answer, points=1) == 1.0


# ----------------------------------------------------------------------------------------------- check_choice
@pytest.mark.parametrize("choice", ["B", "b", "(b)", "B.", "2", "CMS-1500", " cms-1500 "])
def test_choice_accepts_letters_numbers_and_text(sealed, shown, choice):
    """Is the right choice recognised however it is typed?"""
    assert notebook.check_choice("OP-X901", 0, choice, points=2) == 2.0


def test_wrong_choice_does_not_reveal_the_answer(sealed, shown):
    """Does a wrong choice score 0 without naming the right one?"""
    assert notebook.check_choice("OP-X901", 0, "A", points=2) == 0.0
    text = visible_text(shown)
    assert "not the best answer" in text and "CMS-1500" not in text and "Choice B" not in text


@pytest.mark.parametrize("choice", ["", None, "Z", "7"])
def test_unusable_choice_scores_zero(sealed, shown, choice):
    """Is a blank or impossible choice 0 with a hint, not an error?"""
    assert notebook.check_choice("OP-X901", 0, choice, points=2) == 0.0
    assert shown


def test_missing_question_scores_zero(sealed, shown):
    """Does a question index the case lacks give 0 rather than raise?"""
    assert notebook.check_choice("OP-X901", 5, "A", points=2) == 0.0


def test_choice_in_student_environment(student, shown):
    """Without keys, is the choice read back and 0 returned?"""
    assert notebook.check_choice("OP-X901", 0, "B", points=2) == 0.0
    assert "your instructor grades it" in visible_text(shown)


# ----------------------------------------------------------------------------------------------- sealed items
def test_terms_give_credit_per_blank(sealed, shown):
    """Does each right blank earn its share, with accepted spellings and any case?"""
    assert notebook.check_terms("TERM-X901", "Gastritis, appendicectomy, c", points=3) == 3.0
    assert notebook.check_terms("TERM-X901", "gastritis, appendix removal, C", points=3) == 2.0
    assert notebook.check_terms("TERM-X901", "", points=3) == 0.0


def test_terms_feedback_hides_expected_answers(sealed, shown):
    """Is a wrong blank marked wrong without showing the expected term?"""
    notebook.check_terms("TERM-X901", "stomachitis", points=3)
    text = visible_text(shown)
    assert "gastritis" not in text.lower() and "appendectomy" not in text.lower()


@pytest.mark.parametrize("answer, expected", [
    ("1234.50; 16.85", 2.0), ("$1,234.50, $16.85", 2.0), ("1234.5 16.86", 2.0), ([1234.5, 16.85], 2.0),
    ("1234.50", 1.0), ("1200; 16.85", 1.0), ("", 0.0), ("about a thousand", 0.0), (1234.5, 1.0),
])
def test_numbers_within_tolerance(sealed, shown, answer, expected):
    """Are amounts read with or without $ and thousands separators, each within its tolerance?"""
    assert notebook.check_number("PAY-X901", answer, points=2) == expected


def test_sealed_items_in_student_environment(student, shown):
    """Without the item store, are terms and numbers read back and scored 0?"""
    assert notebook.check_terms("TERM-X901", "gastritis", points=3) == 0.0
    assert notebook.check_number("PAY-X901", "1234.50", points=2) == 0.0
    assert "1 amount" in visible_text(shown)


def test_unknown_item_scores_zero(sealed, shown):
    """Does an item id missing from the store give 0 (and a kind mismatch too)?"""
    assert notebook.check_terms("TERM-X000", "gastritis", points=3) == 0.0
    assert notebook.check_number("TERM-X901", "1", points=3) == 0.0


def test_item_store_errors_are_specific(tmp_path, monkeypatch):
    """Does a broken items.yaml raise ItemStoreError naming the file?"""
    cases = tmp_path / "a" / "cases"
    cases.mkdir(parents=True)
    (tmp_path / "a" / "items.yaml").write_text("items: [not, a, mapping]", encoding="utf-8")
    monkeypatch.setenv("MEDCODE_ASSESSMENT_DIR", str(cases))
    with pytest.raises(notebook.ItemStoreError, match="items.yaml"):
        notebook.load_items()


def test_a_checkout_alone_gives_no_oracle(monkeypatch, shown):
    """In a checkout without MEDCODE_ASSESSMENT_DIR, are assessment items only read back, never graded?"""
    from medcode_practice.records import assessment_dir

    monkeypatch.delenv("MEDCODE_ASSESSMENT_DIR", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    folder = assessment_dir()
    if folder is None or not any(folder.glob("*.yaml")):
        pytest.skip("no assessment pool in this installation")
    case_id = sorted(folder.glob("*.yaml"))[0].stem
    assert notebook.check_item(case_id, "I10", points=3) == 0.0
    assert notebook.check_terms("TERM-X001", "gastritis", points=3) == 0.0
    assert "your instructor grades it" in visible_text(shown)


def test_feedback_hides_a_key_code_cut_short(sealed, shown, monkeypatch):
    """Is a key code named without its last characters in a rationale (T46.5X1 for T46.5X1A) masked too?"""
    from medcode_practice.grading import engine

    real_grade = engine.grade

    def with_hint(case, answer, **kwargs):
        score = real_grade(case, answer, **kwargs)
        for verdict in score.items:
            verdict.safe_message += " See J02 in the index; the code starts J02.0 and 9921 is the family."
        return score

    monkeypatch.setattr(engine, "grade", with_hint)
    notebook.check_item("OP-X901", "R51.9", points=3)
    text = visible_text(shown)
    assert "J02.0" not in text and "9921 " not in text
    assert "J02 " in text  # a three-character category stays readable
