"""E/M leveler: fill the MDM grid (problems, data, risk) or enter the total time, and see the level and why.

Medical decision making is leveled by the two of its three elements that agree (the middle value of the three);
office and hospital visits may instead be leveled by total practitioner time on the date, and the higher of the
two may be reported. Emergency department visits are leveled by MDM only. The rules are the library's
(:mod:`medcode_practice.codes.em`); this app shows the reasoning step by step.

>>> from medcode_practice.apps import em_leveler
>>> app = em_leveler.build_app()
>>> em_leveler.find(app, "em-problems").value = "moderate"
>>> em_leveler.find(app, "em-data").value = "limited"
>>> em_leveler.find(app, "em-risk").value = "moderate"
>>> "99214" in em_leveler.find(app, "em-result").value
True
"""

from __future__ import annotations

import html
import re

import ipywidgets as widgets

from ..codes import em
from . import selfcheck
from ._safe import error_area, fault_point, guarded
from ._ui import button, classed, find, frame, message

__all__ = ["build_app", "find", "SETTINGS"]

# (value, label, time thresholds or None when time cannot be used)
SETTINGS = (
    ("office-established", "Office — established patient", em.OFFICE_ESTABLISHED_MINUTES),
    ("office-new", "Office — new patient", em.OFFICE_NEW_MINUTES),
    ("emergency", "Emergency department", None),
    ("hospital-initial", "Hospital — initial day", em.HOSPITAL_INITIAL_MINUTES),
    ("hospital-subsequent", "Hospital — subsequent day", em.HOSPITAL_SUBSEQUENT_MINUTES),
)
_SCALES = {"problems": ("minimal", "low", "moderate", "high"), "data": ("minimal", "limited", "moderate", "extensive"),
           "risk": ("minimal", "low", "moderate", "high")}
# The plain-words meaning of each level, shared with the lesson's MDM grid.
_MEANINGS = {"problems": selfcheck._PROBLEMS, "data": selfcheck._DATA, "risk": selfcheck._RISK}
_TITLES = {"problems": "Problems addressed", "data": "Data reviewed and analysed", "risk": "Risk of management"}


def _choose(setting: str, mdm: str | None, minutes: int | None) -> em.EmResult:
    if setting == "emergency":
        return em.emergency_code(mdm)
    if setting.startswith("office-"):
        return em.office_code(setting.split("-", 1)[1], mdm=mdm, minutes=minutes)
    return em.hospital_code(setting.split("-", 1)[1], mdm=mdm, minutes=minutes)


def _mdm_reasoning(chosen: dict[str, str]) -> tuple[str, str]:
    """Return (MDM level, HTML explaining which two elements decided it)."""
    level = em.mdm_level(**chosen)
    rank = em.MDM_LEVELS.index(level)
    rows, meeting = [], []
    for element, value in chosen.items():
        meets = _SCALES[element].index(value) >= rank
        if meets:
            meeting.append(element)
        rows.append(f"<tr><td>{_TITLES[element]}</td><td><b>{value}</b></td>"
                    f"<td>{'✓ meets or exceeds' if meets else '✗ below'} {level}</td></tr>")
    named = " and ".join(meeting) if len(meeting) < 3 else "problems, data and risk"
    text = (f"MDM is <b>{level}</b>: {named} meet or exceed {level}"
            + (" (two of the three elements decide; the highest one alone does not raise the level)."
               if len(meeting) == 2 else " — all three agree." if len(meeting) == 3 else "."))
    table = (f"<table class='app-table'><tr><th>Element</th><th>Level</th><th>Against {level} MDM</th></tr>"
             f"{''.join(rows)}</table>")
    return level, text + table


def _time_table(thresholds) -> str:
    rows = "".join(f"<tr><td>{code}</td><td>{minutes}+ min</td></tr>" for code, minutes in reversed(thresholds))
    return f"<table class='app-table'><tr><th>Code</th><th>Total time on the date</th></tr>{rows}</table>"


