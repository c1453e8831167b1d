"""Per-student variants: seeds, who the student is, the record table, and grading against one's own key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medcode_practice.grading import key_answer, variants
from medcode_practice.grading.variants import (PREVIEW_STUDENT, TABLE_NAME, VariantError, build_table,
                                               check_variant, context, show_variant, slots_in_notebook,
                                               student_case, table_key, variant_key_answer, write_table)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "exercises" / "source" / "11-variants" / "11-variants.ipynb"
SALT = "unit-salt"


def key_text(case) -> str:
    key = key_answer(case)
    return ", ".join(key["diagnoses"] + key["procedures"] + key["pcs"])


@pytest.fixture
def shown(monkeypatch):
    """Capture what the notebook calls display."""
    captured: list[str] = []
    monkeypatch.setattr(variants, "_display", captured.append)
    return captured


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("MEDCODE_VARIANT_SALT", "MEDCODE_STUDENT_ID", "MEDCODE_ASSIGNMENT_ID", "NBGRADER_EXECUTION",
                 "JUPYTERHUB_USER"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def autograding(tmp_path, clean_env):
    """Stand in the folder nbgrader autogrades ada's hw1 in, with the salt visible."""
    folder = tmp_path / "autograded" / "ada" / "hw1"
    folder.mkdir(parents=True)
    clean_env.chdir(folder)
    clean_env.setenv("NBGRADER_EXECUTION", "autograde")
    clean_env.setenv("MEDCODE_VARIANT_SALT", SALT)
    return folder


@pytest.fixture
def student_side(tmp_path, clean_env):
    """Stand in ada's fetched hw1 folder on her server, where neither salt nor keys are visible."""
    folder = tmp_path / "home" / "hw1"
    folder.mkdir(parents=True)
    clean_env.chdir(folder)
    clean_env.setenv("JUPYTERHUB_USER", "ada")
    clean_env.setenv("MEDCODE_ASSESSMENT_DIR", str(tmp_path / "not-visible"))
    return folder


# ----------------------------------------------------------------------------------------------- seeds
def test_same_student_same_case_and_others_differ():
    """Is a student's case stable, and different for another student, slot, assignment or salt?"""
    case = student_case("fracture", "ada", "hw1", "q1", SALT)
    assert case == student_case("fracture", "ada", "hw1", "q1", SALT)
    assert case.pool == "assessment"
    for other in (("grace", "hw1", "q1", SALT), ("ada", "hw2", "q1", SALT), ("ada", "hw1", "q2", SALT),
                  ("ada", "hw1", "q1", "another-salt")):
        assert student_case("fracture", *other) != case


def test_empty_student_or_unknown_template_is_refused():
    """Does an empty student id or an unknown template raise a ValueError-kind error with a message?"""
    with pytest.raises(VariantError, match="student id"):
        student_case("fracture", " ", "hw1", "q1", SALT)
    with pytest.raises(ValueError, match="templates:"):
        student_case("no-such-template", "ada", "hw1", "q1", SALT)


def test_salt_comes_from_the_environment_then_the_sealed_file(clean_env, tmp_path):
    """Does MEDCODE_VARIANT_SALT win, the sealed variants.yaml follow, and nothing be found without either?"""
    sealed = tmp_path / "assessment"
    (sealed / "cases").mkdir(parents=True)
    (sealed / "variants.yaml").write_text("salt: from-the-file\n", encoding="utf-8")
    clean_env.setenv("MEDCODE_ASSESSMENT_DIR", str(sealed / "cases"))
    assert variants.salt() == "from-the-file"
    clean_env.setenv("MEDCODE_VARIANT_SALT", "from-env")
    assert variants.salt() == "from-env"
    clean_env.delenv("MEDCODE_VARIANT_SALT")
    clean_env.setenv("MEDCODE_ASSESSMENT_DIR", str(tmp_path / "nowhere"))
    assert variants.salt() is None


