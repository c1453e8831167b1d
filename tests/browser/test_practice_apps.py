"""The practice apps in a real browser: load each page under Voila, act as a learner, check what is shown."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

READY = {"index": ".app-index-list", "lookup": ".lookup-query input", "case_drill": ".drill-answer textarea",
         "em_leveler": ".em-result", "terminology": ".terms-cards .mcp-card", "claim_desk": ".claim-build",
         "denial_queue": ".queue-list"}
FRIENDLY = "Something went wrong with that request"


@pytest.fixture(scope="module")
def app_page(browser_context, voila_server):
    """Open each app page once for the module (a page is a kernel: opening it again would cost a second start)."""
    pages = {}

    def open_app(name: str):
        if name not in pages:
            page = browser_context.new_page()
            page.goto(voila_server.url(name))
            page.wait_for_selector(READY[name], state="attached", timeout=60_000)
            pages[name] = page
        return pages[name]

    yield open_app
    for page in pages.values():
        page.close()


def shot(page, artifacts, name: str) -> None:
    """Save a screenshot of the whole app (Voila scrolls inside the page, so grow the viewport to fit it)."""
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll('.app')].map(e => e.scrollHeight), 600)")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 120, 4000)})
    try:
        page.screenshot(path=str(artifacts / f"{name}.png"))
    finally:
        page.set_viewport_size(size)


def expect_text(locator, text, timeout: float = 20_000):
    from playwright.sync_api import expect

    expect(locator).to_contain_text(text, timeout=timeout)


def no_traceback(page) -> None:
    body = page.inner_text("body")
    assert "Traceback" not in body and "File \"" not in body, "code or a traceback reached the learner's page"


# ---------------------------------------------------------------------------------------------- landing page
def test_landing_page_lists_and_links_every_app(app_page, artifacts, voila_server):
    """Does the landing page list every app with a line about it, and does a link open that app?"""
    from medcode_practice.apps.index import APPS

    page = app_page("index")
    links = page.locator(".app-index-list a")
    assert links.count() == len(APPS)
    for name, title, _ in APPS:
        assert page.locator(f'.app-index-list a[href="{name}.ipynb"]').inner_text().strip() == title
    shot(page, artifacts, "index")
    page.click('.app-index-list a[href="em_leveler.ipynb"]')
    page.wait_for_selector(READY["em_leveler"], state="attached", timeout=60_000)
    assert page.url == voila_server.url("em_leveler")
    page.go_back()


def test_closing_a_page_stops_its_kernel(browser_context, voila_server):
    """When a learner closes the tab, does Voila stop that page's kernel (instead of keeping ~60 MiB per visit)?"""
    import time

    page = browser_context.new_page()
    page.goto(voila_server.url("index"))
    page.wait_for_selector(READY["index"], state="attached", timeout=60_000)
    kernel_id = page.evaluate("() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    assert kernel_id in voila_server.kernel_ids()
    page.close(run_before_unload=True)  # what closing a tab does: Voila's beforeunload beacon asks for a shutdown
    deadline = time.monotonic() + 15
    while kernel_id in voila_server.kernel_ids() and time.monotonic() < deadline:
        time.sleep(0.25)
    assert kernel_id not in voila_server.kernel_ids()


# ---------------------------------------------------------------------------------------------- lookup
def test_lookup_explains_a_missing_seventh_character(app_page, artifacts):
    """Does typing S72.001 show that it needs a 7th character, with its Excludes notes and 7th characters?"""
    page = app_page("lookup")
    page.fill(".lookup-query input", "S72.001")
    page.press(".lookup-query input", "Enter")
    detail = page.locator(".lookup-detail")
    expect_text(detail, "needs a 7th character")
    expect_text(detail, "Excludes2")
    expect_text(detail, "initial encounter for closed fracture")
    shot(page, artifacts, "lookup-s72001")


def test_lookup_search_finds_the_pcs_appendectomy(app_page, artifacts):
    """Does a words search for laparoscopic appendectomy list 0DTJ4ZZ, and can it be opened in the PCS builder?"""
    page = app_page("lookup")
    page.fill(".lookup-query input", "laparoscopic appendectomy")
    page.click(".lookup-search")
    results = page.locator(".lookup-results select")
    expect_text(results, "0DTJ4ZZ")
    option = page.locator(".lookup-results option", has_text="0DTJ4ZZ").first.get_attribute("value")
    page.select_option(".lookup-results select", value=option)
    expect_text(page.locator(".lookup-detail"), "Resection of Appendix")
    page.click(".lookup-open-pcs")
    expect_text(page.locator(".lookup-pcs .mcp-feedback"), "0DTJ4ZZ")
    shot(page, artifacts, "lookup-pcs")


def test_lookup_pcs_builder_goes_axis_by_axis(app_page):
    """Does the PCS tab offer only the values the tables allow at each axis, and finish with a description?"""
    page = app_page("lookup")
    page.click(".lookup-pcs .mcp-reset")
    expect_text(page.locator(".lookup-pcs .mcp-next-choice"), "Section")
    from medcode_practice.codes.icd10pcs import AXES

    for axis, value in zip(AXES, "0DTJ4ZZ"):
        # The options are replaced after each choice: wait for this axis's list before choosing from it.
        expect_text(page.locator(".lookup-pcs .mcp-next-choice"), axis)
        option = page.locator(".lookup-pcs .mcp-next-choice option", has_text=re.compile(f"^{value}\\s")).first
        page.select_option(".lookup-pcs .mcp-next-choice select", value=option.get_attribute("value"))
    expect_text(page.locator(".lookup-pcs .mcp-feedback"), "Resection of Appendix, Percutaneous Endoscopic")


def test_lookup_cpt_descriptor_is_labelled_practice_text(app_page):
    """Is a CPT descriptor labelled as plain-words practice text, not AMA text?"""
    page = app_page("lookup")
    page.click(".lookup-tabs .lm-TabBar-tab >> nth=0")
    page.fill(".lookup-query input", "99213")
    page.press(".lookup-query input", "Enter")
    expect_text(page.locator(".lookup-detail .lookup-not-ama"), "not AMA CPT text")


def test_an_error_in_a_callback_is_friendly_and_the_app_keeps_working(app_page, artifacts, voila_server):
    """Does a failing callback show the friendly message (no traceback), log the detail, and leave the app usable?"""
    page = app_page("lookup")
    page.click(".lookup-tabs .lm-TabBar-tab >> nth=0")
    page.fill(".lookup-query input", voila_server.fault_input)
    page.press(".lookup-query input", "Enter")
    expect_text(page.locator(".app-error"), FRIENDLY)
    no_traceback(page)
    shot(page, artifacts, "lookup-error")
    page.fill(".lookup-query input", "E11.22")
    page.press(".lookup-query input", "Enter")
    expect_text(page.locator(".lookup-detail"), "Use additional code")
    assert page.locator(".app-error").inner_text().strip() == ""
    assert "ForcedFault" in voila_server.log_text()  # the detail went to the server log, not the page


# ---------------------------------------------------------------------------------------------- case drill
def _open_case(page, case_id: str) -> None:
    value = page.locator(".drill-case option", has_text=case_id).first.get_attribute("value")
    page.select_option(".drill-case select", value=value)
    expect_text(page.locator(".drill-record"), case_id)


def test_case_drill_gives_full_marks_for_the_key(app_page, artifacts):
    """Does the key of a case, typed as a learner would, earn full marks and a session score?"""
    from medcode_practice import records
    from medcode_practice.apps.case_drill import answer_text

    page = app_page("case_drill")
    _open_case(page, "OP-0036")
    page.fill(".drill-answer textarea", answer_text(records.load("OP-0036")))
    page.click(".drill-submit")
    expect_text(page.locator(".drill-feedback"), "(100.0%)")
    expect_text(page.locator(".drill-score"), "100.0%")
    shot(page, artifacts, "case-drill-full-marks")


def test_case_drill_explains_a_wrong_seventh_character(app_page, artifacts):
    """Does a wrong 7th character get partial credit with the specific explanation?"""
    page = app_page("case_drill")
    _open_case(page, "OP-0036")
    page.fill(".drill-answer textarea", "S06.0X0A, 99214")
    page.click(".drill-submit")
    feedback = page.locator(".drill-feedback")
    expect_text(feedback, "wrong 7th character")
    expect_text(feedback, "S06.0X0A has the wrong 7th character (A = initial encounter)")
    shot(page, artifacts, "case-drill-wrong-7th")


def test_case_drill_exam_mode_is_timed_and_all_or_nothing(app_page, artifacts):
    """Does exam mode count down in the browser and grade all-or-nothing, one attempt?"""
    page = app_page("case_drill")
    _open_case(page, "OP-0036")
    page.click(".drill-mode button:has-text('Exam')")
    timer = page.locator(".drill-timer")
    expect_text(timer, "left for this case")
    expect_text(timer, re.compile(r"9:5\d"), timeout=10_000)  # the clock ticks
    page.fill(".drill-answer textarea", "S06.0X0A, 99214")
    page.click(".drill-submit")
    feedback = page.locator(".drill-feedback")
    expect_text(feedback, "exam mode")
    expect_text(feedback, "1 / 2 points (50.0%)")
    assert page.locator(".drill-submit").is_disabled()
    expect_text(page.locator(".drill-score"), "exam")
    shot(page, artifacts, "case-drill-exam")
    page.click(".drill-mode button:has-text('Learning')")


# ---------------------------------------------------------------------------------------------- E/M leveler
def test_em_leveler_moderate_limited_moderate_is_99214(app_page, artifacts):
    """Does an established office visit with moderate problems, limited data and moderate risk level at 99214?"""
    page = app_page("em_leveler")
    page.click(".em-problems button:text-is('moderate')")
    page.click(".em-data button:text-is('limited')")
    page.click(".em-risk button:text-is('moderate')")
    result = page.locator(".em-result")
    expect_text(result, "99214")
    expect_text(result, "problems and risk meet or exceed moderate")
    shot(page, artifacts, "em-leveler-99214")
    page.select_option(".em-setting select", label="Emergency department")
    expect_text(result, "99284")


# ---------------------------------------------------------------------------------------------- terminology
def test_terminology_flashcards_flip_and_a_word_is_built(app_page, artifacts):
    """Do flashcards flip, does the word builder build a word, and does the challenge accept the right term?"""
    page = app_page("terminology")
    expect_text(page.locator(".terms-cards .mcp-counter"), "front")
    page.click(".terms-cards .mcp-flip")
    expect_text(page.locator(".terms-cards .mcp-counter"), "back")
    shot(page, artifacts, "terminology-card")
    page.click(".terms-tabs .lm-TabBar-tab >> nth=2")
    page.click(".terms-reveal")
    word = page.locator(".terms-feedback b").first.inner_text().strip()
    page.fill(".terms-guess input", word)
    page.press(".terms-guess input", "Enter")
    expect_text(page.locator(".terms-feedback"), "is right")
    page.click(".terms-tabs .lm-TabBar-tab >> nth=1")
    page.select_option(".terms-builder .mcp-root select", value=page.locator(
        ".terms-builder .mcp-root option", has_text="cardi/o").first.get_attribute("value"))
    page.select_option(".terms-builder .mcp-suffix select", value=page.locator(
        ".terms-builder .mcp-suffix option", has_text="-megaly").first.get_attribute("value"))
    expect_text(page.locator(".terms-builder .mcp-word"), "cardiomegaly")
    shot(page, artifacts, "terminology-builder")


# ---------------------------------------------------------------------------------------------- claim desk
def test_claim_desk_denial_for_a_missing_25_then_paid_after_the_fix(app_page, artifacts):
    """Does a claim sent without modifier 25 come back denied CO-97, and the frequency 7 replacement get paid?"""
    page = app_page("claim_desk")
    value = page.locator(".claim-case option", has_text="BL-0008").first.get_attribute("value")
    page.select_option(".claim-case select", value=value)
    expect_text(page.locator(".claim-record"), "BL-0008")
    page.fill(".claim-codes textarea", "D22.5, I10, 99214, 11102")
    page.click(".claim-build")
    expect_text(page.locator(".claim-form"), "99214")
    page.click(".claim-scrub")
    expect_text(page.locator(".claim-scrub-report"), "without modifier 25")
    page.click(".claim-submit")
    remit = page.locator(".claim-remit")
    expect_text(remit, "Denied: nothing paid")
    expect_text(remit, "CO-97")
    shot(page, artifacts, "claim-desk-denied")
    page.fill(".claim-codes textarea", "D22.5, I10, 99214-25, 11102")
    page.click(".claim-resubmit")
    expect_text(remit, "frequency 7")
    expect_text(remit, "Paid $95.76")
    expect_text(page.locator(".claim-history"), "replacement claim (frequency 7)")
    shot(page, artifacts, "claim-desk-paid")


# ---------------------------------------------------------------------------------------------- denial queue
def test_denial_queue_scores_the_call_on_each_claim(app_page, artifacts):
    """Is a wrong call explained with the better one, a right call confirmed, and the score kept?"""
    page = app_page("denial_queue")
    expect_text(page.locator(".queue-story"), "BL-0008")
    page.click(".queue-action button:text-is('Appeal')")
    page.click(".queue-work")
    outcome = page.locator(".queue-outcome")
    expect_text(outcome, "Not the best call")
    expect_text(outcome, "Better: Correct and resubmit")
    value = page.locator(".queue-list option", has_text="BL-0005").first.get_attribute("value")
    page.select_option(".queue-list select", value=value)
    expect_text(page.locator(".queue-story"), "BL-0005")
    page.click(".queue-action button:text-is('Write off')")
    page.click(".queue-work")
    expect_text(outcome, "Right call")
    expect_text(page.locator(".queue-score"), "Right calls: 1 of 2")
    shot(page, artifacts, "denial-queue")
