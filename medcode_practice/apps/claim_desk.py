"""Claim desk: build the CMS-1500 from a case and your codes, scrub it, submit it, read the 835, fix and resubmit.

Everything downstream of the codes is the library's (:mod:`medcode_practice.claims`): the claim is built from
the case's record (patient, payer, provider, charges), the scrubber runs the same edits a clearinghouse would, a
synthetic payer adjudicates it into a remittance, and a corrected claim goes out as a replacement (frequency 7,
Box 22 = the payer's original claim number). A claim may be submitted even when the scrubber found errors —
seeing what the payer then does is part of the lesson.

>>> from medcode_practice.apps import claim_desk
>>> app = claim_desk.build_app(case_id="BL-0008")
>>> claim_desk.find(app, "claim-codes").value = "D22.5, I10, 99214, 11102"
>>> claim_desk.find(app, "claim-submit").click()
>>> "CO-97" in claim_desk.find(app, "claim-remit").value
True
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from .. import claims, records
from .case_drill import answer_text
from ._claims_view import follow_up_html, headline, money, remit_html, scrub_html
from ._safe import error_area, fault_point, guarded
from ._ui import button, classed, find, frame, message

__all__ = ["build_app", "find", "billable_cases"]


def billable_cases() -> list:
    """Return the practice cases that go on a CMS-1500: professional services billed to a payer."""
    return [c for c in records.all_cases("practice")
            if c.key.procedures and not c.is_inpatient and c.payer.type != "self_pay"]


def build_app(case_id: str | None = None) -> widgets.VBox:
    """Return the claim desk; ``case_id`` opens that practice case first.

    CSS classes: ``claim-case``, ``claim-record``, ``claim-codes``, ``claim-use-key``, ``claim-build``,
    ``claim-status``, ``claim-form``, ``claim-scrub``, ``claim-scrub-report``, ``claim-submit``,
    ``claim-resubmit``, ``claim-remit``, ``claim-follow-up``, ``claim-835``, ``claim-history``.
    """
    cases = billable_cases()
    by_id = {c.id: c for c in cases}
    if not cases:
        raise ValueError("no practice case has professional services to bill")
    start = str(case_id).strip().upper() if case_id else cases[0].id
    if start not in by_id:
        raise ValueError(f"{case_id!r} is not a practice case billed on a CMS-1500")
    errors = error_area()
    menu = classed(widgets.Dropdown(options=[(f"{c.id} · {c.title[:90]}", c.id) for c in cases], value=start,
                                    description="Case", layout=widgets.Layout(width="760px")), "claim-case")
    record_html = widgets.HTML("")
    record = classed(widgets.Accordion(children=[record_html], selected_index=0), "claim-record")
    record.set_title(0, "The record")
    codes = classed(widgets.Textarea(placeholder="your codes: diagnoses first, then service lines — e.g. D22.5, I10, "
                                                 "99214-25, 11102", layout=widgets.Layout(width="100%", height="60px")),
                    "claim-codes")
    use_key = button("Start from the key", "claim-use-key", tooltip="fill in the case's answer key")
    build = button("Build the CMS-1500", "claim-build", "primary")
    scrub = button("Run the scrubber", "claim-scrub")
    submit = button("Submit to the payer", "claim-submit", "success")
    resubmit = button("Send a corrected claim (frequency 7)", "claim-resubmit", "warning")
    status = classed(widgets.HTML(""), "claim-status")
    form = classed(widgets.HTML(""), "claim-form")
    scrub_report = classed(widgets.HTML(""), "claim-scrub-report")
    remit_view = classed(widgets.HTML(""), "claim-remit")
    follow_up = classed(widgets.HTML(""), "claim-follow-up")
    x12 = classed(widgets.HTML(""), "claim-835")
    history = classed(widgets.HTML(""), "claim-history")
    state: dict = {"case": None, "claim": None, "sent": [], "remits": []}

    def reset_views(keep_history: bool = False) -> None:
        for view in (form, scrub_report, remit_view, follow_up, x12, status):
            view.value = ""
        if not keep_history:
            history.value = ""
        resubmit.disabled = not state["sent"]

    def open_case(case) -> None:
        state.update(case=case, claim=None, sent=[], remits=[])
        record_html.value = case.to_html()
        codes.value = ""
        reset_views()

    def current_claim():
        """Build the claim from the codes box (a ValueError says what the learner must fix)."""
        text = codes.value.strip()
        fault_point("claim_desk", text)
        if not text:
            raise ValueError("type your codes first, or press Start from the key")
        return claims.build_claim(state["case"], text)

    def show_claim(claim) -> None:
        state["claim"] = claim
        form.value = claims.render_cms1500(claim)

    def show_history() -> None:
        rows = []
        for number, (claim, remit) in enumerate(zip(state["sent"], state["remits"]), 1):
            payment = remit.claim(claim.claim_id)
            kind = {"1": "original", "7": "replacement", "8": "void"}.get(claim.frequency, claim.frequency)
            box22 = f" · Box 22: 7 / {html.escape(claim.original_reference)}" if claim.original_reference else ""
            rows.append(f"<li>Submission {number}: {kind} claim (frequency {claim.frequency}){box22} — "
                        f"<code>{html.escape(', '.join(line.label for line in claim.lines))}</code> → "
                        f"<b>{html.escape(headline(payment))}</b></li>")
        history.value = f"<b>This claim's history</b><ol>{''.join(rows)}</ol>" if rows else ""

    def send(claim) -> None:
        remit = claims.adjudicate(claim, history=list(state["remits"]))
        state["sent"].append(claim)
        state["remits"].append(remit)
        remit_view.value = remit_html(remit)
        follow_up.value = follow_up_html(remit)
        x12.value = ("<details><summary>Read the raw 835 (X12 005010X221A1)</summary><pre style='white-space:"
                     "pre-wrap;font-size:.85em'>" + html.escape(claims.write_835(remit).replace("~", "~\n"))
                     + "</pre></details>")
        resubmit.disabled = False
        show_history()

    # ------------------------------------------------------------------------------------------- callbacks
    @guarded(errors)
    def on_case(change):
        if change["new"]:
            open_case(by_id[change["new"]])

    @guarded(errors)
    def on_use_key(_=None):
        codes.value = answer_text(state["case"])
        status.value = message("info", "The key's codes are filled in. Change one to try a mistake (drop a modifier, "
                                       "say), or build the claim as it is.")

    @guarded(errors)
    def on_build(_=None):
        try:
            claim = current_claim()
        except ValueError as problem:
            status.value = message("no", f"Cannot build the claim: {html.escape(str(problem))}")
            return
        reset_views(keep_history=True)
        show_claim(claim)
        status.value = message("info", f"CMS-1500 built: {len(claim.diagnoses)} diagnoses, {len(claim.lines)} "
                                       f"line(s), total {money(claim.total_charge)}. Run the scrubber before you "
                                       f"submit.")

    @guarded(errors)
    def on_scrub(_=None):
        if state["claim"] is None:
            on_build()
            if state["claim"] is None:
                return
        report = claims.scrub(state["claim"], history=tuple(state["sent"]))
        scrub_report.value = scrub_html(report)

    @guarded(errors)
    def on_submit(_=None):
        try:
            claim = current_claim()
        except ValueError as problem:
            status.value = message("no", f"Cannot build the claim: {html.escape(str(problem))}")
            return
        show_claim(claim)
        report = claims.scrub(claim, history=tuple(state["sent"]))
        scrub_report.value = scrub_html(report)
        note = ""
        if report.errors:
            note = f" The scrubber found {len(report.errors)} error(s) — you sent it anyway; see what the payer does."
        if state["sent"]:
            note += (" This is a new original claim (frequency 1) for services already billed: a corrected claim "
                     "would be frequency 7.")
        send(claim)
        status.value = message("info", "Submitted." + html.escape(note))

    @guarded(errors)
    def on_resubmit(_=None):
        if not state["sent"]:
            status.value = message("info", "Submit the claim first; a corrected claim replaces one the payer has "
                                           "processed.")
            return
        text = codes.value.strip()
        fault_point("claim_desk", text)
        if not text:
            status.value = message("info", "Type the corrected codes first.")
            return
        previous, remit = state["sent"][-1], state["remits"][-1]
        try:
            corrected = claims.corrected_claim(previous, {"codes": text}, remit=remit)
        except ValueError as problem:
            status.value = message("no", f"Cannot build the corrected claim: {html.escape(str(problem))}")
            return
        show_claim(corrected)
        scrub_report.value = scrub_html(claims.scrub(corrected, history=tuple(state["sent"])))
        send(corrected)
        status.value = message("info", f"Corrected claim sent: frequency 7, Box 22 original reference "
                                       f"{html.escape(corrected.original_reference)}.")

    menu.observe(on_case, names="value")
    use_key.on_click(on_use_key)
    build.on_click(on_build)
    scrub.on_click(on_scrub)
    submit.on_click(on_submit)
    resubmit.on_click(on_resubmit)
    open_case(by_id[start])

    form_box = widgets.Accordion(children=[form], selected_index=0)
    form_box.set_title(0, "CMS-1500")
    body = [menu, record, codes, widgets.HBox([use_key, build, scrub, submit, resubmit],
                                              layout=widgets.Layout(flex_flow="row wrap")),
            status, scrub_report, remit_view, follow_up, history, x12, form_box]
    return frame("claim_desk", "Claim desk",
                 "Code the case, build the CMS-1500, scrub it, submit it to a simulated payer, read the remittance, "
                 "then fix and resubmit.", body, errors)
