"""MedCode Practice: an open practice library for medical billing and coding.

    from medcode_practice import codes, records, grading

Subpackages load on first use, so ``import medcode_practice`` stays fast (the ICD-10-CM tabular is read from a
compact index, never parsed at import).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = ["codes", "records", "grading", "claims", "apps", "lookup", "check", "search", "__version__"]

_SUBPACKAGES = {"codes", "records", "grading", "claims", "apps"}

if TYPE_CHECKING:  # pragma: no cover
    from . import apps, claims, codes, grading, records  # noqa: F401
    from .codes import check, lookup, search  # noqa: F401


def __getattr__(name: str):
    if name in _SUBPACKAGES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    if name in ("lookup", "check", "search"):
        value = getattr(importlib.import_module(f"{__name__}.codes"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'medcode_practice' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
