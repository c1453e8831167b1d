"""The claim scrubber: an ordered pipeline of small edits, each finding one kind of problem before a payer does.

Each edit is a class named for what it does (verb-noun), with an ``id``, a default ``severity`` (``error``: the
payer will reject or deny; ``warning``: check it), and ``check(claim, context) -> list[Finding]``. A finding
says what is wrong in plain words and what to fix. ``EDITS`` is the pipeline; :func:`scrub` runs it.

>>> from medcode_practice import claims
>>> claims.scrub(claims.build_claim("OP-0001")).ok
True
>>> report = claims.scrub(claims.build_claim("OP-0027", "M17.11, I10, 99214, 20610-RT, J3301 x4"))
>>> [f.edit for f in report.errors]
['modifier']
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations

from ..codes import CodeError, PlaceholderError, SeventhCharacterError, cpt, hcpcs, icd10cm, modifiers, ncci, normalize
from ..codes.normalize import CPT, HCPCS
from ..records.validate import age_conflict, npi_is_valid, sex_conflict
from . import coverage, fee_schedule, payers
from .model import LETTERS, Claim, ClaimLine

SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Finding:
    """One problem an edit found: which edit, how bad, what is wrong, what to fix, and where."""

    edit: str
    severity: str
    message: str
    fix: str
    line: int | None = None
    code: str = ""

    def __str__(self) -> str:
        where = f"line {self.line} " if self.line else ""
        return f"{self.severity.upper()} [{self.edit}] {where}{self.message} Fix: {self.fix}"

    def to_dict(self) -> dict:
        return {"edit": self.edit, "severity": self.severity, "message": self.message, "fix": self.fix,
                "line": self.line, "code": self.code}


@dataclass
class ScrubContext:
    """What the edits may consult besides the claim: the payer, earlier claims, the case record."""

    payer: payers.Payer | None = None
    history: tuple[Claim, ...] = ()
    case: object = None
    excludes1_exceptions: frozenset = field(default_factory=frozenset)


@dataclass
class ScrubReport:
    """The scrubber's findings for one claim."""

    claim_id: str
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when no edit found an error (warnings may remain)."""
        return not self.errors

    def to_dict(self) -> dict:
        return {"claim_id": self.claim_id, "ok": self.ok, "errors": len(self.errors), "warnings": len(self.warnings),
                "findings": [f.to_dict() for f in self.findings]}

    def to_text(self) -> str:
        if not self.findings:
            return f"Claim {self.claim_id}: clean - no edits fired."
        head = f"Claim {self.claim_id}: {len(self.errors)} error(s), {len(self.warnings)} warning(s)"
        return "\n".join([head] + [f"  {finding}" for finding in self.findings])

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(f.severity)}</td><td>{html.escape(f.edit)}</td><td>{f.line or ''}</td>"
            f"<td>{html.escape(f.message)}</td><td>{html.escape(f.fix)}</td></tr>" for f in self.findings)
        return (f"<div><b>Scrubber: claim {html.escape(self.claim_id)}</b> &mdash; {len(self.errors)} error(s), "
                f"{len(self.warnings)} warning(s)<table><tr><th>Severity</th><th>Edit</th><th>Line</th>"
                f"<th>Problem</th><th>What to fix</th></tr>{rows}</table></div>")


class Edit:
    """One scrubber edit. Subclasses set ``id``, ``severity``, ``title`` and implement ``check``."""

    id = ""
    severity = "error"
    title = ""

    def check(self, claim: Claim, context: ScrubContext) -> list[Finding]:
        raise NotImplementedError

    def found(self, message: str, fix: str, line: int | None = None, code: str = "",
              severity: str | None = None) -> Finding:
        return Finding(self.id, severity or self.severity, message, fix, line, code)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id}>"


# ------------------------------------------------------------------------------------------------ helpers

EM_CODES = frozenset([str(n) for n in list(range(99202, 99206)) + list(range(99211, 99216)) +
                      list(range(99221, 99240)) + list(range(99242, 99256)) + list(range(99281, 99286)) +
                      list(range(99381, 99388)) + list(range(99391, 99398)) + list(range(98000, 98016))])
PREVENTIVE_EM = frozenset(payers.PREVENTIVE_VISITS)
INJECTIONS = frozenset({"96372", "96373", "96374", "96375", "96376", "96377", "99406", "99407"})
NCCI_MODIFIERS = frozenset({"59", "XE", "XS", "XP", "XU"})
LATERAL = frozenset({"LT", "RT", "50"}) | (ncci.ANATOMIC_MODIFIERS - {"LC", "LD", "LM", "RC", "RI"})
# Procedures on paired organs or limbs: each needs RT, LT, 50 (or a finger/toe/eyelid modifier).
PAIRED_ORGAN_RANGES = ((19081, 19086), (19120, 19126), (20600, 20611), (23000, 23929), (24000, 24999),
                       (25000, 25999), (26010, 26989), (27000, 27899), (28001, 28899), (29065, 29131),
                       (29240, 29280), (29505, 29584), (29805, 29828), (29830, 29838), (29840, 29847),
                       (29850, 29889), (49505, 49525), (49650, 49651), (52332, 52332), (64490, 64495),
                       (64718, 64721), (66820, 66986), (67028, 67028), (69100, 69110), (69200, 69222),
                       (69420, 69436), (73000, 73725))


def _is_paired_organ(code: str) -> bool:
    return code.isdigit() and any(low <= int(code) <= high for low, high in PAIRED_ORGAN_RANGES)


def _global_days(code: str) -> str:
    row = fee_schedule.rvu(code)
    if row is not None:
        return row.global_days
    found = cpt.codes().get(code)
    return found.global_days if found else ""


def _age(claim: Claim, on: date) -> int | None:
    born = claim.patient.date_of_birth
    if born is None:
        return None
    return on.year - born.year - int((on.month, on.day) < (born.month, born.day))


def _numbered(claim: Claim):
    return list(enumerate(claim.lines, 1))


# --------------------------------------------------------------------------------------------------- edits

class FlagInvalidCode(Edit):
    """Is every diagnosis a valid, billable ICD-10-CM code and every line code a known CPT/HCPCS code?"""

    id = "invalid-code"
    title = "invalid or header code"

    def check(self, claim, context):
        out = []
        for letter, code in zip(LETTERS, claim.diagnoses):
            try:
                icd10cm.check(code)
            except (SeventhCharacterError, PlaceholderError):
                continue  # FlagMissingSeventhCharacter explains these
            except CodeError as error:
                out.append(self.found(f"Diagnosis {letter} {code}: {error}.",
                                      "Report a complete, billable ICD-10-CM code (go down to the last level the "
                                      "record supports).", code=code))
        for number, line in _numbered(claim):
            try:
                system, canonical = normalize(line.code)
            except CodeError as error:
                out.append(self.found(f"{line.code}: {error}.", "Enter a 5-character CPT or HCPCS Level II code.",
                                      number, line.code))
                continue
            if system not in (CPT, HCPCS):
                out.append(self.found(f"{line.code} is a {system} code; Box 24D takes CPT or HCPCS Level II codes.",
                                      "Move diagnoses to Box 21 and bill the service with its CPT/HCPCS code.",
                                      number, line.code))
                continue
            module = cpt if system == CPT else hcpcs
            if not module.is_valid(canonical):
                out.append(self.found(f"{line.code} is not in the loaded {system} code set.",
                                      "Check the code number against the code book.", number, line.code))
        return out


class FlagMissingSeventhCharacter(Edit):
    """Does any diagnosis lack the 7th character (or its placeholder X) its category requires?"""

    id = "seventh-character"
    title = "missing 7th character"

    def check(self, claim, context):
        out = []
        for letter, code in zip(LETTERS, claim.diagnoses):
            try:
                icd10cm.check(code)
            except (SeventhCharacterError, PlaceholderError) as error:
                out.append(self.found(f"Diagnosis {letter} {code}: {error}.",
                                      "Add the 7th character for the encounter (A initial/active treatment, D "
                                      "subsequent, S sequela), with X placeholders where the code is short.",
                                      code=code))
            except CodeError:
                continue
        return out


class CheckDiagnosisPointers(Edit):
    """Does every line point (Box 24E) to one to four diagnoses that exist, led by a codable first-listed one?"""

    id = "diagnosis-pointer"
    title = "diagnosis pointer missing or wrong"

    def check(self, claim, context):
        out = []
        count = len(claim.diagnoses)
        for number, line in _numbered(claim):
            if not line.pointers:
                out.append(self.found(f"{line.label} has no diagnosis pointer.",
                                      "Point the line at the diagnosis that justifies it (Box 24E, e.g. A).",
                                      number, line.code))
                continue
            if len(line.pointers) > 4:
                out.append(self.found(f"{line.label} has {len(line.pointers)} pointers; Box 24E holds four.",
                                      "Keep the four most relevant, the primary reason first.", number, line.code))
            if len(set(line.pointers)) != len(line.pointers):
                out.append(self.found(f"{line.label} repeats a pointer ({''.join(line.pointers)}).",
                                      "List each diagnosis letter once.", number, line.code))
            for pointer in line.pointers:
                index = LETTERS.find(pointer)
                if not 0 <= index < count:
                    out.append(self.found(f"{line.label} points to {pointer}, but Box 21 only has "
                                          f"{'A-' + LETTERS[count - 1] if count else 'no diagnoses'}.",
                                          "Point to a letter that has a diagnosis.", number, line.code))
            first = LETTERS.find(line.pointers[0])
            if 0 <= first < count and claim.diagnoses[first][:1].upper() in "VWXY":
                out.append(self.found(f"{line.label} points first to {claim.diagnoses[first]}, an external cause "
                                      f"code, which can never be the first-listed diagnosis.",
                                      "Put the injury or condition first in Box 24E; keep the external cause "
                                      "codes as secondary.", number, line.code))
        return out


class FlagExcludes1Pair(Edit):
    """Do any two diagnoses form an Excludes1 pair (never coded together) that the record does not explain?"""

    id = "excludes1"
    title = "Excludes1 pair"

    def check(self, claim, context):
        out = []
        for first, second in combinations(claim.diagnoses, 2):
            if frozenset((first, second)) in context.excludes1_exceptions:
                continue
            try:
                note = icd10cm.excludes1_conflict(first, second)
            except CodeError:
                continue
            if note:
                out.append(self.found(f"{first} and {second} are an Excludes1 pair (note at {note.source}: "
                                      f"{note.text}).", "Keep the code the record supports; Excludes1 means the two "
                                      "conditions are not coded together (unless a guideline exception applies).",
                                      code=f"{first}+{second}"))
        return out


class FlagAgeSexConflict(Edit):
    """Does any diagnosis fit neither the patient's sex nor their age on the date of service?"""

    id = "age-sex"
    title = "age or sex conflict"

    def check(self, claim, context):
        out = []
        age = _age(claim, claim.first_service_date) if claim.lines else None
        for letter, code in zip(LETTERS, claim.diagnoses):
            reason = sex_conflict(code, claim.patient.sex) if claim.patient.sex in ("F", "M") else None
            if reason is None and age is not None:
                reason = age_conflict(code, age)
            if reason:
                out.append(self.found(f"Diagnosis {letter}: {reason} (patient: {claim.patient.sex}, age {age}).",
                                      "Check the registration (sex, date of birth) and the code.", code=code))
        return out


