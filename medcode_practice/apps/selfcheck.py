"""Self-check widgets for lessons (and the Voila apps): answer, get feedback at once, nothing is recorded.

Every function returns an ``ipywidgets.VBox`` carrying the CSS classes ``mcp-selfcheck`` and ``mcp-<kind>``; the
parts a learner or a browser test touches carry their own classes (``mcp-answer``, ``mcp-check``,
``mcp-feedback`` …) and can be found with :func:`find`. Callbacks never raise: an unexpected error is logged and
shown in the widget as a friendly message (an exception in a widget callback is otherwise lost without a trace).

>>> box = code_entry("Type 2 diabetes without complications", "E11.9")
>>> find(box, "mcp-answer").value = "e119"
>>> find(box, "mcp-check").click()
>>> "All correct" in find(box, "mcp-feedback").value
True
"""

from __future__ import annotations

import functools
import html
import logging
import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence

import ipywidgets as widgets

from .. import codes, grading, records
from ..codes import em, icd10pcs, terminology
from ..codes.normalize import clean, system_name

__all__ = ["multiple_choice", "code_entry", "case_check", "flashcards", "word_builder", "pcs_navigator",
           "mdm_grid", "find", "FRIENDLY_ERROR"]

_log = logging.getLogger(__name__)

FRIENDLY_ERROR = ("Sorry — something went wrong while checking this. Nothing was saved or graded. Try again; if it "
                  "keeps happening, tell your instructor what you entered.")

_COLOURS = {"ok": ("#e8f5e9", "#1b5e20"), "no": ("#ffebee", "#b71c1c"), "partial": ("#fff8e1", "#6d4c00"),
            "info": ("#e3f2fd", "#0d47a1"), "error": ("#fbe9e7", "#bf360c")}


