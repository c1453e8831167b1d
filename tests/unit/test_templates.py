"""Case templates: per-student variants whose keys are derived for each variant and prove against the code sets."""

import random
import re
from datetime import date

import pytest

from medcode_practice.codes import icd10cm
from medcode_practice.records import templates, validate
from medcode_practice.records.schema import Case

NAMES = templates.names()
FY_START, FY_END = date(2025, 10, 1), date(2026, 9, 30)


def _cases(name, count=25):
    return [templates.generate(name, seed) for seed in range(count)]


def _text(case: Case) -> str:
    return " ".join(" ".join(v.split()) for v in case.documentation.values())


def _describe(code: str) -> str:
    return icd10cm.describe(code).lower()


# ----------------------------------------------------------------------------------------------- public API
def test_there_are_at_least_twelve_templates():
    """Are at least 12 templates registered, each with a description of what varies?"""
    assert len(NAMES) >= 12
    for name in NAMES:
        assert "Varies:" in templates.describe(name)


def test_an_unknown_template_is_a_value_error_that_lists_the_names():
    """Does an unknown name raise a ValueError whose message lists the templates?"""
    with pytest.raises(ValueError) as caught:
        templates.generate("no-such-template", 1)
    assert "fracture" in str(caught.value) and "sepsis" in str(caught.value)
    with pytest.raises(ValueError):
        templates.describe("no-such-template")


@pytest.mark.parametrize("name", NAMES)
def test_the_same_seed_gives_an_identical_case(name):
    """Does the same (name, seed) give an equal Case, documentation and key included, with int and str seeds?"""
    first, second = templates.generate(name, 12345), templates.generate(name, 12345)
    assert first == second
    assert first.documentation == second.documentation and first.key == second.key
    assert templates.generate(name, "student-7") == templates.generate(name, "student-7")


def test_generation_ignores_and_leaves_alone_the_global_random_state():
    """Is a case independent of random.seed, and does generating leave the global generator untouched?"""
    random.seed(1)
    state = random.getstate()
    first = templates.generate("laceration", 99)
    assert random.getstate() == state
    random.seed(2)
    assert templates.generate("laceration", 99) == first


@pytest.mark.parametrize("name", NAMES)
def test_thirty_seeds_give_at_least_three_distinct_keys(name):
    """Do 30 seeds give at least 3 different answer keys (diagnoses, lines, modifiers, units)?"""
    keys = set()
    for seed in range(30):
        key = templates.generate(name, seed).key
        keys.add((tuple(key.diagnosis_codes),
                  tuple((p.code, p.modifiers, p.units) for p in key.procedures)))
    assert len(keys) >= 3


def test_ids_pools_and_catalogue_fields():
    """Is the id TPL-<NAME>-<6 hex>, the pool practice by default and assessment on request?"""
    case = templates.generate("otitis-media", 4)
    assert re.fullmatch(r"TPL-OTITIS-MEDIA-[0-9A-F]{6}", case.id)
    assert case.pool == "practice"
    assert templates.generate("otitis-media", 4, pool="assessment").pool == "assessment"
    assert templates.generate("otitis-media", 5).id != case.id
    with pytest.raises(ValueError):
        templates.generate("otitis-media", 4, pool="homework")


@pytest.mark.parametrize("name", NAMES)
def test_every_variant_is_synthetic_dated_in_fy2026_and_tagged(name):
    """Are the people synthetic (555-01xx phones, ZIPs in a 999 block, valid NPIs), dates in FY2026, tags set?"""
    for case in _cases(name, 10):
        assert case.synthetic and case.code_set_year == "FY2026" and case.key.code_set_year == "FY2026"
        assert "template" in case.tags and len(case.tags) >= 2
        assert FY_START <= case.encounter.date <= FY_END
        if case.encounter.admission_date:
            assert FY_START <= case.encounter.admission_date <= case.encounter.date
        assert re.fullmatch(r"\(\d{3}\) 555-01\d\d", case.patient.phone)
        assert re.search(r"\b\d{2}999$", case.patient.address)
        assert validate.npi_is_valid(case.provider.npi)
        assert 1 <= len(case.key.common_errors) <= 2


