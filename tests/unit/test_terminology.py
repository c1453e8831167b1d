"""Medical terminology: the word-part glossary, the abbreviation list and reading a term by its parts."""

import pytest

from medcode_practice.codes import terminology


def test_glossary_is_large_and_well_formed():
    """Are there at least 180 word parts, each typed prefix/root/suffix and written in the matching notation?"""
    parts = terminology.word_parts()
    assert len(parts) >= 180
    assert len({p.part for p in parts}) == len(parts), "a part is listed twice"
    for item in parts:
        assert item.type in terminology.TYPES and item.meaning and item.example and item.body_system
        if item.type == "prefix":
            assert item.part.endswith("-") and not item.part.startswith("-"), item.part
        elif item.type == "suffix":
            assert item.part.startswith("-"), item.part
        else:
            assert "-" not in item.part, item.part
    assert {p.type for p in parts} == set(terminology.TYPES)


def test_examples_are_explained_by_the_glossary():
    """Does nearly every example word come apart into known parts, one of them the part it illustrates?"""
    unexplained, missing = [], []
    for item in terminology.word_parts():
        pieces = terminology.explain(item.example)
        if any(kind == terminology.UNKNOWN for _, kind, _ in pieces):
            unexplained.append(item.example)
        if not any(meaning == item.meaning for _, _, meaning in pieces) and item.stem[:-1] not in item.example:
            missing.append((item.part, item.example))
    assert len(unexplained) <= len(terminology.word_parts()) // 20, unexplained
    assert not missing


@pytest.mark.parametrize("term, pieces", [
    ("cholecystectomy", ["chole", "cyst", "-ectomy"]),
    ("gastroenteritis", ["gastro", "enter", "-itis"]),
    ("hypoglycemia", ["hypo-", "glyc", "-emia"]),
    ("tachycardia", ["tachy-", "card", "-ia"]),
    ("peritonitis", ["periton", "-itis"]),
    ("osteoarthritis", ["osteo", "arthr", "-itis"]),
    ("esophagogastroduodenoscopy", ["esophago", "gastro", "duodeno", "-scopy"]),
    ("Nephrolithiasis", ["nephro", "lith", "-iasis"]),
])
def test_explain_splits_terms_into_their_parts(term, pieces):
    """Is a term read as prefix, roots (with their combining vowel) and suffix, longest part first?"""
    assert [piece for piece, _, _ in terminology.explain(term)] == pieces


def test_explain_gives_types_and_meanings():
    """Does each piece carry its type and the glossary meaning?"""
    assert terminology.explain("cholecystectomy") == [
        ("chole", "root", terminology.part("chol/e").meaning),
        ("cyst", "root", terminology.part("cyst/o").meaning),
        ("-ectomy", "suffix", terminology.part("-ectomy").meaning)]


def test_unknown_letters_are_reported_not_dropped():
    """Are letters no part explains returned as one 'unknown' piece, so the pieces spell the whole word?"""
    pieces = terminology.explain("xylophonitis")
    assert "".join(p.strip("-") for p, _, _ in pieces) == "xylophonitis"
    assert pieces[-1] == ("-itis", "suffix", terminology.part("-itis").meaning)
    assert terminology.explain("") == [] and terminology.explain("qqq") == [("qqq", "unknown", "")]


def test_phrases_are_explained_word_by_word():
    """Does a phrase explain each word in turn?"""
    pieces = [p for p, _, _ in terminology.explain("acute cholecystitis")]
    assert pieces[-3:] == ["chole", "cyst", "-itis"]


def test_build_uses_the_combining_vowel_only_before_a_consonant():
    """Are words joined as a coder spells them: gastritis, cardiomegaly, hyperglycemia?"""
    assert terminology.build(None, "gastr/o", "-itis") == "gastritis"
    assert terminology.build(None, "cardi/o", "-megaly") == "cardiomegaly"
    assert terminology.build("hyper-", "glyc/o", "-emia") == "hyperglycemia"
    assert terminology.build(None, "arthr/o", "-scopy") == "arthroscopy"


def test_part_lookup_names_what_is_missing():
    """Does asking for an unknown part raise a KeyError that names it?"""
    assert terminology.part("gastr").part == "gastr/o"
    with pytest.raises(KeyError, match="zzz"):
        terminology.part("zzz")


def test_abbreviations_include_the_do_not_use_list():
    """Are there 80+ abbreviations, with every Joint Commission do-not-use item marked and explained?"""
    items = terminology.abbreviations()
    assert len(items) >= 80
    assert len({a.abbreviation for a in items}) == len(items)
    do_not_use = {a.abbreviation for a in items if a.do_not_use}
    for required in ("U", "IU", "QD", "QOD", "MS", "MSO4", "MgSO4"):
        assert required in do_not_use, required
    assert any("trailing zero" in a for a in do_not_use) and any("leading zero" in a for a in do_not_use)
    for item in items:
        assert item.meaning
        if item.do_not_use:
            assert "write" in item.caution.lower(), item.abbreviation
    assert terminology.abbreviation("qod")[0].do_not_use
    assert not terminology.abbreviation("BID")[0].caution
