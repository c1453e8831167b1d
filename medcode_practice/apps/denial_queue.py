"""Denial queue: work denied claims — correct and resubmit, appeal, write off or bill the patient — and see the result.

Each claim in the queue is a practice case billed with one realistic mistake (a missing modifier 25, the
authorization number left off, a blank rendering NPI, a claim filed late) or a claim the payer rightly denies
(no authorization obtained, a non-covered service under an ABN). The payer is the library's synthetic payer; the
right call is the library's follow-up rule for the denial's reason and remark codes
(:func:`medcode_practice.claims.denials.action_for`). Working a claim shows what that action leads to — a paid
replacement claim, an upheld appeal, money lost — and whether it was the right call.

>>> from medcode_practice.apps import denial_queue
>>> items = denial_queue.build_queue()
>>> next(i for i in items if i.case_id == "BL-0008").right_action
'correct'
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

import ipywidgets as widgets

from .. import claims, records
from ..claims import denials, reason_codes
from ._claims_view import claim_lines_html, headline, money, remit_html
from ._safe import error_area, fault_point, guarded, log
from ._ui import button, classed, find, frame, message

__all__ = ["build_app", "build_queue", "work", "QueueItem", "ACTIONS", "find"]

# The four choices a biller has here, and the library's follow-up actions they stand for.
ACTIONS = (("Correct and resubmit", "correct"), ("Appeal", "appeal"), ("Write off", "write off"),
           ("Bill the patient", "bill patient"))
_FROM_LIBRARY = {"correct and resubmit": "correct", "appeal": "appeal", "write off": "write off",
                 "bill patient": "bill patient"}
_ROUTINE = {"45", "1", "2", "3", "253", "59", "23", "94"}


@dataclass(frozen=True)
class Scenario:
    """How a queue item came about: the case, the mistake that was sent, and what fixes or proves it."""

    case_id: str
    story: str
    mistake: Callable  # key claim -> the claim that was sent
    fix: Callable | None = None  # (sent claim, remittance) -> the claim a correction sends
    appeal_evidence: Callable | None = None  # sent claim -> the claim as the payer reprocesses it on appeal
    argument: str = ""


def _without_25(claim):
    return replace(claim, lines=tuple(replace(line, modifiers=tuple(m for m in line.modifiers if m != "25"))
                                      for line in claim.lines))


def _rebuild_from_key(sent, remit):
    return claims.corrected_claim(sent, {"codes": _key_codes(sent.claim_id)}, remit=remit)


def _key_codes(case_id: str) -> str:
    from .case_drill import answer_text

    return answer_text(records.load(case_id))


def _new_claim_with_npi(sent, remit):
    key = claims.build_claim(sent.claim_id)
    # An unprocessable claim (MA130) is returned, not adjudicated: the fix is a new original claim.
    return replace(sent, rendering_provider=key.rendering_provider, submission_date=remit.payment_date
                   + timedelta(days=1))


def _with_authorization(sent, remit):
    key = claims.build_claim(sent.claim_id)
    return claims.corrected_claim(sent, {"prior_authorization": key.prior_authorization}, remit=remit)


SCENARIOS = (
    Scenario("BL-0008", "E/M and a skin biopsy on the same day, sent without modifier 25", _without_25,
             fix=_rebuild_from_key),
    Scenario("BL-0005", "Lumbar MRI done without the prior authorization the plan requires", lambda key: key),
    Scenario("BL-0006", "Knee arthroscopy: the approved authorization number was left out of Box 23",
             lambda key: replace(key, prior_authorization=""), fix=_with_authorization),
    Scenario("BL-0007", "Office visit sent with the rendering provider's NPI blank",
             lambda key: replace(key, rendering_provider=replace(key.rendering_provider, npi="")),
             fix=_new_claim_with_npi),
    Scenario("BL-0009", "Visit in November 2025, first remittance chased in May 2026", lambda key: replace(
        key, submission_date=date(2026, 5, 20)),
        appeal_evidence=lambda sent: replace(sent, submission_date=date(2025, 11, 10)),
        argument="The claim was received within the 180-day limit: the enclosed 277CA of 2025-11-11 shows it was "
                 "accepted for adjudication (claim control number CI-2025-7710293). The later date is our "
                 "follow-up, not a late first submission."),
    Scenario("BL-0010", "Vitamin B12 injection for fatigue, signed ABN on file (GA)", lambda key: key),
    Scenario("BL-0011", "Routine physical for a Medicare patient (GY), patient told in advance", lambda key: key),
    Scenario("OP-0027", "Knee injection plus a separate hypertension visit, sent without modifier 25", _without_25,
             fix=_rebuild_from_key),
    Scenario("ED-0004", "Ankle fracture evaluation and splint in the ED, sent without modifier 25", _without_25,
             fix=_rebuild_from_key),
)


@dataclass(frozen=True)
class QueueItem:
    """One denied claim waiting in the queue, with the library's verdict on what to do."""

    scenario: Scenario
    sent: object
    remit: object
    group: str
    reason: str
    remarks: tuple[str, ...]
    denied_amount: object
    right_action: str
    steps: str

    @property
    def case_id(self) -> str:
        return self.scenario.case_id

    @property
    def label(self) -> str:
        return (f"{self.case_id} · {self.sent.payer.name} · {self.group}-{self.reason} · "
                f"{money(self.denied_amount)} not paid")


