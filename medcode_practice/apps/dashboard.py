"""Instructor dashboard: how the class did, which items were hard, which codes were missed, who needs help.

Reads an nbgrader gradebook (the course folder or its gradebook.db: the ``MEDCODE_GRADEBOOK`` variable, or
typed in the box) read-only, and re-grades the submitted answers with the library to find missed codes and
error types. Items whose key is not visible to the account running the dashboard (sealed assessment keys, the
variant salt) keep their scores but are left out of the code analysis, and the page says so.

Panels: score distribution (per assignment or all), item difficulty (mean score and share with full marks),
most-missed codes and error types, and students who need help (below a threshold, a missing submission, or work
waiting for manual grading). Every callback is guarded: an unexpected error becomes one friendly sentence.

>>> from medcode_practice.apps import dashboard
>>> app = dashboard.build_app()            # doctest: +SKIP
>>> dashboard.find(app, "dashboard-path").value = "course/"   # doctest: +SKIP
"""

from __future__ import annotations

import base64
import html
import io
import os
from collections import Counter

import ipywidgets as widgets

from ..grading import ERROR_TAGS
from ..grading.gradebook import Classbook, GradebookError, read, regrade
from ._safe import error_area, guarded
from ._ui import button, classed, find, frame, inline, message

__all__ = ["build_app", "find", "summarize", "GRADEBOOK_VARIABLE", "ALL"]

GRADEBOOK_VARIABLE = "MEDCODE_GRADEBOOK"
ALL = "All assignments"
DEFAULT_THRESHOLD = 60


# ----------------------------------------------------------------------------------------------- numbers
def summarize(book: Classbook, rows: list[dict], assignment: str | None = None,
              threshold: float = DEFAULT_THRESHOLD) -> dict:
    """Return the dashboard's tables for one assignment (or all): scores, items, missed codes, tags, help list.

    ``rows`` are the re-graded answers from ``gradebook.regrade``. Percentages are of the points possible.
    """
    import pandas as pd

    subs = book.submissions
    grades = book.grades
    if assignment and assignment != ALL:
        subs = subs[subs["assignment"] == assignment]
        grades = grades[grades["assignment"] == assignment]
        rows = [r for r in rows if r["assignment"] == assignment]
    subs = subs.assign(percent=(100 * subs["score"] / subs["max_score"].where(subs["max_score"] > 0)).fillna(0.0))

    items = pd.DataFrame(columns=["assignment", "item", "students", "max_score", "mean_percent", "full_marks"])
    auto = grades[grades["cell_type"] == "code"]
    if len(auto):
        auto = auto.assign(percent=(100 * auto["score"] / auto["max_score"].where(auto["max_score"] > 0))
                           .fillna(0.0), full=auto["score"] >= auto["max_score"])
        items = (auto.groupby(["assignment", "item"])
                 .agg(students=("student", "nunique"), max_score=("max_score", "max"),
                      mean_percent=("percent", "mean"), full_marks=("full", "mean"))
                 .reset_index().sort_values(["mean_percent", "assignment", "item"]))
        items["mean_percent"] = items["mean_percent"].round(1)
        items["full_marks"] = (100 * items["full_marks"]).round(0)

    missed, wrong, tags = Counter(), Counter(), Counter()
    for row in rows:
        for code in row["missed"]:
            missed[(row["assignment"], row["item"], code)] += 1
        for code in row["wrong"]:
            wrong[(row["assignment"], row["item"], code)] += 1
        for tag, count in row["tags"].items():
            tags[tag] += count
    missed_df = pd.DataFrame([{"assignment": a, "item": i, "code": c, "students": n}
                              for (a, i, c), n in missed.most_common()],
                             columns=["assignment", "item", "code", "students"])
    wrong_df = pd.DataFrame([{"assignment": a, "item": i, "entered": c, "students": n}
                             for (a, i, c), n in wrong.most_common()],
                            columns=["assignment", "item", "entered", "students"])
    tags_df = pd.DataFrame([{"tag": t, "meaning": ERROR_TAGS.get(t, t), "count": n} for t, n in tags.most_common()],
                           columns=["tag", "meaning", "count"])

    # Who needs help: low scores, missing work (against the assignments in view), work waiting for a grader.
    wanted = [assignment] if assignment and assignment != ALL else list(book.assignments["assignment"])
    students = sorted(set(book.students["student"]) | set(book.submissions["student"]))
    help_rows = []
    for student in students:
        mine = subs[subs["student"] == student]
        possible = float(book.assignments[book.assignments["assignment"].isin(wanted)]["max_score"].sum())
        earned = float(mine["score"].sum())
        percent = round(100 * earned / possible, 1) if possible > 0 else 0.0
        missing = sorted(set(wanted) - set(mine["assignment"]))
        manual = sorted(mine[mine["needs_manual_grade"]]["assignment"])
        reasons = []
        if percent < threshold:
            reasons.append(f"{percent:g}% of the points (below {threshold:g}%)")
        if missing:
            reasons.append("nothing submitted for " + ", ".join(missing))
        if manual:
            reasons.append("waiting for manual grading: " + ", ".join(manual))
        if reasons:
            help_rows.append({"student": student, "percent": percent, "reasons": "; ".join(reasons)})
    help_df = pd.DataFrame(help_rows, columns=["student", "percent", "reasons"]).sort_values(["percent", "student"])
    return {"submissions": subs, "items": items, "missed": missed_df, "wrong": wrong_df, "tags": tags_df,
            "help": help_df, "students": len(students)}


