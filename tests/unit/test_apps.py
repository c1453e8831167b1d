"""The practice apps driven in-process: build each app, set widget values and click buttons as a learner would."""

from __future__ import annotations

import logging

import ipywidgets as widgets
import pytest

from medcode_practice.apps import _safe, case_drill, claim_desk, denial_queue, em_leveler, index, lookup, terminology
from medcode_practice.apps._ui import find


def _text(widget) -> str:
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", widget.value))


def _all_widgets(root):
    stack = [root]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(getattr(current, "children", ()) or ())


INTERACTIVE = (widgets.Button, widgets.Text, widgets.Textarea, widgets.Dropdown, widgets.Select, widgets.Checkbox,
               widgets.ToggleButtons, widgets.BoundedIntText, widgets.Play)


# ---------------------------------------------------------------------------------------------- shared
@pytest.mark.parametrize("module", [index, lookup, case_drill, em_leveler, terminology, claim_desk, denial_queue])
def test_every_app_has_an_error_area_and_classed_widgets(module):
    """Does every app carry its name, an empty error area, and a CSS class on every interactive widget?"""
    app = module.build_app()
    assert "app" in app._dom_classes and any(c.startswith("app-") for c in app._dom_classes)
    assert find(app, "app-error").value == ""
    unnamed = [type(w).__name__ for w in _all_widgets(app) if isinstance(w, INTERACTIVE) and not w._dom_classes]
    assert unnamed == []


def test_guarded_shows_the_friendly_message_and_logs_the_detail(caplog):
    """Does a failing callback become the friendly message (no detail on the page) and a logged traceback?"""
    area = _safe.error_area()

    @_safe.guarded(area)
    def explode(_=None):
        raise KeyError("secret detail")

    with caplog.at_level(logging.ERROR, logger="medcode_practice.apps"):
        assert explode() is None
    assert _safe.FRIENDLY_MESSAGE in area.value
    assert "secret detail" not in area.value and "KeyError" not in area.value
    assert "secret detail" in caplog.text and "Traceback" in caplog.text


def test_fault_point_only_fires_for_its_app_and_input(monkeypatch):
    """Does the test hook raise only for the app and input named in MEDCODE_APPS_FAULT?"""
    _safe.fault_point("lookup", "anything")  # unset: no-op
    monkeypatch.setenv(_safe.FAULT_VARIABLE, "lookup:boom")
    _safe.fault_point("lookup", "other")
    _safe.fault_point("case_drill", "boom")
    with pytest.raises(_safe.ForcedFault):
        _safe.fault_point("lookup", " boom ")


def test_index_links_every_app_notebook():
    """Does the landing page link a notebook that exists for every app, each with a build_app?"""
    import importlib

    from medcode_practice.apps._server import notebooks_dir

    html = find(index.build_app(), "app-index-list").value
    for name, title, _ in index.APPS:
        assert f'href="{name}.ipynb"' in html and title in html
        notebook = notebooks_dir() / f"{name}.ipynb"
        assert notebook.exists(), notebook
        assert f"{name}.build_app()" in notebook.read_text()
        assert callable(importlib.import_module(f"medcode_practice.apps.{name}").build_app)


