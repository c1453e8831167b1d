"""Sample records: synthetic cases with verified answer keys, for lessons, exercises, apps and claims.

>>> from medcode_practice import records
>>> case = records.load("OP-0001")
>>> case.key.diagnosis_codes  # doctest: +SKIP
"""

from __future__ import annotations

from .loader import (CaseFormatError, UnknownCaseError, all_cases, assessment_dir, find, load, load_file, parse_case,
                     to_dataframe)
from .schema import (AnswerKey, BillingQuestion, Case, CommonError, EmLevel, Encounter, KeyCode, Patient, Payer,
                     Provider, ServiceLine)

__all__ = [
    "load", "find", "all_cases", "to_dataframe", "load_file", "parse_case", "assessment_dir",
    "Case", "AnswerKey", "KeyCode", "ServiceLine", "EmLevel", "BillingQuestion", "CommonError", "Patient", "Payer",
    "Encounter", "Provider", "CaseFormatError", "UnknownCaseError", "validate", "templates",
]


def __getattr__(name: str):
    import importlib

    if name in ("validate", "templates"):
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(name)