def _main_denial(remit):
    payment = remit.claim(remit.claims[-1].claim_id)
    for line in payment.lines:
        for adjustment in line.adjustments:
            if line.paid == 0 and adjustment.reason not in _ROUTINE:
                remarks = line.remarks + tuple(r for r in payment.remarks if r in ("MA130", "MA04"))
                return payment, adjustment, remarks
    return payment, None, ()


def build_queue(scenarios=SCENARIOS) -> list[QueueItem]:
    """Return the queue: each scenario billed and adjudicated; scenarios the payer does not deny are left out."""
    items = []
    for scenario in scenarios:
        key = claims.build_claim(scenario.case_id)
        sent = scenario.mistake(key)
        remit = claims.adjudicate(sent)
        payment, adjustment, remarks = _main_denial(remit)
        if adjustment is None:
            log.warning("denial queue: %s was not denied by the payer; left out of the queue", scenario.case_id)
            continue
        action, steps = denials.action_for(adjustment.group, adjustment.reason, remarks)
        right = _FROM_LIBRARY.get(action)
        if right is None:
            log.warning("denial queue: %s calls for %r, not one of the queue's actions", scenario.case_id, action)
            continue
        amount = sum((line.charge for line in payment.lines if line.denied), type(payment.paid)("0"))
        items.append(QueueItem(scenario, sent, remit, adjustment.group, adjustment.reason, remarks, amount, right,
                               steps))
    return items


def _reason_text(item: QueueItem) -> str:
    return reason_codes.describe(item.group, item.reason).rstrip(".")


def work(item: QueueItem, action: str) -> tuple[bool, str]:
    """Carry out ``action`` on a queue item; return (was it the right call, what happened as HTML)."""
    if action not in {value for _, value in ACTIONS}:
        raise ValueError(f"action must be one of {', '.join(v for _, v in ACTIONS)}")
    right = action == item.right_action
    amount = money(item.denied_amount)
    if action == "correct":
        if item.scenario.fix is not None:
            fixed = item.scenario.fix(item.sent, item.remit)
            # A replacement (7) reverses the processed original; a new claim after MA130 has nothing to reverse.
            history = [item.remit] if fixed.frequency == "7" else []
            remit = claims.adjudicate(fixed, history=history)
        else:
            fixed = claims.corrected_claim(item.sent, {}, remit=item.remit)
            remit = claims.adjudicate(fixed, history=[item.remit])
        payment = remit.claim(fixed.claim_id)
        kind = "replacement claim (frequency 7)" if fixed.frequency == "7" else "new claim (frequency 1)"
        what = (f"You sent a {kind}. The payer answered: <b>{html.escape(headline(payment))}</b>"
                + (" Nothing on the claim was wrong, so there was nothing to correct: the denial stands."
                   if item.scenario.fix is None else "")
                + f"<details><summary>The new remittance</summary>{remit_html(remit)}</details>")
    elif action == "appeal":
        letter = claims.appeal_letter(item.sent, item.remit, item.scenario.argument or
                                      "The service was documented, medically necessary and billed correctly.")
        if right and item.scenario.appeal_evidence is not None:
            # On a successful appeal the payer reopens the original claim and processes it as it should have.
            reopened = claims.adjudicate(item.scenario.appeal_evidence(item.sent))
            what = (f"Overturned: the payer reprocessed the claim — "
                    f"<b>{html.escape(headline(reopened.claim(item.sent.claim_id)))}</b>")
        elif right:
            what = "The payer reviews the appeal and the records you enclosed."
        else:
            what = (f"Upheld: an appeal argues that the payer decided wrongly, and here it did not — "
                    f"{html.escape(_reason_text(item))}. Weeks pass and the {amount} is still unpaid.")
        what += ("<details><summary>The appeal letter</summary><pre style='white-space:pre-wrap'>"
                 f"{html.escape(letter)}</pre></details>")
    elif action == "write off":
        if item.group == "PR":
            what = (f"You wrote off {amount} that the patient owes ({html.escape(_reason_text(item))}). A practice "
                    f"may not routinely waive what a patient owes, and the revenue is lost.")
        elif right:
            what = (f"{amount} adjusted off as a contractual loss: the provider is liable and the patient may not be "
                    f"billed ({html.escape(_reason_text(item))}).")
        else:
            what = f"{amount} written off — money the practice could have collected. The denial could be fixed."
    else:  # bill patient
        if item.group == "PR":
            what = (f"Statement sent: the patient owes {amount} "
                    f"({html.escape(_reason_text(item))}).")
        else:
            what = (f"Not allowed: group code {item.group} means the provider, not the patient, carries this "
                    f"{amount} ({html.escape(_reason_text(item))}). Billing the patient breaks the payer contract.")
    best = dict((v, k) for k, v in ACTIONS)[item.right_action]
    verdict = (message("ok", f"<b>✓ Right call.</b> {what}") if right else
               message("no", f"<b>✗ Not the best call.</b> {what}<br><b>Better: {html.escape(best)}</b> — "
                             f"{html.escape(item.steps)}"))
    return right, verdict


