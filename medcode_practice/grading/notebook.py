"""What nbgrader test cells call: grade one item, show key-free feedback, return the points earned.

A test cell ends with one of these calls, so the returned number is the cell's last expression value, which is
how nbgrader gives partial credit::

    check_item("OP-X003", answer, points=3)

Assessment keys are only used when ``MEDCODE_ASSESSMENT_DIR`` names the sealed folder, which the course's
``nbgrader_config.py`` sets for the autograde kernels (a checkout's ``autograder/`` folder alone is not enough).
In a student's notebook the key cannot be loaded: the answer is read, problems with how codes were typed are
pointed out, and 0.0 is returned. These functions never raise and never write to
stderr, because nbgrader scores a test cell 0 for either.

Items that are not case codes (word-building, numeric calculations) keep their expected answers in
``items.yaml`` next to the assessment ``cases/`` folder, so no answer ever appears in a test cell.
"""

from __future__ import annotations

import contextlib
import html
import io
import os
import re
import warnings
from pathlib import Path

__all__ = ["check_item", "check_choice", "check_terms", "check_number", "ItemStoreError"]

_CHOICE_LETTERS = "ABCDEFGH"
_SEPARATORS = re.compile(r"[,;\n]+")


class ItemStoreError(LookupError):
    """The sealed item store (items.yaml) is missing, unreadable, or has no such item."""


# ----------------------------------------------------------------------------------------------- public calls
def check_item(case_id: str, answer, points: float, mode: str = "learning", parts=None) -> float:
    """Grade a coded answer to a case, display key-free feedback, and return the score scaled to ``points``.

    Args:
        case_id: the case, e.g. ``"OP-X003"`` (an assessment case is graded only at autograde time).
        answer: the codes as typed, e.g. ``"J02.9, 99213"``.
        points: the test cell's points; the return value is never above it.
        mode: ``learning`` (partial credit) or ``exam``.
        parts: grade only some parts: ``"diagnoses"``, ``"procedures"``, ``"pcs"`` or a tuple of them.

    Returns:
        The points earned, rounded to 2 decimals (0.0 when the key is not visible here).
    """
    return _guarded(_check_item, case_id, answer, points, mode, parts)


def check_choice(case_id: str, question_index: int, choice, points: float) -> float:
    """Grade a multiple-choice billing question of a case (``choice`` a letter such as ``"B"`` or the text)."""
    return _guarded(_check_choice, case_id, question_index, choice, points)


def check_terms(item_id: str, answer, points: float) -> float:
    """Grade a word-building or matching item from the sealed item store; partial credit per blank."""
    return _guarded(_check_terms, item_id, answer, points)


def check_number(item_id: str, answer, points: float) -> float:
    """Grade a numeric item (one or more amounts, within the item's tolerance) from the sealed item store."""
    return _guarded(_check_number, item_id, answer, points)


# ----------------------------------------------------------------------------------------------- plumbing
def _guarded(function, *args) -> float:
    """Run a check with warnings and stderr silenced; any failure shows a note and scores 0."""
    sink = io.StringIO()
    try:
        with warnings.catch_warnings(), contextlib.redirect_stderr(sink):
            warnings.simplefilter("ignore")
            return function(*args)
    except Exception as error:  # a grading helper must never fail a student's test cell
        _show(_note(f"This item could not be checked here ({type(error).__name__}). Your answer is kept; "
                    f"your instructor will review it.", "mcp-check-error"))
        return 0.0


def _scaled(earned: float, maximum: float, points) -> float:
    try:
        points = float(points)
    except (TypeError, ValueError):
        return 0.0
    if maximum <= 0 or earned <= 0 or points <= 0:
        return 0.0
    if earned >= maximum:
        return points
    return min(points, round(points * earned / maximum, 2))


def _show(markup: str) -> None:
    try:
        from IPython.display import HTML, display
    except ImportError:  # pragma: no cover - IPython ships with every kernel
        print(re.sub(r"<[^>]+>", "", markup))
        return
    display(HTML(markup))


def _note(text: str, css: str = "mcp-note") -> str:
    return f'<div class="{css}" style="padding:4px 8px;border-left:4px solid #90a4ae">{html.escape(text)}</div>'


