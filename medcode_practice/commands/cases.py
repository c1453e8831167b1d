"""``medcode cases list | show | validate`` and ``medcode grade``."""

from __future__ import annotations

import argparse

from ..cli import UsageError, emit


def register(sub) -> None:
    cases = sub.add_parser("cases", help="the library of synthetic case records")
    actions = cases.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="list cases (no keys)")
    listing.add_argument("--pool", choices=["practice", "assessment", "all"], default="practice")
    listing.add_argument("--setting")
    listing.add_argument("--tag")
    listing.add_argument("--difficulty", type=int)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)
    show = actions.add_parser("show", help="show a case record (the key only for practice cases, with --key)")
    show.add_argument("id")
    show.add_argument("--key", action="store_true", help="also show the answer key (practice pool only)")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=run_show)
    check = actions.add_parser("validate", help="prove every key against the code sets")
    check.add_argument("--pool", choices=["practice", "assessment", "all"], default="all")
    check.add_argument("--json", action="store_true")
    check.set_defaults(func=run_validate)

    grade = sub.add_parser("grade", help="grade an answer to a case")
    grade.add_argument("case_id")
    grade.add_argument("answer", help='codes as typed, e.g. "E11.22, N18.31, 99214-25"')
    grade.add_argument("--mode", choices=["learning", "exam"], default="learning")
    grade.add_argument("--json", action="store_true")
    grade.set_defaults(func=run_grade)


def run_list(args: argparse.Namespace) -> int:
    from .. import records

    pool = None if args.pool == "all" else args.pool
    found = records.find(setting=args.setting, tag=args.tag, difficulty=args.difficulty, pool=pool)
    rows = [c.summary() for c in found]
    text = "\n".join(f"{c.id:<9} {c.setting:<19} d{c.difficulty}  {c.title}" for c in found) or "no cases match"
    emit(args, rows, text)
    return 0


def run_show(args: argparse.Namespace) -> int:
    from .. import records

    case = records.load(args.id)
    if args.key and case.pool != "practice":
        raise UsageError(f"{case.id} is an assessment case: its key is not shown")
    data = {**case.summary(), "documentation": case.documentation, "patient": case.patient.name,
            "provider": case.provider.name, "payer_name": case.payer.name}
    lines = [f"{case.id} · {case.title}", f"{case.patient.name} · {case.patient.sex} · age {case.age} · "
             f"{case.payer.name} · {case.encounter.date} · POS {case.encounter.place_of_service}",
             "(synthetic record for coding practice)", ""]
    from ..records.schema import DOCUMENT_TITLES

    for name, text in case.documentation.items():
        lines += [DOCUMENT_TITLES.get(name, name).upper(), text.strip(), ""]
    if args.key:
        key = case.key
        data["key"] = {"diagnoses": key.diagnosis_codes, "procedures": [
            {"code": p.code, "modifiers": list(p.modifiers), "units": p.units, "pointers": list(p.pointers)}
            for p in key.procedures], "pcs": [p.code for p in key.pcs], "ms_drg": key.ms_drg}
        lines.append("ANSWER KEY")
        lines += [f"  Dx {n}: {d.code} — {d.rationale}" for n, d in enumerate(key.diagnoses, 1)]
        lines += [f"  {p.code}{''.join('-' + m for m in p.modifiers)} x{p.units} ptr {','.join(map(str, p.pointers))}"
                  f" — {p.rationale}" for p in key.procedures]
        lines += [f"  PCS {p.code} — {p.rationale}" for p in key.pcs]
        if key.ms_drg:
            lines.append(f"  MS-DRG {key.ms_drg}")
    emit(args, data, "\n".join(lines))
    return 0


def run_validate(args: argparse.Namespace) -> int:
    from ..records.validate import validate_all

    pool = None if args.pool == "all" else args.pool
    count, problems = validate_all(pool)
    data = {"cases": count, "problems": [{"case": p.case_id, "check": p.check, "message": p.message}
                                         for p in problems]}
    text = "\n".join(str(p) for p in problems)
    text = (text + "\n" if text else "") + f"{count} cases checked, {len(problems)} problem(s)"
    emit(args, data, text)
    return 1 if problems else 0


def run_grade(args: argparse.Namespace) -> int:
    from .. import grading, records

    case = records.load(args.case_id)
    score = grading.grade(case, args.answer, mode=args.mode)
    emit(args, score.to_dict(), score.to_text())
    return 0
