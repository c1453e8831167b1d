"""Per-student variants: each student codes their own case from a template and is graded against their own key.

A variant item names a case template and a slot (``"fracture"``, ``"item01"``). Student ``s`` gets
``templates.generate(template, seed_for(s, assignment, slot, salt))``: the same template, a different patient,
side, stage or dose, and a key derived from the very choices that wrote the record. The instructor's **salt**
makes the seed impossible to recompute without it: the record may be shown to the student, the seed (and so
the key) may not.

What is sealed and what is released:

* the salt lives with the assessment keys (``variants.yaml`` beside the sealed ``cases/`` folder, or the
  ``MEDCODE_VARIANT_SALT`` variable, which wins) and is never released;
* each student's **record** is released in ``variants.json`` (built by ``medcode course variants``), keyed by a
  hash of the student id and holding rendered records only: no seed, no key, no case id;
* at autograde time the test cell recomputes the seed from the student id, the assignment and the salt, and
  grades against that student's key.

Who is the student? nbgrader 0.9 passes the student id to its preprocessors but not to the kernel: the kernel's
environment only carries ``NBGRADER_EXECUTION=autograde``. Its working folder, though, is the notebook's folder,
``<course>/autograded/<student>/<assignment>``, so :func:`context` reads the student and the assignment from
there. ``MEDCODE_STUDENT_ID`` and ``MEDCODE_ASSIGNMENT_ID`` override both (for other layouts, and for tests).
In a student's own server the student is ``JUPYTERHUB_USER`` (what the course's student config also gives
nbgrader as the student id), else the account name; the assignment is the fetched folder's name.

>>> case = student_case("fracture", "ada", "11-variants", "item01", salt="s3cret")
>>> case == student_case("fracture", "ada", "11-variants", "item01", salt="s3cret")
True
>>> case == student_case("fracture", "grace", "11-variants", "item01", salt="s3cret")
False
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import os
import re
from pathlib import Path

from ..records import templates
from ..records.schema import Case
from .notebook import _note as notebook_note
from .notebook import _show as notebook_show

__all__ = ["student_case", "check_variant", "show_variant", "variant_key_answer", "context", "salt",
           "slots_in_notebook", "build_table", "write_table", "table_key", "VariantError", "SALT_VARIABLE",
           "STUDENT_VARIABLE", "ASSIGNMENT_VARIABLE", "TABLE_NAME", "PREVIEW_STUDENT"]

SALT_VARIABLE = "MEDCODE_VARIANT_SALT"
STUDENT_VARIABLE = "MEDCODE_STUDENT_ID"
ASSIGNMENT_VARIABLE = "MEDCODE_ASSIGNMENT_ID"
TABLE_NAME = "variants.json"
SALT_FILE = "variants.yaml"
# The student an instructor is when validating the source notebook (no student folder to read an id from).
PREVIEW_STUDENT = "preview"
_CALLS = ("show_variant", "check_variant", "variant_key_answer")


class VariantError(LookupError):
    """A variant cannot be made here: no salt, no student id, an unknown slot; the message says what to do."""


# ----------------------------------------------------------------------------------------------- the seed
def salt() -> str | None:
    """Return the instructor's salt, or None where it is not visible (a student's server).

    ``MEDCODE_VARIANT_SALT`` wins; else ``salt:`` in ``variants.yaml`` beside the sealed assessment cases.
    """
    value = os.environ.get(SALT_VARIABLE)
    if value:
        return value
    from ..records import assessment_dir

    folder = assessment_dir()
    if folder is None:
        return None
    path = Path(folder).parent / SALT_FILE
    try:
        import yaml

        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, ValueError):
        return None
    value = data.get("salt") if isinstance(data, dict) else None
    return str(value) if value not in (None, "") else None


def student_case(template: str, student_id: str, assignment: str, slot: str, salt: str) -> Case:
    """Return the case student ``student_id`` gets for ``slot`` of ``assignment`` (an assessment-pool Case).

    Raises UnknownTemplateError (a ValueError) for an unknown template, VariantError for an empty student id.

    >>> student_case("otitis-media", "ada", "hw1", "q1", "pepper").key.diagnoses[0].code.startswith("H6")
    True
    """
    if not str(student_id or "").strip():
        raise VariantError("a variant needs a student id")
    seed = templates.seed_for(str(student_id), str(assignment), str(slot), str(salt))
    return templates.generate(template, seed, pool="assessment")


def table_key(student_id: str, assignment: str) -> str:
    """Return the key under which ``variants.json`` files a student's records (the id itself is not listed)."""
    text = f"medcode-variant-table\x1f{str(assignment).strip()}\x1f{str(student_id).strip()}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


