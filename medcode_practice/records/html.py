"""Render a case as a chart page for notebooks and Voila apps."""

from __future__ import annotations

from .schema import DOCUMENT_TITLES, Case, escape

_STYLE = """<style>
.mcp-case{font-family:system-ui,sans-serif;max-width:860px;border:1px solid #cfd8dc;border-radius:6px;padding:0 0 8px}
.mcp-case header{background:#eceff1;padding:8px 14px;border-bottom:1px solid #cfd8dc}
.mcp-case h3{margin:0 0 4px;font-size:1.1em}.mcp-case .mcp-meta{color:#455a64;font-size:.88em}
.mcp-case .mcp-banner{background:#fff8e1;color:#6d4c00;font-size:.8em;padding:3px 14px}
.mcp-case section{padding:4px 14px}.mcp-case h4{margin:8px 0 2px;font-size:.95em;color:#37474f}
.mcp-case p{white-space:pre-wrap;margin:0 0 6px;line-height:1.4}
.mcp-case table{border-collapse:collapse;font-size:.9em;margin:4px 14px}
.mcp-case td,.mcp-case th{border:1px solid #cfd8dc;padding:3px 8px;text-align:left;vertical-align:top}
</style>"""


def render_case(case: Case, show_key: bool = False) -> str:
    """Return the case as HTML: header, synthetic-record banner, documentation, and the key when asked."""
    p, e = case.patient, case.encounter
    dates = (f"Admitted {e.admission_date} · discharged {e.date}" if e.admission_date else f"Date of service {e.date}")
    parts = [_STYLE, f'<div class="mcp-case" data-case-id="{escape(case.id)}">',
             f"<header><h3>{escape(case.id)} · {escape(case.title)}</h3>",
             f'<div class="mcp-meta">{escape(p.name)} · {escape(p.sex)} · DOB {p.date_of_birth} (age {case.age}) · '
             f"{escape(case.payer.name)} · {escape(dates)} · POS {escape(e.place_of_service)} · "
             f"{escape(case.provider.name)} (NPI {escape(case.provider.npi)})</div></header>",
             '<div class="mcp-banner">Synthetic record for coding practice — not a real patient.</div>']
    for name, text in case.documentation.items():
        parts.append(f"<section><h4>{escape(DOCUMENT_TITLES.get(name, name))}</h4><p>{escape(text)}</p></section>")
    if show_key:
        parts.append(render_key(case))
    parts.append("</div>")
    return "".join(parts)


def render_key(case: Case) -> str:
    """Return the answer key as an HTML table with the rationale for every code."""
    rows = []
    for n, d in enumerate(case.key.diagnoses, 1):
        rows.append(("Dx " + str(n), d.code, "", d.rationale))
    for line in case.key.procedures:
        detail = " ".join(f"-{m}" for m in line.modifiers) + (f" ×{line.units}" if line.units != 1 else "")
        pointers = ",".join(str(x) for x in line.pointers)
        rows.append(("Service", line.code, f"{detail} ptr {pointers}".strip(), line.rationale))
    for d in case.key.pcs:
        rows.append(("PCS", d.code, "", d.rationale))
    if case.key.ms_drg:
        rows.append(("MS-DRG", str(case.key.ms_drg), "", "Expected grouping (MS-DRG v43.1)"))
    body = "".join(f"<tr><td>{escape(a)}</td><td><b>{escape(b)}</b></td><td>{escape(c)}</td><td>{escape(d)}</td></tr>"
                   for a, b, c, d in rows)
    return ("<section><h4>Answer key</h4></section><table><tr><th></th><th>Code</th><th>Detail</th>"
            f"<th>Why</th></tr>{body}</table>")
