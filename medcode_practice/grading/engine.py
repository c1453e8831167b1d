"""Grade an answer against a case key, item by item, in learning or exam mode.

Learning mode gives partial credit along the specificity ladder, scores principal-diagnosis sequencing as its
own point, scores a service line's code, modifiers and units separately, and makes over-coding cost points
(each part earns correct × key / max(entered, key)). Optional codes are never penalised. Exam mode is
all-or-nothing per code, like the certification exams.

>>> grade("OP-0001", "E11.22, N18.31").max > 0   # doctest: +SKIP
True
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..codes import CodeError, icd10cm, icd10pcs, modifiers
from ..records import Case, load
from .answer import Answer, EnteredLine, parse_answer
from .score import Score, Verdict

MODES = ("learning", "exam")
_SIDE = re.compile(r"\b(right|left|bilateral|unspecified side|unspecified ear|unspecified eye|"
                   r"unspecified upper limb|unspecified lower limb)\b", re.IGNORECASE)
LEARNING_CREDIT = {"exact": 1.0, "alternative": 1.0, "wrong_7th": 0.5, "wrong_laterality": 0.5,
                   "less_specific": 0.5, "same_category": 0.25}


# ----------------------------------------------------------------------------------------------- relations
@lru_cache(maxsize=65536)
def _icd(code: str, year: str):
    try:
        return icd10cm.lookup(code, year)
    except (CodeError, ValueError):
        return None


@lru_cache(maxsize=65536)
def _icd_problem(code: str, year: str) -> str | None:
    try:
        icd10cm.check(code, year)
        return None
    except CodeError as error:
        return str(error)


@lru_cache(maxsize=65536)
def relation(entered: str, expected: str, year: str) -> str | None:
    """Name how an entered ICD-10-CM code relates to the expected one, or None if unrelated."""
    if entered == expected:
        return "exact"
    a, b = entered.replace(".", ""), expected.replace(".", "")
    if len(a) == 7 and len(b) == 7 and a[:6] == b[:6]:
        return "wrong_7th"
    if a[:3] != b[:3]:
        return None
    first, second = _icd(entered, year), _icd(expected, year)
    if first and second and _SIDE.search(first.description) and _SIDE.search(second.description):
        if _SIDE.sub("", first.description) == _SIDE.sub("", second.description):
            return "wrong_laterality"
    if first and second and (first.parent == second.parent or b.startswith(a) or a.startswith(b)):
        return "less_specific"
    return "same_category"


def _pcs_axes_differ(entered: str, expected: str) -> list[int]:
    return [i for i in range(7) if entered[i] != expected[i]]


# ----------------------------------------------------------------------------------------------- helpers
@lru_cache(maxsize=4096)
def _secrets(key) -> frozenset[str]:
    codes = set(key.diagnosis_codes) | {p.code for p in key.procedures} | {p.code for p in key.pcs}
    codes |= {a.code for a in key.alternatives} | ({key.em.code} if key.em else set())
    return frozenset(c.upper().replace(".", "") for c in codes)


def _common_error(case: Case, code: str) -> str | None:
    """Return the case's explanation for a known wrong answer (its code may carry a modifier: "45385-33")."""
    wanted = code.upper().replace(".", "")
    for error in case.key.common_errors:
        listed = re.split(r"[\s\-x×*]", error.code.strip().upper(), maxsplit=1)[0].replace(".", "")
        if listed == wanted:
            return error.why
    return None


def _ncci_note(entered: str, key_codes: list[str]) -> str | None:
    try:
        from ..codes import ncci
    except ImportError:
        return None
    for other in key_codes:
        pair = ncci.pair(other, entered)
        if pair:
            return pair
    return None


