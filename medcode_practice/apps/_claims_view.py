"""How the claim apps show a scrubber report, a remittance (835) and its follow-up, as HTML for a learner."""

from __future__ import annotations

import html

from ..claims import denials, reason_codes
from ..claims.remittance import STATUS

__all__ = ["scrub_html", "remit_html", "follow_up_html", "headline", "claim_lines_html", "money"]


def money(value) -> str:
    return f"${value:,.2f}" if value >= 0 else f"−${-value:,.2f}"


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]], css: str = "") -> str:
    top = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="app-table {css}"><tr>{top}</tr>{body}</table>'


def scrub_html(report) -> str:
    """Return the scrubber's findings as a table, or a clean bill of health."""
    if not report.findings:
        return ('<div class="app-msg app-msg-ok" style="background:#e8f5e9;color:#1b5e20;padding:6px 10px;'
                'border-radius:4px">✓ Scrubber: clean — no edit fired.</div>')
    rows = [(("<b style='color:#b71c1c'>error</b>" if f.severity == "error" else "warning"), html.escape(f.edit),
             str(f.line or ""), html.escape(f.message), html.escape(f.fix)) for f in report.findings]
    return (f"<b>Scrubber: {len(report.errors)} error(s), {len(report.warnings)} warning(s)</b> "
            f"<span class='app-muted'>— errors are what a payer would deny or reject</span>"
            + _table(("Severity", "Edit", "Line", "Problem", "What to fix"), rows, "claim-findings"))


def _adjustment(adjustment) -> str:
    found = reason_codes.carc(adjustment.reason)
    group = reason_codes.GROUP_CODES.get(adjustment.group, "")
    text = found.description if found else "reason not in the teaching set"
    return (f"<b>{html.escape(adjustment.group)}-{html.escape(adjustment.reason)}</b> {money(adjustment.amount)} "
            f"<span class='app-muted' title='{html.escape(group)}'>{html.escape(text)}</span>")


def _remark(code: str) -> str:
    found = reason_codes.rarc(code)
    return f"<b>{html.escape(code)}</b> <span class='app-muted'>{html.escape(found.description if found else '')}</span>"


def headline(payment) -> str:
    """Return one line saying what happened to a claim: paid, partly denied, denied, reversed."""
    if payment.status == "22":
        return "Reversal of the earlier payment (status 22): the replacement below takes its place."
    denied = [line for line in payment.lines if line.denied]
    if payment.paid > 0 and not denied:
        return f"Paid {money(payment.paid)}; the patient owes {money(payment.patient_responsibility)}."
    if payment.paid > 0:
        return (f"Paid {money(payment.paid)}, but {len(denied)} line{'s' if len(denied) > 1 else ''} denied "
                f"({', '.join(line.label for line in denied)}).")
    if denied:
        return f"Denied: nothing paid ({', '.join(line.label for line in denied)} denied)."
    return (f"Processed, nothing paid: the allowed amount went to the patient's share "
            f"({money(payment.patient_responsibility)}).")


def remit_html(remit) -> str:
    """Return a remittance the way a biller reads an ERA: each claim, each line, each adjustment explained."""
    parts = [f"<div class='claim-remit-head'><b>Remittance (835) from {html.escape(remit.payer.name)}</b> — "
             f"{money(remit.total_paid)} on {remit.payment_date} · trace {html.escape(remit.trace_number)} "
             f"<span class='app-muted'>(synthetic, for training)</span></div>"]
    for payment in remit.claims:
        verdict = headline(payment)
        colour = "#b71c1c" if verdict.startswith("Denied") else "#1b5e20" if verdict.startswith("Paid") else "#455a64"
        parts.append(f"<div style='margin-top:6px'><b>Claim {html.escape(payment.claim_id)}</b> · payer claim # "
                     f"<code>{html.escape(payment.payer_claim_number)}</code> · frequency {payment.frequency} · "
                     f"status {payment.status} ({html.escape(STATUS.get(payment.status, '?'))})</div>"
                     f"<div class='claim-verdict' style='color:{colour};font-weight:600'>{html.escape(verdict)}</div>")
        if payment.remarks:
            parts.append("<div>Claim remarks: " + "; ".join(_remark(r) for r in payment.remarks) + "</div>")
        rows = []
        for line in payment.lines:
            if payment.status == "22":
                status = "reversed"
            else:
                status = "<b style='color:#b71c1c'>denied</b>" if line.denied else ("paid" if line.paid else "")
            rows.append((str(line.line_number), f"<code>{html.escape(line.label)}</code>", money(line.charge),
                         money(line.allowed), money(line.paid), status,
                         "<br>".join(_adjustment(a) for a in line.adjustments),
                         "<br>".join(_remark(r) for r in line.remarks)))
        parts.append(_table(("Line", "Service", "Billed", "Allowed", "Paid", "", "Adjustments", "Remarks"), rows,
                            "claim-remit-lines"))
    return "".join(parts)


def follow_up_html(remit) -> str:
    """Return what to do about each denial and patient-responsibility amount (the library's follow-up rules)."""
    steps = denials.next_steps(remit)
    if not steps:
        return "<span class='app-muted'>Nothing to follow up: routine contractual adjustments only.</span>"
    rows = [(str(s.line_number), f"<code>{html.escape(s.code)}</code>", f"{s.group}-{s.reason} {money(s.amount)}",
             f"<b>{html.escape(s.action)}</b>", html.escape(s.steps)) for s in steps]
    return "<b>Follow-up</b>" + _table(("Line", "Service", "Adjustment", "Action", "How"), rows, "claim-follow-up")


def claim_lines_html(claim) -> str:
    """Return a compact view of a claim's diagnoses and lines (for the denial queue)."""
    letters = "ABCDEFGHIJKL"
    dx = ", ".join(f"{letters[i]} <code>{html.escape(code)}</code>" for i, code in enumerate(claim.diagnoses))
    rows = [(str(n), f"<code>{html.escape(line.label)}</code>", "".join(line.pointers), money(line.charge))
            for n, line in enumerate(claim.lines, 1)]
    return (f"<div>Patient <b>{html.escape(claim.patient.name)}</b> · {html.escape(claim.payer.name)} · member "
            f"{html.escape(claim.coverage.member_id)} · date of service {claim.first_service_date} · submitted "
            f"{claim.submission_date} · frequency {claim.frequency}</div><div>Diagnoses: {dx}</div>"
            + _table(("Line", "Service", "Pointers", "Charge"), rows))
