"""Read the CMS HCPCS Level II quarterly file in its fixed-width "record layout" form.

CMS publishes HCPCS Level II each quarter as a zip holding, among other things, a fixed-width text file named
like ``HCPC2026_JAN_ANWEB.txt``. Each record is 320 characters; a code whose long description does not fit in
one record continues on the next records with the same code. The file is Latin-1, not UTF-8.

Columns used (1-based, inclusive):

====================  =======  ==============================================================
field                 columns  notes
====================  =======  ==============================================================
code                  1-5      modifiers use columns 1-2 and leave 3-5 blank
sequence number       6-10     increases along a code's records
record identifier     11       3 procedure, 4 procedure continuation, 7 modifier, 8 modifier
                               continuation
long description      12-91    continued on the following records of the same code
short description     92-119   28 characters at most
added date            269-276  YYYYMMDD
action effective date 277-284  YYYYMMDD
termination date      285-292  YYYYMMDD, blank while the code is active
action code           293      A add, C change, D discontinue, N no change, P payment change,
                               R reactivate, S short descriptor change, T miscellaneous change
====================  =======  ==============================================================

Pricing, coverage and the other columns are not read.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass

RECORD_LENGTH = 320
_PROCEDURE, _PROCEDURE_CONTINUED, _MODIFIER, _MODIFIER_CONTINUED = "3", "4", "7", "8"
_FIRST_RECORDS = {_PROCEDURE, _MODIFIER}
_CONTINUES = {_PROCEDURE_CONTINUED: _PROCEDURE, _MODIFIER_CONTINUED: _MODIFIER}

# 0-based slices for the 1-based columns in the module docstring.
_CODE = slice(0, 5)
_RECORD_ID = 10
_LONG = slice(11, 91)
_SHORT = slice(91, 119)
_DATES = (
    ("added date", slice(268, 276), "269-276"),
    ("action effective date", slice(276, 284), "277-284"),
    ("termination date", slice(284, 292), "285-292"),
)
_ACTION = 292


@dataclass(frozen=True)
class HcpcsRecord:
    """One HCPCS Level II code or modifier as the CMS quarterly file gives it, continuations joined.

    ``termination_date`` is set (and ``action_code`` is usually ``"D"``) for a code discontinued in that
    release; ``is_modifier`` tells a two-character modifier (``LT``) from a five-character code (``J1885``).
    """

    code: str
    long_description: str
    short_description: str
    is_modifier: bool
    added_date: datetime.date | None
    action_effective_date: datetime.date | None
    termination_date: datetime.date | None
    action_code: str


class HcpcsFileError(ValueError):
    """A record of the CMS HCPCS file that cannot be read; the message starts with its line number.

    Example message: ``line 7: record identifier 'Z' is not 3, 4, 7 or 8``.
    """

    def __init__(self, line_number: int, problem: str):
        super().__init__(f"line {line_number}: {problem}")
        self.line_number = line_number
        self.problem = problem


def parse_cms_hcpcs_file(path: str | os.PathLike) -> list[HcpcsRecord]:
    """Read a CMS HCPCS quarterly fixed-width file and return its codes and modifiers in file order.

    Continuation records (identifier 4 or 8) are joined to the record before them, with single spaces, into one
    long description. Blank lines are skipped and lines shorter than 320 characters are padded with spaces, as
    editors and download tools often strip trailing blanks.

    Args:
        path: the ``HCPC<year>_<month>_ANWEB.txt`` file (or any file in that record layout).

    Returns:
        One ``HcpcsRecord`` per procedure code or modifier.

    Raises:
        HcpcsFileError: a line is too short to hold the code and record identifier, has a record identifier
            other than 3, 4, 7 or 8, has a code of the wrong length, continues a code that has no first record,
            or has a date that is not YYYYMMDD.

    Example:
        >>> records = parse_cms_hcpcs_file("HCPC2026_JAN_ANWEB.txt")  # doctest: +SKIP
        >>> next(r for r in records if r.code == "J1885").short_description  # doctest: +SKIP
        'Ketorolac tromethamine inj'
    """
    records: list[HcpcsRecord] = []
    current: dict | None = None
    with open(path, encoding="latin-1", newline="") as handle:
        for line_number, raw in enumerate(handle, start=1):
            line = raw.rstrip("\r\n")
            # Some CMS downloads end with a DOS end-of-file mark (Ctrl-Z); treat it like a blank line.
            if not line.replace("\x1a", "").strip():
                continue
            if len(line) <= _RECORD_ID:
                raise HcpcsFileError(line_number, f"record is {len(line)} characters long, too short to hold the "
                                                  f"code (columns 1-5) and record identifier (column 11)")
            line = line.ljust(RECORD_LENGTH)
            code = line[_CODE].strip()
            record_id = line[_RECORD_ID]
            if record_id not in _FIRST_RECORDS and record_id not in _CONTINUES:
                raise HcpcsFileError(line_number, f"record identifier {record_id!r} is not 3, 4, 7 or 8")
            is_modifier = record_id in (_MODIFIER, _MODIFIER_CONTINUED)
            _check_code(line_number, line, code, is_modifier)
            description = " ".join(line[_LONG].split())

            if record_id in _CONTINUES:
                if current is None or current["code"] != code:
                    raise HcpcsFileError(line_number, f"continuation of {code} with no first record")
                if current["record_id"] != _CONTINUES[record_id]:
                    kind = "modifier" if is_modifier else "procedure"
                    raise HcpcsFileError(line_number, f"{kind} continuation (identifier {record_id}) of {code}, "
                                                      f"whose first record has identifier {current['record_id']}")
                if description:
                    current["parts"].append(description)
                continue

            if current is not None:
                records.append(_finish(current))
            added, effective, terminated = (_parse_date(line_number, line[span], name, columns)
                                            for name, span, columns in _DATES)
            current = {
                "code": code, "record_id": record_id, "parts": [description] if description else [],
                "short": line[_SHORT].strip(), "is_modifier": is_modifier, "added": added,
                "effective": effective, "terminated": terminated, "action": line[_ACTION].strip(),
            }
    if current is not None:
        records.append(_finish(current))
    return records


def _check_code(line_number: int, line: str, code: str, is_modifier: bool) -> None:
    if not code:
        raise HcpcsFileError(line_number, "no code in columns 1-5")
    if is_modifier:
        if len(code) != 2 or line[2:5].strip():
            raise HcpcsFileError(line_number, f"modifier {code!r} must be 2 characters in columns 1-2, "
                                              f"with columns 3-5 blank")
    elif len(code) != 5 or " " in code:
        raise HcpcsFileError(line_number, f"procedure code {code!r} must be 5 characters in columns 1-5")


def _parse_date(line_number: int, text: str, name: str, columns: str) -> datetime.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        if len(text) != 8 or not text.isdigit():
            raise ValueError
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise HcpcsFileError(line_number, f"{name} {text!r} (columns {columns}) is not a date in YYYYMMDD "
                                          f"form") from None


def _finish(current: dict) -> HcpcsRecord:
    return HcpcsRecord(
        code=current["code"], long_description=" ".join(current["parts"]),
        short_description=current["short"], is_modifier=current["is_modifier"], added_date=current["added"],
        action_effective_date=current["effective"], termination_date=current["terminated"],
        action_code=current["action"])