def build_app(scenarios=SCENARIOS) -> widgets.VBox:
    """Return the denial queue app.

    CSS classes: ``queue-list``, ``queue-claim``, ``queue-record``, ``queue-action``, ``queue-work``,
    ``queue-outcome``, ``queue-score``, ``queue-next``.
    """
    items = build_queue(scenarios)
    if not items:
        raise ValueError("the denial queue is empty: no scenario was denied by the payer")
    errors = error_area()
    results: dict[int, bool] = {}

    def labels():
        return [(("✓ " if results.get(n) else "✗ " if n in results else "• ") + item.label, n)
                for n, item in enumerate(items)]

    queue = classed(widgets.Select(options=labels(), value=0, rows=min(len(items), 10),
                                   layout=widgets.Layout(width="640px")), "queue-list")
    story = classed(widgets.HTML(""), "queue-story")
    detail = classed(widgets.HTML(""), "queue-claim")
    record_html = widgets.HTML("")
    record = classed(widgets.Accordion(children=[record_html], selected_index=None), "queue-record")
    record.set_title(0, "The record and the account notes")
    choice = classed(widgets.ToggleButtons(options=ACTIONS, value=None, description="Action",
                                           style={"button_width": "160px"}), "queue-action")
    act = button("Work this claim", "queue-work", "primary")
    outcome = classed(widgets.HTML(""), "queue-outcome")
    score = classed(widgets.HTML(""), "queue-score")
    forward = button("Next claim", "queue-next")
    state = {"busy": False}

    def current() -> QueueItem:
        return items[queue.value]

    def show_score() -> None:
        done = len(results)
        score.value = (f"<b>Right calls: {sum(results.values())} of {done}</b> worked · {len(items) - done} left in "
                       f"the queue <span class='app-muted'>(the first action on each claim counts)</span>"
                       if done else f"<span class='app-muted'>{len(items)} denied claims waiting.</span>")

    def show(item: QueueItem) -> None:
        story.value = f"<b>{html.escape(item.case_id)}</b>: {html.escape(item.scenario.story)}"
        detail.value = claim_lines_html(item.sent) + remit_html(item.remit)
        record_html.value = records.load(item.case_id).to_html()
        state["busy"] = True
        try:
            choice.value = None
        finally:
            state["busy"] = False
        outcome.value = ""

    def refresh_labels() -> None:
        state["busy"] = True
        try:
            keep = queue.value
            queue.options = labels()
            queue.value = keep
        finally:
            state["busy"] = False

    @guarded(errors)
    def on_pick(change):
        if state["busy"] or change["new"] is None:
            return
        show(items[change["new"]])

    @guarded(errors)
    def on_work(_=None):
        item = current()
        fault_point("denial_queue", f"{item.case_id}:{choice.value}")
        if choice.value is None:
            outcome.value = message("info", "Choose an action first: correct and resubmit, appeal, write off or "
                                            "bill the patient.")
            return
        right, text = work(item, choice.value)
        first = queue.value not in results
        if first:
            results[queue.value] = right
            refresh_labels()
        outcome.value = text + ("" if first else message("info", "Only your first action on a claim counts."))
        show_score()

    @guarded(errors)
    def on_next(_=None):
        open_items = [n for n in range(len(items)) if n not in results and n != queue.value]
        queue.value = open_items[0] if open_items else (queue.value + 1) % len(items)

    queue.observe(on_pick, names="value")
    act.on_click(on_work)
    forward.on_click(on_next)
    show(items[0])
    show_score()
    body = [score, queue, story, detail, record, choice, widgets.HBox([act, forward]), outcome]
    return frame("denial_queue", "Denial queue",
                 "Each claim below came back denied or unpaid. Read the remittance and the record, choose what to "
                 "do, and see what happens.", body, errors)
