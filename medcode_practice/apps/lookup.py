"""Code lookup: search every code set, read a code's hierarchy and instructional notes, build a PCS code.

The search box takes a code (with or without its dot) or words; the results list shows the best matches across
ICD-10-CM, ICD-10-PCS, the CPT practice set and HCPCS Level II. Picking a result shows what a coder needs from
the code book: where the code sits (chapter, block, category …), Excludes1/Excludes2, code first, use additional
code, code also, the 7th characters and what is reportable below a header. CPT descriptors here are the
project's plain-words practice text and are labelled as not AMA text. The second tab builds an ICD-10-PCS code
one axis at a time from the tables.

>>> from medcode_practice.apps import lookup
>>> app = lookup.build_app("S72.001")
>>> "needs a 7th character" in lookup.find(app, "lookup-detail").value
True
"""

from __future__ import annotations

import html
import re

import ipywidgets as widgets

from .. import codes
from ..codes import icd10cm
from . import selfcheck
from ._safe import error_area, fault_point, guarded
from ._ui import button, classed, find, frame, message

__all__ = ["build_app", "find", "detail_html"]

SYSTEM_FILTERS = [("All code sets", ""), ("ICD-10-CM (diagnoses)", "icd10cm"),
                  ("ICD-10-PCS (inpatient procedures)", "icd10pcs"), ("CPT practice set", "cpt"),
                  ("HCPCS Level II", "hcpcs")]
_SHORT = {codes.ICD10CM: "ICD-10-CM", codes.ICD10PCS: "PCS", codes.CPT: "CPT", codes.HCPCS: "HCPCS",
          codes.MODIFIER: "Modifier"}
_MODIFIER_SHAPE = re.compile(r"^-?[A-Za-z0-9]{2}$")
_NOT_AMA = ("Practice descriptor written in plain words by MedCode Practice — not AMA CPT text. Check the CPT "
            "code book (or your organisation's licensed file) for the official descriptor.")


# --------------------------------------------------------------------------------------------- rendering
def _system(entry) -> str:
    """Return the system an entry came from (modifiers carry no ``system`` field)."""
    return getattr(entry, "system", codes.MODIFIER)


def _table(rows: list[tuple[str, ...]], head: tuple[str, ...] | None = None) -> str:
    top = "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>" if head else ""
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="app-table">{top}{body}</table>'


def _describe_icd(code: str) -> str:
    try:
        return icd10cm.describe(code)
    except (codes.CodeError, ValueError):
        return ""


