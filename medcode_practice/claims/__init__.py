"""Claims: build, view, write, scrub and adjudicate professional claims; read remittances; work denials."""

from .build import build_claim
from .model import (Address, Adjustment, Claim, ClaimLine, ClaimPayer, ClaimProvider, Coverage, LineAdjudication,
                    OtherPayer, Person)

__all__ = ["build_claim", "Claim", "ClaimLine", "ClaimProvider", "ClaimPayer", "Coverage", "Person", "Address",
           "Adjustment", "OtherPayer", "LineAdjudication"]