def test_the_repository_salt_is_sealed_with_the_keys():
    """Is the demo salt kept beside the assessment cases (never in the package or the exercises)?"""
    path = ROOT / "autograder" / "assessment" / "variants.yaml"
    assert path.is_file() and "salt:" in path.read_text(encoding="utf-8")
    assert not list((ROOT / "medcode_practice").rglob("variants.yaml"))


# ----------------------------------------------------------------------------------------------- context
def test_context_while_autograding(autograding):
    """Is the student read from the autograded folder (<student>/<assignment>)?"""
    assert context() == ("ada", "hw1")


def test_context_while_validating_the_source(clean_env, tmp_path):
    """Does validating the source use the preview student?"""
    clean_env.setenv("NBGRADER_EXECUTION", "validate")
    assert context(tmp_path / "source" / "hw1") == (PREVIEW_STUDENT, "hw1")


def test_context_on_a_students_server_and_overrides(student_side, clean_env):
    """Is the hub user the student on their own server, and do the MEDCODE_* variables win?"""
    assert context() == ("ada", "hw1")
    clean_env.setenv("MEDCODE_STUDENT_ID", "grace")
    clean_env.setenv("MEDCODE_ASSIGNMENT_ID", "hw9")
    assert context() == ("grace", "hw9")


# ----------------------------------------------------------------------------------------------- grading
def test_own_key_earns_full_points_and_the_others_does_not(autograding, shown):
    """At autograde, does ada's own key earn all points and grace's key less (where the keys differ)?"""
    mine = student_case("otitis-media", "ada", "hw1", "q1", SALT)
    assert check_variant("otitis-media", "q1", key_text(mine), points=3) == 3
    assert "mcp" in shown[-1] or "<" in shown[-1]
    differing = next(slot for slot in ("q1", "q2", "q3", "q4", "q5", "q6")
                     if key_text(student_case("otitis-media", "ada", "hw1", slot, SALT))
                     != key_text(student_case("otitis-media", "grace", "hw1", slot, SALT)))
    theirs = student_case("otitis-media", "grace", "hw1", differing, SALT)
    assert check_variant("otitis-media", differing, key_text(theirs), points=3) < 3


def test_feedback_hides_the_key(autograding, shown):
    """Does feedback for a wrong answer leave out the key codes the student did not enter?"""
    case = student_case("fracture", "ada", "hw1", "q1", SALT)
    check_variant("fracture", "q1", "R69", points=3)
    for code in case.key.diagnosis_codes:
        assert code not in shown[-1]


@pytest.mark.parametrize("answer", [None, 12, "", "???, ,,", {"diagnoses": 5}, ["E11.9", None], object()])
def test_bad_answers_never_raise_or_write_to_stderr(autograding, shown, capsys, answer):
    """Does any answer, however odd, give a number between 0 and the points with nothing on stderr?"""
    earned = check_variant("fracture", "q1", answer, points=3)
    assert 0 <= earned <= 3
    assert capsys.readouterr().err == ""


def test_bad_calls_never_raise(autograding, shown, capsys):
    """Do an unknown template and nonsense points score 0 with a note instead of an error?"""
    assert check_variant("no-such-template", "q1", "E11.9", points=3) == 0.0
    assert "could not be prepared" in shown[-1]
    assert check_variant("fracture", "q1", "E11.9", points="lots") == 0.0
    show_variant("no-such-template", "q1")
    assert capsys.readouterr().err == ""


def test_students_server_reads_back_without_grading(student_side, shown):
    """Without the salt, is the answer only read back and scored 0?"""
    assert check_variant("fracture", "q1", "S52.521A, W01.XXXA", points=3) == 0.0
    assert "Your answer was read: 2 codes" in shown[-1]
    assert check_variant("fracture", "q1", "", points=3) == 0.0
    assert "No answer yet" in shown[-1]


