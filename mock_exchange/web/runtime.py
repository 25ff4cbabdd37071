"""What one app instance serves: its exchange, rate limiter and control-plane state."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from flask import current_app

from mock_exchange.config import ExchangeConfig
from mock_exchange.core.exchange import Exchange
from mock_exchange.core.rate_limits import RateLimiter

if TYPE_CHECKING:  # the control plane and these web modules import this one
    from mock_exchange.control.faults import FaultInjector
    from mock_exchange.control.journal import Journal
    from mock_exchange.web.explain import LastExplanations
    from mock_exchange.web.request_log import RequestLog
    from mock_exchange.web.stream_delivery import DeliveryBoard

EXTENSION_KEY = "mock_exchange"


@dataclass
class ExchangeRuntime:
    """Everything the views reach through ``current_runtime()``."""

    config: ExchangeConfig
    exchange: Exchange
    limiter: RateLimiter
    journal: Journal | None = None  # control plane: request journal
    faults: FaultInjector | None = None  # control plane: fault injection
    control_token: str | None = None  # required on the control API when set
    snapshot_dir: Path | None = None  # state/save and state/load stay inside it (control.snapshot_paths)
    explanations: LastExplanations | None = None  # why the latest requests were rejected
    deliveries: DeliveryBoard | None = None  # the open WebSocket sessions' progress
    request_log: RequestLog | None = None  # one line per request (web/request_log.py)


def current_runtime() -> ExchangeRuntime:
    """The runtime of the app serving this request (set once, by ``create_app``)."""
    return cast(ExchangeRuntime, current_app.extensions[EXTENSION_KEY])