def _bypassed(edit: ncci.PtpEdit, first: ClaimLine, second: ClaimLine) -> bool:
    mods = set(first.modifiers) | set(second.modifiers)
    if mods & ncci.BYPASS_MODIFIERS:
        return True
    sides_a = set(first.modifiers) & ncci.ANATOMIC_MODIFIERS
    sides_b = set(second.modifiers) & ncci.ANATOMIC_MODIFIERS
    return bool(sides_a and sides_b and sides_a.isdisjoint(sides_b))


class CheckNcciPair(Edit):
    """Are two lines of the same day an NCCI procedure-to-procedure pair that the claim does not bypass?"""

    id = "ncci-ptp"
    title = "NCCI procedure-to-procedure pair"

    def check(self, claim, context):
        out = []
        for (n1, a), (n2, b) in combinations(_numbered(claim), 2):
            if a.service_date != b.service_date or a.code == b.code:
                continue
            edit = ncci.ptp(a.code, b.code, a.service_date)
            if edit is None:
                continue
            column2_line, column2 = (n1, a) if a.code == edit.column2 else (n2, b)
            if edit.modifier_indicator == "0":
                tried = (set(a.modifiers) | set(b.modifiers)) & ncci.BYPASS_MODIFIERS
                out.append(self.found(
                    f"{edit.column1} and {edit.column2} are an NCCI pair with modifier indicator 0: {edit.column2} "
                    f"is never paid with {edit.column1}" + (f", and modifier {'/'.join(sorted(tried))} cannot "
                                                             f"change that" if tried else "") + ".",
                    f"Remove {edit.column2}; its work is part of {edit.column1}.", column2_line, edit.column2))
            elif edit.modifier_indicator == "1" and not _bypassed(edit, a, b):
                out.append(self.found(
                    f"{edit.column2} is column 2 to {edit.column1} (NCCI, {edit.rationale}); it will be denied as "
                    f"bundled (CO-97).",
                    f"If the record shows a separate site, lesion or session, append XS (or 59) to {edit.column2}; "
                    f"if not, remove it.", column2_line, column2.code))
        return out


