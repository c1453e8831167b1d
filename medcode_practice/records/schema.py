"""The shape of a case record: a synthetic patient, the documentation a coder reads, and its answer key.

The YAML format is described in ``docs/case-format.md``. Everything here is frozen: a case is read, never
changed in place.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date

SETTINGS = ("office", "telehealth", "emergency", "ambulatory_surgery", "inpatient")
POOLS = ("practice", "assessment")
PAYER_TYPES = ("medicare", "medicaid", "commercial", "self_pay")
DOCUMENT_TITLES = {
    "chief_complaint": "Chief complaint", "hpi": "History of present illness", "exam": "Examination",
    "assessment_plan": "Assessment and plan", "procedure_note": "Procedure / operative note",
    "history_and_physical": "Admission history and physical", "discharge_summary": "Discharge summary",
    "billing_notes": "Billing notes",
}


@dataclass(frozen=True)
class Patient:
    name: str
    sex: str
    date_of_birth: date
    address: str = ""
    phone: str = ""

    def age_on(self, day: date) -> int:
        """Return the age in whole years on ``day``."""
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - int(before_birthday)


@dataclass(frozen=True)
class Payer:
    name: str
    type: str
    member_id: str = ""
    group_number: str | None = None


@dataclass(frozen=True)
class Encounter:
    date: date
    place_of_service: str
    admission_date: date | None = None
    discharge_status: int | None = None
    patient_status: str | None = None


@dataclass(frozen=True)
class Provider:
    name: str
    npi: str
    specialty: str = ""


@dataclass(frozen=True)
class KeyCode:
    """A diagnosis or ICD-10-PCS code in the key, with why it is right and where the record says so."""

    code: str
    rationale: str
    evidence: str = ""


@dataclass(frozen=True)
class ServiceLine:
    """A CPT/HCPCS line in the key: code, modifiers, units and diagnosis pointers (1-based)."""

    code: str
    rationale: str
    evidence: str = ""
    modifiers: tuple[str, ...] = ()
    units: int = 1
    pointers: tuple[int, ...] = ()


@dataclass(frozen=True)
class EmLevel:
    code: str
    basis: str
    problems: str | None = None
    data: str | None = None
    risk: str | None = None
    total_minutes: int | None = None
    reasoning: str = ""


@dataclass(frozen=True)
class Alternative:
    code: str
    instead_of: str
    rationale: str = ""


@dataclass(frozen=True)
class OptionalCode:
    code: str
    rationale: str = ""


@dataclass(frozen=True)
class CommonError:
    code: str
    why: str
    instead_of: str | None = None


@dataclass(frozen=True)
class Excludes1Exception:
    codes: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class BillingQuestion:
    question: str
    choices: tuple[str, ...]
    answer: str
    rationale: str = ""


@dataclass(frozen=True)
class AnswerKey:
    code_set_year: str
    diagnoses: tuple[KeyCode, ...] = ()
    procedures: tuple[ServiceLine, ...] = ()
    pcs: tuple[KeyCode, ...] = ()
    em: EmLevel | None = None
    ms_drg: int | None = None
    alternatives: tuple[Alternative, ...] = ()
    optional: tuple[OptionalCode, ...] = ()
    common_errors: tuple[CommonError, ...] = ()
    excludes1_exceptions: tuple[Excludes1Exception, ...] = ()
    billing: tuple[BillingQuestion, ...] = ()

    @property
    def diagnosis_codes(self) -> list[str]:
        return [d.code for d in self.diagnoses]

    @property
    def procedure_codes(self) -> list[str]:
        return [p.code for p in self.procedures] + [p.code for p in self.pcs]


@dataclass(frozen=True)
class Case:
    """One synthetic record with its answer key."""

    id: str
    pool: str
    title: str
    setting: str
    specialty: str
    difficulty: int
    tags: tuple[str, ...]
    code_set_year: str
    patient: Patient
    payer: Payer
    encounter: Encounter
    provider: Provider
    documentation: dict[str, str]
    key: AnswerKey
    synthetic: bool = True
    source: str = field(default="", compare=False)

    @property
    def age(self) -> int:
        """Age in years on the encounter date (the discharge date for inpatient stays)."""
        return self.patient.age_on(self.encounter.date)

    @property
    def is_inpatient(self) -> bool:
        return self.setting == "inpatient"

    def documentation_text(self) -> str:
        """Return all documentation as one text, section titles included."""
        return "\n\n".join(f"{DOCUMENT_TITLES.get(k, k)}:\n{v}" for k, v in self.documentation.items() if v)

    def summary(self) -> dict:
        """Return the case's catalogue fields (no key), for listings and DataFrames."""
        return {"id": self.id, "pool": self.pool, "title": self.title, "setting": self.setting,
                "specialty": self.specialty, "difficulty": self.difficulty, "tags": list(self.tags),
                "payer": self.payer.type, "age": self.age, "sex": self.patient.sex,
                "encounter_date": self.encounter.date.isoformat(), "code_set_year": self.code_set_year}

    def to_html(self, show_key: bool = False) -> str:
        """Render the record as a readable chart page (key hidden unless asked for)."""
        from .html import render_case

        return render_case(self, show_key=show_key)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"<Case {self.id}: {self.title} ({self.setting}, difficulty {self.difficulty})>"


def escape(text: object) -> str:
    return html.escape(str(text if text is not None else ""))