@pytest.mark.parametrize("name", NAMES)
def test_every_variant_validates_against_the_code_sets(name):
    """For 25 seeds, does validate_case find no problem (codes, Excludes1, age/sex, evidence, MS-DRG, NPI, phones)?"""
    problems = [str(p) for case in _cases(name) for p in validate.validate_case(case)]
    assert problems == []


def test_seed_for_is_stable_per_student_and_salted():
    """Is seed_for stable, different for each student and slot, and changed by the instructor's salt?"""
    seed = templates.seed_for("s1001", "hw3", "q1")
    assert seed == templates.seed_for("s1001", "hw3", "q1") and isinstance(seed, int) and seed >= 0
    assert seed != templates.seed_for("s1002", "hw3", "q1")
    assert seed != templates.seed_for("s1001", "hw3", "q2")
    assert seed != templates.seed_for("s1001", "hw3", "q1", salt="instructor-secret")
    students = {templates.seed_for(f"s{n}", "hw3", "q1", salt="x") for n in range(200)}
    assert len(students) == 200
    assert templates.generate("fracture", templates.seed_for("s1001", "hw3", "q1")) != \
        templates.generate("fracture", templates.seed_for("s1002", "hw3", "q1"))


# ----------------------------------------------------------------------------------------------- derivations
def test_fracture_side_seventh_character_displacement_and_external_causes_follow_the_record():
    """Does a documented side give that side's code, the encounter its 7th character, and Y92/Y93/Y99 only at A?"""
    seen = set()
    for case in _cases("fracture", 40):
        plan = case.documentation["assessment_plan"].lower()
        injury = next(c for c in case.key.diagnosis_codes if c.startswith("S"))
        description = _describe(injury)
        side = "left" if " left " in f" {plan} " else "right"
        assert side in description and _OTHER[side] not in description
        if "subsequent encounter with routine healing" in plan:
            expected = "D"
        elif "delayed healing" in plan:
            expected = "G"
        elif "sequela" in plan:
            expected = "S"
            assert case.key.diagnosis_codes[0].startswith("M"), "the residual condition is sequenced first"
        else:
            assert "initial encounter" in plan
            expected = "A"
        seen.add(expected)
        assert injury[-1] == expected
        externals = [c for c in case.key.diagnosis_codes if c[0] in "WY"]
        assert externals[0][0] == "W" and externals[0][-1] == {"A": "A", "D": "D", "G": "D", "S": "S"}[expected]
        places = [c for c in externals if c.startswith(("Y92", "Y93", "Y99"))]
        assert len(places) == (3 if expected == "A" else 0)
        if "nondisplaced" in plan:
            assert description.startswith("nondisplaced")
        elif "colles" not in plan:
            assert description.startswith("displaced"), "not stated = displaced (I.C.19.c.1)"
        if "icy" in _text(case).lower():
            assert externals[0].startswith("W00.1")
    assert seen == {"A", "D", "G", "S"}


_OTHER = {"left": "right", "right": "left"}


def test_otitis_media_ear_recurrence_and_smoke_exposure_follow_the_record():
    """Do the ear(s), 'recurrent' and secondhand-smoke exposure in the record decide the 6th character and Z77.22?"""
    for case in _cases("otitis-media", 30):
        plan = case.documentation["assessment_plan"].lower()
        description = _describe(case.key.diagnosis_codes[0])
        side = "bilateral" if "bilateral" in plan.split(".")[0] else "left" if "left ear" in plan else "right"
        assert side in description
        assert ("recurrent" in plan.split(".")[0]) == ("recurrent" in description)
        assert ("serous" in plan) == case.key.diagnosis_codes[0].startswith("H65")
        smoke = "exposure to secondhand smoke" in _text(case).lower()
        assert smoke == ("Z77.22" in case.key.diagnosis_codes)
        assert case.key.em.code == case.key.procedures[0].code == "99213"


_STAGE_BY_EGFR = ((90, "N18.1"), (60, "N18.2"), (45, "N18.31"), (30, "N18.32"), (15, "N18.4"), (0, "N18.5"))


