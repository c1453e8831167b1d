"""Medical terminology: flashcards of word parts, a word builder, and a build-the-word challenge.

Word parts come from the project's glossary (:mod:`medcode_practice.codes.terminology`): prefixes, roots written
as combining forms (``gastr/o``) and suffixes. The flashcards and the word builder are the lessons' self-check
widgets; the challenge gives the meaning of each part of a real term and asks for the term.

>>> from medcode_practice.apps import terminology
>>> app = terminology.build_app(seed=1)
>>> "Card 1 of" in terminology.find(app, "mcp-counter").value
True
"""

from __future__ import annotations

import html
import random
import re

import ipywidgets as widgets

from ..codes import terminology
from . import selfcheck
from ._safe import error_area, fault_point, guarded
from ._ui import button, classed, find, frame, message

__all__ = ["build_app", "find", "cards", "challenge_words"]

_TYPE_LABELS = (("All word parts", ""), ("Prefixes", "prefix"), ("Roots (combining forms)", "root"),
                ("Suffixes", "suffix"))


def cards(kind: str = "", body_system: str = "", reverse: bool = False) -> list[tuple[str, str]]:
    """Return flashcards (front, back) for the glossary parts of one type and body system (``""``: all).

    The front is the part (``gastr/o · root``) and the back its meaning with an example; ``reverse`` swaps them.
    """
    out = []
    for item in terminology.word_parts():
        if kind and item.type != kind:
            continue
        if body_system and item.body_system != body_system:
            continue
        front = f"{item.part}  ·  {item.type}"
        back = item.meaning + (f" — e.g. {item.example}" if item.example else "")
        out.append((back, front) if reverse else (front, back))
    return out


def challenge_words(rng: random.Random, count: int = 1) -> list[tuple[str, tuple]]:
    """Return up to ``count`` glossary example terms that split fully into 2-4 known parts, with their parts."""
    examples = sorted({p.example.strip().lower() for p in terminology.word_parts()
                       if p.example and re.fullmatch(r"[a-z]+", p.example.strip().lower())})
    rng.shuffle(examples)
    found = []
    for word in examples:
        pieces = terminology.explain(word)
        if 2 <= len(pieces) <= 4 and all(kind != terminology.UNKNOWN for _, kind, _ in pieces):
            found.append((word, tuple(pieces)))
            if len(found) >= count:
                break
    return found


def _pieces_table(pieces, show_parts: bool) -> str:
    rows = "".join(f"<tr><td>{html.escape(kind)}</td>"
                   + (f"<td><b>{html.escape(part)}</b></td>" if show_parts else "")
                   + f"<td>{html.escape(meaning) or '<i>not in the glossary</i>'}</td></tr>"
                   for part, kind, meaning in pieces)
    head = "<tr><th>Part</th>" + ("<th>As written</th>" if show_parts else "") + "<th>Meaning</th></tr>"
    return f"<table class='app-table'>{head}{rows}</table>"


