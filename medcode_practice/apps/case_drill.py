"""Case drill: pick a practice case, read the record, enter the codes, get a graded result with the reasons.

Learning mode gives partial credit with an explanation for every code (a wrong 7th character, the wrong side,
a missing modifier …) and may be retried; exam mode is timed and all-or-nothing per code, one attempt per case,
like a certification exam. The session score counts the first graded attempt at each case in each mode. Only
practice cases are offered; assessment cases stay sealed.

>>> from medcode_practice.apps import case_drill
>>> app = case_drill.build_app(case_id="OP-0036")
>>> case_drill.find(app, "drill-answer").value = "S06.0X0D, 99214"
>>> case_drill.find(app, "drill-submit").click()
>>> "100.0%" in case_drill.find(app, "drill-feedback").value
True
"""

from __future__ import annotations

import html
import random
import time
from collections import Counter
from collections.abc import Callable

import ipywidgets as widgets

from .. import grading, records
from ..records.schema import SETTINGS
from ._safe import error_area, fault_point, guarded
from ._ui import button, classed, find, frame, message

__all__ = ["build_app", "find", "answer_text", "DEFAULT_TIME_LIMIT"]

DEFAULT_TIME_LIMIT = 10 * 60  # seconds per case in exam mode
_SETTING_LABELS = {"office": "Office", "telehealth": "Telehealth", "emergency": "Emergency department",
                   "ambulatory_surgery": "Ambulatory surgery", "inpatient": "Inpatient"}
_DIFFICULTY = {1: "1 — starter", 2: "2 — standard", 3: "3 — challenging"}
_HINT = ("Diagnoses first (first-listed or principal first), then service lines and ICD-10-PCS codes, separated by "
         "commas — e.g. E11.22, N18.31, 99214-25, J1885 x4")


def answer_text(case) -> str:
    """Return the case's key as a learner would type it (used by 'show me' and by tests)."""
    key = grading.key_answer(case)
    return ", ".join(key["diagnoses"] + key["procedures"] + key["pcs"])


