"""Errors a learner can act on: each message says what is wrong with the code and what to do."""

from __future__ import annotations


class CodeError(ValueError):
    """A code that cannot be used as entered; ``str(error)`` is the learner-facing reason."""

    kind = "invalid"

    def __init__(self, message: str, *, code: str = "", system: str = "", suggestions: list[str] | None = None):
        super().__init__(message)
        self.code = code
        self.system = system
        self.suggestions = suggestions or []


class MalformedCodeError(CodeError):
    """The text does not have the shape of any code system taught here."""

    kind = "malformed"


class UnknownCodeError(CodeError):
    """The text has a code's shape but no such code exists in the code set."""

    kind = "unknown"


class NotBillableError(CodeError):
    """The code is a header (category or subcategory) with more specific codes below it."""

    kind = "header"


class SeventhCharacterError(NotBillableError):
    """An ICD-10-CM code that requires a 7th character was entered without one."""

    kind = "seventh_character"


class PlaceholderError(CodeError):
    """An ICD-10-CM code that needs placeholder X before its 7th character was entered without it."""

    kind = "placeholder"


class InvalidAxisValueError(CodeError):
    """An ICD-10-PCS character is not a valid value for its axis at that point in the tables."""

    kind = "pcs_axis"


class WrongSystemError(CodeError):
    """A valid code from another system was entered where this field expects a different one."""

    kind = "wrong_system"
