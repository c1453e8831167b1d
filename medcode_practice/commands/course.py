"""``medcode course init | grade | report``: run the nbgrader assignments of a class, end to end.

    medcode course init DIR       copy exercises/source into a new nbgrader course and release every assignment
    medcode course grade DIR      autograde DIR/submitted one submission at a time, then write feedback
    medcode course report DIR     per-student and per-item results, missed codes, error tags, altered test cells

These are instructor commands: they need a MedCode Practice checkout (exercises/ and autograder/), because the
assessment keys never ship with the package. nbgrader runs in this process through its Python API, so one
submission that hangs or crashes is reported for manual review and the rest of the class is still graded.
"""

from __future__ import annotations

import argparse
import ast
import json
import logging
import os
import re
import shutil
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

from ..cli import UsageError as _CliUsageError
from ..cli import emit


class UsageError(_CliUsageError, ValueError):
    """Bad input to a course command: one line, exit 2 (a ValueError too, so `python -m medcode_practice.cli`,
    which loads cli.py a second time as __main__, still reports it without a traceback)."""


CONFIG_NAME = "nbgrader_config.py"
CHECK_CALLS = ("check_item", "check_choice", "check_terms", "check_number")
_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", re.DOTALL)


def register(sub) -> None:
    course = sub.add_parser("course", help="instructor: nbgrader course from the exercises (init, grade, report)")
    actions = course.add_subparsers(dest="action", metavar="ACTION")

    init = actions.add_parser("init", help="create an nbgrader course folder and release every assignment")
    init.add_argument("dir", help="the course folder to create (must be new or empty)")
    init.add_argument("--exercises", help="folder of source assignments (default: the checkout's exercises/source)")
    init.add_argument("--json", action="store_true")
    init.set_defaults(func=run_init)

    grade = actions.add_parser("grade", help="autograde every submission in DIR/submitted, then write feedback")
    grade.add_argument("dir", help="the course folder (made by `medcode course init`)")
    grade.add_argument("--assignment", action="append", help="grade only this assignment (repeatable)")
    grade.add_argument("--student", action="append", help="grade only this student (repeatable)")
    grade.add_argument("--timeout", type=int, help="seconds a cell may run before it is interrupted (default 30)")
    grade.add_argument("--no-feedback", action="store_true", help="skip writing feedback HTML")
    grade.add_argument("--json", action="store_true")
    grade.set_defaults(func=run_grade)

    report = actions.add_parser("report", help="CSV files and charts from the gradebook")
    report.add_argument("dir", help="the course folder")
    report.add_argument("--out", help="where to write the report (default DIR/reports)")
    report.add_argument("--json", action="store_true")
    report.set_defaults(func=run_report)


# ----------------------------------------------------------------------------------------------- locations
def checkout_dir() -> Path:
    """Return the MedCode Practice checkout holding exercises/ and autograder/, or explain what is missing."""
    root = Path(__file__).resolve().parents[2]
    if (root / "autograder" / CONFIG_NAME).is_file():
        return root
    raise UsageError("medcode course needs a MedCode Practice checkout (exercises/source and autograder/); "
                     "the installed package alone does not carry the assessment keys")


def _course_dir(value: str, must_exist: bool = True) -> Path:
    path = Path(value).expanduser().resolve()
    if must_exist and not (path / CONFIG_NAME).is_file():
        raise UsageError(f"{value} is not a course folder (no {CONFIG_NAME}); create one with "
                         f"`medcode course init {value}`")
    return path


def _assignments(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()
                  if p.is_dir() and not p.name.startswith((".", "_")) and any(p.glob("*.ipynb")))


def _stub(checkout: Path) -> str:
    config = checkout / "autograder" / CONFIG_NAME
    return (
        '"""nbgrader settings for this course, written by `medcode course init`.\n\n'
        "The settings live in the MedCode Practice checkout (autograder/nbgrader_config.py), which also points\n"
        'the grader at the sealed assessment keys. This folder is the course root."""\n\n'
        "import os\n\n"
        f"_SHARED = {str(config)!r}\n"
        "if not os.path.isfile(_SHARED):\n"
        "    raise FileNotFoundError(f'MedCode Practice course settings not found at {_SHARED}; '\n"
        "                            'rerun `medcode course init` from the checkout')\n"
        "c = get_config()  # noqa: F821 - provided by traitlets\n"
        "load_subconfig(_SHARED)  # noqa: F821\n"
        "c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))\n"
    )


