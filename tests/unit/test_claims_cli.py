"""``medcode claim`` end to end in a temporary folder: build -> scrub -> adjudicate -> remit, and bad input."""

from __future__ import annotations

import json

import pytest

from medcode_practice.claims import read_835, read_837, validate_835, validate_837


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_clean_claim_lifecycle(folder, run_cli):
    """Does a keyed claim build to a valid 837, scrub clean (exit 0), adjudicate to a valid 835 and read back?"""
    code, out, err = run_cli("claim", "build", "BL-0006", "--out", "bl6.837", "--html", "bl6.html")
    assert code == 0 and err == ""
    assert "Wrote bl6.837" in out and "pyx12: valid" in out
    text = (folder / "bl6.837").read_text()
    assert validate_837(text) == [] and read_837(text).prior_authorization == "PA-2026-118842"
    assert "synthetic claim for training" in (folder / "bl6.html").read_text().lower()

    code, out, _ = run_cli("claim", "scrub", "bl6.837")
    assert code == 0 and "clean" in out

    code, out, _ = run_cli("claim", "adjudicate", "bl6.837", "--payer", "Bluestone Health Plan", "--out", "bl6.835")
    assert code == 0 and "Wrote bl6.835" in out and "CO-45" in out
    assert validate_835((folder / "bl6.835").read_text()) == []

    code, out, _ = run_cli("claim", "remit", "bl6.835")
    assert code == 0 and "What to do next" in out and "PR-1" in out


def test_learner_mistake_lifecycle_in_json(folder, run_cli):
    """With a missing 25, does scrub exit 1 naming the edit, and the 835 deny the E/M CO-97 with its next step?"""
    code, out, _ = run_cli("claim", "build", "OP-0027", "--codes", "M17.11, I10, 99214, 20610-RT, J3301 x4",
                           "--out", "op27.837", "--json")
    built = json.loads(out)
    assert code == 0 and built["valid"] and [line["code"] for line in built["lines"]] == ["99214", "20610", "J3301"]

    code, out, _ = run_cli("claim", "scrub", "op27.837", "--json")
    report = json.loads(out)
    assert code == 1 and report["errors"] == 1 and report["claims"][0]["findings"][0]["edit"] == "modifier"

    code, out, _ = run_cli("claim", "adjudicate", "op27.837", "--out", "op27.835", "--json")
    remit = json.loads(out)
    assert code == 0 and remit["valid"]
    em = remit["claims"][0]["lines"][0]
    assert em["adjustments"] == [{"group": "CO", "reason": "97", "amount": em["charge"]}] and em["remarks"] == ["M15"]

    code, out, _ = run_cli("claim", "remit", "op27.835", "--json")
    steps = json.loads(out)["next_steps"]
    assert code == 0 and steps[0]["adjustment"] == "CO-97" and steps[0]["action"] == "correct and resubmit"


def test_scrub_a_case_directly_and_duplicates_across_files(folder, run_cli):
    """Can scrub take a case id with codes, and do --prior claims and remittances catch a resubmission?"""
    code, out, _ = run_cli("claim", "scrub", "OP-0001")
    assert code == 0
    code, out, _ = run_cli("claim", "scrub", "OP-0001", "--codes", "E11, 99214")
    assert code == 1 and "invalid-code" in out
    run_cli("claim", "build", "OP-0005", "--out", "first.837")
    code, out, _ = run_cli("claim", "scrub", "first.837", "--prior", "first.837")
    assert code == 1 and "duplicate" in out
    run_cli("claim", "adjudicate", "first.837", "--out", "first.835")
    code, out, _ = run_cli("claim", "adjudicate", "first.837", "--out", "again.835", "--prior", "first.835")
    assert code == 0 and "CO-18" in out
    assert all(line.adjustments[0].reason == "18" for line in read_835((folder / "again.835").read_text()).claims[0].lines)


@pytest.mark.parametrize("argv, words", [
    (("claim", "build", "NOPE-0001", "--out", "x.837"), "no case 'NOPE-0001'"),
    (("claim", "build", "IP-0001", "--out", "x.837"), "no CPT/HCPCS service lines"),
    (("claim", "build", "OP-0030", "--out", "x.837"), "self-pay"),
    (("claim", "build", "OP-0027", "--codes", "M17.11, zzz9", "--out", "x.837"), "cannot put 'zzz9' on a claim"),
    (("claim", "build", "OP-0027", "--out", "x.837", "--submitted", "tomorrow"), "not a date"),
    (("claim", "scrub", "absent.837"), "absent.837: no such file"),
    (("claim", "scrub", "."), "is a folder"),
    (("claim", "adjudicate", "garbage.837", "--out", "x.835"), "starts with an ISA segment"),
    (("claim", "adjudicate", "cut.837", "--out", "x.835"), "truncated"),
    (("claim", "adjudicate", "good.837", "--payer", "Acme Health", "--out", "x.835"), "no payer 'Acme Health'"),
    (("claim", "remit", "good.837"), "not an 835"),
])
def test_bad_input_is_one_line_and_exit_2(folder, run_cli, argv, words):
    """Does bad input give exit 2 and one line naming the problem (no traceback), in text and JSON?"""
    (folder / "garbage.837").write_text("this is not an X12 file\n")
    run_cli("claim", "build", "OP-0001", "--out", "good.837")
    good = (folder / "good.837").read_text()
    (folder / "cut.837").write_text(good[: good.index("HI*") + 10])
    code, out, err = run_cli(*argv)
    assert code == 2, (out, err)
    assert words in err and err.count("\n") == 1 and "Traceback" not in err
    code, out, err = run_cli(*argv, "--json")
    assert code == 2 and words in json.loads(out)["error"]
