"""Shared helpers for the engine tests: a small config, a frozen exchange, invariant checks."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from mock_exchange.config import ExchangeConfig, config_from_dict
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.enums import OrderStatus, Side
from mock_exchange.core.exchange import Exchange
from mock_exchange.core.order_lists import ListKind
from mock_exchange.core.state import ExchangeState, ScopeCounts, scope_key

D = Decimal
FROZEN_AT_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z


def simple_config(**overrides: Any) -> ExchangeConfig:
    """Two symbols with light filters and three accounts; no counts or percent bands in the way."""
    doc: dict[str, Any] = {
        "seed": 7,
        "fees": {"maker": "0.001", "taker": "0.002"},
        "margin": {"max_leverage": "3", "isolated_max_leverage": "5",
                   "hourly_interest_rate": {"default": "0.0001"}, "borrow_limits": {"BTC": "50", "USDT": "2000000"}},
        "symbols": {
            "BTCUSDT": {"base_asset": "BTC", "quote_asset": "USDT", "last_price": "30000", "filters": [
                {"filterType": "PRICE_FILTER", "minPrice": "0.01", "maxPrice": "1000000", "tickSize": "0.01"},
                {"filterType": "LOT_SIZE", "minQty": "0.001", "maxQty": "1000", "stepSize": "0.001"},
                {"filterType": "TRAILING_DELTA", "minTrailingAboveDelta": 10, "maxTrailingAboveDelta": 2000,
                 "minTrailingBelowDelta": 10, "maxTrailingBelowDelta": 2000},
            ]},
            "ETHUSDT": {"base_asset": "ETH", "quote_asset": "USDT", "last_price": "2000", "filters": [
                {"filterType": "PRICE_FILTER", "minPrice": "0.01", "maxPrice": "1000000", "tickSize": "0.01"},
                {"filterType": "LOT_SIZE", "minQty": "0.01", "maxQty": "10000", "stepSize": "0.01"},
            ]},
        },
        "accounts": [
            {"name": "alice", "api_key": "aliceKey", "hmac_secret": "s1",
             "spot": {"BTC": {"free": "2"}, "USDT": {"free": "20000"}},
             "cross": {"BTC": {"free": "10"}, "USDT": {"free": "500000"}, "ETH": {"free": "50"}},
             "isolated": {"BTCUSDT": {"BTC": {"free": "1"}, "USDT": {"free": "50000"}}}},
            {"name": "bob", "api_key": "bobKey", "hmac_secret": "s2",
             "cross": {"BTC": {"free": "5"}, "USDT": {"free": "200000"}}},
            {"name": "poor", "api_key": "poorKey", "hmac_secret": "s3", "spot": {"USDT": {"free": "100"}},
             "cross": {"BTC": {"free": "0.1"}, "USDT": {"free": "1000"}}},
        ],
    }
    doc.update(overrides)
    return config_from_dict(doc)


def make_exchange(config: ExchangeConfig | None = None) -> Exchange:
    return Exchange(config or simple_config(), ExchangeClock(FROZEN_AT_MS))


def balance(ex: Exchange, account: str, asset: str, isolated_symbol: str | None = None):  # type: ignore[no-untyped-def]
    return ex.margin_account(account, isolated_symbol).balance(asset)


# -- invariants --------------------------------------------------------------------------------


def asset_totals(ex: Exchange) -> dict[str, dict[str, Decimal]]:
    """Per asset, summed over every wallet: held (free + locked, spot and margin), borrowed,
    interest, and the spot wallets' part of what is held."""
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for account in ex.accounts.values():
        for asset, entry in account.spot.balances.items():
            totals[asset]["held"] += entry.free + entry.locked
            totals[asset]["spot"] += entry.free + entry.locked
        for margin in account.margin_accounts():
            for asset, entry in margin.balances.items():
                totals[asset]["held"] += entry.free + entry.locked
                totals[asset]["borrowed"] += entry.borrowed
                totals[asset]["interest"] += entry.interest
    return totals