# ----------------------------------------------------------------------------------------------- nbgrader
def _quiet_nbgrader_logs() -> None:
    """nbgrader logs through 'traitlets'; captured per call, so keep Python's last-resort stderr handler away."""
    for name in ("traitlets", "nbgrader"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
        logger.propagate = False


def nbgrader_api(course: Path, timeout: int | None = None):
    """Return an NbGraderAPI for the course, configured from its nbgrader_config.py."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    try:
        config = PyFileConfigLoader(CONFIG_NAME, path=str(course)).load_config()
    except Exception as error:  # the config is Python: a missing checkout, a typo, anything
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise UsageError(f"{course / CONFIG_NAME}: {reason}") from None
    overrides = Config()
    overrides.CourseDirectory.root = str(course)
    if timeout is not None:
        if timeout < 1:
            raise UsageError("--timeout must be at least 1 second")
        overrides.ExecutePreprocessor.timeout = timeout
    config.merge(overrides)
    _quiet_nbgrader_logs()
    # SQLAlchemy warns about nbgrader's own session use on every autograde; it is noise to an instructor.
    warnings.filterwarnings("ignore", module=r"nbgrader(\.|$)")
    # nbgrader runs the `alembic` script when it creates a gradebook: make this environment's scripts findable.
    scripts = str(Path(sys.executable).parent)
    if shutil.which("alembic") is None and scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def _last_line(result: dict) -> str:
    """Pick the line of an nbgrader failure that says what went wrong (not "see the above traceback")."""
    text = "\n".join(result.get(k) or "" for k in ("log", "error"))
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    causes = [ln for ln in lines if re.match(r"^(\[ERROR\] )?[\w.]*(Error|Exception|Interrupt|Timeout)\b", ln)
              and "NbGraderException" not in ln and "Traceback" not in ln]
    if causes:
        return causes[-1].replace("[ERROR] ", "")[:300]
    return lines[-1][:300] if lines else "unknown error"


# ----------------------------------------------------------------------------------------------- key scan
def key_code_pattern(cases_dir: Path) -> re.Pattern | None:
    """Return a pattern matching any key code of any case in ``cases_dir`` as a whole token (dotted or not)."""
    from ..records import load_file

    codes: set[str] = set()
    for path in sorted(cases_dir.glob("*.yaml")):
        key = load_file(path).key
        found = set(key.diagnosis_codes) | {p.code for p in key.procedures} | {p.code for p in key.pcs}
        found |= {a.code for a in key.alternatives} | ({key.em.code} if key.em else set())
        codes |= found | {c.replace(".", "") for c in found}
    if not codes:
        return None
    alternation = "|".join(sorted((re.escape(c) for c in codes), key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alternation})(?![A-Za-z0-9])")


def scan_for_keys(folder: Path, pattern: re.Pattern | None) -> list[dict]:
    """Return every file under ``folder`` that contains a key code, with the code found."""
    hits = []
    if pattern is None or not folder.is_dir():
        return hits
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        match = pattern.search(text)
        if match:
            hits.append({"file": str(path.relative_to(folder)), "code": match.group(0)})
    return hits


# ----------------------------------------------------------------------------------------------- init
def run_init(args: argparse.Namespace) -> int:
    checkout = checkout_dir()
    exercises = Path(args.exercises).expanduser().resolve() if args.exercises else checkout / "exercises" / "source"
    if not exercises.is_dir() or not _assignments(exercises):
        raise UsageError(f"{exercises} holds no assignments (folders with a notebook)")
    course = _course_dir(args.dir, must_exist=False)
    if course.exists() and (not course.is_dir() or any(course.iterdir())):
        raise UsageError(f"{args.dir} already exists and is not empty: give a new folder for the course")
    sealed = Path(os.environ.get("MEDCODE_ASSESSMENT_DIR") or checkout / "autograder" / "assessment" / "cases")
    if not sealed.is_dir():
        raise UsageError(f"the assessment cases folder {sealed} does not exist; set MEDCODE_ASSESSMENT_DIR to the "
                         f"folder holding the sealed cases")
    try:
        course.mkdir(parents=True, exist_ok=True)
        shutil.copytree(exercises, course / "source",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc"))
        (course / CONFIG_NAME).write_text(_stub(checkout), encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot create the course in {args.dir}: {error.strerror or error}") from None

    api = nbgrader_api(course)
    names = _assignments(course / "source")
    released, failed = [], []
    with _Progress(len(names), "release") as bar:
        for name in names:
            result = api.generate_assignment(name, force=True, create=True)
            if result.get("success"):
                released.append(name)
            else:
                failed.append({"assignment": name, "error": _last_line(result)})
            bar.step(name)
    leaks = scan_for_keys(course / "release", key_code_pattern(Path(os.environ["MEDCODE_ASSESSMENT_DIR"])))
    data = {"course": str(course), "released": released, "failed": failed, "key_leaks": leaks}
    lines = [f"course created in {course}", f"released {len(released)} assignment(s): {', '.join(released)}"]
    lines += [f"could not release {f['assignment']}: {f['error']}" for f in failed]
    if leaks:
        lines.append("WARNING: released files contain assessment key codes - do not distribute them:")
        lines += [f"  {h['file']}: {h['code']}" for h in leaks]
    else:
        lines.append("checked: no released file contains an assessment key code")
    lines.append(f"give students {course / 'release'}; collect their notebooks into "
                 f"{course / 'submitted'}/<student>/<assignment>/; then `medcode course grade {args.dir}`")
    emit(args, data, "\n".join(lines))
    return 1 if (failed or leaks) else 0


# ----------------------------------------------------------------------------------------------- grade
class _Progress:
    """A progress bar: tqdm when installed, else one short line per step on stderr."""

    def __init__(self, total: int, label: str, quiet: bool = False):
        self.total, self.label, self.done, self.quiet = total, label, 0, quiet
        self._bar = None

    def __enter__(self):
        if self.quiet:
            return self
        try:
            from tqdm import tqdm

            self._bar = tqdm(total=self.total, desc=self.label, unit="nb", file=sys.stderr)
        except ImportError:
            self._bar = None
        return self

    def step(self, what: str) -> None:
        self.done += 1
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.set_postfix_str(what)
            self._bar.update(1)
            return
        width = 24
        filled = int(width * self.done / max(self.total, 1))
        end = "\n" if (self.done == self.total or not sys.stderr.isatty()) else ""
        print(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {what}",
              end=end, file=sys.stderr, flush=True)

    def __exit__(self, *exc):
        if self._bar is not None:
            self._bar.close()
        return False


def _submissions(course: Path, assignments: set[str], only_assignments, only_students) -> list[tuple[str, str]]:
    submitted = course / "submitted"
    found = []
    if not submitted.is_dir():
        return found
    for student in sorted(p for p in submitted.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for folder in sorted(p for p in student.iterdir() if p.is_dir()):
            if folder.name not in assignments:
                continue
            if only_assignments and folder.name not in only_assignments:
                continue
            if only_students and student.name not in only_students:
                continue
            found.append((folder.name, student.name))
    return sorted(found)


def _timed_out_cells(notebook_path: Path) -> list[str]:
    try:
        nb = json.loads(notebook_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    out = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            if output.get("output_type") == "error" and output.get("ename") == "CellTimeoutError":
                out.append(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or cell.get("id", "?"))
    return out


def run_grade(args: argparse.Namespace) -> int:
    course = _course_dir(args.dir)
    api = nbgrader_api(course, timeout=args.timeout)
    released = set(_assignments(course / "release")) if (course / "release").is_dir() else set()
    if not released:
        raise UsageError(f"{args.dir} has no released assignments: run `medcode course init` first")
    unknown = set(args.assignment or []) - released
    if unknown:
        raise UsageError(f"no released assignment {', '.join(sorted(unknown))} (have: {', '.join(sorted(released))})")
    work = _submissions(course, released, set(args.assignment or []), set(args.student or []))
    if not work:
        raise UsageError(f"nothing to grade: put notebooks in {course / 'submitted'}/<student>/<assignment>/")

    from nbgrader.api import Gradebook, MissingEntry

    results = []
    started = time.perf_counter()
    with _Progress(len(work), "autograde") as bar:
        for assignment, student in work:
            t0 = time.perf_counter()
            result = api.autograde(assignment, student, force=True, create=True)
            # Read the gradebook rather than trusting the status: nbgrader can fail one step yet keep grades.
            graded = False
            with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
                try:
                    submission = gb.find_submission(assignment, student)
                    graded = any(g.auto_score is not None or g.manual_score is not None
                                 for nb in submission.notebooks for g in nb.grades)
                except MissingEntry:
                    graded = False
            autograded = course / "autograded" / student / assignment
            graded = graded and autograded.is_dir() and any(autograded.glob("*.ipynb"))
            timeouts = [c for nb in autograded.glob("*.ipynb") for c in _timed_out_cells(nb)] if graded else []
            entry = {"assignment": assignment, "student": student, "graded": graded,
                     "seconds": round(time.perf_counter() - t0, 2), "timed_out_cells": timeouts}
            if not graded:
                entry["reason"] = _last_line(result)
            results.append(entry)
            bar.step(f"{student}/{assignment}" + ("" if graded else " (needs manual review)"))

    feedback = []
    if not args.no_feedback:
        done = [r for r in results if r["graded"]]
        with _Progress(len(done), "feedback") as bar:
            for entry in done:
                result = api.generate_feedback(entry["assignment"], entry["student"], force=True)
                entry["feedback"] = bool(result.get("success"))
                if entry["feedback"]:
                    feedback.append(entry)
                bar.step(f"{entry['student']}/{entry['assignment']}")

    review = [r for r in results if not r["graded"] or r["timed_out_cells"]]
    data = {"course": str(course), "submissions": len(results), "graded": sum(r["graded"] for r in results),
            "feedback": len(feedback), "needs_review": review, "results": results,
            "seconds": round(time.perf_counter() - started, 1)}
    lines = [f"graded {data['graded']} of {len(results)} submission(s) in {data['seconds']} s; "
             f"feedback written for {len(feedback)} (in {course / 'feedback'})"]
    for r in review:
        if not r["graded"]:
            lines.append(f"  needs manual review: {r['student']}/{r['assignment']} could not be graded ({r['reason']})")
        else:
            lines.append(f"  needs review: {r['student']}/{r['assignment']} - cell(s) stopped after the time limit: "
                         f"{', '.join(r['timed_out_cells'])}")
    lines.append(f"next: `medcode course report {args.dir}`")
    emit(args, data, "\n".join(lines))
    return 0


# ----------------------------------------------------------------------------------------------- report
# Reading notebook cells is shared with the dashboard's re-grading.
from .._notebooks import cells as _cells  # noqa: E402
from .._notebooks import nbgrader_meta as _meta  # noqa: E402
from .._notebooks import source as _source  # noqa: E402


def _normal(text: str) -> str:
    return "\n".join(line.rstrip() for line in _HIDDEN.sub("", text).strip().splitlines())


def _test_cells(cells: list[dict]) -> dict[str, dict]:
    return {_meta(c)["grade_id"]: c for c in cells
            if _meta(c).get("grade") and not _meta(c).get("solution") and c.get("cell_type") == "code"
            and _meta(c).get("grade_id")}


def parse_check(source: str) -> dict | None:
    """Read the check call a test cell ends with: function, target id, question, parts, mode, points."""
    from ..grading.gradebook import final_call

    call = final_call(source, CHECK_CALLS)
    if call is None:
        return None
    try:
        args = [ast.literal_eval(a) if not isinstance(a, ast.Name) else None for a in call.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
    except ValueError:
        return None
    info = {"check": call.func.id, "target": args[0] if args else None, "mode": kwargs.get("mode", "learning"),
            "parts": kwargs.get("parts"), "points": kwargs.get("points")}
    if call.func.id == "check_choice" and len(args) > 1:
        info["question"] = args[1]
    return info


def answer_literal(source: str):
    """Return the answer a cell assigns when it is plain ``answer = "..."`` (comments allowed), else raise."""
    tree = ast.parse(source)
    values = []
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == "answer"):
            values.append(ast.literal_eval(node.value))
        else:
            raise ValueError("the answer cell holds code, not just a quoted answer")
    if not values:
        raise ValueError("the answer cell assigns no answer")
    return values[-1]


def _answer_cells(cells: list[dict]) -> dict[str, tuple[dict, dict | None]]:
    """Map each test cell's grade id to (answer cell, test cell): the answer cell is the nearest one above."""
    pairs, last_answer = {}, None
    for cell in cells:
        meta = _meta(cell)
        if cell.get("cell_type") == "code" and meta.get("solution") and not meta.get("grade"):
            last_answer = cell
        elif cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution"):
            pairs[meta.get("grade_id")] = (last_answer, cell)
            last_answer = None
    return pairs


def _regrade(check: dict, answer) -> dict:
    """Grade an answer again with the library, for tags and missed codes (the instructor's view)."""
    from .. import grading, records

    if check["check"] != "check_item":
        return {}
    case = records.load(check["target"])
    parts = check.get("parts")
    if isinstance(parts, str):
        parts = tuple(p for p in re.split(r"[\s,]+", parts) if p)
    score = grading.grade(case, answer, mode=check.get("mode") or "learning", reveal=True, parts=parts)
    missed = [v.expected for v in score.items if v.tag == "missing" and v.expected and v.part != "sequencing"]
    wrong = [v.entered for v in score.items if v.is_error and v.entered and v.tag not in ("missing",)
             and v.part != "sequencing"]
    return {"tags": dict(score.tags), "missed": missed, "wrong": wrong, "percent": score.percent}


def run_report(args: argparse.Namespace) -> int:
    course = _course_dir(args.dir)
    if not (course / "gradebook.db").is_file():
        raise UsageError(f"{args.dir} has no gradebook yet: run `medcode course grade {args.dir}` first")
    out = Path(args.out).expanduser().resolve() if args.out else course / "reports"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot write the report to {args.out or out}: {error.strerror or error}") from None
    nbgrader_api(course)  # loads the course config, which makes the sealed keys visible for re-grading
    import pandas as pd
    from nbgrader.api import Gradebook

    grades, submissions = [], []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for assignment in gb.assignments:
            for submission in gb.assignment_submissions(assignment.name):
                autograded = course / "autograded" / submission.student.id / assignment.name
                submissions.append({"student": submission.student.id, "assignment": assignment.name,
                                    "score": submission.score, "max_score": submission.max_score,
                                    "needs_manual_grade": submission.needs_manual_grade,
                                    "autograded": autograded.is_dir() and any(autograded.glob("*.ipynb"))})
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        grades.append({"student": submission.student.id, "assignment": assignment.name,
                                       "notebook": notebook.name, "item": grade.name, "cell_type": grade.cell_type,
                                       "score": grade.score, "max_score": grade.max_score,
                                       "auto_score": grade.auto_score, "manual_score": grade.manual_score,
                                       "needs_manual_grade": grade.needs_manual_grade})
    grades_df = pd.DataFrame(grades, columns=["student", "assignment", "notebook", "item", "cell_type", "score",
                                              "max_score", "auto_score", "manual_score", "needs_manual_grade"])
    subs_df = pd.DataFrame(submissions, columns=["student", "assignment", "score", "max_score",
                                                 "needs_manual_grade", "autograded"])

    # Per item: what each test cell checks, from the source notebooks.
    targets: dict[tuple[str, str, str], dict] = {}
    for assignment_dir in sorted((course / "source").glob("*")):
        for nb_path in assignment_dir.glob("*.ipynb"):
            for grade_id, cell in _test_cells(_cells(nb_path)).items():
                info = parse_check(_source(cell)) or {}
                targets[(assignment_dir.name, nb_path.stem, grade_id)] = info

    # Altered test cells, unusual answer cells, re-graded tags and missed codes, from the submitted notebooks.
    altered, unusual, tags, missed, wrong = [], [], Counter(), Counter(), Counter()
    for row in subs_df.itertuples():
        submitted = course / "submitted" / row.student / row.assignment
        for nb_path in sorted(submitted.glob("*.ipynb")):
            reference = course / "release" / row.assignment / nb_path.name
            if not reference.is_file():
                reference = course / "source" / row.assignment / nb_path.name
            original = _test_cells(_cells(reference))
            cells = _cells(nb_path)
            theirs = _test_cells(cells)
            for grade_id, cell in original.items():
                if grade_id not in theirs:
                    altered.append({"student": row.student, "assignment": row.assignment, "notebook": nb_path.stem,
                                    "item": grade_id, "change": "deleted"})
                elif _normal(_source(theirs[grade_id])) != _normal(_source(cell)):
                    altered.append({"student": row.student, "assignment": row.assignment, "notebook": nb_path.stem,
                                    "item": grade_id, "change": "edited",
                                    "submitted_source": _source(theirs[grade_id])[:200]})
            for grade_id, (answer_cell, _test) in _answer_cells(cells).items():
                check = targets.get((row.assignment, nb_path.stem, grade_id)) or {}
                if answer_cell is None or not check:
                    continue
                try:
                    answer = answer_literal(_source(answer_cell))
                except (ValueError, SyntaxError) as error:
                    unusual.append({"student": row.student, "assignment": row.assignment, "item": grade_id,
                                    "problem": str(error).splitlines()[0][:120],
                                    "source": _source(answer_cell)[:200]})
                    continue
                if check.get("check") != "check_item" or not str(answer).strip():
                    continue
                try:
                    found = _regrade(check, answer)
                except (KeyError, ValueError, LookupError):
                    continue
                for tag, count in found.get("tags", {}).items():
                    tags[(row.assignment, tag)] += count
                for code in found.get("missed", []):
                    missed[(row.assignment, grade_id, check["target"], code)] += 1
                for code in found.get("wrong", []):
                    wrong[(row.assignment, grade_id, check["target"], code)] += 1

    files = _write_report(out, grades_df, subs_df, targets, altered, unusual, tags, missed, wrong)
    students = sorted(subs_df["student"].unique()) if len(subs_df) else []
    not_graded = [{"student": r.student, "assignment": r.assignment} for r in subs_df.itertuples()
                  if not r.autograded]
    data = {"course": str(course), "out": str(out), "students": len(students), "submissions": len(subs_df),
            "not_autograded": not_graded, "altered_test_cells": altered, "unusual_answer_cells": unusual,
            "files": files}
    lines = [f"report for {len(students)} student(s), {len(subs_df)} submission(s) written to {out}"]
    lines += [f"  {name}" for name in files]
    if not_graded:
        lines.append(f"{len(not_graded)} submission(s) could not be autograded - grade them by hand:")
        lines += [f"  {n['student']}/{n['assignment']}" for n in not_graded]
    if altered:
        lines.append(f"{len(altered)} test cell(s) were changed by students (graded with the original test):")
        lines += [f"  {a['student']}/{a['assignment']} {a['item']}: {a['change']}" for a in altered]
    if unusual:
        lines.append(f"{len(unusual)} answer cell(s) hold code instead of a quoted answer - review them:")
        lines += [f"  {u['student']}/{u['assignment']} {u['item']}: {u['problem']}" for u in unusual]
    emit(args, data, "\n".join(lines))
    return 0


def _write_report(out: Path, grades_df, subs_df, targets, altered, unusual, tags, missed, wrong) -> list[str]:
    import pandas as pd

    files = []

    def save(frame, name):
        frame.round(2).to_csv(out / name, index=False)
        files.append(name)

    # One row per student: a score column per assignment, then the total.
    if len(subs_df):
        wide = subs_df.pivot_table(index="student", columns="assignment", values="score", aggfunc="sum")
        wide = wide.reindex(sorted(wide.columns), axis=1)
        possible = subs_df.groupby("assignment")["max_score"].max()
        wide["total"] = wide.sum(axis=1)
        wide["max_total"] = float(possible.sum())
        wide["percent"] = (100 * wide["total"] / wide["max_total"]).round(1)
        wide["needs_manual_grade"] = subs_df.groupby("student")["needs_manual_grade"].any()
        wide = wide.reset_index()
    else:
        wide = pd.DataFrame(columns=["student", "total", "max_total", "percent", "needs_manual_grade"])
    save(wide, "students.csv")
    save(subs_df.sort_values(["student", "assignment"]) if len(subs_df) else subs_df, "submissions.csv")

    items = grades_df.copy()
    if len(items):
        items["checks"] = [targets.get((a, n, i), {}).get("target") or ""
                           for a, n, i in zip(items["assignment"], items["notebook"], items["item"])]
        summary = (items.groupby(["assignment", "item", "checks", "cell_type"], dropna=False)
                   .agg(students=("student", "nunique"), max_score=("max_score", "max"),
                        mean_score=("score", "mean"),
                        full_marks=("score", lambda s: int((s >= items.loc[s.index, "max_score"]).sum())),
                        needs_manual_grade=("needs_manual_grade", "sum"))
                   .reset_index())
        summary["mean_percent"] = (100 * summary["mean_score"] / summary["max_score"]).round(1)
    else:
        summary = pd.DataFrame(columns=["assignment", "item", "checks", "cell_type", "students", "max_score",
                                        "mean_score", "full_marks", "needs_manual_grade", "mean_percent"])
    save(items, "grades.csv")
    save(summary, "items.csv")

    save(pd.DataFrame([{"assignment": a, "item": i, "case": c, "code": code, "times_missed": n}
                       for (a, i, c, code), n in missed.most_common()],
                      columns=["assignment", "item", "case", "code", "times_missed"]), "missed_codes.csv")
    save(pd.DataFrame([{"assignment": a, "item": i, "case": c, "entered": code, "times": n}
                       for (a, i, c, code), n in wrong.most_common()],
                      columns=["assignment", "item", "case", "entered", "times"]), "wrong_codes.csv")
    from ..grading import ERROR_TAGS

    save(pd.DataFrame([{"assignment": a, "tag": t, "meaning": ERROR_TAGS.get(t, t), "count": n}
                       for (a, t), n in sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))],
                      columns=["assignment", "tag", "meaning", "count"]), "error_tags.csv")
    save(pd.DataFrame(altered, columns=["student", "assignment", "notebook", "item", "change", "submitted_source"]),
         "altered_test_cells.csv")
    save(pd.DataFrame(unusual, columns=["student", "assignment", "item", "problem", "source"]),
         "unusual_answer_cells.csv")
    files += _charts(out, subs_df, summary, tags)
    return files


