"""Grading: fair, explained scores for coded answers, in learning (partial credit) or exam mode.

>>> from medcode_practice import grading
>>> score = grading.grade("OP-0001", "E11.22, N18.31")   # doctest: +SKIP
"""

from .answer import Answer, EnteredLine, parse_answer
from .engine import MODES, grade, key_answer, max_points, relation
from .score import ERROR_TAGS, Score, Verdict, redact

__all__ = ["grade", "key_answer", "max_points", "parse_answer", "relation", "Score", "Verdict", "Answer",
           "EnteredLine", "ERROR_TAGS", "MODES", "redact"]
