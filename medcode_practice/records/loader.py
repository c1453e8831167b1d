"""Load case records: the practice pool ships with the package, the assessment pool lives under ``autograder/``.

>>> load("OP-0001").setting in {"office", "telehealth"}
True
"""

from __future__ import annotations

import os
from datetime import date
from functools import cache
from pathlib import Path

from .schema import (POOLS, SETTINGS, Alternative, AnswerKey, BillingQuestion, Case, CommonError, EmLevel, Encounter,
                     Excludes1Exception, KeyCode, OptionalCode, Patient, Payer, Provider, ServiceLine)

PRACTICE_DIR = Path(__file__).resolve().parent / "cases"


class CaseFormatError(ValueError):
    """A case file that cannot be read; the message names the file and the field."""


class UnknownCaseError(KeyError):
    """No case with that id in the pools that can be seen from here."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown case"


def assessment_dir() -> Path | None:
    """Return the assessment pool's folder if this installation can see it (instructor checkouts only)."""
    override = os.environ.get("MEDCODE_ASSESSMENT_DIR")
    if override:
        return Path(override)
    checkout = Path(__file__).resolve().parents[2] / "autograder" / "assessment" / "cases"
    return checkout if checkout.is_dir() else None


def _yaml_load(text: str):
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader


def _code(value, where: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        raise CaseFormatError(f"{where}: code {value} must be quoted in YAML (\"{value}\"), or leading zeros "
                              f"and CPT codes are lost")
    if not isinstance(value, str) or not value.strip():
        raise CaseFormatError(f"{where}: a code is required")
    return value.strip()


def _date(value, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CaseFormatError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _need(mapping: dict, name: str, where: str):
    if not isinstance(mapping, dict) or mapping.get(name) in (None, ""):
        raise CaseFormatError(f"{where}: missing {name!r}")
    return mapping[name]


def parse_case(data: dict, source: str = "") -> Case:
    """Build a Case from the mapping a YAML file holds; raise CaseFormatError naming the bad field."""
    where = source or str(data.get("id", "case") if isinstance(data, dict) else "case")
    if not isinstance(data, dict):
        raise CaseFormatError(f"{where}: a case file must hold a mapping of fields")
    case_id = str(_need(data, "id", where))
    setting = _need(data, "setting", where)
    if setting not in SETTINGS:
        raise CaseFormatError(f"{where}: setting {setting!r} is not one of {', '.join(SETTINGS)}")
    pool = data.get("pool", "practice")
    if pool not in POOLS:
        raise CaseFormatError(f"{where}: pool {pool!r} is not practice or assessment")
    raw_key = _need(data, "key", where)
    year = str(raw_key.get("code_set_year") or data.get("code_set_year") or "FY2026")
    p, pay, enc, prov = (_need(data, n, where) for n in ("patient", "payer", "encounter", "provider"))
    try:
        key = AnswerKey(
            code_set_year=year,
            diagnoses=tuple(KeyCode(_code(d.get("code"), f"{where} key.diagnoses"), str(d.get("rationale", "")),
                                    str(d.get("evidence") or "")) for d in raw_key.get("diagnoses") or []),
            procedures=tuple(ServiceLine(
                _code(s.get("code"), f"{where} key.procedures"), str(s.get("rationale", "")),
                str(s.get("evidence") or ""), tuple(str(m) for m in s.get("modifiers") or []),
                int(s.get("units") or 1), tuple(int(x) for x in s.get("pointers") or []))
                for s in raw_key.get("procedures") or []),
            pcs=tuple(KeyCode(_code(d.get("code"), f"{where} key.pcs"), str(d.get("rationale", "")),
                              str(d.get("evidence") or "")) for d in raw_key.get("pcs") or []),
            em=EmLevel(_code(raw_key["em"].get("code"), f"{where} key.em"), str(raw_key["em"].get("basis", "mdm")),
                       raw_key["em"].get("problems"), raw_key["em"].get("data"), raw_key["em"].get("risk"),
                       raw_key["em"].get("total_minutes"), str(raw_key["em"].get("reasoning", "")))
            if raw_key.get("em") else None,
            ms_drg=int(raw_key["ms_drg"]) if raw_key.get("ms_drg") else None,
            alternatives=tuple(Alternative(_code(a.get("code"), f"{where} key.alternatives"),
                                           str(a.get("instead_of", "")), str(a.get("rationale", "")))
                               for a in raw_key.get("alternatives") or []),
            optional=tuple(OptionalCode(_code(o.get("code"), f"{where} key.optional"), str(o.get("rationale", "")))
                           for o in raw_key.get("optional") or []),
            common_errors=tuple(CommonError(_code(c.get("code"), f"{where} key.common_errors"), str(c.get("why", "")),
                                            c.get("instead_of")) for c in raw_key.get("common_errors") or []),
            excludes1_exceptions=tuple(Excludes1Exception(tuple(str(x) for x in e.get("codes") or []),
                                                          str(e.get("why", "")))
                                       for e in raw_key.get("excludes1_exceptions") or []),
            billing=tuple(BillingQuestion(str(b["question"]), tuple(str(c) for c in b.get("choices") or []),
                                          str(b["answer"]), str(b.get("rationale", "")))
                          for b in raw_key.get("billing") or []),
        )
        case = Case(
            id=case_id, pool=pool, title=str(_need(data, "title", where)), setting=setting,
            specialty=str(data.get("specialty", "")), difficulty=int(data.get("difficulty", 1)),
            tags=tuple(str(t) for t in data.get("tags") or []), code_set_year=year,
            patient=Patient(str(_need(p, "name", f"{where} patient")), str(_need(p, "sex", f"{where} patient")),
                            _date(_need(p, "date_of_birth", f"{where} patient"), f"{where} patient.date_of_birth"),
                            str(p.get("address", "")), str(p.get("phone", ""))),
            payer=Payer(str(_need(pay, "name", f"{where} payer")), str(_need(pay, "type", f"{where} payer")),
                        str(pay.get("member_id") or ""), pay.get("group_number")),
            encounter=Encounter(_date(_need(enc, "date", f"{where} encounter"), f"{where} encounter.date"),
                                str(_need(enc, "place_of_service", f"{where} encounter")).zfill(2),
                                _date(enc["admission_date"], f"{where} encounter.admission_date")
                                if enc.get("admission_date") else None,
                                int(enc["discharge_status"]) if enc.get("discharge_status") else None,
                                enc.get("patient_status")),
            provider=Provider(str(_need(prov, "name", f"{where} provider")), str(_need(prov, "npi", f"{where} provider")),
                              str(prov.get("specialty", ""))),
            documentation={str(k): str(v) for k, v in (data.get("documentation") or {}).items() if v},
            key=key, synthetic=bool(data.get("synthetic", True)), source=source)
    except CaseFormatError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise CaseFormatError(f"{where}: malformed field ({type(error).__name__}: {error})") from None
    return case


def load_file(path: str | Path) -> Case:
    """Read one case file."""
    path = Path(path)
    try:
        data = _yaml_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CaseFormatError(f"{path.name}: cannot be read ({error.strerror})") from None
    except Exception as error:  # yaml.YAMLError and friends
        raise CaseFormatError(f"{path.name}: not valid YAML ({str(error).splitlines()[0]})") from None
    case = parse_case(data, source=str(path))
    if case.id != path.stem:
        raise CaseFormatError(f"{path.name}: file name and id {case.id!r} differ")
    return case


def _folder_stamp(folder: Path) -> tuple:
    return tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.yaml")))


@cache
def _load_folder(folder: str, stamp: tuple) -> dict[str, Case]:
    return {c.id: c for c in (load_file(p) for p in sorted(Path(folder).glob("*.yaml")))}


def _pool_cases(pool: str) -> dict[str, Case]:
    folder = PRACTICE_DIR if pool == "practice" else assessment_dir()
    if folder is None or not folder.is_dir():
        return {}
    return _load_folder(str(folder), _folder_stamp(folder))


def all_cases(pool: str | None = "practice") -> list[Case]:
    """Return every case of a pool (``None``: every pool visible here), sorted by id."""
    pools = POOLS if pool is None else (pool,)
    for name in pools:
        if name not in POOLS:
            raise ValueError(f"pool {name!r} is not practice or assessment")
    out: list[Case] = []
    for name in pools:
        out += _pool_cases(name).values()
    return sorted(out, key=lambda c: c.id)


def load(case_id: str) -> Case:
    """Return the case with this id from any visible pool; raise UnknownCaseError with close ids otherwise."""
    wanted = str(case_id).strip().upper()
    for pool in POOLS:
        found = _pool_cases(pool).get(wanted)
        if found:
            return found
    known = [c.id for c in all_cases(None)]
    close = [k for k in known if k.split("-")[0] == wanted.split("-")[0]][:6]
    hint = f" (e.g. {', '.join(close)})" if close else ""
    raise UnknownCaseError(f"no case {case_id!r}: use `medcode cases list` to see the ids{hint}")


def find(setting: str | None = None, specialty: str | None = None, tag: str | None = None,
         difficulty: int | None = None, pool: str | None = "practice") -> list[Case]:
    """Return the cases matching every filter given."""
    out = []
    for case in all_cases(pool):
        if setting and case.setting != setting:
            continue
        if specialty and specialty.lower() not in case.specialty.lower():
            continue
        if tag and tag not in case.tags:
            continue
        if difficulty and case.difficulty != int(difficulty):
            continue
        out.append(case)
    return out


def to_dataframe(cases=None):
    """Return a pandas DataFrame of case summaries (no keys)."""
    import pandas as pd

    cases = all_cases("practice") if cases is None else cases
    return pd.DataFrame([c.summary() for c in cases])
