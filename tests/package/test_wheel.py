"""The built wheel: it carries every data file the library needs and none of the sealed assessment keys."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from medcode_practice import records

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out)], check=True, capture_output=True)
    return next(out.glob("medcode_practice-*.whl"))


def test_wheel_carries_the_code_set_data_and_practice_cases(wheel):
    """Does the wheel hold the authored code sets, the practice cases and the search synonyms?"""
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("medcode_practice/_codesets/cpt/practice-2026/cpt_practice.tsv",
                   "medcode_practice/_codesets/hcpcs/2026/hcpcs_subset.tsv",
                   "medcode_practice/_codesets/pos/2026/place_of_service.tsv",
                   "medcode_practice/codes/synonyms.tsv"):
        assert needed in names, needed
    practice = [c.id for c in records.all_cases("practice")]
    assert all(f"medcode_practice/records/cases/{cid}.yaml" in names for cid in practice)


def test_wheel_holds_no_assessment_key(wheel):
    """Is every assessment case — its file, title, patient and key rationales — absent from the wheel?"""
    assessment = records.all_cases("assessment")
    assert assessment, "the assessment pool should be visible from a checkout"
    archive = zipfile.ZipFile(wheel)
    assert not [n for n in archive.namelist() if "autograder" in n or "assessment" in n.lower()]
    blob = b"\n".join(archive.read(n) for n in archive.namelist())
    for case in assessment:
        assert not [n for n in archive.namelist() if n.endswith(f"/{case.id}.yaml")]
        rationales = [d.rationale for d in case.key.diagnoses if len(d.rationale) > 30]
        for secret in (case.title, case.patient.name, *rationales):
            assert secret.encode() not in blob, f"{case.id}: {secret!r} found in the wheel"


def test_unpacked_wheel_works_without_the_checkout(wheel, tmp_path):
    """Run from the unpacked wheel alone, does the library find its bundled data (not the checkout's)?"""
    zipfile.ZipFile(wheel).extractall(tmp_path)
    probe = ("import medcode_practice._paths as p, medcode_practice.codes as c, medcode_practice.records as r;"
             "print(p.codesets_dir()); print(c.lookup('99213').system); print(len(r.all_cases('practice')));"
             "print(r.assessment_dir())")
    env = {"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "MEDCODE_DATA_DIR": str(tmp_path / "data"), "MEDCODE_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    bundled, system, count, assessment = done.stdout.split()
    assert bundled.startswith(str(tmp_path)) and bundled.endswith("_codesets")
    assert system == "CPT" and int(count) == len(records.all_cases("practice")) and assessment == "None"
