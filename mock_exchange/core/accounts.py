"""Accounts and their wallets: free / locked / borrowed / interest per asset.

One :class:`Account` holds a spot :class:`SpotWallet`, one cross :class:`MarginAccount`
and any number of isolated ones (one per symbol). Every wallet keeps its balances the
same way (:class:`WalletBalances`: one wallet model); margin accounts add loans and
interest. The operations here are bookkeeping primitives; they assume the caller has
already checked that an amount is available (the engine validates first, then mutates),
and raise ``ValueError`` if that promise is broken, so a bug shows up as a crash instead
of a negative balance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import NoReturn

from mock_exchange.core.config import AccountConfig, BalanceConfig, MarginConfig
from mock_exchange.core.decimals import ZERO
from mock_exchange.core.errors import isolated_account_missing

HOUR_MS = 60 * 60 * 1000
# Interest is charged in whole satoshi-sized units, as Binance shows it (8 decimals).
INTEREST_QUANTUM = Decimal("0.00000001")


@dataclass(slots=True)
class AssetBalance:
    """One asset in one margin account."""

    free: Decimal = ZERO
    locked: Decimal = ZERO
    borrowed: Decimal = ZERO
    interest: Decimal = ZERO

    @property
    def net_asset(self) -> Decimal:
        return self.free + self.locked - self.borrowed - self.interest

    @property
    def total(self) -> Decimal:
        """What the account holds (free + locked)."""
        return self.free + self.locked

    @property
    def liability(self) -> Decimal:
        return self.borrowed + self.interest


@dataclass(slots=True)
class RepayResult:
    """How a repayment was split: interest first, then principal."""

    interest: Decimal
    principal: Decimal

    @property
    def amount(self) -> Decimal:
        return self.interest + self.principal


@dataclass(frozen=True, slots=True)
class InterestCharge:
    """One hour's interest on one asset's principal (a row of GET margin/interestHistory)."""

    asset: str
    time_ms: int  # the end of the hour charged
    principal: Decimal
    hourly_rate: Decimal
    amount: Decimal


@dataclass(slots=True)
class InterestAccrual:
    """What one accrual charged: totals per asset, and the hourly charges behind them."""

    charged: dict[str, Decimal] = field(default_factory=dict)
    hours: list[InterestCharge] = field(default_factory=list)


class WalletBalances:
    """The balance primitives every wallet shares; the subclass provides ``balances``."""

    balances: dict[str, AssetBalance]

    def balance(self, asset: str) -> AssetBalance:
        """The asset's balance, created at zero on first use."""
        found = self.balances.get(asset)
        if found is None:
            found = self.balances[asset] = AssetBalance()
        return found

    def free(self, asset: str) -> Decimal:
        found = self.balances.get(asset)
        return found.free if found is not None else ZERO

    def lock(self, asset: str, amount: Decimal) -> None:
        """free -> locked."""
        entry = self.balance(asset)
        if not entry.free >= amount:
            _broken(f"lock {amount} {asset}: only {entry.free} free")
        entry.free -= amount
        entry.locked += amount

    def unlock(self, asset: str, amount: Decimal) -> None:
        """locked -> free."""
        entry = self.balance(asset)
        if not entry.locked >= amount:
            _broken(f"unlock {amount} {asset}: only {entry.locked} locked")
        entry.locked -= amount
        entry.free += amount

    def spend_locked(self, asset: str, amount: Decimal) -> None:
        """Locked funds leave the account (paid for a fill)."""
        entry = self.balance(asset)
        if not entry.locked >= amount:
            _broken(f"spend {amount} {asset}: only {entry.locked} locked")
        entry.locked -= amount

    def spend_free(self, asset: str, amount: Decimal) -> None:
        """Free funds leave the account."""
        entry = self.balance(asset)
        if not entry.free >= amount:
            _broken(f"spend {amount} {asset}: only {entry.free} free")
        entry.free -= amount

    def credit(self, asset: str, amount: Decimal) -> None:
        """Funds arrive as free balance."""
        self.balance(asset).free += amount

    def holdings(self) -> dict[str, AssetBalance]:
        """The assets with anything in them (free, locked or owed), by name."""
        return {asset: entry for asset, entry in sorted(self.balances.items())
                if entry.total != 0 or entry.liability != 0}


@dataclass
class SpotWallet(WalletBalances):
    """The spot wallet: what ``GET /api/v3/account`` shows and universal transfers move."""

    balances: dict[str, AssetBalance] = field(default_factory=dict)

    @classmethod
    def from_config(cls, balances: Mapping[str, BalanceConfig]) -> SpotWallet:
        return cls({asset: AssetBalance(free=spec.free) for asset, spec in balances.items()})


