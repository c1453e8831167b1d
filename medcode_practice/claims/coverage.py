"""Medical necessity: a teaching coverage table (LCD/NCD-style) of service -> covered diagnosis prefixes.

>>> necessity("J3420", ["R53.83"], ["R53.83"]).verdict
'not_covered'
>>> necessity("J3420", ["R53.83"], ["R53.83", "D51.0"]).verdict
'pointer'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..codes._tables import authored, read_tsv

RELEASE = "MedCode Practice teaching coverage policies 2026 (LCD/NCD-style, not a MAC's text)"


@dataclass(frozen=True)
class CoveragePolicy:
    code: str
    policy: str
    covered_prefixes: tuple[str, ...]
    release: str = RELEASE

    def covers(self, diagnosis: str) -> bool:
        return diagnosis.upper().startswith(self.covered_prefixes)


@dataclass(frozen=True)
class Necessity:
    """The coverage answer for one line.

    ``verdict``: ``covered``; ``pointer`` (a covered diagnosis is on the claim but the line does not point to
    it); ``not_covered`` (no diagnosis on the claim supports the service); ``no_policy``.
    """

    code: str
    verdict: str
    policy: str = ""
    covering: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.verdict in ("covered", "no_policy")


@cache
def _table() -> dict[str, CoveragePolicy]:
    return {row["code"]: CoveragePolicy(row["code"], row["policy"],
                                        tuple(p.strip().upper() for p in row["covered_prefixes"].split(";") if p.strip()))
            for row in read_tsv(authored("lcd", "2026", "coverage_teaching.tsv"))}


def policy(code: str) -> CoveragePolicy | None:
    """Return the coverage policy for a service code, or None when the table has none."""
    return _table().get(code)


def policies() -> list[CoveragePolicy]:
    return list(_table().values())


def necessity(code: str, pointed: list[str], claim_diagnoses: list[str]) -> Necessity:
    """Judge one line: do the diagnoses it points to support the service under the coverage table?"""
    rule = policy(code)
    if rule is None:
        return Necessity(code, "no_policy")
    if any(rule.covers(dx) for dx in pointed):
        return Necessity(code, "covered", rule.policy)
    elsewhere = tuple(dx for dx in claim_diagnoses if rule.covers(dx))
    if elsewhere:
        return Necessity(code, "pointer", rule.policy, elsewhere)
    return Necessity(code, "not_covered", rule.policy)
