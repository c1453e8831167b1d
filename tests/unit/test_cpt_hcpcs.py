"""CPT practice set and licensed file; HCPCS subset and the CMS file; modifiers and place of service."""

import json
import re

from pathlib import Path

import pytest

from medcode_practice import codes
from medcode_practice.codes import MalformedCodeError, UnknownCodeError, cpt, hcpcs, modifiers

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_practice_set_size_and_labelling():
    """Does the practice set hold >= 250 codes, every one marked as not official AMA text?"""
    practice = cpt.practice_set()
    assert len(practice) >= 250
    assert not any(code.official_text for code in practice.values())
    for required in ("99213", "99285", "12002", "45378", "71046", "85025", "90471", "96372", "99223"):
        assert required in practice


def test_practice_descriptors_do_not_reuse_ama_boilerplate():
    """Are the telltale AMA phrasings absent from our descriptors?"""
    phrases = ("which requires a medically appropriate history", "when using time for code selection",
               "physicians typically spend", "Presenting problem(s) are of")
    for item in cpt.practice_set().values():
        for phrase in phrases:
            assert phrase.lower() not in item.descriptor.lower(), item.code


def test_licensed_cpt_file_takes_precedence(run_cli, fresh_data_dir, tmp_path):
    """After importing a licensed file, does its descriptor answer (marked official), and can it be removed?"""
    licensed = tmp_path / "cpt_licensed.txt"
    licensed.write_text("code\tdescriptor\n99213\tLICENSED TEXT FOR 99213 (test fixture)\n00100\tFixture anesthesia\n")
    code, out, err = run_cli("codesets", "import", "cpt", str(licensed))
    assert code == 0, err
    entry = codes.lookup("99213")
    assert entry.descriptor.startswith("LICENSED TEXT") and entry.official_text
    assert codes.lookup("00100").official_text
    assert not codes.lookup("99214").official_text  # not in the file: the practice descriptor stays
    assert "licensed file" in cpt.release()
    cpt.remove_licensed()
    assert not codes.lookup("99213").official_text


def test_bad_licensed_file_is_refused_with_line_numbers(run_cli, fresh_data_dir, tmp_path):
    """Does a file with a bad line name it, and leave nothing half-imported?"""
    bad = tmp_path / "bad.txt"
    bad.write_text("code\tdescriptor\n99213\tok\nnot-a-code\tx\n99214\n")
    code, _, err = run_cli("codesets", "import", "cpt", str(bad))
    assert code == 2 and "line 3" in err and "line 4" in err
    assert not (fresh_data_dir / "cpt" / "licensed.tsv").exists()


def test_hcpcs_subset_and_dosage():
    """Does the subset hold >= 400 codes with J-code billing units?"""
    subset = hcpcs.subset()
    assert len(subset) >= 400
    assert codes.lookup("j1885").dosage and "15" in codes.lookup("J1885").dosage
    assert all(re.fullmatch(r"[A-V]\d{4}", c) for c in subset)


def test_official_hcpcs_file_import(run_cli, fresh_data_dir):
    """Does importing the CMS fixed-width file load codes and modifiers, with terminated codes not billable?"""
    code, out, err = run_cli("codesets", "import", "hcpcs", str(FIXTURES / "hcpcs" / "HCPC_SAMPLE_ANWEB.txt"), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["codes"] >= 12 and data["modifiers"] >= 4
    assert not codes.lookup("G0512").billable
    assert "official file" in hcpcs.release()
    code, _, err = run_cli("codesets", "import", "hcpcs", str(FIXTURES / "hcpcs" / "HCPC_BAD.txt"))
    assert code == 2 and "line 3" in err


def test_modifiers_and_place_of_service():
    """Are CPT and HCPCS modifiers known with their source, and POS codes looked up?"""
    assert modifiers.lookup("25").source == "CPT" and modifiers.lookup("-rt").source == "HCPCS"
    assert modifiers.lookup("XS").source == "HCPCS"
    with pytest.raises(UnknownCodeError, match="not a CPT or HCPCS modifier"):
        modifiers.lookup("ZZ")
    assert modifiers.place_of_service("11").name and modifiers.place_of_service(2).code == "02"
    with pytest.raises(UnknownCodeError):
        modifiers.place_of_service("98")


def test_cpt_shape_errors():
    """Are a malformed CPT code and an absent one told apart?"""
    with pytest.raises(MalformedCodeError):
        cpt.lookup("9921")
    with pytest.raises(UnknownCodeError, match="licensed CPT file"):
        cpt.lookup("99999")