class _Grader:
    def __init__(self, case: Case, mode: str, reveal: bool):
        self.case, self.mode, self.reveal = case, mode, reveal
        self.year = case.key.code_set_year
        self.items: list[Verdict] = []

    def add(self, part, entered, expected, points, max_points, tag, message, safe=None):
        # Safe messages are redacted when a Score is shown without the key, not here (grading stays fast).
        self.items.append(Verdict(part, entered, expected, round(points, 4), max_points, tag, message,
                                  message if safe is None else safe))

    def credit(self, tag: str) -> float:
        if self.mode == "exam":
            return 1.0 if tag in ("exact", "alternative") else 0.0
        return LEARNING_CREDIT.get(tag, 0.0)

    # --- diagnoses ----------------------------------------------------------------------------------------
    def diagnoses(self, answer: Answer, invalid_dx: list[tuple[str, str]]) -> None:
        key = self.case.key
        if not key.diagnoses and not answer.diagnoses:
            return
        expected = [d.code for d in key.diagnoses]
        alternatives = {}
        for alt in key.alternatives:
            alternatives.setdefault(alt.instead_of, set()).add(alt.code)
        optional = {o.code for o in key.optional}
        remaining = list(dict.fromkeys(answer.diagnoses))  # duplicates count once
        matched: dict[int, tuple[str, str]] = {}
        # Pass 1: exact codes and accepted alternatives.
        for index, code in enumerate(expected):
            for candidate in remaining:
                if candidate == code or candidate in alternatives.get(code, ()):
                    matched[index] = (candidate, "exact" if candidate == code else "alternative")
                    remaining.remove(candidate)
                    break
        # Pass 2: the best partial relation for each key code still open.
        order = {"wrong_7th": 0, "wrong_laterality": 1, "less_specific": 2, "same_category": 3}
        for index, code in enumerate(expected):
            if index in matched:
                continue
            options = [(order[r], c, r) for c in remaining if c not in optional
                       and (r := relation(c, code, self.year)) in order and _icd_problem(c, self.year) is None]
            if options:
                _, candidate, rel = min(options)
                matched[index] = (candidate, rel)
                remaining.remove(candidate)
        earned = 0.0
        for index, item in enumerate(key.diagnoses):
            role = "principal/first-listed" if index == 0 else f"diagnosis {index + 1}"
            if index not in matched:
                self.add("diagnoses", "", item.code, 0.0, 1.0, "missing",
                         f"Missing {item.code} ({role}): {item.rationale}",
                         f"A {role} supported by the documentation is missing. {item.rationale}")
                continue
            entered, rel = matched[index]
            points = self.credit(rel)
            if self.mode == "exam" and index == 0 and answer.diagnoses and answer.diagnoses[0] != entered:
                points = 0.0
            earned += points
            self.add("diagnoses", entered, item.code, points, 1.0, rel, *self._dx_message(entered, item, rel))
        # Optional, invalid and extra codes.
        extras = 0
        entered_all = list(dict.fromkeys(answer.diagnoses))
        for code in remaining:
            if code in optional:
                reason = next((o.rationale for o in key.optional if o.code == code), "")
                self.add("diagnoses", code, code, 0.0, 0.0, "optional", f"{code} is optional here. {reason}".strip())
                continue
            extras += 1
            problem = _icd_problem(code, self.year)
            if problem:
                self.add("diagnoses", code, "", 0.0, 0.0, "invalid", problem)
                continue
            note = None
            for other in entered_all:
                if other != code and (conflict := icd10cm.excludes1_conflict(code, other, self.year)):
                    note = f"{code} and {other} cannot be coded together: Excludes1 at {conflict.source} " \
                           f"({conflict.text})."
                    break
            why = _common_error(self.case, code)
            if note:
                self.add("diagnoses", code, "", 0.0, 0.0, "excludes1", note + (f" {why}" if why else ""))
            else:
                self.add("diagnoses", code, "", 0.0, 0.0, "extra",
                         why or f"{code} is not supported as a reportable diagnosis for this encounter "
                                f"(over-coding costs points).")
        for token, reason in invalid_dx:
            extras += 1
            self.add("diagnoses", token, "", 0.0, 0.0, "invalid", reason)
        self._overcoding("diagnoses", earned, len(expected), len(matched) + extras)
        if self.mode == "learning" and expected:
            self._sequencing(answer, expected, alternatives)

    def _dx_message(self, entered: str, item, rel: str) -> tuple[str, str]:
        if rel == "exact":
            return f"{entered} — {item.rationale}", f"{entered} is right."
        if rel == "alternative":
            return f"{entered} is accepted in place of {item.code}.", f"{entered} is accepted."
        info = _icd(entered, self.year)
        desc = info.description if info else ""
        why = _common_error(self.case, entered)
        if rel == "wrong_7th":
            seventh = (info.seventh_characters.get(entered[-1], "") if info else "")
            msg = f"{entered} has the wrong 7th character ({entered[-1]} = {seventh}); the encounter calls for " \
                  f"{item.code}. {item.rationale}"
            safe = f"{entered}: the 7th character {entered[-1]} ({seventh}) does not fit this encounter."
        elif rel == "wrong_laterality":
            msg = f"{entered} ({desc}) is the wrong side: the record supports {item.code}."
            safe = f"{entered} ({desc}): check laterality — the record documents a different side."
        elif rel == "less_specific":
            msg = f"{entered} ({desc}) is close but not the code the documentation supports: {item.code}. " \
                  f"{item.rationale}"
            safe = f"{entered} ({desc}) is in the right family but is not the most specific code documented."
        else:
            msg = f"{entered} ({desc}) is in the right category only; the record supports {item.code}."
            safe = f"{entered} ({desc}) is in the right category only; re-read the documentation for specifics."
        if why:
            msg += f" {why}"
            safe += f" {why}"
        return msg, safe

    def _sequencing(self, answer: Answer, expected: list[str], alternatives: dict) -> None:
        principal = expected[0]
        first = answer.diagnoses[0] if answer.diagnoses else ""
        label = "principal" if self.case.is_inpatient else "first-listed"
        if first == principal or first in alternatives.get(principal, ()):
            self.add("sequencing", first, principal, 1.0, 1.0, "exact", f"{first} is correctly sequenced {label}.")
        elif principal in answer.diagnoses:
            guide = "Section II (principal diagnosis)" if self.case.is_inpatient else "Section IV (first-listed)"
            self.add("sequencing", first, principal, 0.0, 1.0, "wrong_position",
                     f"{principal} should be listed first ({label} diagnosis, guidelines {guide}); you listed "
                     f"{first or 'nothing'} first.",
                     f"The {label} diagnosis is in your answer but not first (guidelines {guide}).")
        else:
            self.add("sequencing", first, principal, 0.0, 1.0, "missing",
                     f"The {label} diagnosis {principal} is not in your answer.",
                     f"Your first-listed code {first or '(none)'} is not the {label} diagnosis.")

    def _overcoding(self, part: str, earned: float, key_count: int, entered_count: int) -> None:
        if entered_count <= key_count or earned <= 0:
            return
        kept = earned * key_count / entered_count
        penalty = earned - kept
        self.add(part, "", "", -penalty, 0.0, "extra",
                 f"Over-coding: {entered_count} codes entered for {key_count} supported, so this part earns "
                 f"{key_count}/{entered_count} of its credit.")

    # --- service lines --------------------------------------------------------------------------------------
    def procedures(self, answer: Answer, invalid_px: list[tuple[str, str]]) -> None:
        key = self.case.key
        if not key.procedures and not answer.procedures:
            return
        alternatives = {}
        for alt in key.alternatives:
            alternatives.setdefault(alt.instead_of, set()).add(alt.code)
        optional = {o.code for o in key.optional}
        remaining = list(answer.procedures)
        earned, matched_count = 0.0, 0
        for line in key.procedures:
            same = [e for e in remaining if e.code == line.code or e.code in alternatives.get(line.code, ())]
            # Of several lines with the same code, the one closest to the key line is the match (order-free).
            found = max(same, key=lambda e: (e.code == line.code, set(e.modifiers) == set(line.modifiers),
                                             e.units == line.units)) if same else None
            rel = "exact" if found and found.code == line.code else "alternative" if found else None
            if found is None:
                found = self._near_service(remaining, line.code)
                rel = "em_level" if found else None
            line_max = 1.0 + (0.5 if line.modifiers else 0.0) + (0.5 if line.units > 1 else 0.0)
            if found is None:
                self.add("procedures", "", self._show_line(line), 0.0, line_max, "missing",
                         f"Missing {self._show_line(line)}: {line.rationale}",
                         f"A service documented in the record is missing. {line.rationale}")
                continue
            remaining.remove(found)
            matched_count += 1
            earned += self._score_line(found, line, rel, line_max)
        extras = 0
        key_codes = [p.code for p in key.procedures]
        for entered in remaining:
            if entered.code in optional:
                self.add("procedures", self._show(entered), entered.code, 0.0, 0.0, "optional",
                         f"{entered.code} is optional here.")
                continue
            extras += 1
            ncci = _ncci_note(entered.code, key_codes)
            why = _common_error(self.case, entered.code)
            if ncci:
                self.add("procedures", self._show(entered), "", 0.0, 0.0, "ncci", ncci + (f" {why}" if why else ""))
            else:
                self.add("procedures", self._show(entered), "", 0.0, 0.0, "extra",
                         why or f"{entered.code} is not supported by the documentation as a separate service.")
        for token, reason in invalid_px:
            extras += 1
            self.add("procedures", token, "", 0.0, 0.0, "invalid", reason)
        self._overcoding("procedures", earned, len(key.procedures), matched_count + extras)

    @staticmethod
    def _near_service(remaining: list[EnteredLine], code: str) -> EnteredLine | None:
        """An E/M code of the same family one level off (99213 for 99214) earns partial credit in learning."""
        if not (code.isdigit() and code.startswith("99")):
            return None
        for entered in remaining:
            if entered.code.isdigit() and entered.code[:4] == code[:4] and abs(int(entered.code) - int(code)) == 1:
                return entered
        return None

    @staticmethod
    def _show(line: EnteredLine) -> str:
        return line.code + "".join(f"-{m}" for m in line.modifiers) + (f" x{line.units}" if line.units != 1 else "")

    @staticmethod
    def _show_line(line) -> str:
        return line.code + "".join(f"-{m}" for m in line.modifiers) + (f" x{line.units}" if line.units != 1 else "")

    def _score_line(self, entered: EnteredLine, line, rel: str, line_max: float) -> float:
        shown = self._show(entered)
        expected_text = self._show_line(line)
        want_mods, got_mods = set(line.modifiers), set(entered.modifiers)
        mods_right = want_mods == got_mods
        units_right = entered.units == line.units
        why = _common_error(self.case, entered.code)
        if rel == "em_level":
            level = "higher" if int(entered.code) > int(line.code) else "lower"
            msg = f"{entered.code} is one E/M level {level} than the documentation supports ({line.code}). " \
                  f"{line.rationale}"
            safe = f"{entered.code}: the E/M level is one step {level} than the documented MDM/time supports."
            points = 0.5 if self.mode == "learning" else 0.0
            self.add("procedures", shown, expected_text, points, line_max, "em_level", msg, safe)
            return points
        if self.mode == "exam":
            points = 1.0 * line_max if (mods_right and units_right) else 0.0
            tag = rel if points else ("modifier" if not mods_right else "units")
            msg = f"{shown}: " + ("right." if points else self._line_problem(entered, line))
            self.add("procedures", shown, expected_text, points, line_max, tag, msg + f" {line.rationale}",
                     f"{shown}: " + ("right." if points else self._line_problem(entered, line, safe=True)))
            return points
        points = 1.0
        notes, safe_notes, tag = [], [], rel
        if line.modifiers:
            if mods_right:
                points += 0.5
            elif want_mods & got_mods:
                points += 0.25
                tag = "modifier"
            else:
                tag = "modifier"
        elif got_mods:
            points -= 0.25
            tag = "modifier"
        if not mods_right:
            notes.append(self._line_problem(entered, line, part="modifiers"))
            safe_notes.append(self._line_problem(entered, line, part="modifiers", safe=True))
        if line.units > 1:
            if units_right:
                points += 0.5
            else:
                tag = "units" if tag in ("exact", "alternative") else tag
        elif not units_right:
            points -= 0.25
            tag = "units" if tag in ("exact", "alternative") else tag
        if not units_right:
            notes.append(self._line_problem(entered, line, part="units"))
            safe_notes.append(self._line_problem(entered, line, part="units", safe=True))
        if why and tag not in ("exact", "alternative"):
            notes.append(why)
            safe_notes.append(why)
        head = f"{shown} — {line.rationale}" if not notes else f"{shown}: " + " ".join(notes)
        safe_head = f"{shown} is right." if not safe_notes else f"{shown}: " + " ".join(safe_notes)
        self.add("procedures", shown, expected_text, max(points, 0.0), line_max, tag, head, safe_head)
        return max(points, 0.0)

    @staticmethod
    def _line_problem(entered: EnteredLine, line, part: str = "", safe: bool = False) -> str:
        out = []
        if part in ("", "modifiers") and set(entered.modifiers) != set(line.modifiers):
            missing = [m for m in line.modifiers if m not in entered.modifiers]
            unknown = [m for m in entered.modifiers if m not in line.modifiers and not modifiers.is_valid(m)]
            extra = [m for m in entered.modifiers if m not in line.modifiers and m not in unknown]
            if unknown:
                out.append(f"{', '.join('-' + m for m in unknown)} is not a CPT or HCPCS modifier")
            if safe:
                if extra:
                    out.append(f"modifier {', '.join('-' + m for m in extra)} is not supported here")
                if missing:
                    out.append("a modifier the documentation calls for is missing")
            else:
                if missing:
                    out.append(f"needs modifier {', '.join('-' + m for m in missing)}")
                if extra:
                    out.append(f"modifier {', '.join('-' + m for m in extra)} does not belong")
        if part in ("", "units") and entered.units != line.units:
            out.append(f"units {entered.units} do not match the documented dose/quantity" + (
                "" if safe else f" ({line.units})"))
        return "; ".join(out) + "." if out else ""

    # --- PCS --------------------------------------------------------------------------------------------------
    def pcs(self, answer: Answer, invalid_pcs: list[tuple[str, str]]) -> None:
        key = self.case.key
        if not key.pcs and not answer.pcs:
            return
        remaining = list(dict.fromkeys(answer.pcs))
        earned, matched = 0.0, 0
        for item in key.pcs:
            if item.code in remaining:
                remaining.remove(item.code)
                matched += 1
                earned += 1.0
                self.add("pcs", item.code, item.code, 1.0, 1.0, "exact", f"{item.code} — {item.rationale}",
                         f"{item.code} is right.")
                continue
            near = [(len(_pcs_axes_differ(c, item.code)), c) for c in remaining if icd10pcs.is_valid(c)]
            near = [n for n in near if n[0] <= 2 and n[1][:3] == item.code[:3]]
            if near:
                differ, code = min(near)
                remaining.remove(code)
                matched += 1
                points = (0.5 if differ == 1 else 0.25) if self.mode == "learning" else 0.0
                earned += points
                axes = [icd10pcs.AXES[i] for i in _pcs_axes_differ(code, item.code)]
                mine = icd10pcs.decode(code)
                chosen = ", ".join(f"{a} = {mine.axes[icd10pcs.AXES.index(a)].meaning}" for a in axes)
                self.add("pcs", code, item.code, points, 1.0, "pcs_axis",
                         f"{code}: {', '.join(axes)} differ from {item.code}. {item.rationale}",
                         f"{code}: your {chosen} does not match the documentation.")
                continue
            self.add("pcs", "", item.code, 0.0, 1.0, "missing", f"Missing {item.code}: {item.rationale}",
                     "A procedure documented in the record is missing.")
        extras = 0
        for code in remaining:
            extras += 1
            self.add("pcs", code, "", 0.0, 0.0, "extra", f"{code} is not supported as a separately coded procedure.")
        for token, reason in invalid_pcs:
            extras += 1
            self.add("pcs", token, "", 0.0, 0.0, "invalid", reason)
        self._overcoding("pcs", earned, len(key.pcs), matched + extras)

    # --- billing questions ----------------------------------------------------------------------------------
    def billing(self, answer: Answer) -> None:
        for index, question in enumerate(self.case.key.billing):
            given = answer.billing.get(index)
            right = given is not None and given.strip().lower() == question.answer.strip().lower()
            self.add("billing", given or "", question.answer, 1.0 if right else 0.0, 1.0,
                     "exact" if right else ("billing" if given else "missing"),
                     f"{question.question} — {question.rationale}",
                     f"{question.question} — " + ("right." if right else "not the best answer; review the notes."))


