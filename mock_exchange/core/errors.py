"""Binance's error model: one exception type carrying code, message and HTTP status.

Messages are built by the factory functions below, never at the raise site, so the
exact wording Binance uses lives in one place (spec §10).
"""

from __future__ import annotations

from collections.abc import Mapping


class BinanceError(Exception):
    """A request rejected the way Binance rejects it: ``{"code": code, "msg": msg}``."""

    def __init__(
        self,
        code: int,
        msg: str,
        http_status: int = 400,
        headers: Mapping[str, str] | None = None,
        data: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(f"{code}: {msg}")
        self.code = code
        self.msg = msg
        self.http_status = http_status
        self.headers = dict(headers or {})
        self.data = data  # a few errors carry details (spot cancelReplace's "data")

    def to_dict(self) -> dict[str, object]:
        """The JSON body Binance sends."""
        if self.data is not None:
            return {"code": self.code, "msg": self.msg, "data": dict(self.data)}
        return {"code": self.code, "msg": self.msg}


# -- request security (spec §2) ---------------------------------------------------


def api_key_format_invalid() -> BinanceError:
    return BinanceError(-2014, "API-key format invalid.", 401)


def invalid_api_key() -> BinanceError:
    return BinanceError(-2015, "Invalid API-key, IP, or permissions for action.", 401)


def invalid_signature() -> BinanceError:
    return BinanceError(-1022, "Signature for this request is not valid.")


def timestamp_ahead() -> BinanceError:
    return BinanceError(-1021, "Timestamp for this request was 1000ms ahead of the server's time.")


def timestamp_outside_recv_window() -> BinanceError:
    return BinanceError(-1021, "Timestamp for this request is outside of the recvWindow.")


def bad_recv_window() -> BinanceError:
    return BinanceError(-1131, "recvWindow must be less than 60000")


def unauthorized() -> BinanceError:
    return BinanceError(-1002, "You are not authorized to execute this request.", 401)


# -- parameters (spec §10, -11xx) -------------------------------------------------


def mandatory_param_missing(name: str | None = None) -> BinanceError:
    if name is None:
        return BinanceError(-1102, "A mandatory parameter was not sent, was empty/null, or malformed.")
    return BinanceError(-1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.")


def one_of_params_missing(first: str, second: str) -> BinanceError:
    return BinanceError(-1102, f"Param '{first}' or '{second}' must be sent, but both were empty/null!")


def illegal_chars(name: str | None = None, legal_range: str | None = None) -> BinanceError:
    if name is None:
        return BinanceError(-1100, "Illegal characters found in a parameter.")
    return BinanceError(-1100, f"Illegal characters found in parameter '{name}'; legal range is '{legal_range}'.")


def duplicate_param() -> BinanceError:
    return BinanceError(-1101, "Duplicate values for a parameter detected.")


def unread_params(read: int, sent: int) -> BinanceError:
    return BinanceError(
        -1104, f"Not all sent parameters were read; read '{read}' parameter(s) but was sent '{sent}'."
    )


def param_empty(name: str) -> BinanceError:
    return BinanceError(-1105, f"Parameter '{name}' was empty.")


def param_not_required(name: str) -> BinanceError:
    return BinanceError(-1106, f"Parameter '{name}' sent when not required.")


def bad_precision(name: str | None = None) -> BinanceError:
    # SAPI wording (spec §10 -1111); the parameter name is not part of it.
    return BinanceError(-1111, "Precision is over the maximum defined for this asset.")


def invalid_tif() -> BinanceError:
    return BinanceError(-1115, "Invalid timeInForce.")


def invalid_order_type() -> BinanceError:
    return BinanceError(-1116, "Invalid orderType.")


def invalid_side() -> BinanceError:
    return BinanceError(-1117, "Invalid side.")


def empty_new_client_order_id() -> BinanceError:
    return BinanceError(-1118, "New client order ID was empty.")


def empty_orig_client_order_id() -> BinanceError:
    return BinanceError(-1119, "Original client order ID was empty.")


def invalid_symbol() -> BinanceError:
    return BinanceError(-1121, "Invalid symbol.")


def invalid_param_value(name: str) -> BinanceError:
    return BinanceError(-1130, f"Data sent for parameter '{name}' is not valid.")


def bad_param_combo() -> BinanceError:
    return BinanceError(-1128, "Combination of optional parameters invalid.")


def lookup_interval_too_big(hours: int = 24) -> BinanceError:
    return BinanceError(-1127, f"More than {hours} hours between startTime and endTime.")


def unsupported_operation() -> BinanceError:
    return BinanceError(-1020, "This operation is not supported.")


def unknown_error() -> BinanceError:
    return BinanceError(-1000, "An unknown error occurred while processing the request.", 500)


# -- rate limits (spec §3) --------------------------------------------------------


def too_much_weight(limit: int, interval: str, retry_after_s: int) -> BinanceError:
    return BinanceError(
        -1003,
        f"Too much request weight used; current limit is {limit} request weight per {interval}. "
        "Please use WebSocket Streams for live updates to avoid polling the API.",
        429,
        {"Retry-After": str(retry_after_s)},
    )


def ip_banned(until_ms: int, retry_after_s: int) -> BinanceError:
    return BinanceError(
        -1003,
        f"Way too much request weight used; IP banned until {until_ms}. "
        "Please use WebSocket Streams for live updates to avoid bans.",
        418,
        {"Retry-After": str(retry_after_s)},
    )


def too_many_orders(limit: int, interval: str) -> BinanceError:
    return BinanceError(-1015, f"Too many new orders; current limit is {limit} orders per {interval}.", 429)


# -- engine (spec §10, -1013 / -2010 / -2011 / -2013) -----------------------------


def filter_failure(filter_type: str) -> BinanceError:
    return BinanceError(-1013, f"Filter failure: {filter_type}")


def order_rejected(reason: str) -> BinanceError:
    return BinanceError(-2010, reason)


def duplicate_order() -> BinanceError:
    return order_rejected("Duplicate order sent.")


def insufficient_balance() -> BinanceError:
    return order_rejected("Account has insufficient balance for requested action.")


def would_trigger_immediately() -> BinanceError:
    return order_rejected("Order would trigger immediately.")


def would_match_immediately() -> BinanceError:
    return order_rejected("Order would immediately match and take.")


def iceberg_not_supported() -> BinanceError:
    return order_rejected("Iceberg orders are not supported for this symbol.")


def trailing_not_supported() -> BinanceError:
    return order_rejected("Trailing stop orders are not supported for this symbol.")


def iceberg_exceeds_quantity() -> BinanceError:
    return order_rejected("IcebergQty exceeds QTY.")


def max_position_failure() -> BinanceError:
    # Reported under -2010, not -1013 (spec §7, observed in ccxt's map).
    return order_rejected("Filter failure: MAX_POSITION")


def bad_oco_prices() -> BinanceError:
    return order_rejected("The relationship of the prices for the orders is not correct.")


def trading_disabled_for_account() -> BinanceError:
    return order_rejected("This action is disabled on this account.")


def invalid_quantity() -> BinanceError:
    return BinanceError(-1013, "Invalid quantity.")


def invalid_price() -> BinanceError:
    return BinanceError(-1013, "Invalid price.")


def price_qty_zero() -> BinanceError:
    # -1013 rather than -2010: what real responses show (docs/behaviour.md, Filters).
    return BinanceError(-1013, "Price * QTY is zero or less.")


def unsupported_order_combination() -> BinanceError:
    return BinanceError(-1014, "Unsupported order combination.")


def market_closed() -> BinanceError:
    return order_rejected("Market is closed.")


def oco_not_supported() -> BinanceError:
    return order_rejected("OCO orders are not supported for this symbol")


def oto_not_supported() -> BinanceError:
    # (inferred) worded like the OCO message; Binance documents no OTO variant.
    return order_rejected("OTO orders are not supported for this symbol")


def oco_type_rejected() -> BinanceError:
    return BinanceError(-1158, "Order type not supported in OCO.")


_OCO_POSITION_MESSAGES = {
    -1165: "A limit order in a buy OCO must be below.",
    -1166: "A limit order in a sell OCO must be above.",
    -1168: "At least one OCO order must be contingent.",
    -1196: "A stop loss order in a buy OCO must be above.",
    -1197: "A stop loss order in a sell OCO must be below.",
    -1198: "A take profit order in a buy OCO must be below.",
    -1199: "A take profit order in a sell OCO must be above.",
}


def oco_position_error(code: int) -> BinanceError:
    """Spot's leg-position codes, used for an OTOCO's pending pair (docs/behaviour.md)."""
    return BinanceError(code, _OCO_POSITION_MESSAGES[code])


def invalid_listen_key() -> BinanceError:
    return BinanceError(-1125, "This listenKey does not exist.")


def invalid_listen_token() -> BinanceError:
    # The documentation names the code only; the wording is ours.
    return BinanceError(-1209, "Invalid listenToken.")


def too_many_subscriptions(limit: int) -> BinanceError:
    # errors.md: -1191 TOO_MANY_SUBSCRIPTIONS; the WebSocket API allows 1,000 active ones.
    return BinanceError(
        -1191, f"Too many subscriptions. Connection may create up to '{limit}' subscriptions at a time."
    )


def unknown_order() -> BinanceError:
    return BinanceError(-2011, "Unknown order sent.")


def cancel_restricted() -> BinanceError:
    # Spot rest-api.md, "Regarding cancelRestrictions".
    return BinanceError(-2011, "Order was not canceled due to cancel restrictions.")


def invalid_cancel_restrictions() -> BinanceError:
    # Spot errors.md, -1145 INVALID_CANCEL_RESTRICTIONS: its text, as no capture shows another.
    return BinanceError(-1145, "cancelRestrictions has to be either ONLY_NEW or ONLY_PARTIALLY_FILLED.")


def cancel_replace_failed(data: Mapping[str, object]) -> BinanceError:
    """Spot cancelReplace with neither half done; ``data`` holds both results (rest-api.md)."""
    return BinanceError(-2022, "Order cancel-replace failed.", 400, data=data)


def cancel_replace_partially_failed(data: Mapping[str, object]) -> BinanceError:
    """Spot cancelReplace with one half done (409)."""
    return BinanceError(-2021, "Order cancel-replace partially failed.", 409, data=data)


def order_does_not_exist() -> BinanceError:
    return BinanceError(-2013, "Order does not exist.")


def order_list_does_not_exist() -> BinanceError:
    return BinanceError(-2013, "Order list does not exist.")


# -- margin (spec §10, -3xxx / -11xxx) --------------------------------------------


def margin_account_missing() -> BinanceError:
    return BinanceError(-3003, "Margin account does not exist.")


def exceed_max_borrowable() -> BinanceError:
    return BinanceError(-3006, "Your borrow amount has exceed maximum borrow amount.")


def borrow_not_allowed() -> BinanceError:
    """A margin account at a margin call or worse takes no new loan (core/margin_level.py)."""
    return BinanceError(-3008, "Borrow not allowed.")


def account_trading_banned() -> BinanceError:
    """A margin account at force liquidation places no order; Binance's wording ("You account's")."""
    return BinanceError(-3022, "You account's trading is banned.")


def repay_exceeds_liability() -> BinanceError:
    return BinanceError(-3015, "Repay amount exceeds borrow amount.")


def not_valid_margin_asset() -> BinanceError:
    return BinanceError(-3027, "Not a valid margin asset.")


def not_valid_margin_pair() -> BinanceError:
    return BinanceError(-3028, "Not a valid margin pair.")


def balance_not_enough() -> BinanceError:
    return BinanceError(-3041, "Balance is not enough")


def isolated_account_missing() -> BinanceError:
    return BinanceError(-11001, "Isolated margin account does not exist.")


# -- faults the control plane injects (spec §3.2, §10) ----------------------------


def execution_status_unknown() -> BinanceError:
    return BinanceError(
        -1007,
        "Timeout waiting for response from backend server. Send status unknown; execution status unknown.",
        503,
    )


def internal_error() -> BinanceError:
    return BinanceError(-1001, "Internal error; unable to process your request. Please try again.", 500)


def service_unavailable() -> BinanceError:
    return BinanceError(
        -1008, "Spot server is currently overloaded with other requests. Please try again in a few minutes.", 503
    )


# -- wallets and transfers (universal transfer, isolated pairs) ---------------------


def transfer_out_exceeds_max() -> BinanceError:
    # Observed wording (ccxt's error map); what backs a loan cannot leave a margin account.
    return BinanceError(-3020, "Transfer out amount exceeds max amount.")


def transfer_insufficient_balance() -> BinanceError:
    # Observed for universal transfers out of the spot wallet (ccxt's error map, undocumented).
    return BinanceError(-5013, "Asset transfer failed: insufficient balance")


def isolated_pair_refused() -> BinanceError:
    # Enabling past the account limit, disabling a pair that holds funds, debt or open orders,
    # or disabling one twice within 24 hours: Binance documents the rules but not the codes,
    # so the fake answers its documented "input invalid" code (docs/wallets.md).
    return BinanceError(-3026, "Your input param is invalid.")


# -- market data (rest-api.md "Market data endpoints"; errors.md) -----------------------


def invalid_interval() -> BinanceError:
    return BinanceError(-1120, "Invalid interval.")


def invalid_ticker_type() -> BinanceError:
    return BinanceError(-1139, "Invalid ticker type.")


def invalid_symbol_status() -> BinanceError:
    return BinanceError(-1122, "Invalid symbolStatus.")


def time_interval_too_long(days: int) -> BinanceError:
    # capital-flow's wording (-4047 since 2026-02-02, margin change log).
    return BinanceError(-4047, f"Time interval must be within 0-{days} days")


def symbol_status_mismatch() -> BinanceError:
    return BinanceError(-1220, "The symbol's status does not match the requested symbolStatus.")


def too_many_symbols(maximum: int, received: int) -> BinanceError:
    # (inferred) errors.md's -1101 wording with counts; Binance documents the 100-symbol cap, not its message.
    return BinanceError(-1101, f"Too many parameters; expected '{maximum}' and received '{received}'.")
