"""The 837P writer and reader: every generated claim validates with pyx12, round trips, and bad files say where."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medcode_practice import claims, records
from medcode_practice.claims import X12FileError, read_837, read_837_claims, validate_837, write_837
from medcode_practice.claims.model import ClaimProvider

BILLABLE = [case.id for case in records.all_cases(None) if case.key.procedures]


@pytest.fixture(scope="module")
def sample_text() -> str:
    return write_837(claims.build_claim("OP-0027"))


@pytest.mark.parametrize("case_id", BILLABLE)
def test_every_case_claim_validates_and_round_trips(case_id):
    """Does the 837P of every case with outpatient service lines pass pyx12 and read back to the same claim?"""
    case = records.load(case_id)
    claim = claims.build_claim(case)
    if case.payer.type == "self_pay":
        with pytest.raises(ValueError, match="self-pay visit has no payer"):
            write_837(claim)
        return
    text = write_837(claim)
    assert validate_837(text) == []
    assert read_837(text) == claim


def test_the_file_carries_the_x222a1_envelope_and_loops(sample_text):
    """Does the file name 005010X222A1 and hold the loops a payer expects (1000A/B, 2010AA, 2300, 2310B, 2400)?"""
    segments = [line.split("*")[0] + ("*" + line.split("*")[1] if "*" in line else "") for line in
                sample_text.splitlines()]
    assert sample_text.startswith("ISA*00*")
    assert "GS*HC*" in sample_text and "ST*837*0001*005010X222A1~" in sample_text
    for expected in ("BHT*0019", "NM1*41", "NM1*40", "HL*1", "NM1*85", "REF*EI", "HL*2", "SBR*P", "NM1*IL",
                     "NM1*PR", "CLM*OP-0027", "HI*ABK", "NM1*82", "PRV*PE", "LX*1", "SV1*HC:99214:25", "DTP*472"):
        assert any(s.startswith(expected) for s in segments) or expected in sample_text, expected


def test_dependent_patient_uses_the_2000c_loop():
    """Is a child on a parent's commercial plan written as a dependent (HL 23, PAT*19) and read back so?"""
    claim = claims.build_claim("ED-0004")
    assert claim.coverage.relationship == "19" and claim.coverage.insured != claim.patient
    text = write_837(claim)
    assert "PAT*19~" in text and "*23*0~" in text
    assert validate_837(text) == []
    assert read_837(text) == claim


def test_prior_auth_replacement_referring_and_accident_round_trip():
    """Do Box 23 (REF*G1), Box 22 (frequency 7, REF*F8), Box 17 (2310A), Box 10b and Box 14 survive the round trip?"""
    referring = ClaimProvider("1234567893", "Ashgrove", "Clementine", credential="MD")
    claim = replace(claims.build_claim("BL-0006", referring=referring), frequency="7",
                    original_reference="BH-55031-7781", auto_accident_state="OH", accident_date=date(2026, 4, 12),
                    onset_date=date(2026, 4, 12), employment_related=True)
    text = write_837(claim)
    for piece in ("REF*G1*PA-2026-118842~", "REF*F8*BH-55031-7781~", "NM1*DN*1*Ashgrove*Clementine",
                  ":B:7*", "DTP*431*D8*20260412~", "DTP*439*D8*20260412~", "EM:AA::OH"):
        assert piece in text, piece
    assert validate_837(text) == []
    assert read_837(text) == claim


def test_secondary_claim_carries_the_primary_payment():
    """Does a COB secondary claim carry 2320/2330 and line 2430 (SVD, CAS, DTP*573), validate and round trip?"""
    primary = claims.build_claim("BL-0003")
    remit = claims.adjudicate(primary)
    secondary = claims.secondary_claim(primary, remit, "Cedarline Insurance", "CDL-8874310-02", relationship="19")
    text = write_837(secondary)
    assert "SBR*S*" in text and "AMT*D*" in text and "SVD*SBH03*" in text and "DTP*573*D8*" in text
    assert validate_837(text) == []
    assert read_837(text) == secondary


def test_a_batch_file_reads_back_every_claim():
    """Does a file of several claims to one payer validate and read back as the same claims?"""
    sent = date(2026, 7, 1)
    batch = [claims.build_claim(case_id, submitted=sent) for case_id in ("OP-0001", "OP-0004", "OP-0027")]
    text = write_837(batch)
    assert validate_837(text) == []
    assert read_837_claims(text) == batch
    with pytest.raises(X12FileError, match="holds 3 claims"):
        read_837(text)


def test_claims_the_format_cannot_carry_are_refused_with_what_to_fix():
    """Is a claim without diagnoses, with a bad NPI or a replacement without Box 22 refused with a clear reason?"""
    claim = claims.build_claim("OP-0001")
    with pytest.raises(ValueError, match="at least one diagnosis"):
        write_837(replace(claim, diagnoses=()))
    with pytest.raises(ValueError, match="NPI '12345' must be 10 digits"):
        write_837(replace(claim, rendering_provider=replace(claim.rendering_provider, npi="12345")))
    with pytest.raises(ValueError, match="original payer claim number"):
        write_837(replace(claim, frequency="7"))
    with pytest.raises(ValueError, match="one payer"):
        write_837([claim, claims.build_claim("OP-0002")])