def test_diabetes_ckd_stage_and_drug_therapy_z_codes_follow_the_record():
    """Does the eGFR give the N18 stage and does each long-term drug give its Z79 code (none for diet alone)?"""
    for case in _cases("diabetes", 40):
        text = _text(case)
        codes = case.key.diagnosis_codes
        assert codes[0].startswith("E11.") and codes[0] != "E11.9"
        match = re.search(r"eGFR (\d+)", case.documentation["assessment_plan"])
        if "hemodialysis" in text:
            assert {"E11.22", "N18.6", "Z99.2"} <= set(codes)
        elif match and "Chronic kidney disease" in text:
            egfr = int(match.group(1))
            stage = next(code for floor, code in _STAGE_BY_EGFR if egfr >= floor)
            assert codes[:2] == ["E11.22", stage]
        assert ("Z79.4" in codes) == ("insulin" in text)
        assert ("Z79.84" in codes) == ("metformin" in text)
        assert ("Z79.85" in codes) == ("semaglutide" in text)
        if "diet and exercise alone" in text:
            assert not [c for c in codes if c.startswith("Z79")]
        if "retinopathy" in text:
            eye = "bilateral" if "both eyes" in text else "right" if "right eye" in text else "left"
            assert eye in _describe(codes[0])
            assert ("without macular edema" in text) == ("without macular edema" in _describe(codes[0]))


def _hypertension_expected(heart: str, stage: str | None) -> str:
    table = {("none", None): "I10", ("lvh", None): "I11.9", ("hf", None): "I11.0",
             ("none", "early"): "I12.9", ("none", "late"): "I12.0",
             ("lvh", "early"): "I13.10", ("lvh", "late"): "I13.11",
             ("hf", "early"): "I13.0", ("hf", "late"): "I13.2"}
    return table[(heart, stage)]


def test_hypertension_follows_the_guideline_presumption_table():
    """Is the I10-I13 code the one the I.C.9.a presumption gives for the documented heart and kidney involvement?"""
    for case in _cases("hypertension", 40):
        plan = case.documentation["assessment_plan"]
        heart = "hf" if "heart failure" in plan and "no heart failure" not in plan else \
            "lvh" if "Left ventricular hypertrophy" in plan else "none"
        stage = None
        if "End-stage renal disease" in plan or "stage 5" in plan:
            stage = "late"
        elif "Chronic kidney disease stage" in plan:
            stage = "early"
        codes = case.key.diagnosis_codes
        assert codes[0] == _hypertension_expected(heart, stage)
        assert any(c.startswith("I50.") for c in codes) == (heart == "hf")
        assert any(c.startswith("N18.") for c in codes) == (stage is not None)
        assert ("Z99.2" in codes) == ("hemodialysis" in plan)


def test_pregnancy_trimester_weeks_and_high_risk_follow_the_record():
    """Do the weeks give the trimester and Z3A, and her age at delivery and history decide Z34 versus O09?"""
    for case in _cases("pregnancy", 60):
        text = _text(case)
        weeks, days = map(int, re.search(r"at (\d+) weeks (\d+) days", text).groups())
        trimester = "1" if weeks < 14 else "2" if weeks < 28 else "3"
        age_at_delivery = int(re.search(r"She will be (\d+) years old", text).group(1))
        first = "G1P0" in text
        codes = case.key.diagnosis_codes
        assert codes[-1] == ("Z3A.01" if weeks < 8 else f"Z3A.{weeks:02d}")
        expected = []
        if age_at_delivery >= 35:
            expected.append(("O09.51" if first else "O09.52") + trimester)
        if "history of preterm labor" in text:
            expected.append("O09.21" + trimester)
        if not expected:
            expected.append(("Z34.0" if first else "Z34.8") + trimester)
        assert codes[:-1] == expected
        assert case.patient.sex == "F" and 18 <= case.age <= 42