def test_key_answer_needs_the_salt(autograding):
    """Can the solution helper compute a key only where the salt is visible?"""
    assert variant_key_answer("fracture", "q1") == key_answer(student_case("fracture", "ada", "hw1", "q1", SALT))


def test_key_answer_refused_on_a_students_server(student_side):
    """Is the solution helper refused where no salt is visible?"""
    with pytest.raises(VariantError, match="salt"):
        variant_key_answer("fracture", "q1")


# ----------------------------------------------------------------------------------------------- table
def test_table_is_keyed_by_hash_and_holds_no_key(tmp_path):
    """Does the table hold each student's rendered records, keyed by a hash, with no key code or seed?"""
    slots = {"q1": "fracture", "q2": "injection"}
    table = build_table("hw1", ["ada", "grace", "ada"], slots, SALT)
    assert set(table["students"]) == {table_key("ada", "hw1"), table_key("grace", "hw1")}
    text = json.dumps(table)
    assert '"ada"' not in text and '"grace"' not in text
    for student in ("ada", "grace"):
        for slot, template in slots.items():
            case = student_case(template, student, "hw1", slot, SALT)
            assert case.patient.name in text
            assert case.id not in text
            for line in case.key.procedures:
                assert f">{line.code}<" not in text


def test_table_needs_students_and_slots():
    """Are an empty roster and a notebook without variant calls refused with a message?"""
    with pytest.raises(VariantError, match="no students"):
        build_table("hw1", ["", " "], {"q1": "fracture"}, SALT)
    with pytest.raises(VariantError, match="no show_variant"):
        build_table("hw1", ["ada"], {}, SALT)


def test_slots_of_the_example_assignment():
    """Does the example assignment declare at least three variant slots, each with one template?"""
    slots = slots_in_notebook(EXAMPLE)
    assert len(slots) >= 3
    from medcode_practice.records import templates

    assert set(slots.values()) <= set(templates.names())


def test_one_slot_two_templates_is_refused(tmp_path):
    """Is a slot used with two different templates reported?"""
    nb = {"cells": [{"cell_type": "code", "source": 'show_variant("fracture", "q1")'},
                    {"cell_type": "code", "source": 'check_variant("injection", "q1", answer, points=1)'}]}
    path = tmp_path / "hw.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(VariantError, match="two templates"):
        slots_in_notebook(path)


def test_student_sees_their_record_from_the_table(student_side, shown):
    """On ada's server, does show_variant display ada's record from variants.json (and not grace's)?"""
    table = build_table("hw1", ["ada", "grace"], {"q1": "fracture"}, SALT)
    (student_side / TABLE_NAME).write_text(json.dumps(table), encoding="utf-8")
    show_variant("fracture", "q1")
    assert student_case("fracture", "ada", "hw1", "q1", SALT).patient.name in shown[-1]
    assert "Your case for q1" in shown[-1]


def test_missing_table_or_student_explains(student_side, clean_env, shown):
    """Without a table, or for a student not on it, is there a plain explanation instead of an error?"""
    show_variant("fracture", "q1")
    assert "not here yet" in shown[-1]
    table = build_table("hw1", ["grace"], {"q1": "fracture"}, SALT)
    (student_side / TABLE_NAME).write_text(json.dumps(table), encoding="utf-8")
    show_variant("fracture", "q1")
    assert "No case was prepared for you" in shown[-1]
    (student_side / TABLE_NAME).write_text("{not json", encoding="utf-8")
    show_variant("fracture", "q1")
    assert "not here yet" in shown[-1]


def test_write_table_reads_the_notebooks(tmp_path):
    """Does write_table find the slots in the folder's notebooks and write variants.json beside them?"""
    folder = tmp_path / "hw1"
    folder.mkdir()
    (folder / "hw1.ipynb").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    path = write_table(folder, ["ada"], SALT)
    table = json.loads(path.read_text(encoding="utf-8"))
    assert table["assignment"] == "hw1" and table["slots"] == slots_in_notebook(EXAMPLE)