def _icd_html(entry, problem: str | None) -> str:
    parts = []
    lineage = [c for c in reversed(icd10cm.release().ancestors(entry.code))
               if c not in (entry.chapter[0], entry.block[0])]
    steps = [f"Chapter {html.escape(entry.chapter[0])}: {html.escape(entry.chapter[1])}",
             f"Block {html.escape(entry.block[1])}"]
    steps += [f"<code>{html.escape(c)}</code> {html.escape(_describe_icd(c))}" for c in lineage]
    steps.append(f"<b><code>{html.escape(entry.code)}</code> {html.escape(entry.description)}</b>")
    parts.append('<div class="lookup-hierarchy"><b>Where it sits</b><ol style="margin:2px 0 6px">'
                 + "".join(f"<li>{s}</li>" for s in steps) + "</ol></div>")
    if problem:
        parts.append(message("no", f"<b>Not reportable as written:</b> {html.escape(problem)}"))
    if entry.inclusion_terms:
        parts.append("<b>Inclusion terms</b><ul style='margin:2px 0'>"
                     + "".join(f"<li>{html.escape(t)}</li>" for t in entry.inclusion_terms) + "</ul>")
    note_rows = []
    for kind in icd10cm.NOTE_KINDS:
        for note in entry.notes_of(kind):
            where = "this code" if note.source == entry.code else (
                f"chapter {note.source}" if note.source == entry.chapter[0] else
                f"block {note.source}" if note.source == entry.block[0] else f"<code>{html.escape(note.source)}</code>")
            note_rows.append((f"<b>{html.escape(icd10cm.NOTE_TITLES[kind])}</b>", html.escape(note.text), where))
    if note_rows:
        parts.append('<div class="lookup-notes"><b>Instructional notes</b> <span class="app-muted">(notes written '
                     'at a category, block or chapter apply to every code below it)</span>'
                     + _table(note_rows, ("Note", "Text", "Written at")) + "</div>")
    elif not icd10cm.release().has_notes:
        parts.append(message("info", "This release was loaded from an order file: descriptions only, no "
                                     "instructional notes."))
    if entry.seventh_characters:
        source = entry.seventh_character_source
        parts.append(f'<div class="lookup-seventh"><b>7th characters</b> <span class="app-muted">(defined at '
                     f"<code>{html.escape(source or '')}</code>; use placeholder X when the code is shorter than "
                     f"6 characters)</span>"
                     + _table([(f"<b>{html.escape(k)}</b>", html.escape(v.replace("/\t", "/ ").strip()))
                               for k, v in entry.seventh_characters.items()], ("Character", "Meaning")) + "</div>")
    if entry.children:
        shown = entry.children[:40]
        rows = [(f"<code>{html.escape(c)}</code>", html.escape(_describe_icd(c))) for c in shown]
        more = f"<div class='app-muted'>… and {len(entry.children) - 40} more</div>" if len(entry.children) > 40 else ""
        parts.append("<b>Codes below</b>" + _table(rows) + more)
    return "".join(parts)


def _pcs_html(entry) -> str:
    rows = [(str(a.position), html.escape(a.name), f"<b>{html.escape(a.value)}</b>",
             html.escape(a.meaning) + (f"<br><span class='app-muted'>{html.escape(a.definition)}</span>"
                                       if a.definition else "")) for a in entry.axes]
    return ("<b>The seven characters</b>" + _table(rows, ("#", "Axis", "Value", "Meaning"))
            + "<div class='app-muted'>Open the <i>Build a PCS code</i> tab to see the other values each axis "
              "allows.</div>")


def _cpt_html(entry) -> str:
    facts = [("Section", html.escape(entry.section)), ("Subsection", html.escape(entry.subsection)),
             ("Global period", html.escape(entry.global_days or "n/a")),
             ("Add-on code", "yes — report with its primary procedure" if entry.add_on else "no")]
    label = "" if entry.official_text else f'<div class="app-note lookup-not-ama">{html.escape(_NOT_AMA)}</div>'
    return label + _table(facts)


def _hcpcs_html(entry) -> str:
    facts = [("Short description", html.escape(entry.short_description)), ("Section", html.escape(entry.section))]
    if entry.dosage:
        facts.append(("Billing unit", f"{html.escape(entry.dosage)} — units = dose given ÷ this amount, rounded up"))
    if entry.terminated:
        facts.append(("Terminated", html.escape(entry.terminated)))
    return _table(facts)


def _modifier_html(entry) -> str:
    return _table([("Name", html.escape(entry.name)), ("Meaning", html.escape(entry.description)),
                   ("Source", f"{html.escape(entry.source)} modifier")])


def detail_html(entry, problem: str | None = None) -> str:
    """Return the detail pane for a looked-up code of any system (``problem``: why it is not reportable)."""
    system = _system(entry)
    status = "" if system == codes.MODIFIER else (
        '<span style="color:#1b5e20">billable</span>' if entry.billable else
        '<span style="color:#b71c1c">header — not billable</span>')
    meta = [html.escape(_SHORT.get(system, system)), html.escape(getattr(entry, "release", "") or ""), status]
    head = (f'<div style="font-size:1.25em;margin:2px 0"><code>{html.escape(entry.code)}</code> '
            f"{html.escape(entry.description)}</div>"
            f"<div class='app-muted'>{' · '.join(p for p in meta if p)}</div>")
    if system == codes.ICD10CM:
        body = _icd_html(entry, problem)
    elif system == codes.ICD10PCS:
        body = _pcs_html(entry)
    elif system == codes.CPT:
        body = _cpt_html(entry)
    elif system == codes.HCPCS:
        body = _hcpcs_html(entry)
    else:
        body = _modifier_html(entry)
    return head + body