@dataclass
class MarginAccount(WalletBalances):
    """The cross margin account, or one isolated pair (``isolated_symbol`` set)."""

    isolated_symbol: str | None
    balances: dict[str, AssetBalance] = field(default_factory=dict)
    # Interest is accrued lazily up to this instant, in whole hours.
    interest_checkpoint_ms: int = 0

    def borrow(self, asset: str, amount: Decimal) -> None:
        """A loan: the amount becomes free and is owed."""
        entry = self.balance(asset)
        entry.free += amount
        entry.borrowed += amount

    def repay(self, asset: str, amount: Decimal) -> RepayResult:
        """Pay back up to ``amount`` from free balance: interest first, then principal (spec §8)."""
        entry = self.balance(asset)
        amount = min(amount, entry.free, entry.liability)
        interest = min(amount, entry.interest)
        principal = amount - interest
        entry.interest -= interest
        entry.borrowed -= principal
        entry.free -= amount
        return RepayResult(interest, principal)

    def accrual_due(self, now_ms: int) -> bool:
        """Whether :meth:`accrue_interest` has anything to do: a whole hour passed, or the clock went back."""
        checkpoint = self.interest_checkpoint_ms
        return not checkpoint <= now_ms < checkpoint + HOUR_MS

    def accrue_interest(self, now_ms: int, margin: MarginConfig, max_rows: int = 0) -> InterestAccrual:
        """Charge each whole hour elapsed since the checkpoint on borrowed principal.

        Each hour is charged on its own (principal x hourly rate, rounded down to 8
        decimals), as Binance charges hourly. The hourly charges returned are the newest
        ``max_rows`` per asset when ``max_rows`` is set: a clock advanced by years must not
        build millions of rows (the balance is charged for every hour all the same).
        """
        accrual = InterestAccrual()
        if now_ms < self.interest_checkpoint_ms:
            # The exchange clock was set back (e.g. frozen at an earlier instant): count from now.
            self.interest_checkpoint_ms = now_ms
            return accrual
        hours = (now_ms - self.interest_checkpoint_ms) // HOUR_MS
        if hours <= 0:
            return accrual
        start = self.interest_checkpoint_ms
        self.interest_checkpoint_ms += hours * HOUR_MS
        for asset, entry in self.balances.items():
            if entry.borrowed <= 0:
                continue
            rate = margin.interest_rate(asset)
            per_hour = (entry.borrowed * rate).quantize(INTEREST_QUANTUM, rounding=ROUND_DOWN)
            if per_hour <= 0:
                continue
            entry.interest += per_hour * hours
            accrual.charged[asset] = per_hour * hours
            shown = hours if not max_rows else min(hours, max_rows)
            accrual.hours.extend(InterestCharge(asset, start + hour * HOUR_MS, entry.borrowed, rate, per_hour)
                                 for hour in range(hours - shown + 1, hours + 1))
        return accrual

    @classmethod
    def from_config(
        cls, balances: Mapping[str, BalanceConfig], isolated_symbol: str | None, now_ms: int
    ) -> MarginAccount:
        return cls(
            isolated_symbol=isolated_symbol,
            balances={
                asset: AssetBalance(free=spec.free, borrowed=spec.borrowed, interest=spec.interest)
                for asset, spec in balances.items()
            },
            interest_checkpoint_ms=now_ms,
        )


@dataclass
class Account:
    """A user of the exchange: credentials, permissions, cross and isolated margin accounts."""

    name: str
    api_key: str
    hmac_secret: str | None
    rsa_public_key: str | None
    ed25519_public_key: str | None
    margin_enabled: bool
    cross: MarginAccount
    isolated: dict[str, MarginAccount] = field(default_factory=dict)
    spot: SpotWallet = field(default_factory=SpotWallet)
    # isolated symbol -> when its pair was last disabled (Binance allows one disable a day)
    isolated_disabled_ms: dict[str, int] = field(default_factory=dict)

    def margin_account(self, isolated_symbol: str | None) -> MarginAccount:
        """The cross account (None) or the isolated pair; -11001 when the pair does not exist."""
        if isolated_symbol is None:
            return self.cross
        found = self.isolated.get(isolated_symbol)
        if found is None:
            raise isolated_account_missing()
        return found

    def margin_accounts(self) -> list[MarginAccount]:
        """Cross first, then isolated pairs by symbol."""
        return [self.cross, *(self.isolated[s] for s in sorted(self.isolated))]

    @classmethod
    def from_config(cls, spec: AccountConfig, now_ms: int) -> Account:
        return cls(
            name=spec.name,
            api_key=spec.api_key,
            hmac_secret=spec.hmac_secret,
            rsa_public_key=spec.rsa_public_key,
            ed25519_public_key=spec.ed25519_public_key,
            margin_enabled=spec.margin_enabled,
            cross=MarginAccount.from_config(spec.cross, None, now_ms),
            isolated={
                symbol: MarginAccount.from_config(balances, symbol, now_ms)
                for symbol, balances in spec.isolated.items()
            },
            spot=SpotWallet.from_config(spec.spot),
        )


def _broken(message: str) -> NoReturn:
    # Called only when a check fails: the message (Decimals as text) is built then, not on every call.
    raise ValueError(f"balance bookkeeping broken: {message}")
