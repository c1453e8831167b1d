"""Keep the practice apps usable when something fails: a friendly message for the learner, the detail in the log.

An exception inside an ipywidgets callback is lost without a trace under Voila (nothing on the page, nothing in
the server log), and a traceback on the page is no help to a learner. Every callback of a practice app is
therefore wrapped with :func:`guarded`: the error becomes one plain sentence in the app's error area (CSS class
``app-error``) and the full traceback goes to the ``medcode_practice.apps`` logger, which writes to the server's
terminal — never to the page.

>>> import ipywidgets as widgets
>>> area = error_area()
>>> @guarded(area)
... def on_click(_=None):
...     raise RuntimeError("boom")
>>> on_click()
>>> FRIENDLY_MESSAGE in area.value
True
"""

from __future__ import annotations

import functools
import html
import logging
import os
import sys
from collections.abc import Callable

import ipywidgets as widgets

__all__ = ["FRIENDLY_MESSAGE", "FAULT_VARIABLE", "error_area", "guarded", "fault_point", "ForcedFault", "log"]

FRIENDLY_MESSAGE = "Something went wrong with that request — try again or pick another case."
# Tests (and anyone checking the error path by hand) set this to "<app>:<input>" — e.g. "lookup:force-an-error" —
# to make that app's callback raise when a learner enters exactly that input.
FAULT_VARIABLE = "MEDCODE_APPS_FAULT"

log = logging.getLogger("medcode_practice.apps")


class ForcedFault(RuntimeError):
    """Raised on purpose by :func:`fault_point` to exercise the error path of an app."""


def _in_kernel() -> bool:
    shell = sys.modules.get("IPython")
    try:
        return bool(shell and getattr(shell.get_ipython(), "kernel", None))
    except Exception:  # noqa: BLE001 - no IPython at all is the common case outside a kernel
        return False


def _setup_logging() -> None:
    """Send app errors to the server's terminal, not to the page.

    In an ipykernel, ``sys.stderr`` is forwarded to the front end; its ``fileno()`` is a copy of the process's
    original standard error, which Voila's terminal shows. Outside a kernel the library leaves logging to the
    application (pytest's caplog, the developer's own handlers).
    """
    if log.handlers or not _in_kernel():
        return
    try:
        stream = open(sys.stderr.fileno(), "w", buffering=1, encoding="utf-8", errors="replace",  # noqa: SIM115
                      closefd=False)
    except (OSError, ValueError, AttributeError):
        stream = sys.__stderr__
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("[medcode apps] %(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def error_area() -> widgets.HTML:
    """Return the (initially empty) widget where an app shows the friendly error message."""
    _setup_logging()
    area = widgets.HTML("")
    area.add_class("app-error")
    return area


def _show(area: widgets.HTML) -> None:
    area.value = (f'<div role="alert" style="background:#fbe9e7;color:#bf360c;border:1px solid #ffab91;'
                  f'padding:6px 10px;border-radius:4px">{html.escape(FRIENDLY_MESSAGE)}</div>')


def guarded(area: widgets.HTML) -> Callable[[Callable], Callable]:
    """Decorate a widget callback: clear ``area`` first; on any exception show the friendly message and log it.

    The callback returns None when it failed. The app's other widgets are left as they were, so the learner can
    simply try again.
    """

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def run(*args, **kwargs):
            area.value = ""
            try:
                return function(*args, **kwargs)
            except Exception:  # noqa: BLE001 - a callback must never fail silently or show a traceback
                log.exception("practice app callback %s failed", getattr(function, "__qualname__", function))
                _show(area)
                return None

        return run

    return decorate


def fault_point(app: str, value: object) -> None:
    """Raise ForcedFault when ``MEDCODE_APPS_FAULT`` is ``"<app>:<value>"`` (a test hook; a no-op otherwise)."""
    wanted = os.environ.get(FAULT_VARIABLE, "")
    if wanted and wanted == f"{app}:{str(value).strip()}":
        raise ForcedFault(f"forced fault in {app} for {value!r} ({FAULT_VARIABLE} is set)")
