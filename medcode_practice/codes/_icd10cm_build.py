"""Build the compact ICD-10-CM table from simple_icd_10_cm (run once per release, in a child process).

simple_icd_10_cm parses ~10 MB of XML when imported (about 1.5 s and 190 MiB), so the kernel never imports it:
``build_from_tabular`` runs in a separate process and writes a small SQLite file that lookups read.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import warnings
from pathlib import Path

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE item(
    code TEXT PRIMARY KEY, nodot TEXT, kind TEXT, description TEXT, billable INTEGER,
    parent TEXT, chapter TEXT, block TEXT, ordinal INTEGER,
    inclusion_terms TEXT, includes TEXT, excludes1 TEXT, excludes2 TEXT,
    code_first TEXT, use_additional_code TEXT, code_also TEXT, notes TEXT,
    seven_chr_def TEXT, seven_chr_note TEXT
);
CREATE INDEX item_nodot ON item(nodot);
CREATE INDEX item_parent ON item(parent);
"""

def _block_id(name: str) -> str:
    return name if "-" in name else f"{name}-{name}"


def _write(dest: Path, rows: list[tuple], meta: dict[str, str]) -> None:
    tmp = dest.with_suffix(f".tmp{os.getpid()}")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    con.executescript(SCHEMA)
    con.executemany("INSERT OR REPLACE INTO item VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    con.executemany("INSERT INTO meta VALUES (?,?)", sorted(meta.items()))
    con.commit()
    con.close()
    os.replace(tmp, dest)


def build_from_tabular(dest: Path, meta: dict[str, str], xml: str | None = None, order_file: str | None = None) -> int:
    """Write the item table for one tabular release; with no files, the one simple_icd_10_cm bundles."""
    warnings.simplefilter("ignore")
    import simple_icd_10_cm as cm

    if xml:
        if not order_file:
            raise ValueError("an ICD-10-CM tabular XML needs the CMS order file of the same release "
                             "(it says which 7th-character codes exist)")
        import tempfile

        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
            listing.write("\n".join(code for code, _, _ in _order_records(order_file)))
        try:
            cm.change_version(listing.name, xml, suppress_warnings=True)
        finally:
            os.unlink(listing.name)
    rows = []
    seen: set[str] = set()
    chapter = block = ""
    for ordinal, name in enumerate(cm.get_all_codes(with_dots=True)):
        # Blocks that share a name with their only category (B99, C7A) are listed twice: block first.
        is_block = cm.is_block(name) and name not in seen
        seen.add(name)
        if cm.is_chapter(name):
            kind, code = "chapter", name
            chapter = name
        elif is_block:
            kind, code = "block", _block_id(name)
            block = code
        else:
            kind, code = ("category" if cm.is_category(name) else "subcategory"), name
        prio = is_block
        parent = cm.get_parent(name, prioritize_blocks=prio) if kind != "chapter" else ""
        if kind == "category" and parent:
            parent = _block_id(parent)
        elif kind == "block" and parent and not cm.is_chapter(parent):
            parent = _block_id(parent)
        leaf = kind not in ("chapter", "block") and cm.is_leaf(name)
        rows.append((
            code, code.replace(".", "") if kind not in ("chapter", "block") else code, kind,
            cm.get_description(name, prioritize_blocks=prio).replace("/\t", "/ "), int(leaf), parent or None,
            chapter, block, ordinal,
            json.dumps(cm.get_inclusion_term(name, prioritize_blocks=prio)),
            json.dumps(cm.get_includes(name, prioritize_blocks=prio)),
            json.dumps(cm.get_excludes1(name, prioritize_blocks=prio)),
            json.dumps(cm.get_excludes2(name, prioritize_blocks=prio)),
            cm.get_code_first(name, prioritize_blocks=prio),
            cm.get_use_additional_code(name, prioritize_blocks=prio),
            cm.get_code_also(name, prioritize_blocks=prio),
            cm.get_notes(name, prioritize_blocks=prio),
            json.dumps({k: v.replace("/\t", "/ ") for k, v in cm.get_seven_chr_def(name, prioritize_blocks=prio).items()}),
            cm.get_seven_chr_note(name, prioritize_blocks=prio),
        ))
    _write(dest, rows, {**meta, "has_notes": "1"})
    return len(rows)


def _order_records(order_file: str) -> list[tuple[str, str, str]]:
    """Read a CMS order file into (undotted code, billable flag, long description) records."""
    out = []
    with open(order_file, encoding="latin-1") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            bare = line[6:13].strip()
            flag = line[14:15]
            if len(bare) < 3 or flag not in ("0", "1") or not bare.isalnum():
                raise ValueError(f"{Path(order_file).name}, line {number}: not a CMS order-file record "
                                 f"(code in columns 7-13, 0/1 billable flag in column 15)")
            out.append((bare, flag, line[77:].strip() or line[16:76].strip()))
    return out


def build_from_order_file(dest: Path, meta: dict[str, str], order_file: str) -> int:
    """Write the item table from a CMS order file (codes, header flag, descriptions; no notes).

    Layout (1-based): order number 1-5, code 7-13, header/billable flag 15 (1 = billable), short description
    17-76, long description 78 to end of line.
    """
    rows = []
    codes: dict[str, str] = {}
    for number, (bare, flag, description) in enumerate(_order_records(order_file), 1):
        code = bare if len(bare) == 3 else f"{bare[:3]}.{bare[3:]}"
        codes[code] = description
        rows.append([code, bare, "category" if len(bare) == 3 else "subcategory", description, int(flag == "1"),
                     None, "", "", number, "[]", "[]", "[]", "[]", "", "", "", "", "{}", ""])
    for row in rows:
        code = row[0]
        parent = None
        candidate = code.replace(".", "")[:-1]
        while len(candidate) >= 3:
            dotted = candidate if len(candidate) == 3 else f"{candidate[:3]}.{candidate[3:]}"
            if dotted in codes:
                parent = dotted
                break
            candidate = candidate[:-1]
        row[5] = parent
    _write(dest, [tuple(r) for r in rows], {**meta, "has_notes": "0"})
    return len(rows)


if __name__ == "__main__":
    # python -m medcode_practice.codes._icd10cm_build DEST META_JSON [XML CODE_LIST | --order ORDER_FILE]
    dest, meta = Path(sys.argv[1]), json.loads(sys.argv[2])
    rest = sys.argv[3:]
    if rest[:1] == ["--order"]:
        count = build_from_order_file(dest, meta, rest[1])
    else:
        count = build_from_tabular(dest, meta, *(rest or [None, None]))
    print(count)