def test_app_notebooks_are_committed_without_outputs():
    """Are the app notebooks one code cell each, with no outputs or execution counts?"""
    import nbformat

    from medcode_practice.apps._server import notebooks_dir

    for path in sorted(notebooks_dir().glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert len(code) == 1, path.name
        assert code[0].outputs == [] and code[0].execution_count is None, path.name
        assert code[0].source == f"from medcode_practice.apps import {path.stem}\n{path.stem}.build_app()"


# ---------------------------------------------------------------------------------------------- lookup
def test_lookup_explains_a_missing_seventh_character():
    """Does looking up S72.001 say it needs a 7th character and list the 7th characters and Excludes notes?"""
    app = lookup.build_app("S72.001")
    detail = _text(find(app, "lookup-detail"))
    assert "needs a 7th character" in detail
    assert "initial encounter for closed fracture" in detail
    assert "Excludes1" in detail and "Excludes2" in detail
    assert "Chapter 19" in detail and "S72.00" in detail  # the hierarchy


def test_lookup_words_search_lists_the_pcs_appendectomy():
    """Does a words search for laparoscopic appendectomy list 0DTJ4ZZ, and does picking it show its axes?"""
    app = lookup.build_app()
    find(app, "lookup-query").value = "laparoscopic appendectomy"
    results = find(app, "lookup-results")
    values = [v for _, v in results.options]
    assert "ICD-10-PCS|0DTJ4ZZ" in values
    results.value = "ICD-10-PCS|0DTJ4ZZ"
    detail = _text(find(app, "lookup-detail"))
    assert "Resection" in detail and "Percutaneous Endoscopic" in detail
    find(app, "lookup-open-pcs").click()
    assert find(app, "lookup-tabs").selected_index == 1
    assert "0DTJ4ZZ" in find(find(app, "lookup-pcs"), "mcp-feedback").value


def test_lookup_shows_notes_cpt_label_modifiers_and_bad_codes():
    """Do notes, the not-AMA label, modifiers and the reason a typed code is wrong all reach the detail pane?"""
    app = lookup.build_app("E11.22")
    detail = _text(find(app, "lookup-detail"))
    assert "Use additional code" in detail and "N18" in detail
    query = find(app, "lookup-query")
    query.value = "99213"
    assert "not AMA CPT text" in _text(find(app, "lookup-detail"))
    query.value = "25"
    assert "Significant, separately identifiable" in _text(find(app, "lookup-detail"))
    query.value = "0DTJ4ZQ"
    assert "character 7 (Qualifier)" in _text(find(app, "lookup-detail"))
    query.value = "zzqqxx"
    assert "No codes match" in _text(find(app, "lookup-status"))
    assert find(app, "app-error").value == ""


def test_lookup_related_codes_navigate_the_hierarchy():
    """Does choosing a related code (a child) show that code?"""
    app = lookup.build_app("E11.2")
    related = find(app, "lookup-related")
    child = next(v for _, v in related.options if v.endswith("E11.22"))
    related.value = child
    assert "E11.22" in _text(find(app, "lookup-detail"))
    assert find(app, "lookup-results").value == child


def test_lookup_forced_error_is_friendly_and_the_app_still_works(monkeypatch):
    """After a callback fails, is the friendly message shown and does the next search work and clear it?"""
    monkeypatch.setenv(_safe.FAULT_VARIABLE, "lookup:force-an-error")
    app = lookup.build_app()
    find(app, "lookup-query").value = "force-an-error"
    assert _safe.FRIENDLY_MESSAGE in find(app, "app-error").value
    find(app, "lookup-query").value = "S72.001"
    assert find(app, "app-error").value == ""
    assert "needs a 7th character" in find(app, "lookup-detail").value


# ---------------------------------------------------------------------------------------------- case drill
def test_case_drill_key_earns_full_marks_and_a_wrong_seventh_is_explained():
    """Does the key earn 100%, a wrong 7th character half credit with its reason, and the session count both?"""
    from medcode_practice import records

    app = case_drill.build_app(case_id="OP-0036")
    answer, submit, feedback = find(app, "drill-answer"), find(app, "drill-submit"), find(app, "drill-feedback")
    assert "OP-0036" in find(app, "drill-record").value
    answer.value = case_drill.answer_text(records.load("OP-0036"))
    submit.click()
    assert "(100.0%)" in _text(feedback)
    answer.value = "S06.0X0A, 99214"
    submit.click()
    text = _text(feedback)
    assert "wrong 7th character" in text and "(A = initial encounter)" in text
    assert "first attempt counts" in text
    assert "3 / 3" in _text(find(app, "drill-score"))  # the first attempt is the one counted


def test_case_drill_filters_narrow_the_cases():
    """Do the topic, setting and difficulty filters narrow the case list, and say so when nothing matches?"""
    app = case_drill.build_app()
    menu = find(app, "drill-case")
    everything = len(menu.options)
    find(app, "drill-tag").value = "pcs"
    assert 0 < len(menu.options) < everything
    assert all(v.startswith("IP-") for _, v in menu.options)
    find(app, "drill-setting").value = "telehealth"
    assert menu.options == () and "No practice case matches" in find(app, "drill-count").value
    find(app, "drill-setting").value = ""
    find(app, "drill-difficulty").value = 3
    assert menu.value is not None and "difficulty 3" in menu.label


def test_case_drill_offers_only_practice_cases():
    """Are assessment cases kept out of the drill?"""
    app = case_drill.build_app()
    from medcode_practice import records

    ids = {v for _, v in find(app, "drill-case").options}
    assert ids == {c.id for c in records.all_cases("practice")}
    with pytest.raises(ValueError):
        case_drill.build_app(case_id="NO-SUCH")


def test_case_drill_exam_mode_is_timed_all_or_nothing_and_once():
    """Does exam mode start the clock, grade all-or-nothing, lock the answer, and grade on time-out?"""
    ticks = iter(range(0, 10_000, 7))
    app = case_drill.build_app(case_id="OP-0036", mode="exam", time_limit=60, clock=lambda: next(ticks))
    clock, timer = find(app, "drill-clock"), find(app, "drill-timer")
    assert clock.playing and "1:00" in timer.value
    assert find(app, "drill-show-key").layout.display == "none"
    clock.value = 30
    assert "0:30" in timer.value
    find(app, "drill-answer").value = "S06.0X0A, 99214"
    find(app, "drill-submit").click()
    text = _text(find(app, "drill-feedback"))
    assert "exam mode" in text and "1 / 2 points" in text
    assert find(app, "drill-answer").disabled and not clock.playing
    find(app, "drill-next").click()  # a new case restarts the clock
    assert clock.playing and not find(app, "drill-answer").disabled
    clock.value = 60
    assert "Time is up" in timer.value and "graded as entered" in _text(find(app, "drill-feedback"))
    assert "exam" in _text(find(app, "drill-score"))


def test_case_drill_explains_empty_answers_and_shows_the_key():
    """Is an empty answer met with a hint rather than a grade, and does Show the key reveal it in learning mode?"""
    app = case_drill.build_app(case_id="OP-0036")
    find(app, "drill-submit").click()
    assert "type your codes" in _text(find(app, "drill-feedback"))
    find(app, "drill-show-key").click()
    assert "Answer key" in find(app, "drill-record").value


# ---------------------------------------------------------------------------------------------- E/M leveler
def test_em_leveler_moderate_limited_moderate_established_is_99214():
    """Is moderate/limited/moderate for an established office patient 99214, with the 2-of-3 reasoning?"""
    app = em_leveler.build_app()
    find(app, "em-problems").value = "moderate"
    find(app, "em-data").value = "limited"
    find(app, "em-risk").value = "moderate"
    text = _text(find(app, "em-result"))
    assert "99214" in text and "problems and risk meet or exceed moderate" in text


def test_em_leveler_time_ed_and_the_data_counter():
    """Does time raise the level when it supports more, does the ED ignore time, and does counting data set it?"""
    app = em_leveler.build_app()
    for name, value in (("em-problems", "moderate"), ("em-data", "limited"), ("em-risk", "moderate")):
        find(app, name).value = value
    find(app, "em-minutes").value = "45"
    assert "99215" in _text(find(app, "em-result")) and "by time" in _text(find(app, "em-result"))
    find(app, "em-minutes").value = "forty"
    assert "whole number" in _text(find(app, "em-result"))
    find(app, "em-minutes").value = ""
    find(app, "em-setting").value = "emergency"
    assert "99284" in _text(find(app, "em-result")) and find(app, "em-minutes").disabled
    find(app, "em-count-results").value = 2
    find(app, "em-count-orders").value = 1
    find(app, "em-use-data").click()
    assert find(app, "em-data").value == "moderate"


# ---------------------------------------------------------------------------------------------- terminology
def test_terminology_flashcards_decks_and_flip():
    """Do decks filter by type and body system, and do cards flip?"""
    app = terminology.build_app(seed=2)
    find(app, "terms-type").value = "suffix"
    assert "cards" in find(app, "terms-deck-note").value
    cards = find(app, "terms-cards")
    assert "suffix" in find(cards, "mcp-card").value
    find(cards, "mcp-flip").click()
    assert "back" in find(cards, "mcp-counter").value
    find(app, "terms-system").value = "eye"
    assert "widen the deck" in find(app, "terms-deck-note").value


def test_terminology_challenge_accepts_the_term_and_explains_a_miss():
    """Is the right term accepted, is a wrong one read back part by part, and is the tally honest?"""
    app = terminology.build_app(seed=5)
    guess, feedback = find(app, "terms-guess"), find(app, "terms-feedback")
    guess.value = "xyzitis"
    assert "is not the term" in _text(feedback) and "inflammation" in _text(feedback)
    find(app, "terms-reveal").click()
    word = _text(feedback).split("The term is ")[1].split(" ")[0].strip(" .")
    guess.value = word
    assert "is right" in _text(feedback)
    assert "0 of 1" in _text(find(app, "terms-tally"))  # revealed, so not counted as built
    find(app, "terms-new").click()
    assert feedback.value == "" and guess.value == ""


def test_terminology_word_builder_builds_a_term():
    """Does the word builder join cardi/o and -megaly into cardiomegaly?"""
    app = terminology.build_app()
    builder = find(app, "terms-builder")
    find(builder, "mcp-root").value = "cardi/o"
    find(builder, "mcp-suffix").value = "-megaly"
    assert "cardiomegaly" in find(builder, "mcp-word").value


# ---------------------------------------------------------------------------------------------- claim desk
def test_claim_desk_denies_a_missing_25_and_pays_the_corrected_claim():
    """Is a missing modifier 25 caught by the scrubber, denied CO-97 by the payer, and paid after a frequency 7 fix?"""
    app = claim_desk.build_app(case_id="BL-0008")
    find(app, "claim-codes").value = "D22.5, I10, 99214, 11102"
    find(app, "claim-build").click()
    assert "CMS-1500 built" in _text(find(app, "claim-status")) and find(app, "claim-form").value
    find(app, "claim-scrub").click()
    assert "without modifier 25" in _text(find(app, "claim-scrub-report"))
    find(app, "claim-submit").click()
    remit = _text(find(app, "claim-remit"))
    assert "Denied" in remit and "CO-97" in remit and "M15" in remit
    assert "correct and resubmit" in _text(find(app, "claim-follow-up"))
    assert "CLP*BL-0008" in find(app, "claim-835").value  # the raw 835
    find(app, "claim-codes").value = "D22.5, I10, 99214-25, 11102"
    find(app, "claim-resubmit").click()
    remit = _text(find(app, "claim-remit"))
    assert "frequency 7" in remit and "Paid $95.76" in remit
    history = _text(find(app, "claim-history"))
    assert "Submission 2: replacement claim (frequency 7)" in history and "Paid $95.76" in history
    assert find(app, "app-error").value == ""


def test_claim_desk_explains_what_cannot_go_on_a_claim():
    """Are missing codes, unreadable codes and a resubmit before any submission met with a reason, not an error?"""
    app = claim_desk.build_app(case_id="OP-0006")
    find(app, "claim-build").click()
    assert "type your codes first" in _text(find(app, "claim-status"))
    find(app, "claim-resubmit").click()
    assert "Submit the claim first" in _text(find(app, "claim-status"))
    find(app, "claim-codes").value = "J44.1, 99214-25, qq"
    find(app, "claim-build").click()
    assert "Cannot build the claim" in _text(find(app, "claim-status"))
    find(app, "claim-use-key").click()
    assert "99214-25" in find(app, "claim-codes").value
    find(app, "claim-submit").click()
    assert "Paid" in _text(find(app, "claim-remit")) and find(app, "app-error").value == ""


def test_claim_desk_lists_only_claims_a_payer_adjudicates():
    """Are inpatient and self-pay cases, and cases with nothing to bill, kept off the claim desk?"""
    ids = {c.id for c in claim_desk.billable_cases()}
    from medcode_practice import records

    for case in records.all_cases("practice"):
        if case.id in ids:
            assert not case.is_inpatient and case.payer.type != "self_pay" and case.key.procedures
    assert "BL-0008" in ids
    with pytest.raises(ValueError):
        claim_desk.build_app(case_id="IP-0010")


# ---------------------------------------------------------------------------------------------- denial queue
def test_denial_queue_right_calls_follow_the_library():
    """Does each queued denial carry the library's action, and does only that action count as right?"""
    items = {item.case_id: item for item in denial_queue.build_queue()}
    expected = {"BL-0008": "correct", "BL-0005": "write off", "BL-0009": "appeal", "BL-0010": "bill patient"}
    for case_id, action in expected.items():
        item = items[case_id]
        assert item.right_action == action
        for _, other in denial_queue.ACTIONS:
            right, text = denial_queue.work(item, other)
            assert right == (other == action)
            assert ("Right call" in text) == right


def test_denial_queue_outcomes_show_what_happens():
    """Does a correction pay, a timely-filing appeal get overturned, and billing the patient for a CO denial refuse?"""
    items = {item.case_id: item for item in denial_queue.build_queue()}
    _, text = denial_queue.work(items["BL-0008"], "correct")
    assert "frequency 7" in text and "Paid $95.76" in text
    _, text = denial_queue.work(items["BL-0009"], "appeal")
    assert "Overturned" in text and "request reconsideration" in text
    _, text = denial_queue.work(items["BL-0008"], "bill patient")
    assert "Not allowed" in text and "CO" in text
    _, text = denial_queue.work(items["BL-0007"], "correct")
    assert "new claim (frequency 1)" in text and "Paid" in text


def test_denial_queue_app_scores_the_first_call_on_each_claim():
    """Does the app mark worked claims, count only the first action, and move on to the next open claim?"""
    app = denial_queue.build_app()
    queue, choice, work = find(app, "queue-list"), find(app, "queue-action"), find(app, "queue-work")
    assert queue.value == 0 and "BL-0008" in find(app, "queue-story").value
    work.click()
    assert "Choose an action first" in _text(find(app, "queue-outcome"))
    choice.value = "appeal"
    work.click()
    assert "Not the best call" in _text(find(app, "queue-outcome"))
    choice.value = "correct"
    work.click()
    assert "Only your first action" in _text(find(app, "queue-outcome"))
    assert "Right calls: 0 of 1" in _text(find(app, "queue-score"))
    assert queue.options[0][0].startswith("✗")
    find(app, "queue-next").click()
    assert queue.value == 1 and choice.value is None and find(app, "queue-outcome").value == ""
    choice.value = "write off"
    work.click()
    assert "Right calls: 1 of 2" in _text(find(app, "queue-score"))
