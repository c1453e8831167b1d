"""Lesson self-check widgets, driven in-process: type into the box, click the button, read the feedback."""

import pytest

from medcode_practice import grading, records
from medcode_practice.apps import selfcheck
from medcode_practice.apps.selfcheck import find
from medcode_practice.codes import em


def answer_with(box, text: str, button: str = "mcp-check") -> str:
    """Type ``text`` into the box's answer field, click the button, return the feedback HTML."""
    find(box, "mcp-answer").value = text
    find(box, button).click()
    return find(box, "mcp-feedback").value


# ------------------------------------------------------------------------------------------ multiple choice
@pytest.fixture
def question():
    return selfcheck.multiple_choice("Which code set reports inpatient hospital procedures?",
                                     ["CPT", "ICD-10-PCS", "HCPCS Level II"], "ICD-10-PCS",
                                     "Hospitals report inpatient procedures with ICD-10-PCS.")


def test_every_widget_is_a_classed_vbox(question):
    """Does each self-check come back as a VBox with the classes browser tests select by?"""
    boxes = [question, selfcheck.code_entry("Hypertension", "I10"), selfcheck.case_check("OP-0012"),
             selfcheck.flashcards([("a", "b")]), selfcheck.word_builder(), selfcheck.pcs_navigator(),
             selfcheck.mdm_grid()]
    kinds = ["multiple-choice", "code-entry", "case-check", "flashcards", "word-builder", "pcs-navigator", "mdm-grid"]
    for box, kind in zip(boxes, kinds):
        assert type(box).__name__ == "VBox"
        assert "mcp-selfcheck" in box._dom_classes and f"mcp-{kind}" in box._dom_classes
        find(box, "mcp-feedback")


def test_multiple_choice_gives_immediate_feedback(question):
    """Is a missing, wrong and right choice each answered at once, without giving the answer away when wrong?"""
    options, check, feedback = find(question, "mcp-options"), find(question, "mcp-check"), find(question, "mcp-feedback")
    check.click()
    assert "Choose an answer first" in feedback.value
    options.value = "CPT"
    check.click()
    assert "Not quite" in feedback.value and "mcp-fb-no" in feedback.value and "inpatient procedures" not in feedback.value
    options.value = "ICD-10-PCS"
    check.click()
    assert "Correct" in feedback.value and "inpatient procedures with ICD-10-PCS" in feedback.value


def test_multiple_choice_reveals_on_request_and_accepts_an_index():
    """Does Show answer name the answer, and may the answer be given by position?"""
    box = selfcheck.multiple_choice("Pick two", ["one", "two"], 1)
    find(box, "mcp-reveal").click()
    assert "“two”" in find(box, "mcp-feedback").value
    with pytest.raises(ValueError, match="not one of the options"):
        selfcheck.multiple_choice("?", ["a", "b"], "c")


# ------------------------------------------------------------------------------------------ code entry
@pytest.fixture
def diabetic_ckd():
    return selfcheck.code_entry("Type 2 diabetes with diabetic CKD, stage 3a", ["E11.22", "N18.31"],
                                "Combination code plus the stage from the use-additional-code note.")


def test_code_entry_accepts_codes_with_or_without_dots(diabetic_ckd):
    """Are e1122 and N18.31 both read as the expected codes, in any case?"""
    feedback = answer_with(diabetic_ckd, "e1122, N18.31")
    assert "All correct" in feedback and "E11.22" in feedback and "stage from the use-additional-code" in feedback


def test_code_entry_notes_the_order(diabetic_ckd):
    """Are right codes in the wrong order accepted with a note about the first-listed code?"""
    feedback = answer_with(diabetic_ckd, "N18.31 E11.22")
    assert "All correct" in feedback and "expected order starts with <code>E11.22</code>" in feedback


def test_code_entry_says_what_is_right_missing_and_extra(diabetic_ckd):
    """Does a partial answer list the right code, count the missing one (without naming it) and name the extra?"""
    feedback = answer_with(diabetic_ckd, "E11.22, I10")
    assert "Right:" in feedback and "E11.22" in feedback
    assert "Missing:</b> 1 code" in feedback and "N18.31" not in feedback
    assert "Not expected here:" in feedback and "I10" in feedback and "hypertension" in feedback.lower()


@pytest.mark.parametrize("typed, reason", [
    ("E11", "is a header, not a billable code"),
    ("S72.001", "needs a 7th character"),
    ("E1.122", "dot goes after the 3rd character"),
    ("T78.3A", "placeholder X"),
    ("banana", "does not look like"),
])
def test_code_entry_explains_unusable_codes(diabetic_ckd, typed, reason):
    """Does a header, a code without its 7th character or a malformed code get the specific reason?"""
    feedback = answer_with(diabetic_ckd, typed)
    assert "Cannot be used as typed" in feedback and reason in feedback


