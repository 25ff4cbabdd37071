"""Universal transfers between an account's wallets: spot, cross margin and isolated pairs.

``POST /sapi/v1/asset/transfer`` names a transfer by its type (``MAIN_MARGIN``: spot to
cross margin, ...). The types below are the ones between wallets this fake models; the
other documented types move funds into products it leaves out (futures, funding, options,
pay, ...) and are answered as unsupported (docs/wallets.md).

Rules, in the order they are checked: the type, the isolated symbols it needs (``fromSymbol``
/ ``toSymbol``, -1102 when missing, -1106 when sent for a type that takes none), the amount
(positive, at most 8 decimals), the symbols (-1121 unknown, -11001 no isolated account,
-3027 an asset the pair does not hold), then the funds: the spot wallet's free balance
(-5013), or a margin account's maximum transferable (-3020; what backs a loan stays, the
rule of :func:`mock_exchange.core.valuation.max_transferable`). A rejected transfer
changes nothing; an accepted one moves the amount to the last unit, records one
:class:`~mock_exchange.core.state.TransferRecord` and emits a ``balanceUpdate`` for each
margin account it touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from mock_exchange.core import errors, margin_risk, valuation
from mock_exchange.core.accounts import Account, WalletBalances
from mock_exchange.core.context import EngineContext
from mock_exchange.core.decimals import ZERO
from mock_exchange.core.events import TransferEvent
from mock_exchange.core.state import CROSS_WALLET, ISOLATED_WALLET, SPOT_WALLET, TransferRecord

# Amounts move in whole units of 8 decimals, as every Binance balance shows them.
AMOUNT_DECIMALS = 8


@dataclass(frozen=True)
class TransferType:
    """One universal transfer type between two wallets of the account."""

    name: str
    source: str  # SPOT_WALLET / CROSS_WALLET / ISOLATED_WALLET
    target: str

    @property
    def needs_from_symbol(self) -> bool:
        return self.source == ISOLATED_WALLET

    @property
    def needs_to_symbol(self) -> bool:
        return self.target == ISOLATED_WALLET


# The documented types (wallet docs, User Universal Transfer) plus the spot <-> isolated pair
# spelled as ccxt sends it (MAIN_ISOLATED_MARGIN / ISOLATED_MARGIN_MAIN, with toSymbol / fromSymbol).
TRANSFER_TYPES: dict[str, TransferType] = {t.name: t for t in (
    TransferType("MAIN_MARGIN", SPOT_WALLET, CROSS_WALLET),
    TransferType("MARGIN_MAIN", CROSS_WALLET, SPOT_WALLET),
    TransferType("MAIN_ISOLATED_MARGIN", SPOT_WALLET, ISOLATED_WALLET),
    TransferType("ISOLATED_MARGIN_MAIN", ISOLATED_WALLET, SPOT_WALLET),
    TransferType("MARGIN_ISOLATEDMARGIN", CROSS_WALLET, ISOLATED_WALLET),
    TransferType("ISOLATEDMARGIN_MARGIN", ISOLATED_WALLET, CROSS_WALLET),
    TransferType("ISOLATEDMARGIN_ISOLATEDMARGIN", ISOLATED_WALLET, ISOLATED_WALLET),
)}

# Documented types whose other side is a product this fake leaves out: answered -1020.
OTHER_PRODUCT_TYPES = frozenset({
    "MAIN_C2C", "MAIN_UMFUTURE", "MAIN_CMFUTURE", "MAIN_MINING", "C2C_MAIN", "C2C_UMFUTURE", "C2C_MINING",
    "C2C_MARGIN", "UMFUTURE_MAIN", "UMFUTURE_C2C", "UMFUTURE_MARGIN", "CMFUTURE_MAIN", "CMFUTURE_MARGIN",
    "MARGIN_UMFUTURE", "MARGIN_CMFUTURE", "MARGIN_MINING", "MARGIN_C2C", "MINING_MAIN", "MINING_UMFUTURE",
    "MINING_C2C", "MINING_MARGIN", "MAIN_PAY", "PAY_MAIN", "MAIN_FUNDING", "FUNDING_MAIN", "FUNDING_UMFUTURE",
    "UMFUTURE_FUNDING", "MARGIN_FUNDING", "FUNDING_MARGIN", "FUNDING_CMFUTURE", "CMFUTURE_FUNDING",
    "MAIN_OPTION", "OPTION_MAIN", "UMFUTURE_OPTION", "OPTION_UMFUTURE", "MARGIN_OPTION", "OPTION_MARGIN",
    "FUNDING_OPTION", "OPTION_FUNDING", "MAIN_PORTFOLIO_MARGIN", "PORTFOLIO_MARGIN_MAIN",
})


def transfer_type(name: str) -> TransferType:
    """The transfer type called ``name``: -1020 for another product's type, -1130 for no type at all."""
    found = TRANSFER_TYPES.get(name)
    if found is not None:
        return found
    if name in OTHER_PRODUCT_TYPES:
        raise errors.unsupported_operation()
    raise errors.invalid_param_value("type")


