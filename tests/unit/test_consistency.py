"""Our compact ICD-10-CM table against simple_icd_10_cm itself (run in a child process: it is slow to import)."""

import json
import subprocess
import sys

from medcode_practice.codes import icd10cm

_PROBE = r"""
import json, warnings
warnings.simplefilter("ignore")
import simple_icd_10_cm as cm
# A block that shares its name with its only category (B20, F99, Z66) is listed twice: block first.
seen, billable = set(), []
for c in cm.get_all_codes(True):
    if cm.is_chapter(c):
        continue
    if cm.is_block(c) and c not in seen:
        seen.add(c)
        continue
    if cm.is_leaf(c):
        billable.append(c)
print(json.dumps(billable))
"""


def test_every_billable_code_in_simple_icd_10_cm_is_billable_here_and_counts_agree():
    """Does every billable FY2026 code resolve as billable in our table, with the same count?"""
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True)
    theirs = json.loads(done.stdout)
    release = icd10cm.release("FY2026")
    ours = set(release.all_billable())
    assert len(ours) == len(set(theirs)) > 74000
    assert set(theirs) == ours
