"""``medcode claim build | scrub | adjudicate | remit``: the claim lifecycle from the command line.

Exit status: 0 success, 2 bad input (one line on stderr, or a JSON error with --json), 1 when the scrubber
finds errors.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from ..cli import UsageError, emit


def register(sub) -> None:
    claim = sub.add_parser("claim", help="build, scrub and adjudicate synthetic claims (837P, 835)")
    actions = claim.add_subparsers(dest="action", metavar="ACTION")

    build = actions.add_parser("build", help="build a case's claim and write it as an X12 837P file")
    build.add_argument("case_id", help="a case id, e.g. OP-0027")
    build.add_argument("--codes", help='the codes to bill, as typed (default: the case key), e.g. '
                                       '"M17.11, I10, 99214-25, 20610-RT, J3301 x4"')
    build.add_argument("--out", required=True, help="the 837 file to write")
    build.add_argument("--submitted", help="submission date YYYY-MM-DD (default: 5 days after the visit)")
    build.add_argument("--html", help="also write the CMS-1500 view to this HTML file")
    build.add_argument("--json", action="store_true")
    build.set_defaults(func=run_build)

    scrub = actions.add_parser("scrub", help="run the scrubber's edits on an 837 file or a case's claim")
    scrub.add_argument("source", help="an 837 file, or a case id")
    scrub.add_argument("--codes", help="with a case id: the codes to bill (default: the case key)")
    scrub.add_argument("--prior", action="append", default=[], metavar="FILE.837",
                       help="claims already submitted (for the duplicate edit); may repeat")
    scrub.add_argument("--json", action="store_true")
    scrub.set_defaults(func=run_scrub)

    adjudicate = actions.add_parser("adjudicate", help="have a synthetic payer adjudicate an 837 into an 835")
    adjudicate.add_argument("file", help="the 837 file")
    adjudicate.add_argument("--payer", help="the payer adjudicating (default: the payer named in the 837); one of "
                                            "Medicare Part B, Medicaid (State Plan), Bluestone Health Plan, "
                                            "Cedarline Insurance")
    adjudicate.add_argument("--out", required=True, help="the 835 file to write")
    adjudicate.add_argument("--prior", action="append", default=[], metavar="FILE.835",
                            help="earlier remittances from this payer (duplicates, replacements); may repeat")
    adjudicate.add_argument("--json", action="store_true")
    adjudicate.set_defaults(func=run_adjudicate)

    remit = actions.add_parser("remit", help="read an 835 remittance and say what to do next")
    remit.add_argument("file", help="the 835 file")
    remit.add_argument("--json", action="store_true")
    remit.set_defaults(func=run_remit)


def _read(path: str) -> str:
    file = Path(path)
    if not file.exists():
        raise UsageError(f"{path}: no such file")
    if file.is_dir():
        raise UsageError(f"{path} is a folder, not a file")
    try:
        return file.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from None


def _write(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror}") from None


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _claim_summary(claim) -> dict:
    return {"claim_id": claim.claim_id, "frequency": claim.frequency, "payer": claim.payer.name,
            "payer_id": claim.payer.payer_id, "member_id": claim.coverage.member_id,
            "patient": claim.patient.display_name, "diagnoses": list(claim.diagnoses),
            "lines": [{"code": line.code, "modifiers": list(line.modifiers), "units": line.units,
                       "pointers": "".join(line.pointers), "charge": str(line.charge),
                       "date": line.service_date.isoformat()} for line in claim.lines],
            "total_charge": str(claim.total_charge), "prior_authorization": claim.prior_authorization,
            "submitted": claim.submission_date.isoformat()}


def run_build(args: argparse.Namespace) -> int:
    from .. import claims

    claim = claims.build_claim(args.case_id, args.codes, submitted=_date(args.submitted))
    text = claims.write_837(claim)
    problems = claims.validate_837(text)
    _write(args.out, text)
    if args.html:
        _write(args.html, claims.render_cms1500(claim))
    data = {**_claim_summary(claim), "file": args.out, "valid": not problems, "validation": problems}
    lines = [f"Wrote {args.out}: 837P 005010X222A1 claim {claim.claim_id} to {claim.payer.name} "
             f"({len(claim.lines)} line(s), {claim.total_charge:.2f})",
             "  Dx: " + ", ".join(f"{letter}. {code}" for letter, code in zip("ABCDEFGHIJKL", claim.diagnoses))]
    lines += [f"  {n}. {line.label:<14} ptr {''.join(line.pointers):<4} {line.charge:>9.2f}"
              for n, line in enumerate(claim.lines, 1)]
    lines.append("  pyx12: valid" if not problems else "  pyx12: " + "; ".join(problems[:3]))
    emit(args, data, "\n".join(lines))
    return 0 if not problems else 1


def run_scrub(args: argparse.Namespace) -> int:
    from .. import claims

    source = Path(args.source)
    if source.exists() or args.source.lower().endswith((".837", ".x12", ".txt", ".edi")):
        if args.codes:
            raise UsageError("--codes goes with a case id, not with an 837 file")
        batch = claims.read_837_claims(_read(args.source))
    else:
        batch = [claims.build_claim(args.source, args.codes)]
    history = []
    for path in args.prior:
        history += claims.read_837_claims(_read(path))
    reports = [claims.scrub(claim, history=history) for claim in batch]
    data = {"claims": [r.to_dict() for r in reports], "errors": sum(len(r.errors) for r in reports),
            "warnings": sum(len(r.warnings) for r in reports)}
    emit(args, data, "\n".join(r.to_text() for r in reports))
    return 1 if any(not r.ok for r in reports) else 0


def run_adjudicate(args: argparse.Namespace) -> int:
    from .. import claims

    batch = claims.read_837_claims(_read(args.file))
    history = [claims.read_835(_read(path)) for path in args.prior]
    remit = claims.adjudicate(batch, args.payer, history=history)
    text = claims.write_835(remit)
    problems = claims.validate_835(text)
    _write(args.out, text)
    data = {**remit.to_dict(), "file": args.out, "valid": not problems, "validation": problems}
    head = f"Wrote {args.out}: 835 005010X221A1 from {remit.payer.name}, paid {remit.total_paid:.2f}"
    emit(args, data, head + "\n" + remit.to_text())
    return 0 if not problems else 1


def run_remit(args: argparse.Namespace) -> int:
    from .. import claims

    remit = claims.read_835(_read(args.file))
    steps = claims.next_steps(remit)
    data = {**remit.to_dict(), "next_steps": [
        {"claim_id": s.claim_id, "line": s.line_number, "code": s.code, "adjustment": f"{s.group}-{s.reason}",
         "amount": str(s.amount), "remarks": list(s.remarks), "action": s.action, "steps": s.steps} for s in steps]}
    text = remit.to_text()
    if steps:
        text += "\n\nWhat to do next:\n" + "\n".join(
            f"  {s.claim_id} line {s.line_number} {s.code} {s.group}-{s.reason} {s.amount:.2f}: {s.action.upper()} - "
            f"{s.steps}" for s in steps)
    else:
        text += "\n\nNothing to follow up: post the payment and the contractual adjustments."
    emit(args, data, text)
    return 0
