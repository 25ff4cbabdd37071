"""Margin level: Binance's risk measure of a margin account, its status bands and what each allows.

    margin level = total asset value / total liability value (borrowed + accrued interest)

both valued at index prices (``GET /sapi/v1/margin/priceIndex``; the control plane can set an
index apart from the last price). A cross account is valued in BTC, an isolated pair in its
quote asset. Nothing owed: :data:`MARGIN_LEVEL_NO_LIABILITY`.

The bars come from the config (``margin.level_bars``) and are what
``GET /sapi/v1/margin/tradeCoeff`` reports; the defaults are Binance's documented example
(normal 1.5, margin call 1.3, force liquidation 1.1). Sources and choices: docs/behaviour.md,
"Margin level".

This module is pure arithmetic on totals; applying it to an account (valuing it, solving for an
index price) lives in :mod:`mock_exchange.core.margin_risk`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from mock_exchange.core.config import MarginLevelBars

LEVEL_QUANTUM = Decimal("0.00000001")
# Binance shows a large margin level when nothing is owed (spec §13.16, open); we say 999.
MARGIN_LEVEL_NO_LIABILITY = Decimal("999")


def margin_level(total_asset: Decimal, total_liability: Decimal) -> Decimal:
    """total asset / total liability, rounded down to 8 decimals; 999 when nothing is owed."""
    if total_liability <= 0:
        return MARGIN_LEVEL_NO_LIABILITY
    return (total_asset / total_liability).quantize(LEVEL_QUANTUM, rounding=ROUND_DOWN)


class MarginLevelStatus(StrEnum):
    """Binance's margin level statuses (isolated ``marginLevelStatus``, MARGIN_LEVEL_STATUS_CHANGE)."""

    EXCESSIVE = "EXCESSIVE"
    NORMAL = "NORMAL"
    MARGIN_CALL = "MARGIN_CALL"
    PRE_LIQUIDATION = "PRE_LIQUIDATION"
    FORCE_LIQUIDATION = "FORCE_LIQUIDATION"


def level_status(level: Decimal, bars: MarginLevelBars) -> MarginLevelStatus:
    """The status band of ``level``: a bar belongs to the worse side (at 1.3 a margin call)."""
    if level >= bars.excessive:
        return MarginLevelStatus.EXCESSIVE
    if level > bars.margin_call:
        return MarginLevelStatus.NORMAL
    if level > bars.pre_liquidation:
        return MarginLevelStatus.MARGIN_CALL
    if level > bars.force_liquidation:
        return MarginLevelStatus.PRE_LIQUIDATION
    return MarginLevelStatus.FORCE_LIQUIDATION


@dataclass(frozen=True, slots=True)
class StatusRestrictions:
    """What an account may still do at a status (the account flags Binance reports)."""

    borrow_enabled: bool
    transfer_out_enabled: bool
    trade_enabled: bool


def restrictions(status: MarginLevelStatus) -> StatusRestrictions:
    """From a margin call on: no new loan and nothing out; in liquidation: no trading either."""
    return _RESTRICTIONS[status]


def _restrictions(status: MarginLevelStatus) -> StatusRestrictions:
    healthy = status in (MarginLevelStatus.EXCESSIVE, MarginLevelStatus.NORMAL)
    return StatusRestrictions(borrow_enabled=healthy, transfer_out_enabled=healthy,
                              trade_enabled=status is not MarginLevelStatus.FORCE_LIQUIDATION)


# Asked before every margin placement: one frozen record per status.
_RESTRICTIONS = {status: _restrictions(status) for status in MarginLevelStatus}
