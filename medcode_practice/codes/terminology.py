"""Medical terminology: word parts (prefixes, roots, suffixes), abbreviations, and reading a term by its parts.

Data: ``codesets/terminology/2026/word_parts.tsv`` and ``abbreviations.tsv``, written by MedCode Practice
contributors (see the SOURCE.md beside them). Roots are written as combining forms (``gastr/o``: the root
``gastr`` and the combining vowel ``o``), prefixes end in a hyphen (``hyper-``) and suffixes start with one
(``-ectomy``).

>>> [part for part, kind, meaning in explain("cholecystectomy")]
['chole', 'cyst', '-ectomy']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from ._tables import authored, read_tsv

RELEASE = "2026"
TYPES = ("prefix", "root", "suffix")
UNKNOWN = "unknown"
_VOWELS = set("aeiouy")


@dataclass(frozen=True)
class WordPart:
    """One word part as a glossary lists it: ``gastr/o``, root, stomach, example ``gastritis``."""

    part: str
    type: str
    meaning: str
    example: str = ""
    body_system: str = ""
    release: str = RELEASE

    @property
    def stem(self) -> str:
        """The letters that appear in a word: ``gastr`` for ``gastr/o``, ``hyper`` for ``hyper-``."""
        return self.part.strip("-").split("/")[0]

    @property
    def combining_vowel(self) -> str:
        """The vowel a root takes before a consonant (``o`` in ``gastr/o``), or ``""``."""
        return self.part.split("/", 1)[1] if "/" in self.part else ""


@dataclass(frozen=True)
class Abbreviation:
    """A clinical abbreviation, what it stands for, and a caution when it is ambiguous or on a do-not-use list."""

    abbreviation: str
    meaning: str
    caution: str = ""
    release: str = RELEASE

    @property
    def do_not_use(self) -> bool:
        return "do not use" in self.caution.lower()


@cache
def word_parts() -> tuple[WordPart, ...]:
    """Return every word part in the glossary, in file order (prefixes, roots, suffixes)."""
    out = []
    for row in read_tsv(authored("terminology", RELEASE, "word_parts.tsv")):
        if row["type"] not in TYPES:
            raise ValueError(f"word_parts.tsv: {row['part']!r} has type {row['type']!r}; use prefix, root or suffix")
        out.append(WordPart(row["part"], row["type"], row["meaning"], row.get("example", ""),
                            row.get("body_system", "")))
    return tuple(out)


@cache
def abbreviations() -> tuple[Abbreviation, ...]:
    """Return every abbreviation in the list; ``caution`` says when one is ambiguous or must not be used."""
    return tuple(Abbreviation(row["abbreviation"], row["meaning"], row.get("caution", ""))
                 for row in read_tsv(authored("terminology", RELEASE, "abbreviations.tsv")))


def abbreviation(text: str) -> list[Abbreviation]:
    """Return the entries for an abbreviation as written (case-insensitive; several when it is ambiguous).

    >>> abbreviation("qd")[0].do_not_use
    True
    """
    wanted = text.strip().lower()
    return [a for a in abbreviations() if a.abbreviation.lower() == wanted]


def part(name: str) -> WordPart:
    """Return a word part by its glossary spelling (``gastr/o``, ``-itis``) or by its stem (``gastr``).

    Raises KeyError naming the part when it is not in the glossary.
    """
    wanted = name.strip().lower()
    for item in word_parts():
        if item.part.lower() == wanted:
            return item
    for item in word_parts():
        if item.stem.lower() == wanted.strip("-"):
            return item
    raise KeyError(f"{name!r} is not in the word-part glossary")


@cache
def _by_first_letter() -> dict[str, list[WordPart]]:
    index: dict[str, list[WordPart]] = {}
    for item in word_parts():
        index.setdefault(item.stem[:1].lower(), []).append(item)
    for items in index.values():
        items.sort(key=lambda p: -len(p.stem))  # longest first: the greedy preference
    return index


# What may follow what inside a word: prefixes open it, roots carry it, suffixes close it.
_NEXT = {"start": ("prefix", "root"), "prefix": ("prefix", "root", "suffix"),
         "root": ("root", "suffix"), "suffix": ("suffix",)}


def explain(term: str) -> list[tuple[str, str, str]]:
    """Split a medical term into its word parts and say what each means, reading left to right.

    Returns ``(part as it appears, type, meaning)`` tuples; prefixes are shown with a trailing hyphen and
    suffixes with a leading one, roots with their combining vowel when the word uses it. Letters no word part
    explains come back as one ``unknown`` piece. The longest matching part is preferred, backing off only where
    the longest match would leave letters unexplained.

    >>> explain("gastroenteritis")[0]
    ('gastro', 'root', 'stomach')
    """
    out: list[tuple[str, str, str]] = []
    for word in re.findall(r"[a-z]+", str(term).lower()):
        out += _explain_word(word)
    return out


@lru_cache(maxsize=2048)
def _explain_word(word: str) -> tuple[tuple[str, str, str], ...]:
    @lru_cache(maxsize=None)
    def best(position: int, state: str, elided: bool) -> tuple[tuple[int, int], tuple]:
        """Cheapest reading of word[position:] as (unknown letters, pieces) and the pieces themselves.

        ``elided``: the previous part dropped its last vowel, so the next part must start with a vowel.
        """
        if position == len(word):
            return ((0, 0), ()) if not elided else ((10**6, 0), ())
        options = []
        for item in _by_first_letter().get(word[position], []):
            stem = item.stem.lower()
            if item.type not in _NEXT[state]:
                continue
            if elided and (stem[0] not in _VOWELS or (state == "root" and item.type != "suffix")):
                continue
            readings = []
            end = position + len(stem)
            if word.startswith(stem, position):
                readings.append((end, f"{stem}-" if item.type == "prefix" else f"-{stem}" if item.type == "suffix"
                                 else stem, False))
                vowel = item.combining_vowel
                if vowel and word.startswith(vowel, end):
                    readings.append((end + len(vowel), stem + vowel, False))
            if (item.type != "suffix" and stem[-1] in _VOWELS and len(stem) > 3
                    and word.startswith(stem[:-1], position)):
                # A final vowel drops before a vowel: peritone/o + -itis is "peritonitis", oligo- + -uria "oliguria".
                readings.append((end - 1, f"{stem[:-1]}-" if item.type == "prefix" else stem[:-1], True))
            for after, text, drop in readings:
                (unknown, pieces), rest = best(after, item.type, drop)
                options.append(((unknown, pieces + 1), ((text, item.type, item.meaning), *rest)))
        if elided:
            return min(options, key=lambda option: option[0]) if options else ((10**6, 0), ())
        # Unexplained letters may stand for a root the glossary lacks: anything may follow them.
        (unknown, pieces), rest = best(position + 1, "prefix" if state == "start" else state, False)
        letter = word[position]
        if rest and rest[0][1] == UNKNOWN:
            options.append(((unknown + 1, pieces), ((letter + rest[0][0], UNKNOWN, ""), *rest[1:])))
        else:
            options.append(((unknown + 1, pieces + 1), ((letter, UNKNOWN, ""), *rest)))
        return min(options, key=lambda option: option[0])

    return best(0, "start", False)[1]


def build(prefix: str | None, root: str, suffix: str | None) -> str:
    """Join glossary parts into a word, using the root's combining vowel only before a consonant.

    >>> build(None, "gastr/o", "-itis"), build("hyper-", "glyc/o", "-emia"), build(None, "cardi/o", "-megaly")
    ('gastritis', 'hyperglycemia', 'cardiomegaly')
    """
    head = part(prefix).stem if prefix else ""
    body = part(root)
    word = head + body.stem
    if suffix:
        tail = part(suffix).stem
        if tail[0] in _VOWELS:
            word = (word[:-1] if word[-1] == tail[0] else word) + tail
        else:
            word += (body.combining_vowel or "") + tail
    return word