@dataclass(frozen=True)
class TransferRequest:
    """A checked universal transfer, ready to apply."""

    kind: TransferType
    asset: str
    amount: Decimal
    from_symbol: str | None
    to_symbol: str | None


def check_symbols(kind: TransferType, from_symbol: str | None, to_symbol: str | None) -> None:
    """fromSymbol / toSymbol: required where the type has an isolated side, refused elsewhere."""
    for name, needed, value in (("fromSymbol", kind.needs_from_symbol, from_symbol),
                                ("toSymbol", kind.needs_to_symbol, to_symbol)):
        if needed and value is None:
            raise errors.mandatory_param_missing(name)
        if not needed and value is not None:
            raise errors.param_not_required(name)
    if from_symbol is not None and from_symbol == to_symbol:
        raise errors.invalid_param_value("toSymbol")  # (inferred) a pair cannot transfer to itself


def check_amount(amount: Decimal) -> None:
    if amount <= 0:
        raise errors.invalid_param_value("amount")
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > AMOUNT_DECIMALS:
        raise errors.bad_precision("amount")


def _wallet(ctx: EngineContext, account: Account, wallet: str, symbol: str | None, asset: str) -> WalletBalances:
    if wallet == SPOT_WALLET:
        return account.spot
    if wallet == CROSS_WALLET:
        return ctx.margin_account(account.name, None)
    assert symbol is not None
    if symbol not in ctx.state.symbols:
        raise errors.invalid_symbol()
    margin = ctx.margin_account(account.name, symbol)  # -11001 when the pair is not enabled
    spec = ctx.symbol(symbol)
    if asset not in (spec.base_asset, spec.quote_asset):
        raise errors.not_valid_margin_asset()
    return margin


def max_transferable(ctx: EngineContext, account: str, isolated_symbol: str | None, asset: str) -> Decimal:
    """What of ``asset`` can leave a margin account now (interest accrued first)."""
    if not margin_risk.transfer_out_allowed(ctx, account, isolated_symbol):
        return ZERO  # from a margin call on nothing leaves (core/margin_level.py): -3020 beyond it
    margin = ctx.margin_account(account, isolated_symbol)
    return valuation.max_transferable(margin, asset, ctx.config.margin, ctx.state.symbols, ctx.index_prices())


def transfer(ctx: EngineContext, account: Account, request: TransferRequest) -> int:
    """Move the funds (all checks first); returns the tranId."""
    kind, asset, amount = request.kind, request.asset, request.amount
    check_symbols(kind, request.from_symbol, request.to_symbol)
    check_amount(amount)
    source = _wallet(ctx, account, kind.source, request.from_symbol, asset)
    target = _wallet(ctx, account, kind.target, request.to_symbol, asset)
    if kind.source == SPOT_WALLET:
        if amount > source.free(asset):
            raise errors.transfer_insufficient_balance()
    elif amount > max_transferable(ctx, account.name, request.from_symbol, asset):
        raise errors.transfer_out_exceeds_max()

    source.spend_free(asset, amount)
    target.credit(asset, amount)
    tran_id = ctx.ids.next("tran")
    now = ctx.now()
    ctx.state.add_transfer(TransferRecord(
        tran_id=tran_id, account=account.name, type=kind.name, asset=asset, amount=amount,
        from_wallet=kind.source, to_wallet=kind.target, from_symbol=request.from_symbol,
        to_symbol=request.to_symbol, time_ms=now,
    ))
    for wallet, symbol, delta in (
        (kind.source, request.from_symbol, -amount),
        (kind.target, request.to_symbol, amount),
    ):
        spot = wallet == SPOT_WALLET  # the spot side goes to the spot user data stream
        ctx.log.append(TransferEvent(seq=ctx.log.next_seq(), account=account.name,
                                     isolated_symbol=None if spot else symbol, time_ms=now, asset=asset,
                                     delta=delta, tran_id=tran_id, spot=spot))
        ctx.mark(account.name, None if spot else symbol, asset, spot)
    return tran_id