# ----------------------------------------------------------------------------------------------- pictures
def _png(figure) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(figure)
    return f'<img alt="chart" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}">'


def _figure(width: float = 6.5, height: float = 3.0):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height))


def _histogram(percents, title: str) -> str:
    figure, axes = _figure()
    axes.hist(list(percents), bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.001], color="#4c72b0",
              edgecolor="white")
    axes.set_xlabel("score (% of the points)")
    axes.set_ylabel("submissions")
    from matplotlib.ticker import MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(0, 100)
    axes.set_title(title)
    return _png(figure)


def _bars(labels: list[str], values: list[float], xlabel: str, title: str, colour: str, limit=None) -> str:
    figure, axes = _figure(6.5, max(2.2, 0.32 * len(labels) + 1))
    axes.barh(range(len(labels)), values, color=colour)
    axes.set_yticks(range(len(labels)), labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel(xlabel)
    if limit:
        axes.set_xlim(0, limit)
    axes.set_title(title)
    return _png(figure)


def _table(frame, columns: list[tuple[str, str]], empty: str) -> str:
    if frame is None or not len(frame):
        return f'<p class="app-muted">{html.escape(empty)}</p>'
    head = "".join(f"<th>{html.escape(title)}</th>" for _, title in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(row[name]))}</td>" for name, _ in columns) + "</tr>"
                   for row in frame.to_dict("records"))
    return f'<table class="app-table"><tr>{head}</tr>{body}</table>'


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