def test_validate_returns_pyx12_messages_without_writing_to_stderr(sample_text, capfd):
    """Does validate_837 return pyx12's error (naming the segment) for a broken file, and print nothing?"""
    lines = sample_text.splitlines()
    broken_lines = [line for line in lines if not line.startswith("HI*")]
    broken_lines = [("SE*%d*0001~" % (int(line.split("*")[1]) - 1)) if line.startswith("SE*") else line
                    for line in broken_lines]
    messages = validate_837("\n".join(broken_lines) + "\n")
    assert any("Health Care Diagnosis Code" in m and "(HI) missing" in m for m in messages)
    assert validate_837("not x12 at all") != []
    out = capfd.readouterr()
    assert out.err == "" and out.out == ""


@pytest.mark.parametrize("mangle, segment, marker, words", [
    (lambda t: t[: t.index("CLM*")] + "CLM*OP-0027*480", "CLM", "CLM*", "no terminator"),
    (lambda t: "\n".join(t.splitlines()[:-1]) + "\n", "GE", "GE*", "IEA trailer"),
    (lambda t: t.replace("LX*2~\n", ""), "SE", "SE*", "SE01 says"),
    (lambda t: t.replace("CLM*OP-0027*480*", "CLM*OP-0027*470*"), "CLM", "CLM*", "not the sum of the line charges"),
    (lambda t: t.replace("SV1*HC:20610:RT", "SV1*XX:20610:RT"), "SV1", "SV1*XX", "SV101"),
    (lambda t: t.replace("DTP*472*D8*20260623~\nLX*3", "DTP*472*D8*2026AB23~\nLX*3"), "DTP", "*2026AB23~",
     "not a date"),
    (lambda t: "".join(line + "\n" for line in t.splitlines() if not line.startswith(("LX*", "SV1*", "DTP*472")))
     .replace("SE*35*", "SE*26*"), "CLM", "CLM*", "no service line"),
    (lambda t: t.replace("SV1*HC:J3301*16*UN*4", "SV1*HC:J3301*16*UN*4.5"), "SV1", "*4.5*", "not a whole number"),
    (lambda t: "ISA*00*oops~\n", "ISA", "ISA", "cut short"),
    (lambda t: "hello world\n", "", "hello", "starts with an ISA"),
])
def test_bad_files_name_the_segment_and_line(sample_text, mangle, segment, marker, words):
    """Does a truncated or broken 837 raise X12FileError naming the segment and the line?"""
    text = mangle(sample_text)
    line = next(number for number, content in enumerate(text.splitlines(), 1) if marker in content)
    with pytest.raises(X12FileError) as raised:
        read_837(text)
    error = raised.value
    assert words in str(error)
    assert error.line == line and f"line {line}" in str(error)
    if segment:
        assert error.segment == segment and f"segment {segment}" in str(error)


def test_an_835_is_not_read_as_an_837():
    """Does handing an 835 to read_837 say which transaction it is?"""
    remit = claims.adjudicate(claims.build_claim("OP-0001"))
    with pytest.raises(X12FileError, match="X12 835 transaction, not an 837"):
        read_837(claims.write_835(remit))


def test_x12sdk_writes_x222a2_which_pyx12_cannot_map():
    """Is the x12sdk finding still true: its writer stamps GS08 005010X222A2 (no pyx12 map) even when the model's
    ST03 says X222A1, the file validates only when relabelled, and our reader reads it?"""
    pytest.importorskip("x12sdk")
    from x12sdk import io as x12sdk_io
    from x12sdk.generate import ClaimSpec, PatientSpec, ServiceLineSpec, SubmissionSpec, _837p, generate_837p

    text = generate_837p(seed=7, claims=2)
    assert "005010X222A2" in text
    assert any("Map not found" in m for m in validate_837(text))
    relabelled = text.replace("005010X222A2", "005010X222A1")
    assert validate_837(relabelled) == []
    assert len(read_837_claims(relabelled)) == 2
    spec = SubmissionSpec(patients=[PatientSpec(claims=[ClaimSpec(charge="150.00", lines=[
        ServiceLineSpec(charge="150.00", procedure="99213")])])])
    model = _837p.build_837p(spec, seed=3)
    model.header.st_segment.implementation_convention_reference = "005010X222A1"
    written = x12sdk_io.write_transactions([model], sender_id="MCP000000001", receiver_id="SMB01")
    assert "ST*837*0001*005010X222A1~" in written and "*X*005010X222A2~" in written


_GARBAGE = ["", "ZZ", "99999", "E11", "7", "0", "-5", "20269999", "HC:99999:7Z", "A:B", "1:9", "1.5", "abc", ":::",
            "1:2:3:4:5", "D8", "X" * 40]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mangled_files_raise_only_x12_file_errors(sample_text, data):
    """Whatever element of a valid 837 is garbled or whichever segment is dropped, does reading either succeed or
    raise X12FileError (never another exception), and does a claim that reads still scrub and adjudicate?"""
    lines = sample_text.splitlines()
    index = data.draw(st.integers(3, len(lines) - 4))
    if data.draw(st.booleans()):
        parts = lines[index].rstrip("~").split("*")
        position = data.draw(st.integers(1, max(1, len(parts) - 1)))
        if position < len(parts):
            parts[position] = data.draw(st.sampled_from(_GARBAGE))
        lines[index] = "*".join(parts) + "~"
    else:
        del lines[index]
    text = "\n".join(lines) + "\n"
    try:
        batch = read_837_claims(text)
    except X12FileError:
        return
    for claim in batch:
        claims.scrub(claim)
    try:
        remit = claims.adjudicate(batch)
    except ValueError as error:  # a readable 837 to a payer the simulator does not have
        assert "no payer" in str(error)
        return
    assert claims.balance_problems(remit) == []