# Independent of the template's tables: the CPT repair families and their length bands.
_REPAIR = {
    ("simple", "body"): ("12001", "12002", "12004", "12005", "12006", "12007"),
    ("simple", "face"): ("12011", "12013", "12014", "12015", "12016", "12017", "12018"),
    ("intermediate", "body"): ("12031", "12032", "12034", "12035", "12036", "12037"),
    ("intermediate", "neck-hands-feet"): ("12041", "12042", "12044", "12045", "12046", "12047"),
    ("intermediate", "face"): ("12051", "12052", "12053", "12054", "12055", "12056", "12057"),
}
_BANDS = {6: (2.5, 7.5, 12.5, 20.0, 30.0), 7: (2.5, 5.0, 7.5, 12.5, 20.0, 30.0)}
_FACE = ("forehead", "chin", "cheek")
_NECK_HANDS_FEET = ("neck", "hand", "foot")


def _expected_repair(kind: str, where: str, total: float) -> str:
    codes = _REPAIR[(kind, where)]
    for code, limit in zip(codes, _BANDS[len(codes)]):
        if total <= limit + 1e-9:
            return code
    return codes[-1]


def test_laceration_repairs_are_summed_by_classification_and_anatomic_group():
    """Are lengths of one classification in one anatomic group added, and is 59 on the less complex class?"""
    for case in _cases("laceration", 40):
        wounds = re.findall(r"Wound \d+: ([\d.]+) cm laceration of the ([^.]+)\. (\w+)",
                            case.documentation["procedure_note"])
        groups: dict[tuple[str, str], float] = {}
        for length, site, closure in wounds:
            kind = "simple" if closure == "Simple" else "intermediate"
            if any(word in site for word in _FACE):
                where = "face"
            elif kind == "intermediate" and any(word in site for word in _NECK_HANDS_FEET):
                where = "neck-hands-feet"
            else:
                where = "body"
            groups[(kind, where)] = groups.get((kind, where), 0.0) + float(length)
        expected = {_expected_repair(kind, where, round(total, 1)) for (kind, where), total in groups.items()}
        lines = case.key.procedures
        assert {line.code for line in lines} == expected
        kinds = {kind for kind, _ in groups}
        for line in lines:
            simple = line.code.startswith(("1200", "1201"))
            assert line.modifiers == (("59",) if simple and len(kinds) == 2 else ())
        assert not lines[0].modifiers
        for code in case.key.diagnosis_codes:
            assert code.endswith("A"), "initial encounter for the wound"


_MDM_RANK = {"minimal": 0, "low": 1, "limited": 1, "moderate": 2, "high": 3, "extensive": 3}
_ESTABLISHED = {0: "99212", 1: "99213", 2: "99214", 3: "99215"}


def test_office_em_level_is_the_highest_level_two_of_three_elements_meet():
    """Is the E/M code the highest MDM level met by at least 2 of problems, data and risk, with all 4 levels seen?"""
    seen = set()
    for seed in range(60):
        case = templates.generate("em-office", seed)
        em = case.key.em
        ranks = [_MDM_RANK[em.problems], _MDM_RANK[em.data], _MDM_RANK[em.risk]]
        level = max(level for level in range(4) if sum(rank >= level for rank in ranks) >= 2)
        assert em.code == _ESTABLISHED[level] == case.key.procedures[0].code
        assert em.basis == "mdm" and case.encounter.patient_status == "established"
        seen.add(em.code)
    assert seen == set(_ESTABLISHED.values())


_PER_UNIT = {"J0696": 250, "J1885": 15, "J1100": 1, "J1030": 40, "J1040": 80}


def test_injection_units_are_the_dose_divided_by_the_hcpcs_unit_dose():
    """Are the drug units dose / unit dose (ceftriaxone 250 mg, ketorolac 15 mg, dexamethasone 1 mg, J1040 80 mg)?"""
    for case in _cases("injection", 40):
        dose = int(re.match(r"[A-Za-z ]+ (\d+) mg", case.documentation["procedure_note"]).group(1))
        lines = {line.code: line.units for line in case.key.procedures}
        assert lines.pop("96372") == 1
        assert sum(_PER_UNIT[code] * units for code, units in lines.items()) == dose
        if "J1030" in lines or "J1040" in lines:
            assert lines.get("J1040", 0) == dose // 80 and lines.get("J1030", 0) == (dose % 80) // 40
        else:
            (code, units), = lines.items()
            assert units == dose // _PER_UNIT[code]


