"""``medcode course export`` (grades for Canvas or Moodle) and ``medcode course variants`` (per-student cases).

    medcode course export DIR --format canvas|moodle --out FILE.csv
    medcode course variants DIR ASSIGNMENT [--student ID ...] [--roster FILE]

Both are added to the ``course`` command that ``commands/course.py`` defines (init, grade, report); when that
module is not registered, this one makes a ``course`` command of its own with just these two actions.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from ..cli import UsageError, emit


def _course_actions(sub):
    """Return the sub-command group of ``medcode course``, creating the command when it does not exist yet."""
    parser = sub.choices.get("course")
    if parser is None:
        parser = sub.add_parser("course", help="instructor: an nbgrader class (export, variants)")
    for action in parser._actions:  # argparse keeps the sub-command group here; there is no public getter
        if isinstance(action, argparse._SubParsersAction):
            return action
    return parser.add_subparsers(dest="action", metavar="ACTION")


def register(sub) -> None:
    actions = _course_actions(sub)

    export = actions.add_parser("export", help="grades as a CSV the Canvas or Moodle gradebook imports")
    export.add_argument("dir", help="the course folder (or its gradebook.db)")
    export.add_argument("--format", choices=["canvas", "moodle"], required=True)
    export.add_argument("--out", required=True, help="the CSV file to write")
    export.add_argument("--assignment", action="append", help="export only this assignment (repeatable)")
    export.add_argument("--missing", choices=["blank", "zero"], default="blank",
                        help="no submission: leave the LMS grade alone (blank, default) or give 0")
    export.add_argument("--canvas-ids", help="CSV of assignment,canvas_id: update these Canvas assignments")
    export.add_argument("--section", default="", help="Canvas: the section to write on every row")
    export.add_argument("--identifier", choices=["email", "username", "idnumber"], default="email",
                        help="Moodle: how students are matched (default email)")
    export.add_argument("--json", action="store_true")
    export.set_defaults(func=run_export)

    variants = actions.add_parser("variants", help="prepare each student's own cases for a variant assignment")
    variants.add_argument("dir", help="the course folder")
    variants.add_argument("assignment", help="the assignment in DIR/source, e.g. 11-variants")
    variants.add_argument("--student", action="append", help="a student id (repeatable)")
    variants.add_argument("--roster", help="a file of student ids: one a line, or a CSV with an 'id' column")
    variants.add_argument("--no-generate", action="store_true",
                          help="only write variants.json; do not regenerate the release")
    variants.add_argument("--json", action="store_true")
    variants.set_defaults(func=run_variants)


# ----------------------------------------------------------------------------------------------- export
def _canvas_ids(path: str | None) -> dict[str, str]:
    if not path:
        return {}
    try:
        with open(Path(path).expanduser(), newline="", encoding="utf-8") as handle:
            rows = [row for row in csv.reader(handle) if row and row[0].strip() and not row[0].startswith("#")]
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    if rows and rows[0][0].strip().lower() == "assignment":
        rows = rows[1:]
    bad = [row for row in rows if len(row) < 2 or not row[1].strip().isdigit()]
    if bad:
        raise UsageError(f"{path}: each line must be assignment,canvas_id (a number); first bad line: "
                         f"{','.join(bad[0])}")
    return {row[0].strip(): row[1].strip() for row in rows}


def run_export(args: argparse.Namespace) -> int:
    from ..grading import lms

    if args.format == "canvas":
        options = {"canvas_ids": _canvas_ids(args.canvas_ids), "section": args.section}
    else:
        if args.canvas_ids:
            raise UsageError("--canvas-ids is for --format canvas")
        options = {"identifier": args.identifier}
    out = Path(args.out).expanduser()
    if not out.parent.is_dir():
        raise UsageError(f"the folder of {args.out} does not exist")
    result = lms.export(args.dir, args.format, out, missing=args.missing, assignments=args.assignment, **options)
    data = {k: v for k, v in result.items() if k != "csv"}
    emit(args, data, f"wrote {result['students']} student(s) x {result['assignments']} assignment(s) for "
                     f"{args.format.capitalize()} to {out}")
    return 0


# ----------------------------------------------------------------------------------------------- variants
def _roster(args: argparse.Namespace, course: Path) -> list[str]:
    students = [s.strip() for s in (args.student or []) if s.strip()]
    if args.roster:
        try:
            text = Path(args.roster).expanduser().read_text(encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot read {args.roster}: {error.strerror or error}") from None
        lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
        if lines and "," in lines[0]:
            reader = csv.DictReader(lines)
            column = next((c for c in (reader.fieldnames or []) if c and c.strip().lower() in ("id", "student",
                                                                                             "student_id")), None)
            if column is None:
                raise UsageError(f"{args.roster}: a CSV roster needs an 'id' column")
            students += [row[column].strip() for row in reader if (row.get(column) or "").strip()]
        else:
            students += [line.strip() for line in lines]
    if not students and (course / "gradebook.db").is_file():
        from ..grading.gradebook import read

        students = list(read(course).students["student"])
    bad = [s for s in students if "+" in s or "*" in s or "/" in s]
    if bad:
        raise UsageError(f"student ids cannot contain '+', '*' or '/': {', '.join(bad)}")
    if not students:
        raise UsageError("no students: give --student ID (repeatable) or --roster FILE, or add them to the "
                         "gradebook (nbgrader db student add ID)")
    return sorted(set(students))


def run_variants(args: argparse.Namespace) -> int:
    from ..grading import variants

    course = Path(args.dir).expanduser().resolve()
    folder = course / "source" / args.assignment
    if not folder.is_dir() or not any(folder.glob("*.ipynb")):
        raise UsageError(f"no source assignment {args.assignment} in {course / 'source'}")
    students = _roster(args, course)
    config = course / "nbgrader_config.py"
    if config.is_file() and not args.no_generate:
        from .course import nbgrader_api

        api = nbgrader_api(course)  # loads the course settings, which make the sealed store visible
    else:
        api = None
    salt = variants.salt()
    if salt is None:
        raise UsageError(f"the variant salt is not visible: set {variants.SALT_VARIABLE} or keep "
                         f"{variants.SALT_FILE} beside the sealed assessment cases")
    try:
        path = variants.write_table(folder, students, salt, assignment=args.assignment)
    except variants.VariantError as error:
        raise UsageError(str(error)) from None
    slots = variants.slots_in_notebook(next(iter(sorted(folder.glob("*.ipynb")))))
    generated = None
    if api is not None:
        result = api.generate_assignment(args.assignment, force=True, create=True)
        generated = bool(result.get("success"))
        if not generated:
            raise UsageError(f"variants.json written, but generating {args.assignment} failed: "
                             f"{(result.get('error') or result.get('log') or '').strip().splitlines()[-1:]}")
    data = {"assignment": args.assignment, "students": len(students), "slots": slots, "table": str(path),
            "generated": generated}
    lines = [f"prepared {len(slots)} variant item(s) for {len(students)} student(s): {path}"]
    if generated:
        lines.append(f"regenerated {course / 'release' / args.assignment}; now release it "
                     f"(nbgrader release_assignment {args.assignment}, or the formgrader's Release button)")
    emit(args, data, "\n".join(lines))
    return 0
