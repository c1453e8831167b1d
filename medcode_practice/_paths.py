"""Where the library finds its data and keeps its caches.

Authored code-set data lives in the repository's ``codesets/`` folder; a built wheel carries the same files as
``medcode_practice/_codesets``. Caches (the compact code index) go to the user cache folder, or to
``MEDCODE_CACHE_DIR``; imported official files go to the user data folder, or ``MEDCODE_DATA_DIR``.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def codesets_dir() -> Path:
    """Return the folder holding authored code-set data (``codesets/`` in a checkout, bundled in a wheel)."""
    bundled = _PACKAGE / "_codesets"
    if bundled.is_dir():
        return bundled
    checkout = _PACKAGE.parent / "codesets"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("medcode_practice: code-set data is missing; reinstall the package")


def cache_dir() -> Path:
    """Return (and create) the folder for rebuildable caches such as the code index."""
    override = os.environ.get("MEDCODE_CACHE_DIR")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_cache_dir

        path = Path(user_cache_dir("medcode-practice"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """Return (and create) the folder for files a user imported (licensed CPT, CMS HCPCS, newer ICD-10-CM)."""
    override = os.environ.get("MEDCODE_DATA_DIR")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("medcode-practice"))
    path.mkdir(parents=True, exist_ok=True)
    return path
