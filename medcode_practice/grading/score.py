"""Verdicts and scores, and how they read in a notebook (HTML), a terminal (text) and JSON."""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import asdict, dataclass, field

# Error-type tags used by analytics; "exact", "alternative" and "optional" are not errors.
ERROR_TAGS = {
    "less_specific": "less specific or sibling code", "wrong_7th": "wrong 7th character",
    "wrong_laterality": "wrong laterality", "same_category": "same category only",
    "wrong_position": "correct code, wrong position", "missing": "missing code", "extra": "extra / over-coded",
    "invalid": "invalid or header code", "excludes1": "Excludes1 conflict", "ncci": "NCCI-bundled pair",
    "modifier": "wrong or missing modifier", "units": "wrong units", "em_level": "E/M level off",
    "pcs_axis": "PCS axis value differs", "billing": "billing answer wrong",
}
GOOD_TAGS = {"exact": "correct", "alternative": "accepted alternative", "optional": "optional (no penalty)"}


@dataclass
class Verdict:
    """One line of feedback: what was entered, what it earned, why."""

    part: str
    entered: str
    expected: str
    points: float
    max_points: float
    tag: str
    message: str
    safe_message: str = ""

    @property
    def is_error(self) -> bool:
        return self.tag in ERROR_TAGS


@dataclass
class Score:
    """The graded result of one answer to one case."""

    case_id: str
    mode: str
    total: float
    max: float
    items: list[Verdict] = field(default_factory=list)
    reveal: bool = True
    hidden: set[str] = field(default_factory=set, repr=False)  # key codes the learner did not enter

    @property
    def percent(self) -> float:
        return round(100.0 * self.total / self.max, 1) if self.max else 0.0

    @property
    def tags(self) -> Counter:
        """Count of error tags, for analytics."""
        return Counter(v.tag for v in self.items if v.is_error)

    def __float__(self) -> float:
        return float(self.total)

    def to_dict(self) -> dict:
        items = [asdict(v) for v in self.items]
        if not self.reveal:
            for item in items:
                item["expected"] = ""
                item["message"] = redact(item.pop("safe_message") or item["message"], self.hidden)
        else:
            for item in items:
                item.pop("safe_message", None)
        return {"case_id": self.case_id, "mode": self.mode, "total": self.total, "max": self.max,
                "percent": self.percent, "tags": dict(self.tags), "items": items}

    def _message(self, verdict: Verdict) -> str:
        return verdict.message if self.reveal else redact(verdict.safe_message or verdict.message, self.hidden)

    def to_text(self) -> str:
        """Render as plain text for the CLI."""
        lines = [f"{self.case_id} — {self.mode} mode — {_fmt(self.total)} / {_fmt(self.max)} ({self.percent}%)"]
        for v in self.items:
            label = GOOD_TAGS.get(v.tag) or ERROR_TAGS.get(v.tag, v.tag)
            points = f"{_fmt(v.points)}/{_fmt(v.max_points)}" if v.max_points or v.points else "  –  "
            entered = v.entered or "—"
            lines.append(f"  {'✓' if not v.is_error else '✗'} {v.part:<11} {entered:<14} {points:>9}  {label}: "
                         f"{self._message(v)}")
        return "\n".join(lines)

    def to_html(self) -> str:
        """Render as an HTML table for notebooks and Voila."""
        head = ("<tr><th>Part</th><th>You entered</th>" + ("<th>Key</th>" if self.reveal else "") +
                "<th>Points</th><th>Verdict</th><th>Why</th></tr>")
        rows = []
        for v in self.items:
            colour = "#e8f5e9" if not v.is_error else ("#fff8e1" if v.points > 0 else "#ffebee")
            label = GOOD_TAGS.get(v.tag) or ERROR_TAGS.get(v.tag, v.tag)
            cells = [v.part, v.entered or "—"] + ([v.expected or "—"] if self.reveal else []) + \
                    [f"{_fmt(v.points)} / {_fmt(v.max_points)}", label, self._message(v)]
            rows.append(f'<tr style="background:{colour}" class="mcp-verdict mcp-{v.tag}">' +
                        "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
        return (f'<div class="mcp-score"><b>{html.escape(self.case_id)}</b> — {self.mode} mode — '
                f'<span class="mcp-total">{_fmt(self.total)} / {_fmt(self.max)}</span> ({self.percent}%)'
                f'<table style="border-collapse:collapse;margin-top:4px" border="1" cellpadding="4">{head}'
                f'{"".join(rows)}</table></div>')

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"<Score {self.case_id}: {_fmt(self.total)}/{_fmt(self.max)} ({self.mode})>"


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def redact(text: str, secrets: set[str]) -> str:
    """Mask every key code in ``text`` (with or without its dot) so feedback cannot reveal the key."""
    if not secrets or not text:
        return text

    def mask(match: re.Match) -> str:
        token = match.group(0)
        bare = token.upper().replace(".", "")
        # A key code cut short ("T46.5X1" for T46.5X1A) reveals it too: mask any 4+ character start of one.
        hit = bare in secrets or (len(bare) >= 4 and any(s.startswith(bare) for s in secrets))
        return "[key code]" if hit else token

    return re.sub(r"\b[A-Za-z0-9]{1,3}\.?[A-Za-z0-9]{0,5}\b", mask, text)
