"""ICD-10-CM lookups from the FY2026 tabular: descriptions, hierarchy, notes, 7th characters, placeholder X."""

import pytest

from medcode_practice import codes
from medcode_practice.codes import NotBillableError, PlaceholderError, SeventhCharacterError, UnknownCodeError, icd10cm


def test_lookup_states_its_release_and_place_in_the_hierarchy():
    """Does E11.22 come back with its description, billable flag, chapter, block, parent and release?"""
    info = codes.lookup("e1122")
    assert info.description == "Type 2 diabetes mellitus with diabetic chronic kidney disease"
    assert info.billable and info.parent == "E11.2"
    assert info.chapter[0] == "4" and info.block[0] == "E08-E13"
    assert "FY2026" in info.release and "2026-04-01" in info.release
    assert icd10cm.ancestors("E11.22") == ["E11.2", "E11", "E08-E13", "4"]


def test_missing_seventh_character_lists_the_allowed_ones():
    """Does S72.001 explain that it needs a 7th character and list A, B, C, D … S?"""
    with pytest.raises(SeventhCharacterError) as caught:
        codes.check("S72.001")
    message = str(caught.value)
    assert "needs a 7th character" in message
    for char in ("A", "B", "C", "D", "G", "K", "P", "S"):
        assert f" {char}," in message or f" {char} (" in message or f"{char} =" in message
    assert "S72.001A" in caught.value.suggestions
    assert codes.check("S72.001A").billable


def test_header_names_its_billable_children():
    """Is E11 reported as a header with its billable codes named?"""
    info = codes.lookup("E11")
    assert not info.billable and "E11.9" in info.billable_children and "E11.22" in info.billable_children
    with pytest.raises(NotBillableError, match="header") as caught:
        codes.check("E11")
    assert "E11.00" in str(caught.value)


def test_placeholder_x_is_suggested():
    """Does T36.01A (placeholder left out) suggest T36.0X1A?"""
    with pytest.raises(PlaceholderError, match="T36.0X1A"):
        codes.check("T36.01A")


def test_unknown_code_points_to_the_nearest_existing_code():
    """Does a code one character too long name the real code it extends?"""
    with pytest.raises(UnknownCodeError, match="E11.9 exists"):
        codes.check("E11.99")


def test_notes_are_inherited_from_category_block_and_chapter():
    """Are Excludes1, Use additional code and chapter notes that sit above a code returned with their source?"""
    info = codes.lookup("E11.22")
    excludes1 = {(n.source, n.text) for n in info.notes_of("excludes1")}
    assert ("E11", "type 1 diabetes mellitus (E10.-)") in excludes1
    use_additional = [n.text for n in info.notes_of("use_additional_code")]
    assert any("N18.1-N18.6" in t for t in use_additional) and any("Z79.4" in t for t in use_additional)
    assert any(n.source == "4" for n in info.notes)
    excludes2 = codes.lookup("S72.001A").notes_of("excludes2")
    assert any(n.source == "S70-S79" for n in excludes2)


def test_code_first_and_code_also_notes():
    """Are Code first and Code also notes available (E08 code first; I12 use additional for CKD stage)?"""
    assert codes.lookup("E08.22").notes_of("code_first")
    assert any("N18" in n.text for n in codes.lookup("I12.9").notes_of("use_additional_code"))
    assert codes.lookup("I13.0").notes_of("use_additional_code")


def test_inclusion_terms_and_includes():
    """Are inclusion terms and Includes notes returned?"""
    assert any("diabetes NOS" in n.text for n in codes.lookup("E11.9").notes_of("includes"))
    assert codes.lookup("J45.909").inclusion_terms


def test_seventh_character_definitions_are_inherited():
    """Do 7th-character meanings come from the category (S72) for S72.001A?"""
    info = codes.lookup("S72.001A")
    assert info.seventh_character_source == "S72"
    assert info.seventh_characters["A"] == "initial encounter for closed fracture"


def test_excludes1_conflict_both_directions():
    """Is E11.9 with E10.9 an Excludes1 conflict whichever is named first, and E11.9 with I10 not?"""
    assert icd10cm.excludes1_conflict("E11.9", "E10.9").source == "E11"
    assert icd10cm.excludes1_conflict("E10.9", "E11.9") is not None
    assert icd10cm.excludes1_conflict("E11.9", "I10") is None


def test_block_that_shares_its_name_with_a_category():
    """Are block B99 and category B99 kept apart?"""
    info = codes.lookup("B99.8")
    assert info.block[0] == "B99-B99" and info.parent == "B99"
