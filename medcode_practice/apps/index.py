"""The landing page of the practice apps: each app with a one-line description and a link.

>>> from medcode_practice.apps import index
>>> [name for name, _, _ in index.APPS][:2]
['lookup', 'case_drill']
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ._ui import classed, frame

__all__ = ["APPS", "build_app"]

# (notebook name, title, one line) — the order is the order a new learner would meet them.
APPS = (
    ("lookup", "Code lookup", "Search every code set; read a code's hierarchy, Excludes notes and 7th characters; "
                              "build an ICD-10-PCS code axis by axis."),
    ("case_drill", "Case drill", "Read a synthetic record, enter the codes, get a graded result with an "
                                 "explanation for every code — or sit it as a timed exam."),
    ("em_leveler", "E/M leveler", "Fill the MDM grid (problems, data, risk) or enter the time and see the visit "
                                  "level with the reasoning."),
    ("claim_desk", "Claim desk", "Build the CMS-1500 from a case, scrub it, submit it to a simulated payer, read "
                                 "the remittance, fix and resubmit."),
    ("denial_queue", "Denial queue", "Work a queue of denied claims: correct, appeal, write off or bill the "
                                     "patient — and see whether it was the right call."),
    ("terminology", "Medical terminology", "Flashcards of prefixes, roots and suffixes, and building words from "
                                           "their parts."),
)


def build_app() -> widgets.VBox:
    """Return the landing page: a list of the apps, each linked to its Voila page."""
    rows = "".join(
        f'<li class="app-link" style="margin:6px 0"><a href="{html.escape(name)}.ipynb" '
        f'style="font-weight:600;font-size:1.08em">{html.escape(title)}</a><br>'
        f'<span class="app-muted">{html.escape(line)}</span></li>' for name, title, line in APPS)
    listing = classed(widgets.HTML(f'<ul style="list-style:none;padding-left:0">{rows}</ul>'
                                   '<p class="app-muted">Every person in these records is invented. CPT descriptors '
                                   "are plain-words practice text written by MedCode Practice, not AMA text.</p>"),
                      "app-index-list")
    return frame("index", "MedCode Practice — practice apps",
                 "Pick an app. Each one opens on its own page. Nothing you enter is saved: a session score lasts while "
                 "the page is open.", [listing])