def _sealed_dir() -> Path | None:
    """Return the sealed assessment folder only when MEDCODE_ASSESSMENT_DIR names it.

    The records loader also finds ``autograder/assessment/cases`` in a checkout; notebooks do not use that
    fallback, so a student working in a checkout gets no grading oracle for assessment items. The course's
    nbgrader_config.py sets the variable for the autograde kernels; an instructor can export it to try items.
    """
    value = os.environ.get("MEDCODE_ASSESSMENT_DIR")
    return Path(value) if value else None


def _autograding() -> bool:
    return os.environ.get("NBGRADER_EXECUTION") == "autograde"


def _unavailable(what: str) -> str:
    if _autograding():
        return (f"{what} could not be graded: the assessment key store is not visible to the grader. "
                f"Your answer is kept; your instructor will review it.")
    return "Your answer was read; your instructor grades it."


def _parts(parts) -> tuple[str, ...] | None:
    if parts is None:
        return None
    if isinstance(parts, str):
        parts = [p for p in re.split(r"[\s,]+", parts) if p]
    return tuple(str(p) for p in parts)


_CASE_CACHE: dict[str, tuple[int, object]] = {}


def _load_case(case_id: str):
    """Return the case, or None when it is not visible from here (a student's environment).

    An assessment case is read from its own file in the sealed folder: a test cell should not parse the whole
    library of cases (that is most of an autograde's cost otherwise). Practice cases load as usual.
    """
    from ..records import UnknownCaseError, load, load_file

    wanted = str(case_id).strip().upper()
    if re.fullmatch(r"[A-Z]{2}-X\d+", wanted):  # an assessment id: only from the sealed folder
        folder = _sealed_dir()
        path = folder / f"{wanted}.yaml" if folder is not None else None
        if path is None or not path.is_file():
            return None
        stamp = path.stat().st_mtime_ns
        cached = _CASE_CACHE.get(str(path))
        if cached is None or cached[0] != stamp:
            cached = (stamp, load_file(path))
            _CASE_CACHE[str(path)] = cached
        return cached[1]
    try:
        return load(wanted)
    except UnknownCaseError:
        return None


# ----------------------------------------------------------------------------------------------- case items
def _check_item(case_id, answer, points, mode, parts) -> float:
    from .answer import parse_answer

    parsed = parse_answer(answer)
    case = _load_case(case_id)
    if case is None:
        _show(_read_back(parsed, answer))
        return 0.0
    from .engine import grade

    score = grade(case, parsed, mode=mode, reveal=False if case.pool != "practice" else None,
                  parts=_parts(parts))
    if not score.reveal:
        _mask_partial_keys(score)
    _show(score.to_html())
    return _scaled(score.total, score.max, points)


_CODE_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{1,3}\.?[A-Za-z0-9]{1,5}(?![A-Za-z0-9])")


def _mask_partial_keys(score) -> None:
    """Mask, in a key-free score's messages, codes that are the start of a key code not entered.

    The score already hides whole key codes; a rationale such as "Table of Drugs ... -> T46.5X1" names the
    key without its 7th character, which is the key all the same. Categories (3 characters) stay readable.
    """
    hidden = {h.upper().replace(".", "") for h in score.hidden}
    if not hidden:
        return

    def mask(match: re.Match) -> str:
        token = match.group(0)
        bare = token.upper().replace(".", "")
        if len(bare) >= 4 and any(ch.isdigit() for ch in bare) and any(h.startswith(bare) for h in hidden):
            return "[key code]"
        return token

    for verdict in score.items:
        verdict.safe_message = _CODE_TOKEN.sub(mask, verdict.safe_message or verdict.message)
        verdict.message = verdict.safe_message


def _problems(parsed) -> list[tuple[str, str]]:
    """Return (token, reason) for each entry that cannot be reported as typed: unreadable or not billable.

    Checked against the code sets only, never against a key, so a student learns nothing about the answer.
    """
    from ..codes import CodeError, check
    from ..codes.normalize import ICD10CM, ICD10PCS

    found = [(str(token), str(reason)) for token, reason in parsed.invalid]
    for system, codes in ((ICD10CM, parsed.diagnoses), (ICD10PCS, parsed.pcs)):
        for code in codes:
            try:
                check(code, system)
            except (CodeError, ValueError) as error:
                found.append((code, str(error)))
    return found


