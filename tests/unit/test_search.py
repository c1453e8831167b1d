"""Ranked search over every code set."""

from medcode_practice.codes import search


def _codes(hits):
    return [h.code for h in hits]


def test_laparoscopic_appendectomy_finds_the_pcs_code():
    """Is 0DTJ4ZZ in the top 5 for 'laparoscopic appendectomy'?"""
    assert "0DTJ4ZZ" in _codes(search("laparoscopic appendectomy", limit=5))


def test_type_2_diabetes_with_ckd_finds_e11_22():
    """Is E11.22 in the top 5 for 'type 2 diabetes with chronic kidney disease'?"""
    assert "E11.22" in _codes(search("type 2 diabetes with chronic kidney disease", limit=5))


def test_a_typo_is_tolerated():
    """Does 'diabtes mellitus type 2' still find type 2 diabetes codes?"""
    hits = search("diabtes mellitus type 2", limit=10)
    assert hits and all("iabetes" in h.description for h in hits)


def test_lay_synonyms_widen_the_search():
    """Does 'heart attack' find acute myocardial infarction codes?"""
    assert any(h.code.startswith("I21") for h in search("heart attack", limit=5))


def test_inclusion_terms_are_searchable():
    """Does an inclusion term that is not in any title ('insulin resistant diabetes') find E11?"""
    assert any(h.code.startswith("E11") for h in search("insulin resistant diabetes", limit=10))


def test_filters_by_system_and_billable():
    """Do the system and billable filters hold for every hit?"""
    hits = search("fracture femur", system="icd10cm", billable=True, limit=20)
    assert hits and all(h.system == "ICD-10-CM" and h.billable for h in hits)
    assert all(h.system == "ICD-10-PCS" for h in search("appendix", system="pcs", limit=10))


def test_code_query_lists_the_code_then_what_is_below():
    """Does typing a code (E11) put E11 first, followed by codes under it?"""
    hits = search("e11", limit=5)
    assert hits[0].code == "E11" and all(h.code.startswith("E11") for h in hits)


def test_cpt_and_hcpcs_are_searchable():
    """Do the practice CPT set and HCPCS subset answer lay searches?"""
    assert any(h.system == "CPT" for h in search("colonoscopy", limit=20))
    assert any(h.code == "J1885" for h in search("ketorolac", system="hcpcs", limit=5))


def test_nonsense_and_empty_queries_return_nothing_without_error():
    """Do an empty query and punctuation come back empty rather than raising?"""
    assert search("", limit=5) == []
    assert search("!!! ???", limit=5) == []
    assert search("qqqzzzxxx", limit=5) == []


def test_a_bare_main_term_answers_with_its_index_default_first():
    """Does 'hypertension' put I10 first and 'pneumonia' J18.9, as the Alphabetic Index would?"""
    assert search("hypertension", limit=5)[0].code == "I10"
    assert search("Pneumonia", limit=5)[0].code == "J18.9"
    assert search("hypertension", system="cpt", limit=5) == [] or search("hypertension", system="cpt")[0].system == "CPT"


def test_every_index_default_is_a_billable_code():
    """Is every default in the table a billable FY2026 code?"""
    from medcode_practice import codes
    from medcode_practice.codes.search import _defaults

    for term, code in _defaults().items():
        assert codes.check(code, "icd10cm").billable, term
