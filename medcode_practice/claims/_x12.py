"""The X12 layer shared by the 837P and 835 modules: write segments, read them back, validate with pyx12.

Files are written one segment per line (``~`` then a newline), so a segment number is a line number and
every message can name both.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import threading
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

ELEMENT, COMPONENT, REPETITION, TERMINATOR = "*", ":", "^", "~"
_UNSAFE = re.compile(r"[*:~^\r\n\t]")
_SEGMENT_ID = re.compile(r"^[A-Z][A-Z0-9]{1,2}$")


class X12FileError(ValueError):
    """An X12 file that cannot be read; the message names the segment and the line."""

    def __init__(self, message: str, *, segment: str = "", line: int | None = None):
        where = f"line {line}" + (f", segment {segment}" if segment else "") + ": " if line else ""
        super().__init__(where + message)
        self.segment = segment
        self.line = line


def clean(value) -> str:
    """Return text safe inside an X12 element: delimiters and line breaks become spaces, runs collapse."""
    return " ".join(_UNSAFE.sub(" ", str(value if value is not None else "")).split())


def amount(value: Decimal) -> str:
    """Format money for X12 (R type): no trailing zeros, no exponent: 125.00 -> 125, 88.50 -> 88.5."""
    text = f"{Decimal(value):.2f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


class SegmentWriter:
    """Collect segments; a tuple element becomes a composite; trailing empty elements are dropped."""

    def __init__(self) -> None:
        self.segments: list[str] = []

    def add(self, segment_id: str, *elements) -> None:
        parts = [segment_id]
        for element in elements:
            if isinstance(element, (tuple, list)):
                pieces = [clean(e) for e in element]
                while pieces and not pieces[-1]:
                    pieces.pop()
                parts.append(COMPONENT.join(pieces))
            else:
                parts.append(clean(element))
        while len(parts) > 1 and not parts[-1]:
            parts.pop()
        self.segments.append(ELEMENT.join(parts))

    def add_adjustments(self, adjustments) -> None:
        """Write CAS segments for adjustments (group, reason, amount, quantity): one per group, six a segment."""
        groups: dict[str, list] = {}
        for item in adjustments:
            groups.setdefault(item.group, []).append(item)
        for group, items in groups.items():
            for start in range(0, len(items), 6):
                elements: list[str] = [group]
                for item in items[start:start + 6]:
                    elements += [item.reason, amount(item.amount), str(item.quantity) if item.quantity else ""]
                self.add("CAS", *elements)

    def __len__(self) -> int:
        return len(self.segments)


def envelope(body: list[str], *, functional_id: str, version: str, sender: str, receiver: str, control: int,
             when: date, test: bool = True) -> str:
    """Wrap transaction segments (ST..SE) in ISA/GS/GE/IEA; return the file text, one segment per line."""
    stamp = datetime(when.year, when.month, when.day, 12, 0)
    isa = ELEMENT.join(["ISA", "00", " " * 10, "00", " " * 10, "ZZ", clean(sender)[:15].ljust(15), "ZZ",
                        clean(receiver)[:15].ljust(15), stamp.strftime("%y%m%d"), stamp.strftime("%H%M"),
                        REPETITION, "00501", f"{control:09d}", "0", "T" if test else "P", COMPONENT])
    gs = ELEMENT.join(["GS", functional_id, clean(sender)[:15], clean(receiver)[:15], stamp.strftime("%Y%m%d"),
                       stamp.strftime("%H%M"), str(control), "X", version])
    segments = [isa, gs, *body, f"GE*1*{control}", f"IEA*1*{control:09d}"]
    return "".join(s + TERMINATOR + "\n" for s in segments)


# ------------------------------------------------------------------------------------------------- reading

@dataclass(frozen=True)
class Segment:
    id: str
    elements: tuple[str, ...]
    line: int
    number: int

    def get(self, position: int, default: str = "") -> str:
        """Return element ``position`` (1-based, as in CLM01), or ``default``."""
        return self.elements[position - 1] if 0 < position <= len(self.elements) else default

    def parts(self, position: int) -> list[str]:
        """Return the components of a composite element."""
        value = self.get(position)
        return value.split(COMPONENT) if value else []

    def amount(self, position: int, default: Decimal | None = None) -> Decimal:
        value = self.get(position)
        if not value:
            if default is not None:
                return default
            raise X12FileError(f"element {self.id}{position:02d} (an amount) is empty", segment=self.id, line=self.line)
        try:
            return Decimal(value).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise X12FileError(f"element {self.id}{position:02d} is {value!r}, not an amount", segment=self.id,
                               line=self.line) from None

    def integer(self, position: int, default: int | None = None) -> int | None:
        """Return a whole-number element (units, quantities); ``default`` when it is empty."""
        value = self.get(position)
        if not value:
            return default
        try:
            number = Decimal(value)
            if number != number.to_integral_value():
                raise InvalidOperation
            return int(number)
        except InvalidOperation:
            raise X12FileError(f"element {self.id}{position:02d} is {value!r}, not a whole number", segment=self.id,
                               line=self.line) from None

    def date(self, position: int) -> date:
        value = self.get(position)
        try:
            if not re.fullmatch(r"\d{8}", value):
                raise ValueError(value)
            return datetime.strptime(value, "%Y%m%d").date()
        except ValueError:
            raise X12FileError(f"element {self.id}{position:02d} is {value!r}, not a date (CCYYMMDD)",
                               segment=self.id, line=self.line) from None

    def __str__(self) -> str:
        return ELEMENT.join((self.id, *self.elements))


def parse(text: str, *, expect: str = "") -> list[Segment]:
    """Split an X12 interchange into segments, checking the envelope; raise X12FileError naming the line.

    ``expect`` is the transaction set id (``837`` or ``835``) the caller needs.
    """
    if not isinstance(text, str):
        raise X12FileError("expected the text of an X12 file")
    stripped = text.lstrip("\ufeff \r\n\t")
    offset_lines = text[: len(text) - len(stripped)].count("\n")
    if not stripped:
        raise X12FileError("the file is empty")
    if not stripped.startswith("ISA"):
        first = stripped.splitlines()[0][:20]
        raise X12FileError(f"an X12 file starts with an ISA segment; this one starts with {first!r}", line=1 + offset_lines)
    if len(stripped) < 106:
        raise X12FileError("the ISA segment is cut short (it is always 106 characters): the file is truncated",
                           segment="ISA", line=1 + offset_lines)
    element_sep = stripped[3]
    component_sep = stripped[104]
    terminator = stripped[105]
    if element_sep.isalnum() or terminator.isalnum():
        raise X12FileError("the ISA segment does not have the fixed layout (separators at positions 4, 105 and 106)",
                           segment="ISA", line=1 + offset_lines)
    segments: list[Segment] = []
    line = 1 + offset_lines
    position = 0
    number = 0
    while position < len(stripped):
        end = stripped.find(terminator, position)
        if end < 0:
            rest = stripped[position:]
            tail = rest.strip()
            if tail:
                seg_id = tail.split(element_sep)[0][:3]
                tail_line = line + rest[: len(rest) - len(rest.lstrip())].count("\n")
                raise X12FileError(f"the last segment has no terminator {terminator!r}: the file is truncated after "
                                   f"{segments[-1].id if segments else 'the start'}", segment=seg_id, line=tail_line)
            break
        raw = stripped[position:end]
        leading = len(raw) - len(raw.lstrip("\r\n\t "))
        line += raw[:leading].count("\n")
        body = raw.strip("\r\n\t ")
        if body:
            number += 1
            fields = body.split(element_sep)
            seg_id = fields[0]
            if not _SEGMENT_ID.match(seg_id):
                raise X12FileError(f"{body[:30]!r} is not a segment (a segment starts with a 2-3 letter id)",
                                   line=line)
            segments.append(Segment(seg_id, tuple(f.replace(component_sep, COMPONENT) if component_sep != COMPONENT
                                                   else f for f in fields[1:]), line, number))
        line += raw[leading:].count("\n")
        position = end + 1
    _check_envelope(segments, expect)
    return segments


def _check_envelope(segments: list[Segment], expect: str) -> None:
    ids = [s.id for s in segments]
    last = segments[-1]
    if ids[0] != "ISA":
        raise X12FileError("the file does not start with ISA", line=segments[0].line)
    for trailer, opener in (("IEA", "ISA"), ("GE", "GS"), ("SE", "ST")):
        if opener in ids and trailer not in ids:
            raise X12FileError(f"the {trailer} trailer that closes {opener} is missing: the file is truncated after "
                               f"{last.id}", segment=last.id, line=last.line)
    if "ST" not in ids:
        raise X12FileError("the file holds no transaction (no ST segment)", segment=last.id, line=last.line)
    start = None
    for index, segment in enumerate(segments):
        if segment.id == "ST":
            start = index
            if expect and segment.get(1) != expect:
                raise X12FileError(f"this is an X12 {segment.get(1) or '?'} transaction, not an {expect}",
                                   segment="ST", line=segment.line)
        elif segment.id == "SE":
            if start is None:
                raise X12FileError("SE without a matching ST", segment="SE", line=segment.line)
            counted = index - start + 1
            stated = segment.get(1)
            if stated != str(counted):
                raise X12FileError(f"SE01 says the transaction has {stated or 'no'} segments, but ST..SE holds "
                                   f"{counted}: segments were added, lost or cut", segment="SE", line=segment.line)
            if segment.get(2) != segments[start].get(2):
                raise X12FileError(f"SE02 {segment.get(2)!r} does not match ST02 {segments[start].get(2)!r}",
                                   segment="SE", line=segment.line)
            start = None
    if start is not None:
        raise X12FileError(f"the transaction that starts at line {segments[start].line} has no SE trailer: the file is "
                           f"truncated after {last.id}", segment=last.id, line=last.line)


# ---------------------------------------------------------------------------------------------- validation

_lock = threading.Lock()
_ERROR_LINE = re.compile(r"^Line:(\d+)\s+(?:ISA|GS|ST|SEG|ELE):\S*\s+-\s+(.*)$")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@functools.cache
def _cached_map_loader():
    import pyx12.map_if

    original = pyx12.map_if.load_map_file

    @functools.lru_cache(maxsize=16)
    def load(map_file: str, param, map_path=None):
        return original(map_file, param, map_path)

    return original, load


@functools.cache
def _params():
    import pyx12.params

    return pyx12.params.params()


def validate(text: str) -> list[str]:
    """Validate an X12 interchange with pyx12; return its error messages (empty: valid). Nothing goes to stderr.

    pyx12 parses its XML maps on every call (~0.25 s); the maps are read-only during validation, so they are
    loaded once and shared (map objects keep no per-document state: counts live in the walker).
    """
    import pyx12.map_if
    import pyx12.x12n_document

    handler = _Collect()
    logger = logging.getLogger("pyx12")
    original, cached = _cached_map_loader()
    with _lock:
        saved = (logger.propagate, logger.level)
        logger.addHandler(handler)
        logger.propagate = False
        logger.setLevel(logging.ERROR)
        pyx12.map_if.load_map_file = cached
        try:
            ok = pyx12.x12n_document.x12n_document(_params(), io.StringIO(text), None, None, None)
        except Exception as error:  # pyx12 raises on maps it does not have and on some broken files
            ok = False
            handler.messages.append(f"pyx12 could not read the file: {error}")
        finally:
            pyx12.map_if.load_map_file = original
            logger.removeHandler(handler)
            logger.propagate, level = saved[0], saved[1]
            logger.setLevel(level)
    messages = []
    for message in handler.messages:
        match = _ERROR_LINE.match(message)
        messages.append(f"line {match.group(1)}: {match.group(2)}" if match else message)
    if not ok and not messages:
        messages.append("pyx12 rejected the file without a message")
    return messages