def _read_back(parsed, raw) -> str:
    """Describe what was read from an answer without a key: counts and typing problems only."""
    count = len(parsed.diagnoses) + len(parsed.procedures) + len(parsed.pcs)
    if parsed.is_empty or (isinstance(raw, str) and not raw.strip()):
        return _note("No answer yet: type your codes between the quotes in the answer cell, then run it.")
    problems = _problems(parsed)
    entries = count + len(parsed.invalid)
    if problems:
        head = (f"Your answer was read: {entries} entr{'ies' if entries != 1 else 'y'}, "
                f"{len(problems)} need{'s' if len(problems) == 1 else ''} another look:")
        items = "".join(f"<li>{html.escape(token)}: {html.escape(reason)}</li>" for token, reason in problems)
        body = f"{html.escape(head)}<ul>{items}</ul>{html.escape(_unavailable('This item'))}"
    elif _autograding():
        body = html.escape(_unavailable("This item"))
    else:
        body = html.escape(f"Your answer was read: {count} code{'s' if count != 1 else ''}, looks well-formed; "
                           f"your instructor grades it.")
    return f'<div class="mcp-read-back" style="padding:4px 8px;border-left:4px solid #90a4ae">{body}</div>'


def _choice_index(choice, choices: tuple[str, ...]) -> int | None:
    """Return the 0-based index a learner meant: a letter (B, b, (b), B)), a number (2) or the choice text."""
    if choice is None:
        return None
    text = str(choice).strip()
    if not text:
        return None
    bare = text.strip("()[]. ").upper()
    if len(bare) == 1 and bare in _CHOICE_LETTERS[:len(choices)]:
        return _CHOICE_LETTERS.index(bare)
    if bare.isdigit() and 1 <= int(bare) <= len(choices):
        return int(bare) - 1
    wanted = " ".join(text.lower().split())
    for index, option in enumerate(choices):
        if " ".join(option.lower().split()) == wanted:
            return index
    return None


def _check_choice(case_id, question_index, choice, points) -> float:
    case = _load_case(case_id)
    given = "" if choice is None else str(choice).strip()
    if case is None:
        if not given:
            _show(_note("No answer yet: type the letter of your choice between the quotes, then run the cell."))
        else:
            _show(_note(f"Your choice {given!r} was read; your instructor grades it." if not _autograding()
                        else _unavailable("This question")))
        return 0.0
    questions = case.key.billing
    try:
        question = questions[int(question_index)]
    except (IndexError, ValueError, TypeError):
        _show(_note(f"Question {question_index} of {case.id} does not exist; your instructor will review it."))
        return 0.0
    index = _choice_index(choice, question.choices)
    if index is None:
        message = ("No answer yet: type the letter of your choice." if not given else
                   f"{given!r} is not one of the choices (type a letter from A to "
                   f"{_CHOICE_LETTERS[len(question.choices) - 1]}).")
        _show(_note(message, "mcp-choice mcp-missing"))
        return 0.0
    right = " ".join(question.choices[index].lower().split()) == " ".join(question.answer.lower().split())
    letter = _CHOICE_LETTERS[index]
    verdict = (f"Choice {letter}: correct." if right else
               f"Choice {letter}: not the best answer. Re-read the documentation and the billing notes.")
    _show(_note(verdict, f"mcp-choice {'mcp-exact' if right else 'mcp-billing'}"))
    return _scaled(1.0 if right else 0.0, 1.0, points)


# ----------------------------------------------------------------------------------------------- sealed items
def _store_path() -> Path | None:
    folder = _sealed_dir()
    if folder is None:
        return None
    path = folder.parent / "items.yaml"
    return path if path.is_file() else None


_STORE_CACHE: dict[str, tuple[int, dict]] = {}


def load_items() -> dict:
    """Return the sealed item store (``items.yaml`` beside the assessment cases); raise ItemStoreError if absent."""
    path = _store_path()
    if path is None:
        raise ItemStoreError("the assessment item store (items.yaml) is not visible from here")
    stamp = path.stat().st_mtime_ns
    cached = _STORE_CACHE.get(str(path))
    if cached and cached[0] == stamp:
        return cached[1]
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ItemStoreError(f"{path.name}: cannot be read ({str(error).splitlines()[0]})") from None
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, dict):
        raise ItemStoreError(f"{path.name}: expected a mapping 'items:' of item ids")
    _STORE_CACHE[str(path)] = (stamp, items)
    return items


def _item(item_id: str, kind: str) -> dict | None:
    try:
        items = load_items()
    except ItemStoreError:
        return None
    item = items.get(str(item_id))
    if not isinstance(item, dict) or item.get("kind") != kind:
        return None
    return item


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", str(text).lower()).split())