# ----------------------------------------------------------------------------------------------- who and what
def _autograding() -> bool:
    return os.environ.get("NBGRADER_EXECUTION") == "autograde"


def _validating() -> bool:
    return os.environ.get("NBGRADER_EXECUTION") == "validate"


def context(folder: str | Path | None = None) -> tuple[str | None, str | None]:
    """Return (student id, assignment id) for the notebook running in ``folder`` (default: the working folder).

    Autograding: ``.../<student>/<assignment>``. Validating the source: the preview student. A student's own
    server: ``JUPYTERHUB_USER``, else the account name. ``MEDCODE_STUDENT_ID``/``MEDCODE_ASSIGNMENT_ID`` win.
    """
    here = Path(folder) if folder is not None else Path.cwd()
    student = os.environ.get(STUDENT_VARIABLE) or None
    assignment = os.environ.get(ASSIGNMENT_VARIABLE) or here.name or None
    if student is None:
        if _autograding():
            student = here.parent.name or None
        elif _validating():
            student = PREVIEW_STUDENT
        else:
            student = os.environ.get("JUPYTERHUB_USER") or _account()
    return student, assignment


def _account() -> str | None:
    try:
        import getpass

        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return None


# ----------------------------------------------------------------------------------------------- notebook calls
# Display helpers are shared with the nbgrader glue (same look in both kinds of test cell).
_display, _note = notebook_show, notebook_note


def _quietly(function, *args, fallback=0.0):
    """Run a notebook call with warnings and stderr silenced; any failure shows a note and returns ``fallback``.

    nbgrader scores a test cell 0 when it raises or writes to stderr, so nothing may escape from here.
    """
    import contextlib
    import io
    import warnings

    try:
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            return function(*args)
    except Exception as error:  # noqa: BLE001 - a grading helper must never fail a student's cell
        _display(_note(f"This item could not be prepared here ({type(error).__name__}). Your answer is kept; "
                       f"your instructor will review it.", "mcp-check-error"))
        return fallback


def _labelled(case: Case, slot: str) -> Case:
    """Return the case with its id replaced by the slot name (the id says nothing the student needs)."""
    return dataclasses.replace(case, id=f"Your case for {slot}")


def show_variant(template: str, slot: str) -> None:
    """Display this student's record for ``slot`` (from ``variants.json`` in the notebook's folder).

    Where the salt is visible (the instructor, the autograder) the record is rebuilt from the seed instead.
    Never raises; an explanation is shown when the record is not available.
    """
    _quietly(_show_variant, template, slot, fallback=None)


def _show_variant(template: str, slot: str) -> None:
    student, assignment = context()
    secret = salt()
    if secret is not None and student:
        case = student_case(template, student, assignment, slot, secret)
        _display(_labelled(case, slot).to_html())
        return
    table = _read_table(Path.cwd() / TABLE_NAME)
    if table is None:
        _display(_note("Your own case for this item is not here yet: your instructor prepares one for each "
                       "student. Ask them to release this assignment again, then fetch it."))
        return
    entry = (table.get("students") or {}).get(table_key(student or "", assignment or ""), {}).get(str(slot))
    if not entry or entry.get("template") != template:
        _display(_note(f"No case was prepared for you ({student}) in this assignment. Ask your instructor to add "
                       f"you to the class list and release the assignment again."))
        return
    _display(str(entry.get("html", "")))