def test_code_entry_limited_to_a_system():
    """Is a valid code from another system refused with a wrong-system message?"""
    box = selfcheck.code_entry("Established patient, low MDM", "99213", system="cpt")
    assert "needs a procedure or service (CPT)" in answer_with(box, "E11.9")
    assert "All correct" in answer_with(box, "99213")


def test_code_entry_empty_answer_and_reveal(diabetic_ckd):
    """Is an empty answer met with a prompt, and does Show answer list the expected codes?"""
    assert "Type one or more codes" in answer_with(diabetic_ckd, "   ")
    find(diabetic_ckd, "mcp-reveal").click()
    feedback = find(diabetic_ckd, "mcp-feedback").value
    assert "E11.22" in feedback and "N18.31" in feedback


def test_code_entry_rejects_a_bad_key_when_built():
    """Does a lesson author's header or unknown expected code fail when the widget is built?"""
    with pytest.raises(Exception, match="header"):
        selfcheck.code_entry("?", "E11")


# ------------------------------------------------------------------------------------------ case check
def test_case_check_shows_the_record_folded_and_grades():
    """Is the record folded at first, and does a correct answer get a full learning-mode score?"""
    box = selfcheck.case_check("OP-0012")
    record = find(box, "mcp-record")
    assert record.selected_index is None and "OP-0012" in record.children[0].value
    feedback = answer_with(box, "H66.002, Z77.22")
    assert 'class="mcp-score"' in feedback and "learning mode" in feedback
    assert "mcp-exact" in feedback and "mcp-missing" not in feedback


def test_case_check_handles_empty_and_unreadable_answers():
    """Is an empty answer prompted for, and an unreadable one graded as invalid rather than crashing?"""
    box = selfcheck.case_check("OP-0012")
    assert "press Grade" in answer_with(box, "")
    feedback = answer_with(box, "banana")
    assert "mcp-invalid" in feedback and "does not look like" in feedback


def test_case_check_refuses_unknown_parts_and_assessment_cases():
    """Are a bad part name and a sealed assessment case refused when the widget is built?"""
    with pytest.raises(ValueError, match="parts must be"):
        selfcheck.case_check("OP-0012", parts=("dx",))
    sealed = records.all_cases("assessment")
    if sealed:
        with pytest.raises(ValueError, match="assessment"):
            selfcheck.case_check(sealed[0].id)


def test_an_error_inside_a_callback_becomes_a_friendly_message(monkeypatch):
    """When grading itself fails, does the learner see the friendly message instead of a silent nothing?"""
    box = selfcheck.case_check("OP-0012")

    def broken(*args, **kwargs):
        raise RuntimeError("grader exploded")

    monkeypatch.setattr(grading, "grade", broken)
    feedback = answer_with(box, "H66.002")
    assert selfcheck.FRIENDLY_ERROR in feedback and "mcp-fb-error" in feedback
    assert "grader exploded" not in feedback and "RuntimeError" not in feedback  # no internals for learners


# ------------------------------------------------------------------------------------------ flashcards
def test_flashcards_flip_next_and_shuffle():
    """Does Flip show the back, Next move on to the next front (wrapping), and Shuffle restart the deck?"""
    cards = [("-ectomy", "surgical removal"), ("-otomy", "cutting into"), ("-ostomy", "making an opening")]
    box = selfcheck.flashcards(cards, seed=3)
    card, counter = find(box, "mcp-card"), find(box, "mcp-counter")
    assert "-ectomy" in card.value and "Card 1 of 3" in counter.value
    find(box, "mcp-flip").click()
    assert "surgical removal" in card.value and "mcp-card-back" in card.value
    for expected in ("-otomy", "-ostomy", "-ectomy"):
        find(box, "mcp-next").click()
        assert expected in card.value and "mcp-card-front" in card.value
    find(box, "mcp-shuffle").click()
    assert "Card 1 of 3" in counter.value and any(front in card.value for front, _ in cards)
    with pytest.raises(ValueError):
        selfcheck.flashcards([])


