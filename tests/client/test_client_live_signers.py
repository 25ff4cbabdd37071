"""RSA and Ed25519 keys, and parameters in the query string or the form body, on a live fake."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from margin_client import HmacSigner, InvalidSignatureError, MarginClient, Signer

from tests.client.live_support import (  # noqa: F401
    DEMO_KEY,
    DEMO_SECRET,
    ED25519_KEY,
    RSA_KEY,
    LiveExchange,
    ed25519_signer,
    live,
    rsa_signer,
)

SYMBOL = "BTCUSDT"
SIGNERS: dict[str, tuple[str, str, Callable[[], Signer]]] = {
    "hmac": ("demo", DEMO_KEY, lambda: HmacSigner(DEMO_SECRET)),
    "rsa": ("demo-rsa", RSA_KEY, rsa_signer),
    "ed25519": ("demo-ed25519", ED25519_KEY, ed25519_signer),
}


def _sent(client: MarginClient) -> tuple[dict[str, str], dict[str, str]]:
    """The query and form-body parameters of the last request as they went on the wire."""
    assert client.last_response is not None
    request = client.last_response.request
    body = request.body.decode() if isinstance(request.body, bytes) else (request.body or "")
    return dict(parse_qsl(urlsplit(request.url or "").query)), dict(parse_qsl(body))


@pytest.mark.parametrize("placement", ["query", "body"])
@pytest.mark.parametrize("key_type", list(SIGNERS))
def test_signed_round_trip(live: LiveExchange, key_type: str, placement: str) -> None:
    account, api_key, signer = SIGNERS[key_type]
    client = live.client(api_key, signer(), param_placement=placement)

    usdt = next(a for a in client.get_account().user_assets if a.asset == "USDT")
    assert usdt.free == Decimal("100000")
    query, body = _sent(client)
    assert "signature" in query and body == {}  # a GET is always signed in the query string

    # Characters Binance allows in client ids but that need percent-encoding.
    list_id = f"{key_type}.{placement}:a/b_c-d"
    oco = client.place_oco(symbol=SYMBOL, side="SELL", quantity="0.001", price="31000", stop_price="29000",
                           stop_limit_price="28900", stop_limit_time_in_force="GTC",
                           list_client_order_id=list_id)
    assert oco.list_client_order_id == list_id and oco.list_order_status == "EXECUTING"
    query, body = _sent(client)
    where = body if placement == "body" else query
    assert where["signature"] and where["listClientOrderId"] == list_id
    assert (query if placement == "body" else body) == {}
    entry = live.last_entry()
    assert entry["account"] == account and entry["status"] == 200 and "signature" not in entry["params"]

    assert client.get_order_list(list_client_order_id=list_id).order_list_id == oco.order_list_id
    done = client.cancel_order_list(symbol=SYMBOL, list_client_order_id=list_id)
    assert done.is_done
    query, body = _sent(client)
    assert "signature" in (body if placement == "body" else query)
    assert live.control.journal_count(account=account) == 4
    assert live.control.journal_count(status=200) == 4


@pytest.mark.parametrize("key_type", ["rsa", "ed25519"])
def test_a_key_that_does_not_match_is_refused(live: LiveExchange, key_type: str) -> None:
    _, _, other_signer = SIGNERS["ed25519" if key_type == "rsa" else "rsa"]
    _, api_key, _ = SIGNERS[key_type]
    client = live.client(api_key, other_signer())
    with pytest.raises(InvalidSignatureError):
        client.get_account()
