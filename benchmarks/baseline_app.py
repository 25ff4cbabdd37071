"""The baseline: the least a signed Binance endpoint can do on the same Flask stack.

It parses the query, checks the API key, the timestamp and the HMAC-SHA256 signature over
the raw query string, and answers a small JSON object. Whatever mock-exchange does beyond
that (parameter rules, filters, the matching engine, events, Binance's response shapes,
rate limits) is what the throughput ratio against this app measures.

It serves the routes of the benchmark's two workloads (place an OCO, cancel the list: margin
``/sapi/v1/margin/order/oco`` and ``/sapi/v1/margin/orderList``, spot ``/api/v3/orderList/oco``
and ``/api/v3/orderList``) plus ``GET /health``, and any WSGI server can serve
:func:`create_baseline_app`.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time

from flask import Flask, Response, request

SECRETS = {
    "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A":
        b"NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j",
}
RECV_WINDOW_MS = 5000


def create_baseline_app() -> Flask:
    app = Flask("baseline")
    ids = itertools.count(1)
    ids_lock = threading.Lock()

    def answer(data: object, status: int = 200) -> Response:
        return Response(json.dumps(data, separators=(",", ":")), status=status,
                        content_type="application/json;charset=UTF-8")

    @app.get("/health")
    def health() -> Response:
        return answer({"status": "ok"})

    @app.route("/sapi/v1/margin/order/oco", methods=["POST"], endpoint="oco")
    @app.route("/sapi/v1/margin/orderList", methods=["DELETE"], endpoint="order_list")
    @app.route("/api/v3/orderList/oco", methods=["POST"], endpoint="spot_oco")
    @app.route("/api/v3/orderList", methods=["DELETE"], endpoint="spot_order_list")
    def signed() -> Response:
        secret = SECRETS.get(request.headers.get("X-MBX-APIKEY", ""))
        if secret is None:
            return answer({"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."}, 401)
        params = request.args  # parses the query string
        raw = request.query_string
        payload, _, signature = raw.rpartition(b"&signature=")
        expected = hmac.new(secret, payload, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), signature):
            return answer({"code": -1022, "msg": "Signature for this request is not valid."}, 400)
        now = time.time_ns() // 1_000_000
        if abs(now - int(params.get("timestamp", "0"))) > RECV_WINDOW_MS:
            return answer({"code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."}, 400)
        if request.method == "POST":
            with ids_lock:
                list_id = next(ids)
        else:
            list_id = int(params.get("orderListId", "0"))
        return answer({"orderListId": list_id, "symbol": params.get("symbol"), "transactionTime": now})

    return app


app = create_baseline_app()
