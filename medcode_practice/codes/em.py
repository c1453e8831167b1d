"""E/M level selection under the 2021+ office rules (2023+ for hospital and ED): MDM or total time.

Medical decision making has three elements — number and complexity of problems, amount and complexity of data,
risk of patient management. The MDM level is the highest level that two of the three meet or exceed. Office
and hospital visits may instead be chosen by total practitioner time on the date of the encounter; emergency
department visits are chosen by MDM only.

>>> office_code("established", mdm=mdm_level("moderate", "limited", "moderate")).code
'99214'
"""

from __future__ import annotations

from dataclasses import dataclass

MDM_LEVELS = ("straightforward", "low", "moderate", "high")
ELEMENT_SCALES = {
    "problems": ("minimal", "low", "moderate", "high"),
    "data": ("minimal", "limited", "moderate", "extensive"),
    "risk": ("minimal", "low", "moderate", "high"),
}
OFFICE_NEW = {"straightforward": "99202", "low": "99203", "moderate": "99204", "high": "99205"}
OFFICE_ESTABLISHED = {"straightforward": "99212", "low": "99213", "moderate": "99214", "high": "99215"}
# Minimum total minutes on the date of the encounter (CPT 2024+ values: a single threshold per level).
OFFICE_NEW_MINUTES = (("99205", 60), ("99204", 45), ("99203", 30), ("99202", 15))
OFFICE_ESTABLISHED_MINUTES = (("99215", 40), ("99214", 30), ("99213", 20), ("99212", 10))
EMERGENCY = {"straightforward": "99282", "low": "99283", "moderate": "99284", "high": "99285"}
HOSPITAL_INITIAL = {"straightforward": "99221", "low": "99221", "moderate": "99222", "high": "99223"}
HOSPITAL_INITIAL_MINUTES = (("99223", 75), ("99222", 55), ("99221", 40))
HOSPITAL_SUBSEQUENT = {"straightforward": "99231", "low": "99231", "moderate": "99232", "high": "99233"}
HOSPITAL_SUBSEQUENT_MINUTES = (("99233", 50), ("99232", 35), ("99231", 25))


@dataclass(frozen=True)
class EmResult:
    """The chosen E/M code, whether MDM or time chose it, and the reasoning in words."""

    code: str
    basis: str
    level: str
    reasoning: str
    prolonged_units: int = 0


def _rank(element: str, value: str) -> int:
    scale = ELEMENT_SCALES[element]
    text = str(value).strip().lower()
    if text == "straightforward":
        text = "minimal"
    if text not in scale:
        raise ValueError(f"{element} must be one of {', '.join(scale)}, not {value!r}")
    return scale.index(text)


def mdm_level(problems: str, data: str, risk: str) -> str:
    """Return the MDM level that two of the three elements meet or exceed.

    >>> mdm_level("high", "minimal", "moderate")
    'moderate'
    """
    ranks = sorted([_rank("problems", problems), _rank("data", data), _rank("risk", risk)])
    return MDM_LEVELS[ranks[1]]


def data_level(external_notes: int = 0, results_reviewed: int = 0, tests_ordered: int = 0,
               independent_historian: bool = False, independent_interpretation: bool = False,
               discussion_with_external: bool = False) -> str:
    """Return the data element's level from what was done (unique sources, tests and discussions count once each).

    Limited: two items of category 1 (notes, results, orders) or an independent historian. Moderate: one of the
    three categories — three items of category 1 (the historian counts as one), an independent interpretation, or
    a discussion with an external physician. Extensive: two of the three categories.
    """
    items = external_notes + results_reviewed + tests_ordered
    category1_moderate = items + int(independent_historian) >= 3
    categories = sum([category1_moderate, independent_interpretation, discussion_with_external])
    if categories >= 2:
        return "extensive"
    if categories == 1:
        return "moderate"
    if items >= 2 or independent_historian:
        return "limited"
    return "minimal"


def _by_time(thresholds, minutes: int) -> str | None:
    for code, least in thresholds:
        if minutes >= least:
            return code
    return None


def office_code(patient_status: str, mdm: str | None = None, minutes: int | None = None) -> EmResult:
    """Choose the office/outpatient visit code for a new or established patient by MDM level or total minutes.

    When both are given, the one that supports the higher level is used (CPT lets the practitioner choose).
    Prolonged service (99417) is counted in 15-minute units past the level-5 threshold.
    """
    status = patient_status.strip().lower()
    if status not in ("new", "established"):
        raise ValueError("patient_status must be new or established")
    table = OFFICE_NEW if status == "new" else OFFICE_ESTABLISHED
    times = OFFICE_NEW_MINUTES if status == "new" else OFFICE_ESTABLISHED_MINUTES
    options: list[EmResult] = []
    if mdm is not None:
        if mdm not in MDM_LEVELS:
            raise ValueError(f"MDM level must be one of {', '.join(MDM_LEVELS)}")
        who = "an established" if status == "established" else "a new"
        options.append(EmResult(table[mdm], "mdm", mdm, f"{mdm} MDM for {who} patient → {table[mdm]}"))
    if minutes is not None:
        if minutes < 0:
            raise ValueError("minutes cannot be negative")
        code = _by_time(times, minutes)
        if code:
            top_code, top_minutes = times[0]
            extra = max(0, (minutes - top_minutes) // 15) if code == top_code else 0
            level = next(level for level, c in table.items() if c == code)
            note = f"; plus 99417 x{extra} for time past {top_minutes + 14} min" if extra else ""
            options.append(EmResult(code, "time", level, f"{minutes} min total time on the date → {code}{note}",
                                    extra))
    if not options:
        shortest = times[-1][1]
        raise ValueError(f"give an MDM level or at least {shortest} minutes of total time")
    return max(options, key=lambda r: (int(r.code), r.basis == "mdm"))


def emergency_code(mdm: str) -> EmResult:
    """Choose the ED visit code by MDM (time does not apply to ED visits)."""
    if mdm not in MDM_LEVELS:
        raise ValueError(f"MDM level must be one of {', '.join(MDM_LEVELS)}")
    return EmResult(EMERGENCY[mdm], "mdm", mdm, f"{mdm} MDM in the emergency department → {EMERGENCY[mdm]}")


def hospital_code(kind: str, mdm: str | None = None, minutes: int | None = None) -> EmResult:
    """Choose initial or subsequent hospital inpatient/observation care by MDM or total time."""
    table, times = ((HOSPITAL_INITIAL, HOSPITAL_INITIAL_MINUTES) if kind == "initial" else
                    (HOSPITAL_SUBSEQUENT, HOSPITAL_SUBSEQUENT_MINUTES) if kind == "subsequent" else (None, None))
    if table is None:
        raise ValueError("kind must be initial or subsequent")
    options = []
    if mdm is not None:
        options.append(EmResult(table[mdm], "mdm", mdm, f"{mdm} MDM, {kind} hospital care → {table[mdm]}"))
    if minutes is not None and (code := _by_time(times, minutes)):
        options.append(EmResult(code, "time", "", f"{minutes} min on the date, {kind} hospital care → {code}"))
    if not options:
        raise ValueError("give an MDM level or enough total minutes")
    return max(options, key=lambda r: int(r.code))