def fingerprint(ex: Exchange) -> Any:
    """Everything a rejected request must leave untouched."""
    balances = sorted(
        (name, margin.isolated_symbol or "", asset, str(e.free), str(e.locked), str(e.borrowed), str(e.interest))
        for name, account in ex.accounts.items() for margin in account.margin_accounts()
        for asset, e in margin.balances.items()
    ) + sorted((name, "SPOT", asset, str(e.free), str(e.locked)) for name, account in ex.accounts.items()
               for asset, e in account.spot.balances.items())
    orders = sorted((o.order_id, o.status.value, str(o.executed_qty), str(o.locked_amount))
                    for o in ex.state.orders.values())
    return (ex.ids.state(), ex.events.last_seq, balances, orders, len(ex.state.order_lists),
            len(ex.state.trades), len(ex.state.borrow_history), len(ex.state.transfers),
            len(ex.state.liquidations), len(ex.state.write_offs), dict(ex.state.index_prices))


def check_invariants(ex: Exchange, start: dict[str, dict[str, Decimal]]) -> None:
    """Conservation, reservations, fills and list rules over the whole exchange.

    Liquidation orders are ordinary orders and trades here (their fee is their commission);
    write-offs are the one way a liability leaves without a repayment.
    """
    state = ex.state
    trades_by_order: dict[int, list] = defaultdict(list)
    flow: dict[str, Decimal] = defaultdict(Decimal)
    spot_flow: dict[str, Decimal] = defaultdict(Decimal)  # the part of the flow spot orders made
    fees: dict[str, Decimal] = defaultdict(Decimal)
    for trade in state.trades.values():
        trades_by_order[trade.order_id].append(trade)
        spec = state.symbols[trade.symbol]
        sign = 1 if trade.side is Side.BUY else -1
        for target in (flow, spot_flow) if trade.spot else (flow,):
            target[spec.base_asset] += sign * trade.qty
            target[spec.quote_asset] -= sign * trade.qty * trade.price
            target[trade.commission_asset] -= trade.commission
        fees[trade.commission_asset] += trade.commission
    loans: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for record in state.borrow_history:
        sign = 1 if record.type == "BORROW" else -1
        loans[record.asset]["held"] += sign * record.amount
        loans[record.asset]["principal"] += sign * record.principal
        loans[record.asset]["interest_paid"] += record.interest if record.type == "REPAY" else 0

    spot_moved: dict[str, Decimal] = defaultdict(Decimal)
    for transfer in state.transfers:
        assert transfer.amount > 0, transfer
        if transfer.to_wallet == "SPOT":
            spot_moved[transfer.asset] += transfer.amount
        if transfer.from_wallet == "SPOT":
            spot_moved[transfer.asset] -= transfer.amount

    # Debt a liquidation could not repay leaves the books by a write-off (core/liquidation.py).
    written_off: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for write_off in state.write_offs:
        assert write_off.principal >= 0 and write_off.interest >= 0, write_off
        written_off[write_off.asset]["principal"] += write_off.principal
        written_off[write_off.asset]["interest"] += write_off.interest

    now = asset_totals(ex)
    for asset in set(now) | set(start) | set(flow):
        # Transfers move funds between wallets, never in or out of the exchange: the spot
        # wallets change by exactly what the transfer records and the spot fills say.
        expected_spot = start[asset]["spot"] + spot_moved[asset] + spot_flow[asset]
        assert now[asset]["spot"] == expected_spot, f"{asset}: spot {now[asset]['spot']} != {expected_spot}"
        expected_held = start[asset]["held"] + loans[asset]["held"] + flow[asset]
        assert now[asset]["held"] == expected_held, f"{asset}: held {now[asset]['held']} != {expected_held}"
        assert now[asset]["borrowed"] == (start[asset]["borrowed"] + loans[asset]["principal"]
                                          - written_off[asset]["principal"]), asset
        expected_interest = (start[asset]["interest"] + state.interest_charged.get(asset, D(0))
                             - loans[asset]["interest_paid"] - written_off[asset]["interest"])
        assert now[asset]["interest"] == expected_interest, asset
        assert fees[asset] == state.fees_collected.get(asset, D(0)), asset

    reserved: dict[tuple[str, str | None, str], Decimal] = defaultdict(Decimal)
    for order in state.orders.values():
        trades = trades_by_order[order.order_id]
        assert D(0) <= order.executed_qty <= order.quantity, order
        assert order.executed_qty == sum((t.qty for t in trades), D(0)), order
        assert order.cummulative_quote_qty == sum((t.qty * t.price for t in trades), D(0)), order
        assert (order.status is OrderStatus.FILLED) == (order.executed_qty == order.quantity), order
        assert order.locked_amount >= 0
        if not order.is_open:
            assert order.locked_amount == 0, order
        elif order.locked_amount:
            wallet = "SPOT" if order.spot else order.symbol if order.isolated else None
            reserved[(order.account, wallet, order.locked_asset)] += order.locked_amount
        assert not (order.spot and (order.isolated or order.borrowed_amount)), order  # spot never borrows
        in_open_index = order.order_id in state.open_orders.get(order.account, {}).get(
            scope_key(order.symbol, order.isolated, order.spot), {})
        assert in_open_index == order.is_open, order
    for name, account in ex.accounts.items():
        for asset, entry in account.spot.balances.items():
            assert entry.free >= 0 and entry.locked >= 0 and entry.borrowed == 0 and entry.interest == 0
            assert entry.locked == reserved[(name, "SPOT", asset)], (name, "spot", asset)
        for margin in account.margin_accounts():
            for asset, entry in margin.balances.items():
                assert entry.free >= 0 and entry.locked >= 0 and entry.borrowed >= 0 and entry.interest >= 0
                assert entry.locked == reserved[(name, margin.isolated_symbol, asset)], (name, margin, asset)

    for order_list in state.order_lists.values():
        legs = [state.orders[oid] for oid in order_list.order_ids]
        pair = legs if order_list.kind is ListKind.OCO else legs[1:] if order_list.kind is ListKind.OTOCO else []
        assert sum(1 for leg in pair if leg.executed_qty > 0 or leg.triggered) <= 1, order_list
        if order_list.kind is not ListKind.OCO:
            working = legs[0]
            working_trades = [t.trade_id for t in trades_by_order[working.order_id]]
            for leg in legs[1:]:
                went_live = leg.status not in (OrderStatus.PENDING_NEW,) and (
                    leg.executed_qty > 0 or leg.triggered or leg.working_time_ms >= 0
                    or leg.trailing_time_ms >= 0 or leg.status is OrderStatus.NEW)
                if went_live:
                    assert working.status is OrderStatus.FILLED, (order_list, leg)
                for trade in trades_by_order[leg.order_id]:
                    assert trade.trade_id > max(working_trades), (order_list, leg)
        is_open = order_list.order_list_id in state.open_lists.get(order_list.account, {}).get(
            scope_key(order_list.symbol, order_list.isolated, order_list.spot), {})
        assert all(leg.spot == order_list.spot for leg in legs), order_list
        assert is_open == order_list.is_open, order_list
        if order_list.is_open:
            assert any(leg.is_open for leg in legs), order_list


