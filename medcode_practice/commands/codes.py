"""``medcode lookup``, ``medcode search`` and ``medcode codesets …``."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from ..cli import UsageError, emit


def register(sub) -> None:
    lookup = sub.add_parser("lookup", help="explain a code of any system (notes, hierarchy, 7th characters)")
    lookup.add_argument("code")
    lookup.add_argument("--system", help="icd10cm, icd10pcs, cpt, hcpcs or modifier (default: detect)")
    lookup.add_argument("--year", help="ICD-10-CM release label, e.g. FY2026 (default: the active one)")
    lookup.add_argument("--json", action="store_true", help="machine-readable output")
    lookup.set_defaults(func=run_lookup)

    search = sub.add_parser("search", help="ranked search across all code sets")
    search.add_argument("text")
    search.add_argument("--system", help="limit to icd10cm, icd10pcs, cpt or hcpcs")
    search.add_argument("--limit", type=int, default=10)
    search.add_argument("--billable", action="store_true", help="leave out headers")
    search.add_argument("--json", action="store_true")
    search.set_defaults(func=run_search)

    codesets = sub.add_parser("codesets", help="which code sets are loaded; import newer or licensed files")
    codesets_sub = codesets.add_subparsers(dest="action", metavar="ACTION")
    info = codesets_sub.add_parser("info", help="loaded code sets and their year/version")
    info.add_argument("--json", action="store_true")
    info.set_defaults(func=run_info)
    build = codesets_sub.add_parser("build", help="build the compact code index and search index now")
    build.add_argument("--json", action="store_true")
    build.set_defaults(func=run_build)
    use = codesets_sub.add_parser("use", help="make a loaded ICD-10-CM release the active one")
    use.add_argument("system", choices=["icd10cm"])
    use.add_argument("label", help="e.g. FY2026")
    use.add_argument("--json", action="store_true")
    use.set_defaults(func=run_use)
    imp = codesets_sub.add_parser("import", help="load an official or licensed file")
    imp.add_argument("system", choices=["icd10cm", "hcpcs", "cpt"])
    imp.add_argument("file", help="icd10cm: CMS tabular XML (with --order) or order file; hcpcs: CMS quarterly "
                                  "fixed-width file; cpt: licensed tab-delimited code<TAB>descriptor file")
    imp.add_argument("--order", help="icd10cm: the CMS order file of the same release (needed with the XML)")
    imp.add_argument("--label", help="icd10cm release label, e.g. FY2027 (default: read from the file name)")
    imp.add_argument("--effective", help="icd10cm effective date, e.g. 2026-10-01")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(func=run_import)


def _jsonable(obj):
    if dataclasses.is_dataclass(obj):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(obj).items()}
    return obj


def _icd_text(info, error: str | None) -> str:
    from ..codes import icd10cm

    lines = [f"{info.code}  {info.description}",
             f"  {info.release} · {'billable' if info.billable else 'header (not billable)'}",
             f"  Chapter {info.chapter[0]}: {info.chapter[1]}",
             f"  Block {info.block[0]}: {info.block[1]}"]
    lineage = list(reversed(icd10cm.release().ancestors(info.code)))
    lines.append("  Hierarchy: " + " > ".join(lineage + [info.code]))
    if error:
        lines.append(f"  ! {error}")
    if info.inclusion_terms:
        lines.append("  Inclusion terms: " + "; ".join(info.inclusion_terms))
    for kind in icd10cm.NOTE_KINDS:
        for note in info.notes_of(kind):
            where = "" if note.source == info.code else f" (from {note.source})"
            lines.append(f"  {icd10cm.NOTE_TITLES[kind]}{where}: {note.text}")
    if info.seventh_characters:
        lines.append(f"  7th characters (defined at {info.seventh_character_source}):")
        lines += [f"    {k}  {v}" for k, v in info.seventh_characters.items()]
    if info.children and not error:
        lines.append("  Codes below: " + ", ".join(info.children[:20]) + (" …" if len(info.children) > 20 else ""))
    return "\n".join(lines)


def run_lookup(args: argparse.Namespace) -> int:
    from .. import codes

    entry = codes.lookup(args.code, system=args.system, year=args.year)
    problem = None
    if not entry.billable:
        try:
            codes.check(entry.code, system=entry.system, year=args.year)
        except codes.CodeError as error:
            problem = str(error)
    data = {**_jsonable(entry), "problem": problem}
    if entry.system == codes.ICD10CM:
        text = _icd_text(entry, problem)
    elif entry.system == codes.ICD10PCS:
        text = "\n".join([f"{entry.code}  {entry.description}", f"  {entry.release}"] +
                         [f"  {a.position} {a.name:<15} {a.value}  {a.meaning}" for a in entry.axes])
    elif entry.system == codes.CPT:
        text = "\n".join([f"{entry.code}  {entry.descriptor}", f"  {entry.release}",
                          f"  {entry.section} · {entry.subsection} · global {entry.global_days or 'n/a'}"
                          + (" · add-on code" if entry.add_on else "")]
                         + ([] if entry.official_text else ["  (plain-words practice descriptor, not AMA CPT text)"]))
    elif entry.system == codes.HCPCS:
        text = "\n".join([f"{entry.code}  {entry.long_description}", f"  {entry.release}"]
                         + ([f"  Billing unit: {entry.dosage}"] if entry.dosage else [])
                         + ([f"  Terminated {entry.terminated}"] if entry.terminated else []))
    else:
        text = f"{entry.code}  {entry.name}: {entry.description} ({entry.source} modifier)"
    emit(args, data, text)
    return 0


def run_search(args: argparse.Namespace) -> int:
    from ..codes import search

    if args.limit < 1:
        raise UsageError("--limit must be 1 or more")
    hits = search(args.text, system=args.system, billable=True if args.billable else None, limit=args.limit)
    text = "\n".join(f"{h.system:<11} {h.code:<9} {'' if h.billable else '(header) '}{h.description}"
                     for h in hits) or f"no codes match {args.text!r}"
    emit(args, [h.to_dict() for h in hits], text)
    return 0


def run_info(args: argparse.Namespace) -> int:
    from ..codes import info

    rows = info()
    text = "\n".join(f"{r.system:<11} {r.release}  [{r.count} codes{'; ' + r.note if r.note else ''}]" for r in rows)
    emit(args, [_jsonable(r) for r in rows], text)
    return 0


def run_build(args: argparse.Namespace) -> int:
    import time

    from ..codes import icd10cm
    from ..codes.search import index_path

    started = time.perf_counter()
    release = icd10cm.release()
    path = index_path()
    seconds = round(time.perf_counter() - started, 2)
    emit(args, {"icd10cm": release.title, "search_index": str(path), "seconds": seconds},
         f"ready: {release.title}; search index {path.name} ({seconds} s)")
    return 0


def run_use(args: argparse.Namespace) -> int:
    from ..codes import _releases, icd10cm

    _releases.set_active_icd10cm(args.label)
    icd10cm.release.cache_clear()
    emit(args, {"active": args.label}, f"ICD-10-CM {args.label} is now the active release")
    return 0


def _guess_label(name: str) -> str | None:
    import re

    match = re.search(r"(20\d\d)", name)
    return f"FY{match.group(1)}" if match else None


def run_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    if args.system == "cpt":
        from ..codes import cpt

        count = cpt.import_licensed(path)
        emit(args, {"system": "CPT", "codes": count}, f"loaded {count} CPT codes from {path.name}; "
                                                      f"they now take precedence over the practice set")
        return 0
    if args.system == "hcpcs":
        from ..codes import hcpcs

        procedures, mods = hcpcs.import_official(path)
        emit(args, {"system": "HCPCS", "codes": procedures, "modifiers": mods},
             f"loaded {procedures} HCPCS codes and {mods} modifiers from {path.name}")
        return 0
    return _import_icd10cm(args, path)


def _import_icd10cm(args: argparse.Namespace, path: Path) -> int:
    from ..codes import _releases, icd10cm

    is_xml = path.read_bytes()[:200].lstrip().startswith(b"<")
    label = args.label or _guess_label(path.name) or _guess_label(args.order or "")
    if not label:
        raise UsageError("give the release label with --label (e.g. FY2027)")
    if label == _releases.BUNDLED_ICD10CM:
        raise UsageError(f"{label} is the bundled release; give the imported one another label")
    year = int(label[2:]) if label[2:].isdigit() else None
    effective = args.effective or (f"{year - 1}-10-01" if year else "unknown")
    if is_xml:
        if not args.order:
            raise UsageError("an ICD-10-CM tabular XML needs the order file of the same release: add "
                             "--order icd10cm_order_YYYY.txt (it says which 7th-character codes exist)")
        source = _releases.Icd10cmSource(label, effective, f"CMS tabular {path.name}", xml=str(path.resolve()),
                                         order_file=str(Path(args.order).resolve()))
    else:
        source = _releases.Icd10cmSource(label, effective, f"CMS order file {path.name}",
                                         order_file=str(path.resolve()))
    # Keep a copy: the table is rebuilt from these files if the cache is cleared.
    from .._paths import data_dir
    import shutil

    keep = data_dir() / "icd10cm" / label
    keep.mkdir(parents=True, exist_ok=True)
    copies = {}
    for field in ("xml", "order_file"):
        value = getattr(source, field)
        if value:
            target = keep / Path(value).name
            shutil.copyfile(value, target)
            copies[field] = str(target)
    source = dataclasses.replace(source, **copies)
    _releases.icd10cm_table(source)  # build now, so a bad file is reported before it becomes active
    _releases.register_icd10cm(source, activate=True)
    icd10cm.release.cache_clear()
    release = icd10cm.release()
    count = len(release.all_billable())
    emit(args, {"system": "ICD-10-CM", "label": label, "billable": count, "active": True},
         f"loaded {release.title}: {count} billable codes; it is now the active release "
         f"(medcode codesets use icd10cm {_releases.BUNDLED_ICD10CM} to go back)")
    return 0