class CheckMueUnits(Edit):
    """Do the units of a code exceed its medically unlikely edit (per line, or per day for MAI 2 and 3)?"""

    id = "mue"
    title = "MUE units"

    def check(self, claim, context):
        out = []
        per_day: dict[tuple[str, date], tuple[int, int]] = {}
        for number, line in _numbered(claim):
            edit = ncci.mue(line.code)
            if edit is None:
                continue
            if edit.per_line:
                if line.units > edit.value:
                    out.append(self.found(f"{line.code} x{line.units} on one line is over its MUE of {edit.value} "
                                          f"(MAI 1, checked per line).",
                                          "Check the units; when the services were on different sites, bill them "
                                          "on separate lines with RT/LT or XS.", number, line.code))
                continue
            total, first = per_day.get((line.code, line.service_date), (0, number))
            per_day[(line.code, line.service_date)] = (total + line.units, first)
        for (code, day), (total, first) in per_day.items():
            edit = ncci.mue(code)
            if total > edit.value:
                kind = "policy: cannot be appealed" if edit.adjudication_indicator == 2 else \
                    "clinical: may be appealed with records"
                out.append(self.found(f"{code}: {total} units on {day} exceed the MUE of {edit.value} "
                                      f"(MAI {edit.adjudication_indicator}, {kind}).",
                                      "Check the units against the record and the code's unit of measure "
                                      "(HCPCS drug units are per the dose in the descriptor).", first, code))
        return out