def _book_view(book) -> dict:  # type: ignore[no-untyped-def]
    view = {}
    for symbol, side in book.symbols.items():
        entry = {name: [(price, getattr(side, name).ids_at(price)) for price in getattr(side, name).prices]
                 for name in ("bids", "asks", "rising", "falling")}
        entry["trailing"] = list(side.trailing)
        if any(entry.values()):
            view[symbol] = entry
    return view


def _nonempty(index: dict) -> dict:  # type: ignore[type-arg]
    return {account: {key: sorted(ids) for key, ids in scopes.items() if ids}
            for account, scopes in index.items() if any(scopes.values())}


def check_rebuild(ex: Exchange) -> None:
    """The derived indexes equal what ``rebuild_indexes`` makes from the primary records (restore)."""
    live = ex.state
    fresh = ExchangeState(symbols=live.symbols, accounts=live.accounts, orders=live.orders,
                          order_lists=live.order_lists, trades=live.trades)
    fresh.rebuild_indexes()
    assert _book_view(fresh.book) == _book_view(live.book)
    assert _nonempty(fresh.open_orders) == _nonempty(live.open_orders)
    assert _nonempty(fresh.open_lists) == _nonempty(live.open_lists)
    counts = {a: {k: c for k, c in scopes.items() if c != ScopeCounts()} for a, scopes in live.open_counts.items()}
    again = {a: {k: c for k, c in scopes.items() if c != ScopeCounts()} for a, scopes in fresh.open_counts.items()}
    assert {a: s for a, s in counts.items() if s} == {a: s for a, s in again.items() if s}
    assert {a: i for a, i in live.open_client_ids.items() if i} == {a: i for a, i in fresh.open_client_ids.items() if i}
    assert ({a: i for a, i in live.open_list_client_ids.items() if i}
            == {a: i for a, i in fresh.open_list_client_ids.items() if i})
    assert (fresh.order_history, fresh.list_history, fresh.trade_history) == (
        live.order_history, live.list_history, live.trade_history)
