"""Normalisation: typed text to a canonical code and its system."""

import pytest

from medcode_practice import codes
from medcode_practice.codes import MalformedCodeError, WrongSystemError


@pytest.mark.parametrize("typed, system, code", [
    ("e119", "ICD-10-CM", "E11.9"), ("E11.9", "ICD-10-CM", "E11.9"), (" s72001a ", "ICD-10-CM", "S72.001A"),
    ("99213", "CPT", "99213"), ("3074F", "CPT", "3074F"), ("j1885", "HCPCS", "J1885"),
    ("0dtj4zz", "ICD-10-PCS", "0DTJ4ZZ"), ("10e0xzz", "ICD-10-PCS", "10E0XZZ"),
])
def test_detects_system_and_canonical_form(typed, system, code):
    """Is each kind of code recognised with its system and returned in canonical (dotted) form?"""
    assert codes.normalize(typed) == (system, code)


def test_ambiguous_shape_is_decided_by_the_field():
    """Does G0439 read as HCPCS by default but as ICD-10-CM G04.39 in a diagnosis field?"""
    assert codes.normalize("G0439") == ("HCPCS", "G0439")
    assert codes.normalize("G0439", "icd10cm") == ("ICD-10-CM", "G04.39")


def test_wrong_system_for_the_field_is_named():
    """Is a CPT code typed into a diagnosis field reported as the wrong system, not as unknown?"""
    with pytest.raises(WrongSystemError, match="needs a diagnosis"):
        codes.normalize("99213", "icd10cm")


@pytest.mark.parametrize("typed, words", [
    ("", "nothing was entered"), ("E11.9!", "'!'"), ("123", "3 digits"), ("E1.19", "after the 3rd character"),
    ("ABCDEFGHIJK", "too long"),
])
def test_malformed_input_gets_a_specific_reason(typed, words):
    """Does each kind of malformed input get a message naming its problem?"""
    with pytest.raises(MalformedCodeError) as caught:
        codes.normalize(typed)
    assert words in str(caught.value)


def test_unknown_system_name_is_explained():
    """Is a misspelt system name answered with the names that work?"""
    with pytest.raises(ValueError, match="icd10cm, icd10pcs, cpt or hcpcs"):
        codes.normalize("E11.9", "icd11")