class CheckModifiers(Edit):
    """Are the modifiers valid and the ones the rules need present: 25, RT/LT or 50, 59/X{EPSU}?"""

    id = "modifier"
    title = "modifier missing or invalid"

    def check(self, claim, context):
        out = []
        lines = _numbered(claim)
        procedures_needing_25 = [(n, l) for n, l in lines if l.code not in EM_CODES and
                                 (_global_days(l.code) in ("000", "010") or l.code in INJECTIONS)]
        major = [(n, l) for n, l in lines if l.code not in EM_CODES and _global_days(l.code) == "090"]
        em_lines = [(n, l) for n, l in lines if l.code in EM_CODES]
        problem_em = [(n, l) for n, l in em_lines if l.code not in PREVENTIVE_EM]
        has_preventive = any(l.code in PREVENTIVE_EM for _, l in em_lines)
        pair_lines = set()
        for (n1, a), (n2, b) in combinations(lines, 2):
            if a.service_date == b.service_date and ncci.ptp(a.code, b.code, a.service_date):
                pair_lines |= {n1, n2}
        for number, line in lines:
            mods = line.modifiers
            for modifier in mods:
                if not modifiers.is_valid(modifier):
                    out.append(self.found(f"{line.code}: {modifier!r} is not a CPT or HCPCS modifier.",
                                          "Remove it or use the modifier you meant (e.g. 25, 59, XS, RT, LT, 50).",
                                          number, line.code))
            if len(set(mods)) != len(mods):
                out.append(self.found(f"{line.label} repeats a modifier.", "List each modifier once.", number,
                                      line.code, severity="warning"))
            if "50" in mods and {"RT", "LT"} & set(mods):
                out.append(self.found(f"{line.label}: 50 (bilateral) and RT/LT on the same line contradict each "
                                      f"other.", "Use 50 alone on one line (one unit), or RT and LT on two lines, as "
                                      "the payer asks.", number, line.code))
            if {"RT", "LT"} <= set(mods):
                out.append(self.found(f"{line.label}: RT and LT on one line.", "Bill a bilateral service with 50 "
                                      "(or two lines, RT and LT).", number, line.code))
            if "50" in mods:
                row = fee_schedule.rvu(line.code)
                if row is not None and row.bilateral in ("0", "2", "9"):
                    why = {"0": "50 is not allowed on it", "2": "it is already a bilateral code",
                           "9": "the bilateral concept does not apply to it"}[row.bilateral]
                    out.append(self.found(f"{line.code}-50: {why} (bilateral indicator {row.bilateral}).",
                                          "Remove 50.", number, line.code))
            if "59" in mods and set(mods) & {"XE", "XS", "XP", "XU"}:
                out.append(self.found(f"{line.label}: 59 and an X modifier together.",
                                      "Use one: the more specific X modifier (XS, XE, XP, XU) instead of 59.",
                                      number, line.code))
            if set(mods) & NCCI_MODIFIERS and number not in pair_lines:
                out.append(self.found(f"{line.label}: {'/'.join(sorted(set(mods) & NCCI_MODIFIERS))} is used, but "
                                      f"the line is not part of an NCCI pair on this claim.",
                                      "Use 59/X modifiers only to separate an NCCI pair that the record shows was "
                                      "distinct.", number, line.code, severity="warning"))
            if _is_paired_organ(line.code) and not set(mods) & LATERAL:
                out.append(self.found(f"{line.code} is done on a paired organ or limb and has no RT, LT or 50.",
                                      "Add RT or LT (or 50 when both sides were done) as the record states.",
                                      number, line.code))
            if "25" in mods and line.code not in EM_CODES:
                out.append(self.found(f"{line.label}: modifier 25 goes on an E/M service, not on {line.code}.",
                                      "Move 25 to the E/M line.", number, line.code))
        if procedures_needing_25 or (has_preventive and problem_em):
            partners = ", ".join(l.code for _, l in procedures_needing_25) or "the preventive visit"
            for number, line in problem_em if has_preventive else em_lines:
                if "25" not in line.modifiers and "57" not in line.modifiers:
                    out.append(self.found(
                        f"{line.code} is billed on the same day as {partners} without modifier 25; the E/M will be "
                        f"denied as part of the procedure (CO-97).",
                        "If the record shows a significant, separately identifiable E/M beyond the procedure's "
                        "usual pre-service work, append 25 to the E/M; if not, remove the E/M.", number, line.code))
        elif major:
            for number, line in em_lines:
                if not {"25", "57"} & set(line.modifiers):
                    out.append(self.found(f"{line.code} is billed with the major procedure {major[0][1].code} "
                                          f"(90-day global).", "If this visit decided on the surgery, append 57; "
                                          "otherwise the visit is part of the global package.", number, line.code,
                                          severity="warning"))
        else:
            for number, line in em_lines:
                if "25" in line.modifiers:
                    out.append(self.found(f"{line.code}-25: nothing on this claim needs modifier 25.",
                                          "Remove 25 unless another service on the same day by the same provider "
                                          "is billed on another claim.", number, line.code, severity="warning"))
        return out


