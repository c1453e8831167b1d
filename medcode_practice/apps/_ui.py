"""Small building blocks the practice apps share: a frame with title and error area, classed widgets, messages."""

from __future__ import annotations

import html
import re

import ipywidgets as widgets

from ._safe import error_area
from .selfcheck import find

__all__ = ["classed", "button", "message", "frame", "find", "inline", "APP_STYLE"]

_COLOURS = {"ok": ("#e8f5e9", "#1b5e20"), "no": ("#ffebee", "#b71c1c"), "partial": ("#fff8e1", "#6d4c00"),
            "info": ("#e3f2fd", "#0d47a1")}

APP_STYLE = """<style>
.app-frame{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px}
.app-frame h2{margin:4px 0 2px;font-size:1.35em}.app-frame .app-intro{color:#455a64;margin:0 0 8px}
.app-frame table.app-table{border-collapse:collapse;margin:4px 0;font-size:.92em}
.app-frame table.app-table td,.app-frame table.app-table th{border:1px solid #cfd8dc;padding:3px 8px;
text-align:left;vertical-align:top}
.app-frame .app-muted{color:#607d8b;font-size:.88em}
.app-frame .app-note{background:#fffde7;border-left:4px solid #fbc02d;padding:4px 8px;margin:4px 0}
.app-frame code{background:#eceff1;padding:0 3px;border-radius:3px}
</style>"""


def classed(widget: widgets.Widget, *names: str) -> widgets.Widget:
    """Add CSS classes to ``widget`` and return it (browser tests select widgets by these names)."""
    for name in names:
        widget.add_class(name)
    return widget


def button(description: str, css: str, style: str = "", tooltip: str = "") -> widgets.Button:
    return classed(widgets.Button(description=description, button_style=style, tooltip=tooltip,
                                  layout=widgets.Layout(width="auto")), css)


def inline(text: object) -> str:
    """Escape text for HTML and show `backticked` words as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(str(text)))


def message(kind: str, body: str) -> str:
    """Wrap HTML in a coloured box: ``ok``, ``no``, ``partial`` or ``info``."""
    background, colour = _COLOURS[kind]
    return (f'<div class="app-msg app-msg-{kind}" style="background:{background};color:{colour};padding:6px 10px;'
            f'border-radius:4px;line-height:1.45;margin:4px 0">{body}</div>')


def frame(name: str, title: str, intro: str, body: list[widgets.Widget],
          errors: widgets.HTML | None = None) -> widgets.VBox:
    """Return an app: heading, one-line introduction, the error area, then ``body``; classes ``app`` and ``app-<name>``.

    The error area sits above the body so that a failure is seen where the learner is looking.
    """
    errors = errors if errors is not None else error_area()
    head = widgets.HTML(f'{APP_STYLE}<h2>{html.escape(title)}</h2><p class="app-intro">{inline(intro)}</p>')
    box = widgets.VBox([head, errors, *body], layout=widgets.Layout(padding="4px 12px", max_width="1120px"))
    return classed(box, "app", "app-frame", f"app-{name}")
