"""The grading engine: per-item verdicts, learning vs exam mode, lenient input, key-free feedback."""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medcode_practice.grading import grade, key_answer, parse_answer
from medcode_practice.records import parse_case

BASE = {
    "title": "grading fixture", "synthetic": True, "specialty": "family medicine", "difficulty": 2, "tags": [],
    "code_set_year": "FY2026",
    "patient": {"name": "Testy Fixture", "sex": "F", "date_of_birth": "1960-02-03"},
    "payer": {"name": "Medicare Part B", "type": "medicare", "member_id": "X"},
    "provider": {"name": "Doc Fixture, MD", "npi": "1234567893"},
    "documentation": {"assessment_plan": "fixture"},
}
OFFICE = parse_case({**BASE, "id": "OP-T001", "pool": "practice", "setting": "office",
                     "encounter": {"date": "2026-03-02", "place_of_service": "11"},
                     "key": {"diagnoses": [{"code": "E11.22", "rationale": "combination code, I.A.15"},
                                           {"code": "N18.31", "rationale": "use additional code for CKD stage"},
                                           {"code": "S93.401A", "rationale": "right ankle sprain, initial"}],
                             "procedures": [{"code": "99214", "modifiers": ["25"], "units": 1, "pointers": [1, 2],
                                             "rationale": "moderate MDM"},
                                            {"code": "J1885", "units": 2, "pointers": [3], "rationale": "30 mg"}],
                             "optional": [{"code": "Z79.84", "rationale": "oral drug use"}],
                             "common_errors": [{"code": "E11.9", "instead_of": "E11.22",
                                                "why": "E11.9 means without complications."}]}})
INPATIENT = parse_case({**BASE, "id": "IP-T001", "pool": "assessment", "setting": "inpatient",
                        "encounter": {"date": "2026-03-09", "admission_date": "2026-03-05",
                                      "place_of_service": "21", "discharge_status": 1},
                        "key": {"diagnoses": [{"code": "A41.51", "rationale": "sepsis first"},
                                              {"code": "R65.20", "rationale": "severe sepsis"},
                                              {"code": "N17.9", "rationale": "organ dysfunction"}],
                                "pcs": [{"code": "0DTJ4ZZ", "rationale": "laparoscopic appendectomy"}],
                                "ms_drg": 853}})


def _tags(score):
    return {v.tag for v in score.items}


@pytest.mark.parametrize("case", [OFFICE, INPATIENT], ids=["office", "inpatient"])
@pytest.mark.parametrize("mode", ["learning", "exam"])
def test_the_key_scores_full_marks_and_nothing_scores_zero(case, mode):
    """Does the key itself score the maximum, and an empty answer 0?"""
    best = grade(case, key_answer(case), mode=mode)
    assert best.max > 0 and best.total == best.max
    empty = grade(case, "", mode=mode)
    assert empty.total == 0 and empty.max == best.max


def test_wrong_seventh_character_gets_partial_credit_in_learning_only():
    """Is S93.401D for S93.401A a 'wrong 7th character' worth half in learning mode and nothing in exam?"""
    answer = "E11.22, N18.31, S93.401D, 99214-25, J1885 x2"
    learning = grade(OFFICE, answer)
    item = next(v for v in learning.items if v.entered == "S93.401D")
    assert item.tag == "wrong_7th" and item.points == 0.5 and "7th character" in item.message
    exam = grade(OFFICE, answer, mode="exam")
    assert next(v for v in exam.items if v.entered == "S93.401D").points == 0


def test_wrong_laterality_is_named():
    """Is the left-ankle code for a right-ankle sprain called wrong laterality?"""
    score = grade(OFFICE, "E11.22, N18.31, S93.402A")
    item = next(v for v in score.items if v.entered == "S93.402A")
    assert item.tag == "wrong_laterality" and "side" in item.message


def test_less_specific_and_same_category_rungs():
    """Does a sibling earn more than a same-category-only code, and does a listed common error explain itself?"""
    sibling = grade(OFFICE, "E11.29, N18.31, S93.401A")
    category = grade(OFFICE, "E11.9, N18.31, S93.401A")
    sib = next(v for v in sibling.items if v.entered == "E11.29")
    cat = next(v for v in category.items if v.entered == "E11.9")
    assert sib.tag == "less_specific" and cat.tag == "same_category" and sib.points > cat.points > 0
    assert "without complications" in cat.message