# --------------------------------------------------------------------------------------------- helpers
def _inline(text: str) -> str:
    """Escape text for HTML and show `backticked` words as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(str(text)))


def _say(kind: str, body: str) -> str:
    """Wrap feedback HTML in a coloured box whose class names the kind (ok, no, partial, info, error)."""
    background, colour = _COLOURS[kind]
    return (f'<div class="mcp-fb mcp-fb-{kind}" style="background:{background};color:{colour};padding:6px 10px;'
            f'border-radius:4px;line-height:1.45">{body}</div>')


def _classed(widget: widgets.Widget, *names: str) -> widgets.Widget:
    for name in names:
        widget.add_class(name)
    return widget


def _guarded(feedback: widgets.HTML) -> Callable:
    """Decorate a callback so that any error becomes a friendly message in ``feedback`` (and a log entry)."""

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def run(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except Exception as error:  # noqa: BLE001 - a widget callback must never fail silently
                # The detail goes to the log for whoever runs the server; a learner never sees code or errors.
                _log.warning("self-check callback %s failed: %s", function.__name__, error, exc_info=True)
                feedback.value = _say("error", FRIENDLY_ERROR)

        return run

    return decorate


def _box(kind: str, children: list[widgets.Widget]) -> widgets.VBox:
    box = widgets.VBox(children, layout=widgets.Layout(border="1px solid #cfd8dc", padding="8px", margin="6px 0",
                                                       max_width="900px"))
    return _classed(box, "mcp-selfcheck", f"mcp-{kind}")


def _children(widget: widgets.Widget) -> Iterable[widgets.Widget]:
    return getattr(widget, "children", ()) or ()


def find(widget: widgets.Widget, css_class: str) -> widgets.Widget:
    """Return the first widget inside ``widget`` (itself included) that carries ``css_class``.

    Raises LookupError naming the class when there is none (tests and apps then fail with a clear message).
    """
    stack = [widget]
    while stack:
        current = stack.pop(0)
        if css_class in getattr(current, "_dom_classes", ()):
            return current
        stack.extend(_children(current))
    raise LookupError(f"no widget with class {css_class!r} inside this self-check")


def _split_codes(text: str) -> list[str]:
    return [t for t in re.split(r"[,;\s]+", str(text or "")) if t.strip()]


def _question(text: str) -> widgets.HTML:
    return _classed(widgets.HTML(f"<b>{_inline(text)}</b>"), "mcp-question")


def _button(description: str, css: str, style: str = "") -> widgets.Button:
    return _classed(widgets.Button(description=description, button_style=style,
                                   layout=widgets.Layout(width="auto")), css)


def _feedback() -> widgets.HTML:
    return _classed(widgets.HTML(""), "mcp-feedback")


# --------------------------------------------------------------------------------------------- multiple choice
def multiple_choice(question: str, options: Sequence[str], answer: str | int, explanation: str = "") -> widgets.VBox:
    """Ask a question with one best answer; say at once whether the choice is right, and why.

    ``answer`` is the correct option's text or its 0-based position. A wrong choice is not given away: the learner
    may try again or press "Show answer".

    >>> box = multiple_choice("Which code set reports inpatient procedures?", ["CPT", "ICD-10-PCS"], "ICD-10-PCS")
    """
    labels = [str(o) for o in options]
    if len(labels) < 2 or len(set(labels)) != len(labels):
        raise ValueError("give at least two different options")
    correct = labels[answer] if isinstance(answer, int) else str(answer)
    if correct not in labels:
        raise ValueError(f"answer {answer!r} is not one of the options")
    choice = _classed(widgets.RadioButtons(options=labels, value=None, layout=widgets.Layout(width="max-content")),
                      "mcp-options")
    check, reveal, feedback = _button("Check", "mcp-check", "primary"), _button("Show answer", "mcp-reveal"), _feedback()
    why = f" {_inline(explanation)}" if explanation else ""

    @_guarded(feedback)
    def on_check(_=None):
        if choice.value is None:
            feedback.value = _say("info", "Choose an answer first.")
        elif choice.value == correct:
            feedback.value = _say("ok", f"<b>✓ Correct.</b>{why}")
        else:
            feedback.value = _say("no", f"<b>✗ Not quite</b> — “{_inline(choice.value)}” is not the best answer. "
                                        f"Have another look, or press Show answer.")

    @_guarded(feedback)
    def on_reveal(_=None):
        feedback.value = _say("info", f"The answer is <b>“{_inline(correct)}”</b>.{why}")

    check.on_click(on_check)
    reveal.on_click(on_reveal)
    return _box("multiple-choice", [_question(question), choice, widgets.HBox([check, reveal]), feedback])


# --------------------------------------------------------------------------------------------- code entry
def _describe(system: str, code: str) -> str:
    try:
        return codes.lookup(code, system).description
    except (codes.CodeError, ValueError):
        return ""


def code_entry(prompt: str, expected: Sequence[str] | str, explanation: str = "",
               system: str | None = None) -> widgets.VBox:
    """Ask for one or more codes; say which typed codes are right, how many are missing, and which are extra.

    Typed codes are read like every answer in MedCode Practice: with or without the dot, any case, separated by
    commas or spaces. A malformed code, a header (category or subcategory) or a code missing its 7th character
    gets the specific reason from the code sets. ``expected`` is a code, a comma-separated string or a list;
    ``system`` (``icd10cm``, ``pcs``, ``cpt``, ``hcpcs``) limits what the box accepts.

    >>> box = code_entry("Essential (primary) hypertension", "I10", system="icd10cm")
    """
    wanted_system = system_name(system) if system else None
    keys: list[tuple[str, str]] = []
    for item in ([expected] if isinstance(expected, str) else list(expected)):
        for token in _split_codes(item):
            found_system, code = codes.normalize(token, wanted_system)
            codes.check(code, found_system)  # a lesson's own key must be reportable: fail loudly at build time
            if (found_system, code) not in keys:
                keys.append((found_system, code))
    if not keys:
        raise ValueError("code_entry needs at least one expected code")
    key_codes = [code for _, code in keys]
    answer = _classed(widgets.Text(placeholder="type code(s), separated by commas", continuous_update=False,
                                   layout=widgets.Layout(width="420px")), "mcp-answer")
    check, reveal, feedback = _button("Check", "mcp-check", "primary"), _button("Show answer", "mcp-reveal"), _feedback()
    why = f"<br>{_inline(explanation)}" if explanation else ""

    def listing(items: list[tuple[str, str]]) -> str:
        return ", ".join(f"<code>{html.escape(c)}</code>" + (f" ({html.escape(d)})" if d else "") for c, d in items)

    @_guarded(feedback)
    def on_check(_=None):
        tokens = _split_codes(answer.value)
        if not tokens:
            feedback.value = _say("info", "Type one or more codes first (for example <code>E11.9</code>), "
                                          "separated by commas.")
            return
        right, extra, problems, typed = [], [], [], []
        for token in tokens:
            try:
                found_system, code = codes.normalize(token, wanted_system)
                if code not in key_codes:
                    entry = codes.check(code, found_system)  # headers and missing 7th characters raise here
                    extra.append((code, entry.description))
                elif code not in typed:
                    right.append((code, _describe(found_system, code)))
            except codes.CodeError as error:
                problems.append((token, str(error)))
                continue
            typed.append(code)
        missing = [c for c in key_codes if c not in typed]
        lines = []
        if right:
            lines.append(f"<b>Right:</b> {listing(right)}")
        if missing:
            lines.append(f"<b>Missing:</b> {len(missing)} code{'s' if len(missing) > 1 else ''} — read the "
                         f"prompt again for what is not yet coded.")
        if extra:
            lines.append(f"<b>Not expected here:</b> {listing(extra)}")
        for token, reason in problems:
            lines.append(f"<b>Cannot be used as typed — {html.escape(token)}:</b> {html.escape(reason)}")
        if not missing and not extra and not problems:
            order = [c for c in typed if c in key_codes]
            note = ""
            if len(key_codes) > 1 and order != key_codes:
                note = (f"<br>All the right codes — note the expected order starts with <code>{key_codes[0]}</code>; "
                        f"on a claim the first-listed code matters.")
            feedback.value = _say("ok", f"<b>✓ All correct:</b> {listing(right)}{note}{why}")
        else:
            feedback.value = _say("partial" if right else "no", "<br>".join(lines))

    @_guarded(feedback)
    def on_reveal(_=None):
        shown = [(code, _describe(system_, code)) for system_, code in keys]
        feedback.value = _say("info", f"<b>Expected:</b> {listing(shown)}{why}")

    check.on_click(on_check)
    reveal.on_click(on_reveal)
    answer.observe(lambda change: on_check() if change["new"] else None, names="value")
    return _box("code-entry", [_question(prompt), widgets.HBox([answer, check, reveal]), feedback])


# --------------------------------------------------------------------------------------------- case check
_PARTS = ("diagnoses", "procedures", "pcs", "billing")
_PLACEHOLDERS = {"diagnoses": "diagnosis codes, first-listed (or principal) first, e.g. E11.22, N18.31",
                 "procedures": "service lines, e.g. 99214-25, 20610-RT, J1885 x2",
                 "pcs": "ICD-10-PCS codes, principal procedure first"}


def case_check(case_id: str, parts: Sequence[str] = ("diagnoses",)) -> widgets.VBox:
    """Show a practice case's record (folded) and a box for the codes; grade in learning mode and show the score.

    Only practice cases are allowed: assessment cases stay sealed. Nothing is saved.

    >>> box = case_check("OP-0012")
    """
    case = records.load(case_id)
    if case.pool != "practice":
        raise ValueError(f"{case.id} is an assessment case; self-checks use practice cases only")
    parts = tuple(parts)
    unknown = [p for p in parts if p not in _PARTS]
    if not parts or unknown:
        raise ValueError(f"parts must be some of {', '.join(_PARTS)}; got {', '.join(unknown) or 'none'}")
    record = widgets.Accordion(children=[widgets.HTML(case.to_html())], selected_index=None)
    record.set_title(0, f"{case.id} · {case.title} — open the record")
    _classed(record, "mcp-record")
    placeholder = " + ".join(_PLACEHOLDERS.get(p, p) for p in parts)
    answer = _classed(widgets.Textarea(placeholder=placeholder, layout=widgets.Layout(width="100%", height="60px")),
                      "mcp-answer")
    check, feedback = _button("Grade my answer", "mcp-check", "primary"), _feedback()
    what = " and ".join(p if p != "pcs" else "ICD-10-PCS codes" for p in parts)

    @_guarded(feedback)
    def on_check(_=None):
        if not answer.value.strip():
            feedback.value = _say("info", f"Read the record, then type the {html.escape(what)} and press Grade.")
            return
        score = grading.grade(case, answer.value, mode="learning", parts=parts)
        feedback.value = score.to_html()

    check.on_click(on_check)
    prompt = _question(f"Code the {what} for case {case.id}. Open the record, read it, then type your answer.")
    return _box("case-check", [prompt, record, answer, widgets.HBox([check]), feedback])


# --------------------------------------------------------------------------------------------- flashcards
def flashcards(cards: Sequence[tuple[str, str]], seed: int | None = None) -> widgets.VBox:
    """Show cards one at a time: Flip for the back, Next for the next card, Shuffle to mix the deck.

    >>> box = flashcards([("-ectomy", "surgical removal"), ("-otomy", "cutting into")])
    """
    deck = [(str(front), str(back)) for front, back in cards]
    if not deck:
        raise ValueError("flashcards needs at least one (front, back) card")
    shuffler = random.Random(seed)
    state = {"order": list(range(len(deck))), "at": 0, "back": False}
    card = _classed(widgets.HTML(), "mcp-card")
    counter = _classed(widgets.HTML(), "mcp-counter")
    flip, step, shuffle = _button("Flip", "mcp-flip", "primary"), _button("Next", "mcp-next"), \
        _button("Shuffle", "mcp-shuffle")
    feedback = _feedback()

    def show():
        front, back = deck[state["order"][state["at"]]]
        side, text = ("back", back) if state["back"] else ("front", front)
        card.value = (f'<div class="mcp-card-{side}" style="font-size:1.3em;padding:18px;min-height:48px;'
                      f'border:1px solid #90a4ae;border-radius:8px;background:{"#fffde7" if state["back"] else "#fff"}'
                      f'">{_inline(text)}</div>')
        counter.value = f"Card {state['at'] + 1} of {len(deck)} · {side}"

    @_guarded(feedback)
    def on_flip(_=None):
        state["back"] = not state["back"]
        show()

    @_guarded(feedback)
    def on_next(_=None):
        state["at"], state["back"] = (state["at"] + 1) % len(deck), False
        show()

    @_guarded(feedback)
    def on_shuffle(_=None):
        shuffler.shuffle(state["order"])
        state["at"], state["back"] = 0, False
        show()

    flip.on_click(on_flip)
    step.on_click(on_next)
    shuffle.on_click(on_shuffle)
    show()
    return _box("flashcards", [card, widgets.HBox([flip, step, shuffle, counter]), feedback])


# --------------------------------------------------------------------------------------------- word builder
_DEFAULT_PARTS = ("hyper-", "hypo-", "brady-", "tachy-", "peri-", "dys-", "poly-", "an-",
                  "gastr/o", "cardi/o", "hepat/o", "nephr/o", "arthr/o", "oste/o", "neur/o", "glyc/o", "col/o",
                  "dermat/o", "hemat/o", "my/o", "append/o", "chol/e", "cyst/o",
                  "-itis", "-ectomy", "-scopy", "-megaly", "-algia", "-emia", "-pathy", "-ia", "-plasty", "-uria",
                  "-stomy", "-oma", "-logy", "-tomy")


def _parts_by_type(parts) -> dict[str, list[terminology.WordPart]]:
    if parts is None:
        parts = _DEFAULT_PARTS
    grouped: dict[str, list[terminology.WordPart]] = {t: [] for t in terminology.TYPES}
    names = [n for group in parts.values() for n in group] if isinstance(parts, Mapping) else list(parts)
    for name in names:
        item = terminology.part(name)
        if item not in grouped[item.type]:
            grouped[item.type].append(item)
    if not grouped["root"]:
        raise ValueError("word_builder needs at least one root")
    return grouped


def word_builder(parts: Iterable[str] | Mapping[str, Iterable[str]] | None = None) -> widgets.VBox:
    """Build a term from prefix, root and suffix dropdowns and read its meaning; or type a term to take it apart.

    ``parts`` names glossary parts (``"hyper-"``, ``"gastr/o"``, ``"-itis"``) as a list or a mapping by type;
    by default a set of common ones is offered.

    >>> box = word_builder(["peri-", "cardi/o", "-itis"])
    """
    grouped = _parts_by_type(parts)

    def dropdown(kind: str, blank: str | None) -> widgets.Dropdown:
        options = ([(blank, "")] if blank else []) + [(f"{p.part}   {p.meaning}", p.part) for p in grouped[kind]]
        return _classed(widgets.Dropdown(options=options, description=kind.capitalize(),
                                         style={"description_width": "48px"}, layout=widgets.Layout(width="285px")),
                        f"mcp-{kind}")

    prefix, root, suffix = dropdown("prefix", "(no prefix)"), dropdown("root", None), dropdown("suffix", "(no suffix)")
    if grouped["suffix"]:
        suffix.value = grouped["suffix"][0].part
    built = _classed(widgets.HTML(), "mcp-word")
    term = _classed(widgets.Text(placeholder="or type a term, e.g. cholecystectomy", continuous_update=False,
                                 layout=widgets.Layout(width="330px")), "mcp-answer")
    take_apart, feedback = _button("Take it apart", "mcp-check"), _feedback()
    examples = {p.example.lower() for p in terminology.word_parts()}

    @_guarded(built)
    def on_change(_=None):
        word = terminology.build(prefix.value or None, root.value, suffix.value or None)
        pieces = [terminology.part(name) for name in (suffix.value, prefix.value, root.value) if name]
        reading = " · ".join(f"<b>{html.escape(p.meaning)}</b> ({html.escape(p.part)})" for p in pieces)
        known = ("✓ a real term — it is an example in our glossary" if word in examples else
                 "not among our glossary's examples: it may or may not be a term in use")
        built.value = (f'<div style="font-size:1.4em;margin:4px 0"><b>{html.escape(word)}</b></div>'
                       f"<div>Read it from the end: {reading}</div><div><small>{known}</small></div>")

    @_guarded(feedback)
    def on_take_apart(_=None):
        text = term.value.strip()
        if not re.search(r"[A-Za-z]", text):
            feedback.value = _say("info", "Type a medical term made of letters, e.g. <i>gastroenteritis</i>.")
            return
        rows = "".join(f"<tr><td><b>{html.escape(p)}</b></td><td>{html.escape(k)}</td>"
                       f"<td>{html.escape(m) or '<i>no part in our glossary</i>'}</td></tr>"
                       for p, k, m in terminology.explain(text))
        feedback.value = _say("info", f"<b>{html.escape(text)}</b><table>{rows}</table>")

    for dd in (prefix, root, suffix):
        dd.observe(on_change, names="value")
    take_apart.on_click(on_take_apart)
    term.observe(lambda change: on_take_apart() if change["new"] else None, names="value")
    on_change()
    return _box("word-builder", [_question("Build a term: pick a prefix, a root and a suffix."),
                                 widgets.HBox([prefix, root, suffix], layout=widgets.Layout(flex_flow="row wrap")),
                                 built, widgets.HBox([term, take_apart]), feedback])


# --------------------------------------------------------------------------------------------- PCS navigator
def pcs_navigator(start: str = "") -> widgets.VBox:
    """Build an ICD-10-PCS code character by character, choosing each axis value from what the tables allow.

    The code and the meaning of each chosen character are shown as the code grows; a complete code shows its
    full description. A code or partial code may also be typed to jump there (a bad character is explained).

    >>> box = pcs_navigator("0DT")
    """
    state = {"prefix": "", "busy": False}
    code_view = _classed(widgets.HTML(), "mcp-code")
    axes_view = _classed(widgets.HTML(), "mcp-axes")
    choice = _classed(widgets.Dropdown(options=[], value=None, layout=widgets.Layout(width="480px")),
                      "mcp-next-choice")
    back, reset = _button("Back one", "mcp-back"), _button("Start over", "mcp-reset")
    typed = _classed(widgets.Text(placeholder="or type a code or its start, e.g. 0DTJ", continuous_update=False,
                                  layout=widgets.Layout(width="260px")), "mcp-answer")
    go, feedback = _button("Go", "mcp-check"), _feedback()

    def meanings(prefix: str) -> list[tuple[str, str, str]]:
        out = []
        for position, value in enumerate(prefix):
            match = next(c for c in icd10pcs.next_choices(prefix[:position]) if c.value == value)
            out.append((value, match.meaning, match.definition))
        return out

    def render():
        prefix = state["prefix"]
        shown = "".join(f"<b>{c}</b>" for c in prefix) + "_" * (7 - len(prefix))
        code_view.value = f'<div style="font-family:monospace;font-size:1.6em;letter-spacing:4px">{shown}</div>'
        rows = "".join(f"<tr><td>{n}</td><td>{icd10pcs.AXES[n - 1]}</td><td><b>{v}</b></td><td>{html.escape(m)}"
                       + (f"<br><small>{html.escape(d)}</small>" if d else "") + "</td></tr>"
                       for n, (v, m, d) in enumerate(meanings(prefix), 1))
        axes_view.value = (f'<table style="border-collapse:collapse" border="1" cellpadding="3"><tr><th>#</th>'
                           f"<th>Axis</th><th>Value</th><th>Meaning</th></tr>{rows}</table>" if rows else "")
        state["busy"] = True
        try:
            if len(prefix) < 7:
                options = [(f"{c.value} — {c.meaning}", c.value) for c in icd10pcs.next_choices(prefix)]
                choice.options, choice.value, choice.disabled = options, None, False
                choice.description = f"{icd10pcs.AXES[len(prefix)]}:"
                feedback.value = ""
            else:
                choice.options, choice.value, choice.disabled = [], None, True
                choice.description = "Complete"
                full = icd10pcs.decode(prefix)
                feedback.value = _say("ok", f"<b>✓ {full.code}</b> — {html.escape(full.description)}")
        finally:
            state["busy"] = False
        back.disabled = not prefix

    @_guarded(feedback)
    def on_choice(change):
        if state["busy"] or change["new"] is None:
            return
        state["prefix"] += change["new"]
        render()

    @_guarded(feedback)
    def on_back(_=None):
        state["prefix"] = state["prefix"][:-1]
        render()

    @_guarded(feedback)
    def on_reset(_=None):
        state["prefix"] = ""
        render()

    @_guarded(feedback)
    def on_go(_=None):
        text = clean(typed.value)
        if not text:
            feedback.value = _say("info", "Type a code or the start of one, e.g. <code>0DTJ</code>.")
            return
        try:
            if len(text) > 7:
                raise codes.MalformedCodeError(f"{text}: ICD-10-PCS codes have exactly 7 characters, not {len(text)}")
            if len(text) == 7:
                icd10pcs.decode(text)  # names the first character the tables do not allow
            else:
                icd10pcs.next_choices(text)
        except codes.CodeError as error:
            feedback.value = _say("no", html.escape(str(error)))
            return
        state["prefix"] = text
        render()

    choice.observe(on_choice, names="value")
    back.on_click(on_back)
    reset.on_click(on_reset)
    go.on_click(on_go)
    typed.observe(lambda change: on_go() if change["new"] else None, names="value")
    render()
    if start:
        typed.value = start  # goes through on_go, so a bad start is explained instead of raised
    return _box("pcs-navigator", [_question("Build an ICD-10-PCS code one axis at a time."), code_view, choice,
                                  widgets.HBox([back, reset, typed, go]), axes_view, feedback])


# --------------------------------------------------------------------------------------------- MDM grid
_PROBLEMS = {"minimal": "minimal — one self-limited or minor problem",
             "low": "low — 2+ minor problems, 1 stable chronic illness, or 1 acute uncomplicated illness or injury",
             "moderate": "moderate — chronic illness worsening or 2+ stable chronic illnesses, a new problem of "
                         "uncertain prognosis, acute illness with systemic symptoms, or a complicated injury",
             "high": "high — chronic illness with severe exacerbation, or a threat to life or bodily function"}
_DATA = {"minimal": "minimal — little or no data reviewed or ordered",
         "limited": "limited — 2 items (external notes, unique tests reviewed or ordered) or an independent historian",
         "moderate": "moderate — 1 of 3 categories: 3 items (or 2 + historian), an independent interpretation of a "
                     "test, or a discussion with an outside physician",
         "extensive": "extensive — 2 of those 3 categories"}
_RISK = {"minimal": "minimal — e.g. rest, gargles, bandages",
         "low": "low — e.g. over-the-counter drugs, minor surgery without risk factors",
         "moderate": "moderate — e.g. prescription drug management, minor surgery with risk factors, social "
                     "determinants of health that limit diagnosis or treatment",
         "high": "high — e.g. drug therapy needing intensive monitoring for toxicity, decision for hospitalization "
                 "or emergency major surgery, decision not to resuscitate"}


def mdm_grid() -> widgets.VBox:
    """Pick the three MDM elements, the patient status and optionally the total minutes; see the office visit code.

    The MDM level is the one that two of the three elements meet or exceed (2021+ office E/M rules); total time on
    the date of the encounter may support a higher level instead.

    >>> box = mdm_grid()
    """
    def dropdown(label: str, table: dict[str, str], css: str) -> widgets.Dropdown:
        return _classed(widgets.Dropdown(options=[(text, key) for key, text in table.items()], value=list(table)[1],
                                         description=label, style={"description_width": "90px"},
                                         layout=widgets.Layout(width="720px")), css)

    problems = dropdown("Problems", _PROBLEMS, "mcp-problems")
    data = dropdown("Data", _DATA, "mcp-data")
    risk = dropdown("Risk", _RISK, "mcp-risk")
    status = _classed(widgets.ToggleButtons(options=["established", "new"], value="established",
                                            description="Patient", style={"description_width": "90px"}),
                      "mcp-patient-status")
    minutes = _classed(widgets.Text(placeholder="optional, e.g. 35", description="Minutes",
                                    continuous_update=False, style={"description_width": "90px"},
                                    layout=widgets.Layout(width="260px")), "mcp-minutes")
    check, feedback = _button("Choose the code", "mcp-check", "primary"), _feedback()

    @_guarded(feedback)
    def on_check(_=None):
        text = minutes.value.strip()
        if text and not re.fullmatch(r"\d{1,4}", text):
            feedback.value = _say("info", "Total minutes must be a whole number such as <code>35</code> "
                                          "(or leave the box empty to choose by MDM only).")
            return
        chosen = {"problems": problems.value, "data": data.value, "risk": risk.value}
        level = em.mdm_level(**chosen)
        rank = em.MDM_LEVELS.index(level)
        scales = {"problems": list(_PROBLEMS), "data": list(_DATA), "risk": list(_RISK)}
        meeting = [name for name, value in chosen.items() if scales[name].index(value) >= rank]
        result = em.office_code(status.value, mdm=level, minutes=int(text) if text else None)
        lines = [f"MDM is <b>{level}</b>: {', '.join(meeting)} meet{'s' if len(meeting) == 1 else ''} or exceed "
                 f"{level} (two of the three elements decide)."]
        by_mdm = em.office_code(status.value, mdm=level).code
        lines.append(f"By MDM: {level} MDM for an {status.value} patient → {by_mdm}." if status.value == "established"
                     else f"By MDM: {level} MDM for a new patient → {by_mdm}.")
        if result.basis == "time":
            lines.append(f"Time supports a higher level, so time is used: {html.escape(result.reasoning)}.")
        if result.prolonged_units:
            lines.append(f"Add prolonged-service code <code>99417</code> × {result.prolonged_units}.")
        feedback.value = _say("ok", f"<b>Office visit code: {result.code}</b><br>" + "<br>".join(lines))

    check.on_click(on_check)
    for control in (problems, data, risk, status, minutes):
        control.observe(on_check, names="value")
    on_check()
    return _box("mdm-grid", [_question("Choose the office visit level by MDM (two of three) or by total time."),
                             problems, data, risk, status, widgets.HBox([minutes, check]), feedback])
