"""The control plane's own error model: ``{"error": {"code", "message"}}`` with a 4xx status."""

from __future__ import annotations

from typing import Any

# Error codes and the HTTP status each one answers with.
STATUS_BY_CODE = {
    "bad_request": 400,
    "unauthorized": 401,
    "not_found": 404,
    "method_not_allowed": 405,
    "conflict": 409,
    "payload_too_large": 413,
    "rejected": 422,  # the exchange refused the operation (a BinanceError from the engine)
    "internal": 500,
    "unavailable": 503,  # a bounded resource is in use (the dashboard's live streams)
    "timeout": 504,  # a wait that did not end in time (streams/delivered)
}


class ControlError(Exception):
    """A control request that cannot be carried out; never a Binance-shaped error."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code if code in STATUS_BY_CODE else "bad_request"
        self.message = message
        self.details = details

    @property
    def status(self) -> int:
        return STATUS_BY_CODE[self.code]

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, **self.details}}


def bad_request(message: str, **details: Any) -> ControlError:
    return ControlError("bad_request", message, **details)


def not_found(message: str) -> ControlError:
    return ControlError("not_found", message)


def conflict(message: str) -> ControlError:
    return ControlError("conflict", message)