def test_principal_diagnosis_sequencing_is_scored_separately():
    """Does listing the right codes in the wrong order cost only the sequencing point?"""
    right = grade(OFFICE, "E11.22, N18.31, S93.401A", parts=("diagnoses",))
    swapped = grade(OFFICE, "N18.31, E11.22, S93.401A", parts=("diagnoses",))
    assert right.total - swapped.total == 1
    assert "wrong_position" in _tags(swapped)


def test_over_coding_costs_points_but_optional_codes_do_not():
    """Does an unsupported extra code reduce the part's credit to correct/max(entered, key), and Z79.84 not?"""
    base = grade(OFFICE, "E11.22, N18.31, S93.401A", parts=("diagnoses",))
    optional = grade(OFFICE, "E11.22, N18.31, S93.401A, Z79.84", parts=("diagnoses",))
    extra = grade(OFFICE, "E11.22, N18.31, S93.401A, R80.9", parts=("diagnoses",))
    assert optional.total == base.total
    assert "optional" in _tags(optional)
    assert extra.total == pytest.approx(base.total - 3 * (1 - 3 / 4))
    assert "extra" in _tags(extra)


def test_invalid_and_header_codes_are_reported_not_crashed():
    """Are a header code and gibberish reported as invalid items with a reason?"""
    score = grade(OFFICE, "E11, N18.31, banana, S93.401")
    invalid = [v for v in score.items if v.tag == "invalid"]
    messages = " ".join(v.message for v in invalid)
    assert "header" in messages and "7th character" in messages and "banana" in " ".join(v.entered for v in invalid)


def test_excludes1_conflict_is_flagged():
    """Is adding E10.22 beside E11.22 flagged as an Excludes1 conflict?"""
    score = grade(OFFICE, "E11.22, N18.31, S93.401A, E10.22")
    item = next(v for v in score.items if v.entered == "E10.22")
    assert item.tag == "excludes1" and "Excludes1" in item.message


def test_modifier_units_and_em_level_are_scored_separately():
    """Do a missing modifier 25, wrong J-code units and an E/M level one off each lose part of a line?"""
    full = grade(OFFICE, "99214-25, J1885 x2", parts=("procedures",))
    no_mod = grade(OFFICE, "99214, J1885 x2", parts=("procedures",))
    units = grade(OFFICE, "99214-25, J1885", parts=("procedures",))
    level = grade(OFFICE, "99213-25, J1885 x2", parts=("procedures",))
    assert full.total == full.max
    assert "modifier" in _tags(no_mod) and full.total - no_mod.total == 0.5
    assert "units" in _tags(units) and full.total - units.total == 0.5
    assert "em_level" in _tags(level) and 0 < level.total < full.total
    assert grade(OFFICE, "99214, J1885 x2", mode="exam", parts=("procedures",)).total < full.total


def test_pcs_axis_differences_are_explained():
    """Is an open appendectomy coded for a laparoscopic one told which axis differs?"""
    score = grade(INPATIENT, {"diagnoses": "A41.51, R65.20, N17.9", "pcs": "0DTJ0ZZ"}, reveal=True)
    item = next(v for v in score.items if v.part == "pcs")
    assert item.tag == "pcs_axis" and "Approach" in item.message and 0 < item.points < 1


def test_lenient_input_forms_agree():
    """Do a string, a list and a mapping with modifiers/units give the same score?"""
    text = grade(OFFICE, "e1122; n1831\nS93401A  99214-25  J1885x2")
    listed = grade(OFFICE, ["E11.22", "N18.31", "S93.401A", "99214 25", "J1885 * 2"])
    mapped = grade(OFFICE, {"diagnoses": ["E11.22", "N18.31", "S93.401A"], "procedures": ["99214", "J1885"],
                            "modifiers": {"99214": "25"}, "units": {"J1885": 2}})
    assert text.total == listed.total == mapped.total == text.max


def test_a_procedure_code_in_the_diagnosis_field_is_the_wrong_system():
    """Is 99213 entered as a diagnosis reported as the wrong kind of code?"""
    parsed = parse_answer({"diagnoses": "99213, E11.22"})
    assert parsed.diagnoses == ["E11.22"]
    assert "needs a diagnosis" in parsed.invalid[0][1]