def _charts(out: Path, subs_df, summary, tags) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    files = []
    if len(subs_df):
        frame = subs_df.assign(percent=100 * subs_df["score"] / subs_df["max_score"].where(subs_df["max_score"] > 0))
        data = frame.groupby("assignment")["percent"].mean().sort_index()
        fig, ax = plt.subplots(figsize=(8, 4))
        ax.bar(range(len(data)), data.values, color="#4c72b0")
        ax.set_xticks(range(len(data)), data.index, rotation=45, ha="right")
        ax.set_ylabel("mean score (% of points)")
        ax.set_ylim(0, 100)
        ax.set_title("Scores by assignment (autograded so far)")
        fig.tight_layout()
        fig.savefig(out / "scores_by_assignment.png", dpi=100)
        plt.close(fig)
        files.append("scores_by_assignment.png")
    if len(summary):
        auto = summary[summary["cell_type"] == "code"].sort_values("mean_percent").head(20)
        fig, ax = plt.subplots(figsize=(8, max(3, 0.3 * len(auto) + 1)))
        labels = [f"{a} {i} {c}" for a, i, c in zip(auto["assignment"], auto["item"], auto["checks"])]
        ax.barh(range(len(auto)), auto["mean_percent"].values, color="#dd8452")
        ax.set_yticks(range(len(auto)), labels, fontsize=7)
        ax.invert_yaxis()  # hardest first, at the top
        ax.set_xlabel("mean score (% of points)")
        ax.set_xlim(0, 100)
        ax.set_title("Hardest autograded items")
        fig.tight_layout()
        fig.savefig(out / "hardest_items.png", dpi=100)
        plt.close(fig)
        files.append("hardest_items.png")
    if tags:
        from ..grading import ERROR_TAGS

        totals = Counter()
        for (_assignment, tag), count in tags.items():
            totals[tag] += count
        names, counts = zip(*totals.most_common())
        fig, ax = plt.subplots(figsize=(8, 4))
        ax.barh(range(len(names)), counts, color="#55a868")
        ax.set_yticks(range(len(names)), [ERROR_TAGS.get(n, n) for n in names], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("times seen in re-graded answers")
        ax.set_title("Error types")
        fig.tight_layout()
        fig.savefig(out / "error_tags.png", dpi=100)
        plt.close(fig)
        files.append("error_tags.png")
    return files