class CheckMedicalNecessity(Edit):
    """Do the diagnoses a line points to support it under the coverage table (LCD-style)?"""

    id = "medical-necessity"
    title = "medical necessity"

    def check(self, claim, context):
        out = []
        for number, line in _numbered(claim):
            verdict = coverage.necessity(line.code, claim.pointed_diagnoses(line), list(claim.diagnoses))
            if verdict.verdict == "pointer":
                out.append(self.found(f"{line.code} points to {', '.join(claim.pointed_diagnoses(line)) or 'nothing'},"
                                      f" which the {verdict.policy} policy does not cover; "
                                      f"{', '.join(verdict.covering)} on this claim does.",
                                      f"Point the line at {verdict.covering[0]} (Box 24E) if it is the reason for the "
                                      f"service.", number, line.code))
            elif verdict.verdict == "not_covered":
                if "GA" in line.modifiers:
                    out.append(self.found(f"{line.code}: no diagnosis on the claim meets the {verdict.policy} "
                                          f"policy; with GA (signed ABN) the payer will deny it to the patient "
                                          f"(PR-50).", "Make sure the ABN is signed and on file.", number, line.code,
                                          severity="warning"))
                elif "GZ" in line.modifiers:
                    out.append(self.found(f"{line.code}: no diagnosis meets the {verdict.policy} policy and GZ says no "
                                          f"ABN was signed: the denial will be the provider's (CO-50).",
                                          "Expect a write-off.", number, line.code, severity="warning"))
                else:
                    out.append(self.found(f"{line.code}: no diagnosis on the claim meets the {verdict.policy} policy;"
                                          f" it will be denied as not medically necessary (CO-50).",
                                          "Check the record for a covered condition that was not coded. If there is "
                                          "none, a Medicare patient owes it only with a signed ABN (append GA).",
                                          number, line.code))
        return out