def test_assessment_feedback_never_shows_key_codes():
    """For an assessment case, does a failing answer's feedback (text, HTML, JSON) hold no key code?"""
    score = grade(INPATIENT, {"diagnoses": "N17.9, A41.9, R65.21", "pcs": "0DTJ0ZZ"})
    assert not score.reveal
    shown = score.to_text() + score.to_html() + str(score.to_dict())
    for secret in ("A41.51", "A4151", "R65.20", "R6520", "0DTJ4ZZ"):
        assert secret not in shown, secret


def test_score_renders_for_notebook_and_terminal():
    """Does a Score render as an HTML table and as text with the total?"""
    score = grade(OFFICE, "E11.22, N18.31")
    assert "<table" in score.to_html() and "mcp-missing" in score.to_html()
    assert f"/ {score.max:g}" in score.to_text().replace(f"/ {int(score.max)}", f"/ {score.max:g}") or \
        str(int(score.max)) in score.to_text()
    assert score.tags["missing"] >= 1


tokens = st.sampled_from(["E11.22", "N18.31", "S93.401A", "S93.401D", "E11.9", "E11", "Z79.84", "R80.9",
                          "99214-25", "99213", "J1885 x2", "J1885", "0DTJ4ZZ", "A41.51", "N17.9", "xyz", ""])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(tokens, max_size=9), st.sampled_from(["learning", "exam"]))
def test_score_stays_within_bounds(answer, mode):
    """Does every answer score between 0 and the maximum?"""
    for case in (OFFICE, INPATIENT):
        score = grade(case, ", ".join(answer), mode=mode)
        assert 0 <= score.total <= score.max


@settings(max_examples=200, deadline=None)
@given(st.lists(tokens, min_size=1, max_size=8), st.randoms(use_true_random=False))
def test_order_does_not_matter_except_the_first_listed(answer, rnd):
    """With the first-listed diagnosis kept first, does shuffling everything else leave the score unchanged?"""
    firsts = [i for i, token in enumerate(answer) if parse_answer(token).diagnoses]
    lead = [answer.pop(firsts[0])] if firsts else []
    shuffled = answer[:]
    rnd.shuffle(shuffled)
    a = grade(OFFICE, ", ".join(lead + answer))
    b = grade(OFFICE, ", ".join(lead + shuffled))
    assert a.total == pytest.approx(b.total)


@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=40), st.lists(st.text(max_size=12), max_size=5),
                 st.dictionaries(st.sampled_from(["diagnoses", "procedures", "pcs", "modifiers", "units", "x"]),
                                 st.one_of(st.text(max_size=12), st.integers(), st.none()), max_size=4)))
def test_arbitrary_input_never_raises(answer):
    """Does any string, list or mapping grade without an exception?"""
    score = grade(OFFICE, answer)
    assert 0 <= score.total <= score.max


def test_random_permutations_of_the_key_keep_full_marks_in_the_procedure_part():
    """Does the order of service lines not matter?"""
    lines = key_answer(OFFICE)["procedures"]
    for seed in range(5):
        shuffled = lines[:]
        random.Random(seed).shuffle(shuffled)
        score = grade(OFFICE, {"procedures": shuffled}, parts=("procedures",))
        assert score.total == score.max


def test_redaction_also_masks_a_key_code_cut_short():
    """Is a key code quoted without its 7th character (T46.5X1 for T46.5X1A) masked in key-free feedback?"""
    from medcode_practice.grading import redact

    secrets = {"T465X1A", "E1122"}
    text = "See T46.5X1 and E11.2 and E11.22; keep I10 and T46 visible."
    masked = redact(text, secrets)
    assert "T46.5X1" not in masked and "E11.22" not in masked and "E11.2 " not in masked
    assert "I10" in masked and "T46 " in masked


def test_an_unknown_modifier_is_named_as_such():
    """Is a typo'd modifier (-2X) reported as not a modifier, not just as the wrong one?"""
    score = grade(OFFICE, "99214-2X, J1885 x2", parts=("procedures",))
    item = next(v for v in score.items if v.entered.startswith("99214"))
    assert item.tag == "modifier" and "-2X is not a CPT or HCPCS modifier" in item.message
