"""E/M level selection: the 2-of-3 MDM rule, data categories and time thresholds."""

import itertools

import pytest

from medcode_practice.codes import em

PROBLEMS, DATA, RISK = em.ELEMENT_SCALES["problems"], em.ELEMENT_SCALES["data"], em.ELEMENT_SCALES["risk"]


def test_two_of_three_rule_over_every_combination():
    """For all 64 element combinations, is the level the highest one met by at least two elements?"""
    for p, d, r in itertools.product(range(4), repeat=3):
        level = em.mdm_level(PROBLEMS[p], DATA[d], RISK[r])
        met = [lvl for lvl in range(4) if sum(x >= lvl for x in (p, d, r)) >= 2]
        assert level == em.MDM_LEVELS[max(met)]


@pytest.mark.parametrize("status, mdm, code", [("established", "low", "99213"), ("established", "high", "99215"),
                                                ("new", "straightforward", "99202"), ("new", "moderate", "99204")])
def test_office_codes_by_mdm(status, mdm, code):
    """Does each MDM level map to its office code for new and established patients?"""
    assert em.office_code(status, mdm=mdm).code == code


@pytest.mark.parametrize("status, minutes, code", [("established", 19, "99212"), ("established", 20, "99213"),
                                                    ("established", 39, "99214"), ("new", 45, "99204"),
                                                    ("new", 60, "99205")])
def test_office_codes_by_time(status, minutes, code):
    """Are the 2024+ single time thresholds applied?"""
    assert em.office_code(status, minutes=minutes).code == code


def test_prolonged_time_and_the_better_basis():
    """Does 70 minutes for an established patient give 99215 plus 99417 units, and does MDM win when higher?"""
    result = em.office_code("established", minutes=70)
    assert result.code == "99215" and result.prolonged_units == 2
    assert em.office_code("established", mdm="high", minutes=12).basis == "mdm"


def test_data_categories():
    """Are limited, moderate and extensive data reached as the categories say?"""
    assert em.data_level(results_reviewed=1) == "minimal"
    assert em.data_level(results_reviewed=1, tests_ordered=1) == "limited"
    assert em.data_level(independent_historian=True) == "limited"
    assert em.data_level(external_notes=1, results_reviewed=1, tests_ordered=1) == "moderate"
    assert em.data_level(independent_interpretation=True) == "moderate"
    assert em.data_level(tests_ordered=3, discussion_with_external=True) == "extensive"


def test_emergency_and_hospital():
    """Are ED (MDM only) and hospital codes chosen, and bad values explained?"""
    assert em.emergency_code("moderate").code == "99284"
    assert em.hospital_code("initial", mdm="high").code == "99223"
    assert em.hospital_code("subsequent", minutes=36).code == "99232"
    with pytest.raises(ValueError, match="problems must be one of"):
        em.mdm_level("severe", "limited", "low")
    with pytest.raises(ValueError, match="at least 10 minutes"):
        em.office_code("established", minutes=5)


def test_reasoning_reads_as_a_sentence():
    """Does the reasoning name the patient status in plain English?"""
    assert "for a new patient" in em.office_code("new", mdm="low").reasoning
    assert "for an established patient" in em.office_code("established", mdm="high").reasoning