# ------------------------------------------------------------------------------------------ word builder
def test_word_builder_builds_and_reads_a_term():
    """Does choosing peri- + cardi/o + -itis build 'pericarditis' and read it from the suffix?"""
    box = selfcheck.word_builder(["peri-", "cardi/o", "gastr/o", "-itis", "-megaly"])
    find(box, "mcp-prefix").value = "peri-"
    find(box, "mcp-root").value = "cardi/o"
    find(box, "mcp-suffix").value = "-itis"
    word = find(box, "mcp-word").value
    assert "<b>pericarditis</b>" in word and word.index("inflammation") < word.index("around")
    assert "a real term" in word
    find(box, "mcp-prefix").value = ""
    find(box, "mcp-suffix").value = "-megaly"
    assert "<b>cardiomegaly</b>" in find(box, "mcp-word").value


def test_word_builder_takes_a_typed_term_apart():
    """Does typing a term list its parts, and does a term with no letters get a prompt?"""
    box = selfcheck.word_builder()
    feedback = answer_with(box, "cholecystectomy")
    for piece in ("chole", "cyst", "-ectomy", "surgical removal"):
        assert piece in feedback
    assert "Type a medical term" in answer_with(box, "1234")


# ------------------------------------------------------------------------------------------ PCS navigator
def test_pcs_navigator_builds_a_code_axis_by_axis():
    """Does choosing 0, D, T, J, 4, Z, Z one axis at a time end at 0DTJ4ZZ with its meaning shown?"""
    box = selfcheck.pcs_navigator()
    choice = find(box, "mcp-next-choice")
    assert [value for _, value in choice.options] == ["0", "1"]
    for value in "0DTJ4ZZ":
        assert value in [v for _, v in choice.options]
        choice.value = value
    assert "Resection of Appendix, Percutaneous Endoscopic Approach" in find(box, "mcp-feedback").value
    axes = find(box, "mcp-axes").value
    assert "Appendix" in axes and "Percutaneous Endoscopic" in axes and "Cutting out or off" in axes
    assert choice.disabled
    find(box, "mcp-back").click()
    assert not choice.disabled and choice.description == "Qualifier:"
    find(box, "mcp-reset").click()
    assert "_______" in find(box, "mcp-code").value


def test_pcs_navigator_starts_from_a_prefix_and_explains_bad_ones():
    """Does a start prefix open at its next axis, and is a character the tables refuse explained, not raised?"""
    box = selfcheck.pcs_navigator("0DTJ")
    assert find(box, "mcp-next-choice").description == "Approach:"
    assert "Appendix" in find(box, "mcp-axes").value
    feedback = answer_with(box, "0DTI")
    assert "I and O" in feedback or "cannot be" in feedback
    assert "cannot be" in answer_with(box, "0DTD")
    assert "not taught here" in answer_with(box, "B020ZZZ")
    bad_start = selfcheck.pcs_navigator("0D@")
    assert "mcp-fb-no" in find(bad_start, "mcp-feedback").value


# ------------------------------------------------------------------------------------------ MDM grid
def choose(box, problems="moderate", data="limited", risk="moderate", status="established", minutes=""):
    find(box, "mcp-problems").value = problems
    find(box, "mcp-data").value = data
    find(box, "mcp-risk").value = risk
    find(box, "mcp-patient-status").value = status
    find(box, "mcp-minutes").value = minutes
    find(box, "mcp-check").click()
    return find(box, "mcp-feedback").value


def test_mdm_grid_applies_two_of_three():
    """Do moderate problems and risk with limited data give 99214 (established) and 99204 (new)?"""
    box = selfcheck.mdm_grid()
    feedback = choose(box)
    assert "99214" in feedback and "MDM is <b>moderate</b>" in feedback and "problems, risk" in feedback
    assert "99204" in choose(box, status="new")
    assert "99215" in choose(box, problems="high", data="extensive", risk="low")


def test_mdm_grid_uses_time_when_it_supports_more():
    """Does 45 minutes lift a low-MDM established visit to 99215, and 70 minutes add 99417 units?"""
    box = selfcheck.mdm_grid()
    feedback = choose(box, problems="low", data="minimal", risk="low", minutes="45")
    assert "99215" in feedback and "time is used" in feedback
    assert "99417</code> × 2" in choose(box, minutes="70")


def test_mdm_grid_bad_minutes_get_a_friendly_message(monkeypatch):
    """Is non-numeric time answered with a plain instruction, and an unexpected failure with the friendly message?"""
    box = selfcheck.mdm_grid()
    assert "must be a whole number" in choose(box, minutes="about ten")

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(em, "office_code", broken)
    assert selfcheck.FRIENDLY_ERROR in choose(box, minutes="")


def test_find_names_a_missing_class(question):
    """Does find() say which class it could not find?"""
    with pytest.raises(LookupError, match="mcp-nothing"):
        find(question, "mcp-nothing")