def grade(case: Case | str, answer, mode: str = "learning", reveal: bool | None = None,
          parts: tuple[str, ...] | None = None) -> Score:
    """Grade ``answer`` against the key of ``case`` (a Case or an id) and return a Score.

    ``mode`` is ``learning`` (partial credit) or ``exam`` (all-or-nothing per code). ``reveal`` shows key codes in
    feedback; it defaults to True for practice cases and False for assessment cases. ``parts`` limits grading to
    some of diagnoses, procedures, pcs, billing (default: every part the key has; billing only when answered).
    Bad input never raises: unreadable tokens are reported as invalid items.
    """
    if mode not in MODES:
        raise ValueError(f"mode {mode!r} is not learning or exam")
    case = load(case) if isinstance(case, str) else case
    reveal = (case.pool == "practice") if reveal is None else reveal
    parsed = answer if isinstance(answer, Answer) else parse_answer(answer)
    grader = _Grader(case, mode, reveal)
    wanted = set(parts or ("diagnoses", "procedures", "pcs"))
    if parts is None and parsed.billing:
        wanted.add("billing")
    invalid = {"diagnoses": [], "procedures": [], "pcs": []}
    for token, reason in parsed.invalid:
        target = "procedures" if (case.key.procedures and not case.key.diagnoses) else "diagnoses"
        if re.match(r"^\d", token.strip()) and (case.key.procedures or case.key.pcs):
            target = "pcs" if case.key.pcs and len(token.strip()) == 7 else "procedures"
        invalid[target].append((token, reason))
    if "diagnoses" in wanted:
        grader.diagnoses(parsed, invalid["diagnoses"])
    if "procedures" in wanted:
        grader.procedures(parsed, invalid["procedures"])
    if "pcs" in wanted:
        grader.pcs(parsed, invalid["pcs"])
    if "billing" in wanted:
        grader.billing(parsed)
    total = round(max(0.0, sum(v.points for v in grader.items)), 4)
    maximum = round(sum(v.max_points for v in grader.items), 4)
    entered = {c.replace(".", "") for c in parsed.diagnoses + parsed.pcs} | {line.code for line in parsed.procedures}
    hidden = set() if reveal else set(_secrets(case.key)) - entered
    return Score(case.id, mode, min(total, maximum), maximum, grader.items, reveal, hidden)


def max_points(case: Case | str, mode: str = "learning", parts: tuple[str, ...] | None = None) -> float:
    """Return the points the key itself earns (the most any answer can)."""
    case = load(case) if isinstance(case, str) else case
    return grade(case, key_answer(case), mode=mode, parts=parts).max


def key_answer(case: Case) -> dict:
    """Return the key as an answer mapping (used by tests and by 'show me' buttons on practice cases)."""
    return {
        "diagnoses": [d.code for d in case.key.diagnoses],
        "procedures": [p.code + "".join(f"-{m}" for m in p.modifiers) + (f" x{p.units}" if p.units != 1 else "")
                       for p in case.key.procedures],
        "pcs": [p.code for p in case.key.pcs],
    }