def build_app(seed: int | None = None) -> widgets.VBox:
    """Return the terminology app; ``seed`` makes the card order and the challenge words repeatable.

    CSS classes: ``terms-type``, ``terms-system``, ``terms-reverse``, ``terms-cards`` (holding the lesson
    flashcards: ``mcp-card``, ``mcp-flip``, ``mcp-next``, ``mcp-shuffle``, ``mcp-counter``), ``terms-builder``
    (the lesson word builder: ``mcp-prefix``, ``mcp-root``, ``mcp-suffix``, ``mcp-word``), and for the challenge
    ``terms-prompt``, ``terms-guess``, ``terms-check``, ``terms-reveal``, ``terms-new``, ``terms-feedback``,
    ``terms-tally``.
    """
    rng = random.Random(seed)
    errors = error_area()
    systems = sorted({p.body_system for p in terminology.word_parts() if p.body_system})
    kind = classed(widgets.Dropdown(options=_TYPE_LABELS, value="", description="Deck",
                                    layout=widgets.Layout(width="300px")), "terms-type")
    system = classed(widgets.Dropdown(options=[("Every body system", "")] + [(s, s) for s in systems], value="",
                                      description="Body system", layout=widgets.Layout(width="300px")),
                     "terms-system")
    reverse = classed(widgets.Checkbox(description="Meaning first", indent=False,
                                       layout=widgets.Layout(width="140px")), "terms-reverse")
    deck_note = classed(widgets.HTML(""), "terms-deck-note")
    holder = classed(widgets.VBox([]), "terms-cards")

    prompt = classed(widgets.HTML(""), "terms-prompt")
    guess = classed(widgets.Text(placeholder="type the term", continuous_update=False,
                                 layout=widgets.Layout(width="300px")), "terms-guess")
    check = button("Check", "terms-check", "primary")
    reveal = button("Show the word", "terms-reveal")
    another = button("Another word", "terms-new")
    feedback = classed(widgets.HTML(""), "terms-feedback")
    tally = classed(widgets.HTML(""), "terms-tally")
    state: dict = {"word": None, "pieces": (), "right": 0, "tried": 0, "counted": False, "solved": False}

    @guarded(errors)
    def on_deck(_=None):
        deck = cards(kind.value, system.value, reverse.value)
        if not deck:
            deck_note.value = message("info", "No word parts of that type for this body system — widen the deck.")
            holder.children = []
            return
        deck_note.value = f"<span class='app-muted'>{len(deck)} cards</span>"
        box = selfcheck.flashcards(deck, seed=rng.randrange(1 << 30))
        find(box, "mcp-shuffle").click()  # start in a shuffled order
        holder.children = [box]

    def show_tally() -> None:
        tally.value = (f"<span class='app-muted'>Challenge: {state['right']} of {state['tried']} words built "
                       f"right this session</span>" if state["tried"] else "")

    @guarded(errors)
    def on_new(_=None):
        picked = challenge_words(rng)
        if not picked:
            prompt.value = message("info", "The glossary has no example terms to build.")
            return
        word, pieces = picked[0]
        state.update(word=word, pieces=pieces, counted=False, solved=False)
        prompt.value = ("<b>Build the term whose parts mean, in order:</b>" + _pieces_table(pieces, False)
                        + f"<span class='app-muted'>{len(word)} letters</span>")
        guess.value = ""
        feedback.value = ""

    @guarded(errors)
    def on_check(_=None):
        text = guess.value.strip().lower()
        fault_point("terminology", text)
        if state["word"] is None:
            return
        if not re.fullmatch(r"[a-z]+", text):
            feedback.value = message("info", "Type one word made of letters.")
            return
        if not state["counted"]:
            state["tried"] += 1
            state["counted"] = True
        if text == state["word"]:
            if not state["solved"]:
                state["right"] += 1
            state["solved"] = True
            feedback.value = message("ok", f"<b>✓ {html.escape(text)}</b> is right."
                                           + _pieces_table(state["pieces"], True))
        else:
            yours = terminology.explain(text)
            feedback.value = message("no", f"<b>{html.escape(text)}</b> is not the term. Your word reads as:"
                                           + _pieces_table(yours, True)
                                           + "Compare it part by part with the meanings above.")
        show_tally()

    @guarded(errors)
    def on_reveal(_=None):
        if state["word"] is None:
            return
        if not state["counted"]:
            state["tried"] += 1
            state["counted"] = True
        state["solved"] = True  # a revealed word no longer counts as built
        feedback.value = message("info", f"The term is <b>{html.escape(state['word'])}</b>."
                                         + _pieces_table(state["pieces"], True))
        show_tally()

    for control in (kind, system, reverse):
        control.observe(on_deck, names="value")
    guess.observe(lambda change: on_check() if change["new"].strip() else None, names="value")
    check.on_click(on_check)
    reveal.on_click(on_reveal)
    another.on_click(on_new)
    on_deck()
    on_new()

    flash_tab = widgets.VBox([widgets.HBox([kind, system, reverse, deck_note],
                                           layout=widgets.Layout(flex_flow="row wrap")), holder])
    builder = classed(selfcheck.word_builder(), "terms-builder")
    challenge_tab = widgets.VBox([prompt, widgets.HBox([guess, check, reveal, another]), feedback, tally])
    tabs = classed(widgets.Tab(children=[flash_tab, builder, challenge_tab]), "terms-tabs")
    for index, title in enumerate(("Flashcards", "Word builder", "Build the word")):
        tabs.set_title(index, title)
    return frame("terminology", "Medical terminology",
                 "Learn word parts with flashcards, build terms from prefixes, roots and suffixes, then build a term "
                 "from the meaning of its parts.", [tabs], errors)
