"""Claims: the professional claim lifecycle, synthetic from end to end, for training.

Build a claim from a case and a learner's codes, view it as a CMS-1500, write and read the X12 837P, scrub it,
have a synthetic payer adjudicate it into an 835 remittance, post the payment, and work the denials
(corrected claims, appeal letters, A/R aging).

>>> from medcode_practice import claims
>>> claim = claims.build_claim("OP-0001")
>>> claims.scrub(claim).ok
True
>>> remit = claims.adjudicate(claim)
>>> claims.validate_835(claims.write_835(remit))
[]
"""

from ._x12 import X12FileError
from .adjudication import adjudicate
from .build import build_claim
from .cms1500 import render_cms1500
from .denials import (FollowUp, action_for, appeal_letter, ar_aging, ar_aging_chart, ar_detail, corrected_claim,
                      next_steps, void_claim)
from .model import (Address, Adjustment, Claim, ClaimLine, ClaimPayer, ClaimProvider, Coverage, LineAdjudication,
                    OtherPayer, Person)
from .payers import Eligibility, Payer, check_eligibility
from .remittance import (ClaimPayment, LinePayment, Posting, Remittance, balance_problems, post_payment,
                         posting_table, read_835, secondary_claim, validate_835, write_835)
from .scrubber import EDITS, Finding, ScrubReport, scrub
from .x837 import read_837, read_837_claims, validate_837, write_837

__all__ = [
    "build_claim", "render_cms1500", "write_837", "read_837", "read_837_claims", "validate_837", "X12FileError",
    "scrub", "EDITS", "Finding", "ScrubReport",
    "adjudicate", "write_835", "read_835", "validate_835", "balance_problems", "post_payment", "posting_table",
    "secondary_claim", "Remittance", "ClaimPayment", "LinePayment", "Posting",
    "check_eligibility", "Eligibility", "Payer",
    "next_steps", "action_for", "FollowUp", "corrected_claim", "void_claim", "appeal_letter", "ar_aging",
    "ar_detail", "ar_aging_chart",
    "Claim", "ClaimLine", "ClaimProvider", "ClaimPayer", "Coverage", "Person", "Address", "Adjustment",
    "OtherPayer", "LineAdjudication",
    "payers", "fee_schedule", "coverage", "reason_codes", "denials", "scrubber",
]
