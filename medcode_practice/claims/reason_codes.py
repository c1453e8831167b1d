"""CARC and RARC codes: what an adjustment or remark means and what the biller does next (teaching set).

>>> carc("97").action
'correct and resubmit'
>>> rarc("N290").description.startswith("The rendering provider")
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..codes._tables import authored, read_tsv

GROUP_CODES = {"CO": "contractual obligation (the provider writes it off)",
               "PR": "patient responsibility (the patient, or a secondary plan, owes it)",
               "OA": "other adjustment", "PI": "payer-initiated reduction"}
RELEASE = "CARC/RARC teaching set 2026 (X12 code values, MedCode Practice descriptions)"
ACTIONS = ("correct and resubmit", "appeal", "write off", "bill patient", "bill other payer", "send records",
           "post only", "no action")


@dataclass(frozen=True)
class ReasonCode:
    kind: str
    code: str
    description: str
    action: str
    steps: str
    release: str = RELEASE

    def __str__(self) -> str:
        return f"{self.kind} {self.code}: {self.description}"


@cache
def _table() -> dict[tuple[str, str], ReasonCode]:
    return {(row["kind"], row["code"]): ReasonCode(row["kind"], row["code"], row["description"], row["action"],
                                                   row["steps"])
            for row in read_tsv(authored("carc", "2026", "carc_rarc.tsv"))}


def carc(code: str) -> ReasonCode | None:
    """Return a claim adjustment reason code, or None when the teaching set does not have it."""
    return _table().get(("CARC", str(code).strip().upper()))


def rarc(code: str) -> ReasonCode | None:
    """Return a remittance advice remark code, or None when the teaching set does not have it."""
    return _table().get(("RARC", str(code).strip().upper()))


def carcs() -> list[ReasonCode]:
    return [v for (kind, _), v in _table().items() if kind == "CARC"]


def rarcs() -> list[ReasonCode]:
    return [v for (kind, _), v in _table().items() if kind == "RARC"]


def describe(group: str, reason: str) -> str:
    """Return "CO-45: The charge is above ..." for an adjustment, whatever the code set knows of it."""
    found = carc(reason)
    text = found.description if found else "reason not in the teaching set (see the X12 CARC list)"
    return f"{group}-{reason}: {text}"
