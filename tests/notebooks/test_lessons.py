"""Course lessons: committed without outputs, execute top to bottom, and every code they mention is real."""

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "course").glob("[0-9][0-9]-*.ipynb"))

# Codes are written in backticks or quotes in lessons; dotted ICD-10-CM codes are recognised anywhere.
_QUOTED = re.compile(r"[`'\"]([A-Z0-9][A-Z0-9.]{2,7})[`'\"]")
_DOTTED_ICD = re.compile(r"\b([A-Z]\d[0-9A-Z]\.[0-9A-Z]{1,4})\b")
_MARKED_INVALID = re.compile(r"^\W{0,3}\(?(invalid|not a code|not valid|incomplete|made[- ]up)", re.IGNORECASE)


def _cells_text(path: Path) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]]


def code_mentions(text: str) -> list[tuple[str, bool]]:
    """Return (code-like token, marked as a deliberate invalid example) pairs found in a cell's text."""
    out = []
    for pattern in (_QUOTED, _DOTTED_ICD):
        for match in pattern.finditer(text):
            token = match.group(1).rstrip(".")
            after = text[match.end(): match.end() + 20]
            out.append((token, bool(_MARKED_INVALID.match(after))))
    return out


def _problem(token: str) -> str | None:
    from medcode_practice import codes
    from medcode_practice.codes import icd10pcs
    from medcode_practice.codes.normalize import candidates

    if token[0] in "01" and 3 <= len(token) <= 6 and not token.isdigit():
        try:  # a PCS table prefix such as 0DT
            icd10pcs.next_choices(token)
            return None
        except codes.CodeError:
            pass
    if not candidates(token):
        return None  # not code-shaped (a word in quotes): nothing to check
    try:
        codes.lookup(token)
        return None
    except (codes.CodeError, ValueError) as error:
        return str(error)


def test_there_are_sixteen_lessons_in_order():
    """Are lessons 00 to 15 all present, numbered in order?"""
    numbers = [int(p.name[:2]) for p in LESSONS]
    assert numbers == list(range(16)), [p.name for p in LESSONS]


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_is_committed_without_outputs(path):
    """Is every code cell stripped of outputs and execution counts?"""
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert not cell.get("outputs") and cell.get("execution_count") is None


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_code_mentioned_is_valid(path):
    """Is every code a lesson writes valid in the code sets, unless marked as a deliberate invalid example?"""
    problems = []
    for number, text in enumerate(_cells_text(path)):
        for token, marked in code_mentions(text):
            if marked:
                continue
            problem = _problem(token)
            if problem:
                problems.append(f"cell {number}: {token}: {problem}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_runs_top_to_bottom(path, tmp_path):
    """Does the lesson execute without an error (as CI runs every lesson)?"""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_shape(path):
    """Does each lesson open with objectives, import the library first, check understanding 3+ times and point
    to its exercise?"""
    notebook = json.loads(path.read_text())
    text = "\n".join(_cells_text(path))
    first_code = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    assert "from medcode_practice import" in "".join(first_code["source"])
    assert "sys.path" not in text and "pip install" not in text and "import *" not in text
    assert re.search(r"objectives", text, re.IGNORECASE)
    if path.name[:2] not in ("00", "15"):
        assert len(re.findall(r"selfcheck\.", text)) >= 3, "fewer than three self-checks"
        assert re.search(r"exercise", text, re.IGNORECASE)
