"""The components of a bill, and the order a payment pays them in: the lender's, from the
`payments.allocation_order` of policy.yml (by default late fee, then interest, then
principal), checked with the rest of the policy."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.arrangements.policy_values import PolicyError, Section

LATE_FEE, INTEREST, PRINCIPAL = "late_fee", "interest", "principal"
COMPONENTS = (LATE_FEE, INTEREST, PRINCIPAL)
CREDIT = "credit"  # what is paid beyond everything owed: kept on the loan, on no bill
DEFAULT_ORDER = COMPONENTS


@dataclass(frozen=True)
class PaymentsPolicy:
    allocation_order: tuple[str, ...]  # every component once, the first paid first


def allocation_order(value: Any, where: str, currency: str | None) -> tuple[str, ...]:
    message = f"{where}: must list each of {', '.join(COMPONENTS)} once, the first paid first"
    if not isinstance(value, list) or sorted(map(str, value)) != sorted(COMPONENTS):
        raise PolicyError(message)
    return tuple(value)


SECTION = Section("payments", {"allocation_order": allocation_order}, PaymentsPolicy)