def _split_entries(answer) -> list[str]:
    if answer is None:
        return []
    if isinstance(answer, (list, tuple)):
        return [str(a).strip() for a in answer]
    return [part.strip() for part in _SEPARATORS.split(str(answer))]


def _check_terms(item_id, answer, points) -> float:
    entries = [e for e in _split_entries(answer)]
    while entries and not entries[-1]:
        entries.pop()
    item = _item(item_id, "terms")
    if item is None:
        filled = sum(1 for e in entries if e)
        if not filled:
            _show(_note("No answer yet: type your answers between the quotes, separated by commas."))
        else:
            _show(_note(f"Your answer was read: {filled} entr{'ies' if filled != 1 else 'y'}; your instructor "
                        f"grades it." if not _autograding() else _unavailable("This item")))
        return 0.0
    blanks = item.get("answers") or []
    rows, right = [], 0
    for number, blank in enumerate(blanks, 1):
        accepted = {_words(a) for a in (blank.get("accept") or []) if str(a).strip()}
        given = entries[number - 1] if number - 1 < len(entries) else ""
        ok = bool(given) and _words(given) in accepted
        right += ok
        verdict = "correct" if ok else ("missing" if not given else "not the expected answer")
        rows.append((str(number), given or "—", verdict, ok))
    extra = entries[len(blanks):]
    return _table("blanks", rows, right, len(blanks), points,
                  note=f"{len(extra)} extra entr{'ies' if len(extra) != 1 else 'y'} ignored." if any(extra) else "")


_AMOUNT = re.compile(r"-?\$?\s?\d[\d,]*(?:\.\d+)?|-?\$?\s?\.\d+")


def _amounts(answer) -> list[float | None]:
    """Read the amounts typed in an answer: '$1,234.50; 16.85' gives [1234.5, 16.85]."""
    if answer is None:
        return []
    if isinstance(answer, bool):
        return [None]
    if isinstance(answer, (int, float)):
        return [float(answer)]
    if isinstance(answer, (list, tuple)):
        out: list[float | None] = []
        for part in answer:
            out += _amounts(part) or [None]
        return out
    values: list[float | None] = []
    for token in _AMOUNT.findall(str(answer)):
        token = token.replace("$", "").replace(" ", "")
        if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", token):
            values.append(float(token.replace(",", "")))
        else:
            values += [float(t) for t in token.split(",") if t and t != "-"]
    return values


def _check_number(item_id, answer, points) -> float:
    values = _amounts(answer)
    item = _item(item_id, "number")
    if item is None:
        if not values:
            _show(_note("No answer yet: type the amount between the quotes (for example 123.45)."))
        else:
            _show(_note(f"Your answer was read: {len(values)} amount{'s' if len(values) != 1 else ''}; your "
                        f"instructor grades it." if not _autograding() else _unavailable("This item")))
        return 0.0
    expected = item.get("answers") or []
    rows, right = [], 0
    for number, target in enumerate(expected, 1):
        given = values[number - 1] if number - 1 < len(values) else None
        tolerance = float(target.get("tolerance", 0.01))
        ok = given is not None and abs(given - float(target["value"])) <= tolerance + 1e-9
        right += ok
        label = str(target.get("label") or number)
        verdict = "correct" if ok else ("missing" if given is None else "not within the accepted range")
        rows.append((label, "—" if given is None else f"{given:,.2f}", verdict, ok))
    return _table("amounts", rows, right, len(expected), points)


def _table(title: str, rows, right: int, total: int, points, note: str = "") -> float:
    earned = _scaled(right, total, points)
    body = "".join(
        f'<tr style="background:{"#e8f5e9" if ok else "#ffebee"}" class="mcp-verdict mcp-{"exact" if ok else "miss"}">'
        f"<td>{html.escape(a)}</td><td>{html.escape(b)}</td><td>{html.escape(c)}</td></tr>"
        for a, b, c, ok in rows)
    extra = f"<div>{html.escape(note)}</div>" if note else ""
    _show(f'<div class="mcp-score">{right} of {total} {html.escape(title)} right — '
          f'<span class="mcp-total">{earned:g} / {float(points):g} points</span>'
          f'<table style="border-collapse:collapse;margin-top:4px" border="1" cellpadding="4">'
          f"<tr><th>Part</th><th>You entered</th><th>Verdict</th></tr>{body}</table>{extra}</div>")
    return earned