def test_cellulitis_side_site_and_drainage_follow_the_record():
    """Does the documented side give the code's side, and the drainage 10060 (one simple) or 10061 (complex/many)?"""
    for case in _cases("cellulitis", 30):
        text = _text(case)
        site = re.search(r"Cellulitis of the (right|left) ([a-z ]+)\.", text)
        side, part = site.groups()
        cellulitis = next(c for c in case.key.diagnosis_codes if c.startswith("L03"))
        assert side in _describe(cellulitis)
        assert cellulitis.startswith({"toe": "L03.03", "finger": "L03.01"}.get(part.split()[-1], "L03.11"))
        codes = [line.code for line in case.key.procedures]
        if "two separate abscesses" in text or "of a complicated abscess" in text:
            assert codes == ["10061"]
        elif "single uncomplicated abscess" in text:
            assert codes == ["10060"]
        else:
            assert codes == [] and not any(c.startswith("L02") for c in case.key.diagnosis_codes)


def test_covid_codes_follow_confirmed_possible_and_exposure_wording():
    """Is U07.1 coded only when COVID-19 is confirmed, first, with J12.82/J20.8; Z20.822 for exposure?"""
    for case in _cases("covid", 40):
        plan = case.documentation["assessment_plan"]
        codes = case.key.diagnosis_codes
        if "COVID-19 confirmed" in plan:
            assert codes[0] == "U07.1"
            assert ("J12.82" in codes) == ("Pneumonia due to COVID-19" in plan)
            assert ("J20.8" in codes) == ("Acute bronchitis due to COVID-19" in plan)
        else:
            assert "U07.1" not in codes
        if plan.startswith("Exposure to COVID-19"):
            assert codes == ["Z20.822"]
        if plan.startswith("Possible COVID-19"):
            assert codes[0].startswith("R")
            assert ("Z20.822" in codes) == ("Close contact" in case.documentation["hpi"])


def test_colonoscopy_codes_and_modifiers_follow_purpose_finding_and_payer():
    """Screening: Z12.11 first, Medicare G0121/G0105 or 45385-PT, commercial -33; diagnostic: no modifier."""
    for case in _cases("colonoscopy", 40):
        text = _text(case)
        (line,) = case.key.procedures
        polyp = "sessile polyp" in text
        medicare = case.payer.type == "medicare"
        if "Screening colonoscopy" in case.documentation["chief_complaint"]:
            assert case.key.diagnosis_codes[0] == "Z12.11"
            assert ("K63.5" in case.key.diagnosis_codes) == polyp
            high_risk = "high risk" in text
            assert ("Z80.0" in case.key.diagnosis_codes) == high_risk
            if medicare and not polyp:
                assert (line.code, line.modifiers) == ("G0105" if high_risk else "G0121", ())
            else:
                assert (line.code, line.modifiers) == ("45385" if polyp else "45378", ("PT",) if medicare else ("33",))
        else:
            assert "Z12.11" not in case.key.diagnosis_codes and line.modifiers == ()
            assert line.code == ("45385" if polyp else "45378")


def test_sepsis_key_groups_to_its_ms_drg_and_sequences_sepsis_first():
    """Is key.ms_drg what the grouper returns, the sepsis code principal, R65.2- by severity, age 40-90?"""
    for case in _cases("sepsis", 25):
        assert case.key.ms_drg == validate.group(case)["final_drg"] in (871, 872)
        codes = case.key.diagnosis_codes
        assert codes[0].startswith(("A40", "A41"))
        summary = case.documentation["discharge_summary"]
        assert ("R65.21" in codes) == ("septic shock requiring vasopressors" in summary)
        assert ("R65.20" in codes) == ("Severe sepsis" in summary and "septic shock" not in summary)
        assert 40 <= case.age <= 90 and case.encounter.admission_date < case.encounter.date