# ----------------------------------------------------------------------------------------------- the app
def build_app(path: str | None = None, threshold: float = DEFAULT_THRESHOLD) -> widgets.VBox:
    """Return the dashboard; it loads ``path`` (or ``MEDCODE_GRADEBOOK``) at once when one is given."""
    errors = error_area()
    start = path if path is not None else os.environ.get(GRADEBOOK_VARIABLE, "")
    path_box = classed(widgets.Text(value=start, placeholder="course folder or gradebook.db",
                                    description="Gradebook", layout=widgets.Layout(width="60%")), "dashboard-path")
    load = button("Load", "dashboard-load", style="primary", tooltip="read the gradebook (read-only)")
    choose = classed(widgets.Dropdown(options=[ALL], value=ALL, description="Show"), "dashboard-assignment")
    slider = classed(widgets.IntSlider(value=int(threshold), min=0, max=100, step=5,
                                       description="Help below %", style={"description_width": "initial"}),
                     "dashboard-threshold")
    status = classed(widgets.HTML(""), "dashboard-status")
    summary = classed(widgets.HTML(""), "dashboard-summary")
    scores = classed(widgets.HTML(""), "dashboard-scores")
    items = classed(widgets.HTML(""), "dashboard-items")
    missed = classed(widgets.HTML(""), "dashboard-missed")
    helpers = classed(widgets.HTML(""), "dashboard-help")
    tabs = widgets.Tab(children=[scores, items, missed, helpers])
    for index, title in enumerate(("Scores", "Items", "Missed codes", "Needs help")):
        tabs.set_title(index, title)
    state: dict = {"book": None, "rows": [], "notes": []}

    def render() -> None:
        book = state["book"]
        if book is None:
            return
        tables = summarize(book, state["rows"], choose.value, slider.value)
        subs = tables["submissions"]
        mean = f"{subs['percent'].mean():.1f}%" if len(subs) else "—"
        manual = int(subs["needs_manual_grade"].sum()) if len(subs) else 0
        notes = "".join(f'<div class="app-note">{inline(n)}</div>' for n in state["notes"])
        summary.value = (f"<p><b>{tables['students']}</b> student(s) · <b>{len(subs)}</b> submission(s) · mean "
                         f"<b>{mean}</b> · <b>{manual}</b> waiting for manual grading · course "
                         f"<code>{html.escape(book.course_id)}</code></p>{notes}")
        title = "All assignments" if choose.value == ALL else choose.value
        scores.value = (_histogram(subs["percent"], f"Score distribution — {title}") if len(subs) else
                        '<p class="app-muted">No submission has been autograded yet.</p>')
        frame_ = tables["items"]
        chart = ""
        if len(frame_):
            hardest = frame_.head(15)
            chart = _bars([f"{a} · {i}" for a, i in zip(hardest["assignment"], hardest["item"])],
                          list(hardest["mean_percent"]), "mean score (% of the item's points)",
                          "Hardest items first", "#dd8452", limit=100)
        items.value = chart + _table(frame_, [("assignment", "Assignment"), ("item", "Item"),
                                              ("students", "Students"), ("max_score", "Points"),
                                              ("mean_percent", "Mean %"), ("full_marks", "Full marks %")],
                                     "No autograded items yet.")
        tag_chart = ""
        if len(tables["tags"]):
            top = tables["tags"].head(12)
            tag_chart = _bars(list(top["meaning"]), list(top["count"]), "times seen", "Error types", "#55a868")
        missed.value = ("<h4>Codes most often missed</h4>"
                        + _table(tables["missed"].head(20), [("code", "Code"), ("students", "Missed by"),
                                                             ("assignment", "Assignment"), ("item", "Item")],
                                 "No missed codes found (or no key visible here).")
                        + "<h4>Codes most often entered wrongly</h4>"
                        + _table(tables["wrong"].head(20), [("entered", "Entered"), ("students", "Times"),
                                                            ("assignment", "Assignment"), ("item", "Item")],
                                 "No wrong codes found.")
                        + "<h4>Error types</h4>"
                        + _table(tables["tags"], [("meaning", "Error type"), ("count", "Times seen")],
                                 "No error types found.")
                        + tag_chart)
        helpers.value = _table(tables["help"], [("student", "Student"), ("percent", "Score %"),
                                                ("reasons", "Why")],
                               f"Everyone is at or above {slider.value}% with nothing missing.")

    @guarded(errors)
    def on_load(_=None):
        text = path_box.value.strip()
        try:
            book = read(text)
        except GradebookError as problem:
            state.update(book=None, rows=[], notes=[])
            status.value = message("no", html.escape(str(problem)))
            for pane in (summary, scores, items, missed, helpers):
                pane.value = ""
            return
        rows, notes = regrade(book)
        state.update(book=book, rows=rows, notes=notes)
        names = [ALL, *sorted(book.assignments["assignment"])]
        keep = choose.value if choose.value in names else ALL
        choose.options = names
        choose.value = keep
        status.value = message("ok", f"Read {html.escape(str(book.path))} (read-only).")
        render()

    @guarded(errors)
    def on_change(_change=None):
        render()

    load.on_click(on_load)
    choose.observe(on_change, names="value")
    slider.observe(on_change, names="value")
    app = frame("dashboard", "Class dashboard",
                "Scores, hard items, missed codes and who needs help, from the class gradebook. Nothing here "
                "changes a grade.",
                [widgets.HBox([path_box, load]), widgets.HBox([choose, slider]), status, summary, tabs], errors)
    app.load = on_load  # for tests and notebooks: app.load() reads the path in the box
    if start.strip():
        on_load()
    return app