def _read_table(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def check_variant(template: str, slot: str, answer, points: float, mode: str = "learning", parts=None) -> float:
    """Grade ``answer`` against this student's own key for ``slot``; show key-free feedback; return the points.

    The last expression of an nbgrader test cell::

        check_variant("fracture", "item01", answer, points=3)

    Returns the score scaled to ``points`` (rounded to 2 decimals, never above it), or 0.0 where the salt is not
    visible (a student's server: the answer is read back, not graded). Never raises, never writes to stderr.
    """
    return _quietly(_check_variant, template, slot, answer, points, mode, parts)


def _check_variant(template, slot, answer, points, mode, parts) -> float:
    from .answer import parse_answer
    from .engine import grade

    parsed = parse_answer(answer)
    secret = salt()
    student, assignment = context()
    if secret is None or not student:
        _display(_read_back(parsed, answer))
        return 0.0
    case = student_case(template, student, assignment, slot, secret)
    if isinstance(parts, str):
        parts = tuple(p for p in re.split(r"[\s,]+", parts) if p)
    score = grade(case, parsed, mode=mode, reveal=False, parts=tuple(parts) if parts else None)
    _display(score.to_html())
    return _scaled(score.total, score.max, points)


def _scaled(earned: float, maximum: float, points) -> float:
    try:
        points = float(points)
    except (TypeError, ValueError):
        return 0.0
    if maximum <= 0 or earned <= 0 or points <= 0:
        return 0.0
    return points if earned >= maximum else min(points, round(points * earned / maximum, 2))


def _read_back(parsed, raw) -> str:
    """Say what was read from an answer, without a key: how many codes, and any that cannot be read."""
    count = len(parsed.diagnoses) + len(parsed.procedures) + len(parsed.pcs)
    if parsed.is_empty or (isinstance(raw, str) and not raw.strip()):
        return _note("No answer yet: type your codes between the quotes in the answer cell, then run it.")
    if _autograding():
        return _note("This item could not be graded: the variant salt is not visible to the grader. Your answer "
                     "is kept; your instructor will review it.")
    unread = ", ".join(str(token) for token, _ in parsed.invalid)
    text = f"Your answer was read: {count} code{'s' if count != 1 else ''}"
    text += f"; not readable as a code: {unread}." if unread else "; your instructor grades it."
    return _note(text, "mcp-read-back")


def variant_key_answer(template: str, slot: str) -> dict:
    """Return this student's key as an answer (for the instructor's source solution cells only).

    Needs the salt: raises VariantError where it is not visible, so a released notebook can never compute it.
    """
    secret = salt()
    student, assignment = context()
    if secret is None or not student:
        raise VariantError("the variant salt is not visible here: only the instructor's checkout can compute keys")
    from .engine import key_answer

    return key_answer(student_case(template, student, assignment, slot, secret))


# ----------------------------------------------------------------------------------------------- the table
def slots_in_notebook(path: str | Path) -> dict[str, str]:
    """Return {slot: template} for every ``show_variant``/``check_variant`` call in a notebook, in order.

    Raises VariantError when one slot is given two different templates.
    """
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        text = cell.get("source", "")
        text = "".join(text) if isinstance(text, list) else str(text)
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _CALLS):
                continue
            if len(node.args) < 2 or not all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                                             for a in node.args[:2]):
                continue
            template, slot = node.args[0].value, node.args[1].value
            if found.get(slot, template) != template:
                raise VariantError(f"slot {slot!r} is given two templates: {found[slot]!r} and {template!r}")
            found[slot] = template
    return found


def _key_tokens(case: Case) -> set[str]:
    key = case.key
    codes = set(key.diagnosis_codes) | {p.code for p in key.procedures} | {p.code for p in key.pcs}
    return codes | {c.replace(".", "") for c in codes}


def build_table(assignment: str, students, slots: dict[str, str], salt: str) -> dict:
    """Return the ``variants.json`` content: each student's rendered records, keyed by :func:`table_key`.

    Raises VariantError when no student is given or a record's text would show one of its own key codes.
    """
    students = sorted({str(s).strip() for s in students if str(s).strip()})
    if not students:
        raise VariantError("no students: give the class list (student ids as nbgrader knows them)")
    if not slots:
        raise VariantError("the notebook has no show_variant/check_variant calls")
    table: dict = {"format": 1, "assignment": str(assignment), "slots": dict(slots), "students": {}}
    for student in students:
        records = {}
        for slot, template in slots.items():
            case = student_case(template, student, assignment, slot, salt)
            markup = _labelled(case, slot).to_html()
            for code in _key_tokens(case):
                if re.search(rf"(?<![A-Za-z0-9.]){re.escape(code)}(?![A-Za-z0-9])", markup):
                    raise VariantError(f"the record for {slot} ({template}) would show its key code {code}")
            records[slot] = {"template": template, "html": markup}
        table["students"][table_key(student, assignment)] = records
    return table


def write_table(assignment_dir: str | Path, students, salt: str, assignment: str | None = None) -> Path:
    """Build the table for the notebooks of ``assignment_dir`` and write ``variants.json`` there; return its path."""
    folder = Path(assignment_dir)
    assignment = assignment or folder.name
    slots: dict[str, str] = {}
    for path in sorted(folder.glob("*.ipynb")):
        for slot, template in slots_in_notebook(path).items():
            if slots.get(slot, template) != template:
                raise VariantError(f"slot {slot!r} is given two templates in {folder.name}")
            slots[slot] = template
    table = build_table(assignment, students, slots, salt)
    out = folder / TABLE_NAME
    out.write_text(json.dumps(table, indent=0, ensure_ascii=False), encoding="utf-8")
    return out
