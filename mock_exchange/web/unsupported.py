"""Why a path is not served: endpoints Binance retired, and products this fake leaves out.

Both answer as an unknown path does (HTTP 404, ``{"code": -1020, "msg": "This operation is
not supported."}``, docs/behaviour.md); :func:`explain_unsupported` says why and what to
call instead, and :mod:`mock_exchange.web.explain` sends that text in the ``X-Mock-Explain``
header (and the journal).

Retired endpoints (margin change log, 2024-01-09, removed 2024-03-31; the official SDK
dropped them, binance-connector-python 3.6.0): python-binance still calls several of them.
"""

from __future__ import annotations

# (method or None for any, path) -> the replacement to use
RETIRED: dict[tuple[str | None, str], str] = {
    ("POST", "/sapi/v1/margin/transfer"): "POST /sapi/v1/asset/transfer (type MAIN_MARGIN or MARGIN_MAIN)",
    ("POST", "/sapi/v1/margin/isolated/transfer"):
        "POST /sapi/v1/asset/transfer (type MAIN_ISOLATED_MARGIN with toSymbol, ISOLATED_MARGIN_MAIN with fromSymbol)",
    ("GET", "/sapi/v1/margin/isolated/transfer"): "GET /sapi/v1/margin/transfer with isolatedSymbol",
    ("POST", "/sapi/v1/margin/loan"): "POST /sapi/v1/margin/borrow-repay with type=BORROW",
    ("GET", "/sapi/v1/margin/loan"): "GET /sapi/v1/margin/borrow-repay with type=BORROW",
    ("POST", "/sapi/v1/margin/repay"): "POST /sapi/v1/margin/borrow-repay with type=REPAY",
    ("GET", "/sapi/v1/margin/repay"): "GET /sapi/v1/margin/borrow-repay with type=REPAY",
    ("GET", "/sapi/v1/margin/asset"): "GET /sapi/v1/margin/allAssets with asset",
    ("GET", "/sapi/v1/margin/pair"): "GET /sapi/v1/margin/allPairs with symbol",
    ("GET", "/sapi/v1/margin/isolated/pair"): "GET /sapi/v1/margin/isolated/allPairs with symbol",
    ("POST", "/sapi/v1/margin/isolated/create"): "POST /sapi/v1/margin/isolated/account with symbol",
    ("GET", "/sapi/v1/margin/dribblet"): "nothing: small-balance conversion is not part of this fake",
    ("GET", "/sapi/v1/margin/dust"): "nothing: small-balance conversion is not part of this fake",
    ("POST", "/sapi/v1/margin/dust"): "nothing: small-balance conversion is not part of this fake",
}

# Path prefixes of Binance products the fake deliberately leaves out (README, "Left out").
LEFT_OUT: tuple[tuple[str, str], ...] = (
    ("/sapi/v1/sub-account", "sub-accounts"), ("/sapi/v2/sub-account", "sub-accounts"),
    ("/sapi/v3/sub-account", "sub-accounts"), ("/sapi/v4/sub-account", "sub-accounts"),
    ("/sapi/v1/simple-earn", "Simple Earn"), ("/sapi/v1/lending", "Simple Earn (lending)"),
    ("/sapi/v1/staking", "staking"), ("/sapi/v1/eth-staking", "ETH staking"), ("/sapi/v2/eth-staking", "ETH staking"),
    ("/sapi/v1/sol-staking", "SOL staking"), ("/sapi/v1/convert", "Convert"), ("/sapi/v1/fiat", "fiat"),
    ("/sapi/v1/pay", "Binance Pay"), ("/sapi/v1/capital/deposit", "deposits"),
    ("/sapi/v1/capital/withdraw", "withdrawals"), ("/sapi/v1/futures", "futures"), ("/fapi/", "USD-M futures"),
    ("/dapi/", "COIN-M futures"), ("/eapi/", "options"), ("/papi/", "portfolio margin"),
    ("/sapi/v1/portfolio", "portfolio margin"), ("/sapi/v1/loan", "crypto loans"), ("/sapi/v2/loan", "crypto loans"),
    ("/sapi/v1/mining", "mining"), ("/sapi/v1/c2c", "C2C / P2P"), ("/sapi/v1/giftcard", "gift cards"),
    ("/sapi/v1/nft", "NFT"), ("/sapi/v1/algo", "algo orders"), ("/sapi/v1/copyTrading", "copy trading"),
    ("/sapi/v1/asset/dust", "small-balance conversion"), ("/sapi/v1/asset/get-funding-asset", "the funding wallet"),
)


def explain_unsupported(method: str, path: str) -> tuple[str, str] | None:
    """(cause, text): why ``method path`` is not served and what to use instead; None for a plain unknown path.

    The cause is ``"retired"`` (Binance removed the endpoint) or ``"left_out"`` (a product
    this fake does not emulate).
    """
    replacement = RETIRED.get((method, path))
    if replacement is not None:
        return "retired", f"Binance retired {method} {path} on 2024-03-31; use {replacement}."
    for prefix, product in LEFT_OUT:
        if path.startswith(prefix):
            return "left_out", (f"{product} is not part of this fake exchange (it emulates margin trading and its "
                                "market data); see the README's list of what is left out.")
    return None
