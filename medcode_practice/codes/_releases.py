"""Which release of each code set is loaded, and where its compact table lives."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from .._paths import cache_dir, data_dir

BUNDLED_ICD10CM = "FY2026"
_BUILD_FORMAT = "3"  # bump when the compact table's layout changes


@dataclass(frozen=True)
class Icd10cmSource:
    """One ICD-10-CM release: its label (``FY2026``), effective date and the files it is built from."""

    label: str
    effective: str
    origin: str
    xml: str | None = None
    order_file: str | None = None

    @property
    def title(self) -> str:
        return f"ICD-10-CM {self.label} ({self.effective})"

    def fingerprint(self) -> str:
        parts = [_BUILD_FORMAT, self.label, self.origin]
        for name in (self.xml, self.order_file):
            if name:
                stat = os.stat(name)
                parts.append(f"{name}:{stat.st_size}:{int(stat.st_mtime)}")
        if not (self.xml or self.order_file):
            parts.append(_package_version("simple-icd-10-cm"))
        return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


@cache
def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "missing"


def bundled_source() -> Icd10cmSource:
    return Icd10cmSource(BUNDLED_ICD10CM, "2026-04-01",
                         f"simple-icd-10-cm {_package_version('simple-icd-10-cm')} (CMS tabular, April 1 2026)")


def _registry_path() -> Path:
    return data_dir() / "releases.json"


def _registry() -> dict:
    path = _registry_path()
    if path.exists():
        try:
            return json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            return {}
    return {}


def _save_registry(registry: dict) -> None:
    path = _registry_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(registry, indent=2, sort_keys=True))
    os.replace(tmp, path)


def icd10cm_sources() -> dict[str, Icd10cmSource]:
    """Return every ICD-10-CM release available here, by label; the bundled one is always there."""
    out = {BUNDLED_ICD10CM: bundled_source()}
    for label, entry in _registry().get("icd10cm", {}).get("imported", {}).items():
        out[label] = Icd10cmSource(**entry)
    return out


def active_icd10cm() -> str:
    """Return the label of the ICD-10-CM release that answers lookups when no year is given."""
    label = _registry().get("icd10cm", {}).get("active", BUNDLED_ICD10CM)
    return label if label in icd10cm_sources() else BUNDLED_ICD10CM


def register_icd10cm(source: Icd10cmSource, activate: bool = True) -> None:
    registry = _registry()
    section = registry.setdefault("icd10cm", {})
    section.setdefault("imported", {})[source.label] = source.__dict__
    if activate:
        section["active"] = source.label
    _save_registry(registry)


def set_active_icd10cm(label: str) -> None:
    if label not in icd10cm_sources():
        known = ", ".join(sorted(icd10cm_sources()))
        raise ValueError(f"no ICD-10-CM release {label!r} here; available: {known}")
    registry = _registry()
    registry.setdefault("icd10cm", {})["active"] = label
    _save_registry(registry)


def icd10cm_table(source: Icd10cmSource) -> Path:
    """Return the compact table for a release, building it in a child process the first time."""
    dest = cache_dir() / f"icd10cm-{source.label}-{source.fingerprint()}.sqlite"
    if dest.exists():
        return dest
    meta = {"label": source.label, "effective": source.effective, "origin": source.origin}
    args = [sys.executable, "-m", "medcode_practice.codes._icd10cm_build", str(dest), json.dumps(meta)]
    if source.order_file and not source.xml:
        args += ["--order", source.order_file]
    elif source.xml:
        args += [source.xml, source.order_file or ""]
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0 or not dest.exists():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1].split(": ", 1)[-1]
        raise ValueError(f"could not load ICD-10-CM {source.label}: {last}")
    return dest