def build_app(setting: str = "office-established") -> widgets.VBox:
    """Return the E/M leveler, starting in ``setting`` (``office-established``, ``office-new``, ``emergency``,
    ``hospital-initial`` or ``hospital-subsequent``).

    CSS classes: ``em-setting``, ``em-problems``, ``em-data``, ``em-risk``, ``em-meaning``, ``em-minutes``,
    ``em-level`` (the button), ``em-result``; the data counter: ``em-count-notes``, ``em-count-results``,
    ``em-count-orders``, ``em-historian``, ``em-interpretation``, ``em-discussion``, ``em-use-data``.
    """
    names = [value for value, _, _ in SETTINGS]
    if setting not in names:
        raise ValueError(f"setting must be one of {', '.join(names)}")
    errors = error_area()
    where = classed(widgets.Dropdown(options=[(label, value) for value, label, _ in SETTINGS], value=setting,
                                     description="Visit", layout=widgets.Layout(width="360px")), "em-setting")

    def element(name: str) -> widgets.ToggleButtons:
        scale = _SCALES[name]
        return classed(widgets.ToggleButtons(options=list(scale), value=scale[0], description=_TITLES[name],
                                             tooltips=[_MEANINGS[name][v] for v in scale],
                                             style={"description_width": "190px", "button_width": "100px"}),
                       f"em-{name}")

    problems, data, risk = element("problems"), element("data"), element("risk")
    meaning = classed(widgets.HTML(""), "em-meaning")
    minutes = classed(widgets.Text(placeholder="optional, e.g. 35", description="Total minutes",
                                   continuous_update=False, style={"description_width": "190px"},
                                   layout=widgets.Layout(width="330px")), "em-minutes")
    go = button("Find the level", "em-level", "primary")
    result = classed(widgets.HTML(""), "em-result")

    def counter(label: str, css: str) -> widgets.BoundedIntText:
        return classed(widgets.BoundedIntText(value=0, min=0, max=20, description=label,
                                              style={"description_width": "260px"},
                                              layout=widgets.Layout(width="340px")), css)

    notes = counter("External notes reviewed (each source)", "em-count-notes")
    results_seen = counter("Unique test results reviewed", "em-count-results")
    orders = counter("Unique tests ordered", "em-count-orders")
    historian = classed(widgets.Checkbox(description="Independent historian", indent=False), "em-historian")
    interpretation = classed(widgets.Checkbox(description="Independent interpretation of a test", indent=False),
                             "em-interpretation")
    discussion = classed(widgets.Checkbox(description="Discussion with an external physician", indent=False),
                         "em-discussion")
    use_data = button("Use this data level", "em-use-data")
    data_note = classed(widgets.HTML(""), "em-data-note")
    counted = widgets.Accordion(children=[widgets.VBox([notes, results_seen, orders, historian, interpretation,
                                                        discussion, widgets.HBox([use_data, data_note])])],
                                selected_index=None)
    counted.set_title(0, "Not sure about the data level? Count what was done")
    classed(counted, "em-data-counter")

    def thresholds():
        return next(t for value, _, t in SETTINGS if value == where.value)

    @guarded(errors)
    def on_change(_=None):
        fault_point("em_leveler", minutes.value)
        times = thresholds()
        minutes.disabled = times is None
        meaning.value = "<ul style='margin:2px 0'>" + "".join(
            f"<li><b>{_TITLES[n]}:</b> {html.escape(_MEANINGS[n][w.value])}</li>"
            for n, w in (("problems", problems), ("data", data), ("risk", risk))) + "</ul>"
        text = minutes.value.strip()
        if text and not re.fullmatch(r"\d{1,4}", text):
            result.value = message("info", "Total minutes must be a whole number such as <code>35</code>, or leave "
                                           "the box empty to level by MDM only.")
            return
        minutes_given = int(text) if text and times is not None else None
        chosen = {"problems": problems.value, "data": data.value, "risk": risk.value}
        level, reasoning = _mdm_reasoning(chosen)
        try:
            outcome = _choose(where.value, level, minutes_given)
        except ValueError as error:
            result.value = message("info", html.escape(str(error)))
            return
        lines = [reasoning]
        if outcome.basis == "time":
            lines.append(f"<p>Time supports a higher level than MDM, so time is used: "
                         f"{html.escape(outcome.reasoning)}.</p>")
        else:
            label = next(text for value, text, _ in SETTINGS if value == where.value)
            lines.append(f"<p>{level.capitalize()} MDM, {html.escape(label.lower())} → <b>{outcome.code}</b>.</p>")
            if minutes_given is not None:
                lines.append(f"<p class='app-muted'>{minutes_given} minutes would not support a higher level, so "
                             f"MDM decides.</p>")
        if outcome.prolonged_units:
            lines.append(f"<p>Add prolonged-service code <code>99417</code> × {outcome.prolonged_units}.</p>")
        if times is None:
            lines.append("<p class='app-muted'>Emergency department visits are leveled by MDM only — time does "
                         "not apply.</p>")
        else:
            lines.append("<details><summary>Time thresholds for this visit</summary>" + _time_table(times)
                         + "</details>")
        result.value = (f'<div style="font-size:1.5em;margin:6px 0">Level: <b class="em-code">{outcome.code}</b> '
                        f'<span class="app-muted" style="font-size:.6em">by {"time" if outcome.basis == "time" else "MDM"}'
                        f"</span></div>" + "".join(lines))

    @guarded(errors)
    def on_use_data(_=None):
        level = em.data_level(external_notes=notes.value, results_reviewed=results_seen.value,
                              tests_ordered=orders.value, independent_historian=historian.value,
                              independent_interpretation=interpretation.value,
                              discussion_with_external=discussion.value)
        data_note.value = f"Data level: <b>{level}</b>"
        data.value = level

    for control in (where, problems, data, risk, minutes):
        control.observe(on_change, names="value")
    go.on_click(on_change)
    use_data.on_click(on_use_data)
    on_change()
    body = [where, problems, data, risk, meaning, counted, widgets.HBox([minutes, go]), result]
    return frame("em_leveler", "E/M leveler",
                 "Choose the visit type and the level of each MDM element — or enter the total time — to see the "
                 "E/M code and the reasoning.", body, errors)