class RequirePriorAuthorization(Edit):
    """Does the payer require a prior authorization (Box 23) for a billed service, and is one on the claim?"""

    id = "prior-auth"
    title = "missing prior authorization"

    def check(self, claim, context):
        plan = context.payer
        if plan is None or plan.type == "self_pay":
            return []
        out = []
        on_file = payers.authorizations(plan.name, claim.coverage.member_id)
        for number, line in _numbered(claim):
            reason = plan.prior_auth_reason(line.code)
            if reason is None:
                continue
            if not claim.prior_authorization:
                out.append(self.found(f"{plan.name} requires prior authorization for {reason} ({line.code}); Box 23 "
                                      f"is blank.", "Enter the approved authorization number in Box 23 (REF*G1). "
                                      "Without one the claim will be denied (CO-15 or CO-197).", number, line.code))
            elif not any(a.number == claim.prior_authorization and a.covers(line.code, line.service_date)
                         for a in on_file):
                out.append(self.found(f"Box 23 {claim.prior_authorization} is not an authorization {plan.name} has on "
                                      f"file for {line.code} on {line.service_date}.",
                                      "Check the number, code, side and dates against the approval.", number,
                                      line.code, severity="warning"))
        return out


class CheckTimelyFiling(Edit):
    """Is the claim submitted within the payer's filing limit (days from the date of service)?"""

    id = "timely-filing"
    title = "timely filing"

    def check(self, claim, context):
        plan = context.payer
        if plan is None or plan.type == "self_pay" or not plan.timely_filing_days or not claim.lines:
            return []
        elapsed = (claim.submission_date - claim.first_service_date).days
        limit = plan.timely_filing_days
        if elapsed > limit:
            return [self.found(f"Submitted {elapsed} days after the date of service; {plan.name} accepts claims "
                               f"for {limit} days.", "If an earlier submission reached the payer in time, keep its "
                               "acknowledgment (277CA) for an appeal; otherwise the amount is a write-off.")]
        if elapsed < 0:
            return [self.found(f"The submission date {claim.submission_date} is before the date of service.",
                               "Correct the dates.")]
        if elapsed > limit - 15:
            return [self.found(f"{limit - elapsed} day(s) left in {plan.name}'s {limit}-day filing limit.",
                               "Submit today and keep the acknowledgment.", severity="warning")]
        return []


def _same_service(a: Claim, line_a: ClaimLine, b: Claim, line_b: ClaimLine) -> bool:
    return (a.coverage.member_id == b.coverage.member_id and a.patient.date_of_birth == b.patient.date_of_birth
            and line_a.service_date == line_b.service_date and line_a.code == line_b.code
            and set(line_a.modifiers) == set(line_b.modifiers))


class FlagDuplicateClaim(Edit):
    """Was the same service (patient, date, code) already submitted, or billed twice on this claim?"""

    id = "duplicate"
    title = "duplicate claim"

    def check(self, claim, context):
        out = []
        if claim.frequency == "1":
            for number, line in _numbered(claim):
                for earlier in context.history:
                    if earlier is claim or earlier.frequency == "8":
                        continue
                    if any(_same_service(claim, line, earlier, other) for other in earlier.lines):
                        out.append(self.found(f"{line.label} on {line.service_date} was already submitted on claim "
                                              f"{earlier.claim_id} ({earlier.submission_date}).",
                                              "Do not send it again as a new claim (CO-18). To change the earlier "
                                              "claim, send a replacement (frequency 7) with its payer claim number.",
                                              number, line.code))
                        break
        seen: dict[tuple, int] = {}
        for number, line in _numbered(claim):
            key = (line.code, tuple(sorted(line.modifiers)), line.service_date)
            if key in seen:
                out.append(self.found(f"{line.label} repeats line {seen[key]}.",
                                      "Report one line with more units, or append 76/77 (repeat procedure) or 91 "
                                      "(repeat lab test) when it really was done again.", number, line.code))
            else:
                seen[key] = number
        return out