def _clock_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def build_app(case_id: str | None = None, mode: str = "learning", time_limit: int = DEFAULT_TIME_LIMIT,
              seed: int | None = None, clock: Callable[[], float] = time.monotonic) -> widgets.VBox:
    """Return the case drill; ``case_id`` opens that practice case first, ``mode`` is learning or exam.

    ``time_limit`` is the exam time per case in seconds. The countdown ticks in the browser (an ipywidgets Play
    widget, hidden) so that no thread runs in the kernel; ``clock`` measures the time taken.

    CSS classes: ``drill-tag``, ``drill-setting``, ``drill-difficulty``, ``drill-count``, ``drill-case``,
    ``drill-next``, ``drill-mode``, ``drill-timer``, ``drill-record``, ``drill-answer``, ``drill-submit``,
    ``drill-show-key``, ``drill-feedback``, ``drill-score``.
    """
    if mode not in grading.MODES:
        raise ValueError(f"mode must be one of {', '.join(grading.MODES)}")
    if time_limit < 10:
        raise ValueError("time_limit is in seconds and must be at least 10")
    pool = records.all_cases("practice")
    if not pool:
        raise ValueError("no practice cases are installed")
    by_id = {c.id: c for c in pool}
    if case_id is not None and str(case_id).strip().upper() not in by_id:
        raise ValueError(f"{case_id!r} is not a practice case")
    chooser = random.Random(seed)
    errors = error_area()

    tag_counts = Counter(t for c in pool for t in c.tags)
    tag = classed(widgets.Dropdown(options=[("All topics", "")] + [(f"{t} ({n})", t) for t, n in
                                                                   sorted(tag_counts.items())],
                                   value="", description="Topic", layout=widgets.Layout(width="300px")), "drill-tag")
    setting = classed(widgets.Dropdown(options=[("Any setting", "")] + [(_SETTING_LABELS.get(s, s), s)
                                                                        for s in SETTINGS],
                                       value="", description="Setting", layout=widgets.Layout(width="290px")),
                      "drill-setting")
    difficulty = classed(widgets.Dropdown(options=[("Any", 0)] + [(v, k) for k, v in _DIFFICULTY.items()], value=0,
                                          description="Difficulty", layout=widgets.Layout(width="250px")),
                         "drill-difficulty")
    count = classed(widgets.HTML(""), "drill-count")
    case_menu = classed(widgets.Dropdown(options=[], description="Case", layout=widgets.Layout(width="640px")),
                        "drill-case")
    next_case = button("Next case", "drill-next", tooltip="a case you have not tried yet, from the filtered list")
    modes = classed(widgets.ToggleButtons(options=[("Learning", "learning"), ("Exam (timed)", "exam")], value=mode,
                                          tooltips=["partial credit and explanations; retry as often as you like",
                                                    "timed, all-or-nothing per code, one attempt"]), "drill-mode")
    timer = classed(widgets.HTML(""), "drill-timer")
    ticker = classed(widgets.Play(value=0, min=0, max=time_limit, step=1, interval=1000, show_repeat=False,
                                  layout=widgets.Layout(display="none")), "drill-clock")
    record = classed(widgets.HTML(""), "drill-record")
    answer = classed(widgets.Textarea(placeholder=_HINT, layout=widgets.Layout(width="100%", height="70px")),
                     "drill-answer")
    submit = button("Grade my answer", "drill-submit", "primary")
    show_key = button("Show the key", "drill-show-key", tooltip="learning mode: the key with the reason for each code")
    feedback = classed(widgets.HTML(""), "drill-feedback")
    score_view = classed(widgets.HTML(""), "drill-score")

    state: dict = {"case": None, "started": None, "done": False, "busy": False}
    session: dict[tuple[str, str], tuple[float, float]] = {}

    # ------------------------------------------------------------------------------------------- helpers
    def matching() -> list:
        return records.find(setting=setting.value or None, tag=tag.value or None,
                            difficulty=difficulty.value or None, pool="practice")

    def refresh_score() -> None:
        if not session:
            score_view.value = "<span class='app-muted'>Session score: nothing graded yet.</span>"
            return
        rows = []
        for which in grading.MODES:
            done = [v for (case, m), v in session.items() if m == which]
            if done:
                total, maximum = sum(t for t, _ in done), sum(m for _, m in done)
                percent = round(100 * total / maximum, 1) if maximum else 0.0
                rows.append(f"<tr><td>{which}</td><td>{len(done)}</td><td>{total:g} / {maximum:g}</td>"
                            f"<td><b>{percent}%</b></td></tr>")
        score_view.value = ("<b>Session score</b> <span class='app-muted'>(first graded attempt at each case "
                            "counts)</span><table class='app-table'><tr><th>Mode</th><th>Cases</th><th>Points</th>"
                            f"<th>Score</th></tr>{''.join(rows)}</table>")

    def stop_clock() -> None:
        ticker.playing = False

    def start_clock() -> None:
        state["started"] = clock()
        ticker.playing = False
        ticker.value = 0
        ticker.playing = True
        timer.value = f"⏱ <b>{_clock_text(time_limit)}</b> left for this case"

    def open_case(case) -> None:
        state.update(case=case, done=False)
        record.value = case.to_html()
        answer.value = ""
        answer.disabled = submit.disabled = False
        feedback.value = ""
        exam = modes.value == "exam"
        show_key.layout.display = "none" if exam else ""
        if exam:
            start_clock()
        else:
            stop_clock()
            state["started"] = clock()
            timer.value = ""

    def fill_menu(keep: str | None = None) -> None:
        found = matching()
        count.value = (f"<span class='app-muted'>{len(found)} case{'s' if len(found) != 1 else ''} match</span>"
                       if found else message("info", "No practice case matches these filters — widen them."))
        options = [(f"{c.id} · {c.title[:80]} (difficulty {c.difficulty})", c.id) for c in found]
        state["busy"] = True
        try:
            case_menu.options = options
            wanted = keep if keep in [v for _, v in options] else (options[0][1] if options else None)
            case_menu.value = wanted
        finally:
            state["busy"] = False
        if case_menu.value is None:
            state["case"] = None
            record.value = ""
            stop_clock()
            timer.value = ""
        elif state["case"] is None or state["case"].id != case_menu.value:
            open_case(by_id[case_menu.value])

    def grade_now(timed_out: bool = False) -> None:
        case = state["case"]
        exam = modes.value == "exam"
        score = grading.grade(case, answer.value, mode=modes.value)
        key = (case.id, modes.value)
        first = key not in session
        if first:
            session[key] = (score.total, score.max)
        taken = clock() - (state["started"] or clock())
        notes = []
        if exam:
            stop_clock()
            state["done"] = True
            answer.disabled = submit.disabled = True
            show_key.layout.display = ""
            notes.append("Exam mode: all-or-nothing per code, one attempt. ")
            notes.append("Time is up — graded as entered. " if timed_out else f"Time taken {_clock_text(taken)}. ")
        if not first:
            notes.append("Already counted in the session score (first attempt counts). ")
        verdict = ("ok" if score.percent == 100 else "partial" if score.total > 0 else "no")
        feedback.value = (message(verdict, f"<b>{score.total:g} / {score.max:g} points ({score.percent}%)</b> "
                                           f"<span>{html.escape(''.join(notes))}</span>") + score.to_html())
        refresh_score()

    # ------------------------------------------------------------------------------------------- callbacks
    @guarded(errors)
    def on_filter(_=None):
        fill_menu(keep=case_menu.value)

    @guarded(errors)
    def on_case(change):
        if state["busy"] or not change["new"]:
            return
        open_case(by_id[change["new"]])

    @guarded(errors)
    def on_next(_=None):
        options = [v for _, v in case_menu.options]
        if not options:
            count.value = message("info", "No practice case matches these filters — widen them.")
            return
        untried = [c for c in options if (c, modes.value) not in session and c != case_menu.value]
        case_menu.value = chooser.choice(untried or [c for c in options if c != case_menu.value] or options)

    @guarded(errors)
    def on_mode(_=None):
        if state["case"] is not None:
            open_case(state["case"])

    @guarded(errors)
    def on_submit(_=None):
        fault_point("case_drill", answer.value)
        if state["case"] is None:
            feedback.value = message("info", "Pick a case first.")
            return
        if state["done"]:
            feedback.value += message("info", "This exam case is finished — press Next case for another.")
            return
        if not answer.value.strip():
            feedback.value = message("info", f"Read the record, then type your codes. {html.escape(_HINT)}.")
            return
        grade_now()

    @guarded(errors)
    def on_show_key(_=None):
        case = state["case"]
        if case is None:
            return
        if modes.value == "exam" and not state["done"]:
            feedback.value = message("info", "The key opens after you submit in exam mode.")
            return
        record.value = case.to_html(show_key=True)

    @guarded(errors)
    def on_tick(change):
        if modes.value != "exam" or state["case"] is None or state["done"]:
            return
        left = time_limit - int(change["new"] or 0)
        if left > 0:
            timer.value = (f"⏱ <b>{_clock_text(left)}</b> left for this case"
                           + (" — <b style='color:#b71c1c'>hurry</b>" if left <= 60 else ""))
            return
        timer.value = "⏱ <b>Time is up.</b>"
        grade_now(timed_out=True)

    for control in (tag, setting, difficulty):
        control.observe(on_filter, names="value")
    case_menu.observe(on_case, names="value")
    modes.observe(on_mode, names="value")
    ticker.observe(on_tick, names="value")
    next_case.on_click(on_next)
    submit.on_click(on_submit)
    show_key.on_click(on_show_key)

    fill_menu(keep=str(case_id).strip().upper() if case_id else None)
    refresh_score()
    body = [
        widgets.HBox([tag, setting, difficulty], layout=widgets.Layout(flex_flow="row wrap")),
        widgets.HBox([case_menu, next_case, count], layout=widgets.Layout(flex_flow="row wrap")),
        widgets.HBox([modes, timer, ticker], layout=widgets.Layout(flex_flow="row wrap", align_items="center")),
        record,
        answer,
        widgets.HBox([submit, show_key]),
        feedback,
        score_view,
    ]
    return frame("case_drill", "Case drill",
                 "Pick a case, read the record, enter the codes and grade them. Learning mode explains every code; "
                 "exam mode is timed and all-or-nothing.", body, errors)