def _entry(system: str, code: str):
    """Return (entry, problem): the code's entry and, for a header, the reason it cannot be reported."""
    entry = codes.lookup(code, system=system)
    problem = None
    if _system(entry) != codes.MODIFIER and not entry.billable:
        try:
            codes.check(entry.code, system=_system(entry))
        except codes.CodeError as error:
            problem = str(error)
    return entry, problem


def _direct(query: str, wanted: str):
    """Return the entry a query names directly (a code or a modifier), the CodeError it raised, or None."""
    if _MODIFIER_SHAPE.match(query) and not wanted:
        try:
            return codes.lookup(query, system=codes.MODIFIER)
        except codes.CodeError:
            pass
    if not re.search(r"\d", query) or " " in query.strip():
        return None
    try:
        return codes.lookup(query, system=wanted or None)
    except codes.CodeError as error:
        return error


# --------------------------------------------------------------------------------------------- app
def build_app(query: str = "", limit: int = 25) -> widgets.VBox:
    """Return the lookup app; ``query`` runs a first search (as if typed).

    CSS classes: ``lookup-query``, ``lookup-system``, ``lookup-billable``, ``lookup-search``, ``lookup-status``,
    ``lookup-results``, ``lookup-detail``, ``lookup-related``, ``lookup-open-pcs``; the PCS tab is the lesson
    navigator (``lookup-pcs``, with ``mcp-next-choice``, ``mcp-answer`` …).
    """
    errors = error_area()
    box = classed(widgets.Text(value="", placeholder="a code (S72.001, 0DTJ4ZZ, 99213, 25) or words "
                                                     "(laparoscopic appendectomy)",
                               continuous_update=False, layout=widgets.Layout(width="460px")), "lookup-query")
    system = classed(widgets.Dropdown(options=SYSTEM_FILTERS, value="", layout=widgets.Layout(width="250px")),
                     "lookup-system")
    billable = classed(widgets.Checkbox(value=False, description="billable only", indent=False,
                                        layout=widgets.Layout(width="120px")), "lookup-billable")
    go = button("Search", "lookup-search", "primary")
    status = classed(widgets.HTML(""), "lookup-status")
    results = classed(widgets.Select(options=[], rows=14, layout=widgets.Layout(width="440px")), "lookup-results")
    detail = classed(widgets.HTML(message("info", "Type a code or a few words and press Enter.")), "lookup-detail")
    related = classed(widgets.Dropdown(options=[("Go to a related code …", "")], value="",
                                       layout=widgets.Layout(width="440px")), "lookup-related")
    open_pcs = button("Open in the PCS builder", "lookup-open-pcs")
    open_pcs.layout.display = "none"
    navigator = classed(selfcheck.pcs_navigator(), "lookup-pcs")
    state = {"busy": False, "shown": None}

    def fill_related(entry) -> None:
        options = [("Go to a related code …", "")]
        if entry is not None and _system(entry) == codes.ICD10CM:
            parent = entry.parent if entry.parent and entry.parent not in (entry.block[0], entry.chapter[0]) else None
            if parent:
                options.append((f"↑ {parent}  {_describe_icd(parent)}"[:90], f"{codes.ICD10CM}|{parent}"))
            options += [(f"↓ {c}  {_describe_icd(c)}"[:90], f"{codes.ICD10CM}|{c}") for c in entry.children[:60]]
        state["busy"] = True
        try:
            related.options, related.value = options, ""
            related.layout.display = "" if len(options) > 1 else "none"
        finally:
            state["busy"] = False

    def show(system_name: str, code: str) -> None:
        entry, problem = _entry(system_name, code)
        detail.value = detail_html(entry, problem)
        state["shown"] = entry
        fill_related(entry)
        open_pcs.layout.display = "" if _system(entry) == codes.ICD10PCS else "none"

    @guarded(errors)
    def on_search(_=None):
        text = box.value.strip()
        fault_point("lookup", text)
        if not text:
            status.value = message("info", "Type a code or a few words first.")
            return
        wanted = system.value
        hits = codes.search(text, system=wanted or None, billable=True if billable.value else None, limit=limit)
        options = [(f"{_SHORT[h.system]:<9} {h.code:<9} {'' if h.billable else '(header) '}{h.description}"[:110],
                    f"{h.system}|{h.code}") for h in hits]
        direct = _direct(text, wanted)
        if direct is not None and not isinstance(direct, codes.CodeError):
            value = f"{_system(direct)}|{direct.code}"
            if value not in [v for _, v in options]:
                options.insert(0, (f"{_SHORT[_system(direct)]:<9} {direct.code:<9} {direct.description}"[:110],
                                   value))
        state["busy"] = True
        try:
            results.options = options
            results.value = None
        finally:
            state["busy"] = False
        count = len(options)
        status.value = (f"<span class='app-muted'>{count} result{'s' if count != 1 else ''} for "
                        f"“{html.escape(text)}”</span>" if count else
                        message("no", f"No codes match “{html.escape(text)}”. Try fewer or other words."))
        if isinstance(direct, codes.CodeError):
            # The query was meant as a code: the reason it is not one is the lesson.
            detail.value = message("no", f"<b>{html.escape(text)}</b>: {html.escape(str(direct))}")
            state["shown"] = None
            open_pcs.layout.display = "none"
            related.layout.display = "none"
            return
        if options:
            first = options[0][1] if direct is None else f"{_system(direct)}|{direct.code}"
            results.value = first  # shows it through on_pick
        else:
            detail.value = ""
            related.layout.display = "none"
            open_pcs.layout.display = "none"

    @guarded(errors)
    def on_pick(change):
        if state["busy"] or not change["new"]:
            return
        system_name, code = change["new"].split("|", 1)
        show(system_name, code)

    @guarded(errors)
    def on_related(change):
        if state["busy"] or not change["new"]:
            return
        system_name, code = change["new"].split("|", 1)
        state["busy"] = True
        try:
            if change["new"] not in [v for _, v in results.options]:
                results.options = [*results.options, (f"{_SHORT[system_name]:<9} {code}", change["new"])]
            results.value = change["new"]
        finally:
            state["busy"] = False
        show(system_name, code)

    @guarded(errors)
    def on_open_pcs(_=None):
        entry = state["shown"]
        if entry is None or _system(entry) != codes.ICD10PCS:
            return
        typed = find(navigator, "mcp-answer")
        typed.value = ""
        typed.value = entry.code
        tabs.selected_index = 1

    box.observe(lambda change: on_search() if change["new"].strip() else None, names="value")
    go.on_click(on_search)
    results.observe(on_pick, names="value")
    related.observe(on_related, names="value")
    open_pcs.on_click(on_open_pcs)
    related.layout.display = "none"

    search_tab = widgets.VBox([
        widgets.HBox([box, go], layout=widgets.Layout(flex_flow="row wrap")),
        widgets.HBox([system, billable]),
        status,
        widgets.HBox([widgets.VBox([results, related]),
                      widgets.VBox([detail, open_pcs], layout=widgets.Layout(flex="1 1 400px", min_width="360px",
                                                                             padding="0 0 0 12px"))],
                     layout=widgets.Layout(flex_flow="row wrap")),
    ])
    tabs = classed(widgets.Tab(children=[search_tab, navigator]), "lookup-tabs")
    tabs.set_title(0, "Search and look up")
    tabs.set_title(1, "Build a PCS code")
    app = frame("lookup", "Code lookup",
                "Search every code set by code or words; pick a result to see its hierarchy, instructional notes "
                "and 7th characters. CPT descriptors here are plain-words practice text, not AMA text.",
                [tabs], errors)
    if query:
        box.value = query
    return app