class CheckProviderIds(Edit):
    """Do the billing, rendering and referring providers have valid NPIs, and the billing provider a TIN?"""

    id = "provider-id"
    title = "provider identifiers"

    def check(self, claim, context):
        out = []
        if claim.rendering_provider is None or not claim.rendering_provider.npi:
            out.append(self.found("The rendering provider (Box 24J, loop 2310B) is missing.",
                                  "Add the individual NPI of the provider who performed the service (CO-16/N290)."))
        for role, provider in (("billing", claim.billing_provider), ("rendering", claim.rendering_provider),
                               ("referring", claim.referring_provider), ("service facility", claim.facility)):
            if provider is not None and provider.npi and not npi_is_valid(provider.npi):
                out.append(self.found(f"The {role} provider NPI {provider.npi} fails the NPI check digit.",
                                      "Copy the NPI again from NPPES or the provider file."))
        tax_id = claim.billing_provider.tax_id
        if not (tax_id.isdigit() and len(tax_id) == 9):
            out.append(self.found(f"Box 25 TIN {tax_id!r} is not 9 digits.", "Enter the group's EIN."))
        return out


class CheckEligibility(Edit):
    """Is the member's coverage active with this payer on the date of service (a 270/271 check)?"""

    id = "eligibility"
    title = "eligibility"

    def check(self, claim, context):
        plan = context.payer
        if plan is None or plan.type == "self_pay" or not claim.lines:
            return []
        if not claim.coverage.member_id:
            return [self.found("Box 1a (insured's ID) is empty.", "Copy the member id from the insurance card.")]
        age = _age(claim, claim.first_service_date)
        answer = payers.check_eligibility(plan, claim.coverage.member_id, claim.first_service_date, age)
        if not answer.active:
            return [self.found(f"{plan.name} says member {claim.coverage.member_id} was not covered on "
                               f"{claim.first_service_date} ({answer.message.lower()}).",
                               "Ask the patient for their current coverage, run eligibility again and bill the plan "
                               "that covered the date (or the patient).")]
        return []


class CheckFrequencyCode(Edit):
    """Does a replacement (7) or void (8) carry the original payer claim number, and an original not?"""

    id = "frequency"
    title = "claim frequency"

    def check(self, claim, context):
        if claim.frequency not in ("1", "7", "8"):
            return [self.found(f"Frequency code {claim.frequency!r} is not 1 (original), 7 (replacement) or 8 "
                               f"(void).", "Use 1 for a first submission, 7 to replace, 8 to cancel.")]
        if claim.frequency in ("7", "8") and not claim.original_reference:
            return [self.found(f"A frequency {claim.frequency} claim needs the payer's original claim number in "
                               f"Box 22 (REF*F8).", "Copy the payer claim control number from the remittance.")]
        if claim.frequency == "1" and claim.original_reference:
            return [self.found("Box 22 has an original reference on an original (frequency 1) claim.",
                               "Use frequency 7 for a replacement, or clear Box 22.", severity="warning")]
        return []


EDITS: list[Edit] = [FlagInvalidCode(), FlagMissingSeventhCharacter(), CheckDiagnosisPointers(),
                     FlagExcludes1Pair(), FlagAgeSexConflict(), CheckNcciPair(), CheckMueUnits(), CheckModifiers(),
                     CheckMedicalNecessity(), RequirePriorAuthorization(), CheckTimelyFiling(),
                     FlagDuplicateClaim(), CheckProviderIds(), CheckEligibility(), CheckFrequencyCode()]


def _context(claim: Claim, payer, history, case) -> ScrubContext:
    plan = None
    if isinstance(payer, payers.Payer):
        plan = payer
    else:
        try:
            plan = payers.payer(payer or claim.payer.name)
        except ValueError:
            plan = None
    exceptions = frozenset()
    if case is None and claim.case_id:
        from .. import records

        try:
            case = records.load(claim.case_id)
        except (KeyError, ValueError):
            case = None
    if case is not None:
        exceptions = frozenset(frozenset(e.codes) for e in case.key.excludes1_exceptions)
    return ScrubContext(plan, tuple(history), case, exceptions)


def scrub(claim: Claim, *, history=(), payer=None, case=None, edits: list[Edit] | None = None) -> ScrubReport:
    """Run the edits over a claim; return the findings in pipeline order.

    ``history``: claims already submitted (for duplicates). ``payer``: a Payer or name (default: the claim's).
    ``case``: the record (default: the case the claim was built from), for its Excludes1 exceptions.
    """
    context = _context(claim, payer, history, case)
    findings: list[Finding] = []
    for edit in edits or EDITS:
        findings += edit.check(claim, context)
    return ScrubReport(claim.claim_id, findings)
