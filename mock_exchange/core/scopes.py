"""Account scopes: the spot wallet, the cross margin account and the isolated pairs of one account.

Every order, order list and trade belongs to exactly one scope, and the one matching engine
serves them all. What differs by scope is only where the money lives (the spot wallet or a
margin account) and what margin adds on top of it: borrowing (``sideEffectType``),
``autoRepayAtCancel``, interest and margin levels apply to the margin scopes only.

Records carry the scope as two flags (``spot`` and ``isolated``; both false is cross) so
snapshots written before spot trading existed still load; :func:`scope_of_flags` is the
one place that reads them together.
"""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    """Which wallet of an account an order trades in."""

    SPOT = "SPOT"
    CROSS = "CROSS"
    ISOLATED = "ISOLATED"

    @property
    def is_margin(self) -> bool:
        """Cross and isolated: the scopes that borrow, repay and accrue interest."""
        return self is not Scope.SPOT


def scope_of_flags(isolated: bool, spot: bool) -> Scope:
    """The scope a record's ``isolated`` / ``spot`` flags name."""
    if spot:
        return Scope.SPOT
    return Scope.ISOLATED if isolated else Scope.CROSS
