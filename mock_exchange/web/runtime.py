"""What one app instance serves: its exchange, rate limiter and control-plane state."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app

from mock_exchange.config import ExchangeConfig
from mock_exchange.core.rate_limits import RateLimiter

EXTENSION_KEY = "mock_exchange"


@dataclass
class ExchangeRuntime:
    """Everything the views reach through ``current_runtime()``."""

    config: ExchangeConfig
    exchange: Any  # core.exchange.Exchange
    limiter: RateLimiter
    journal: Any = None  # control plane: request journal
    faults: Any = None  # control plane: fault injection
    control_token: str | None = None  # required on the control API when set
    snapshot_dir: Path | None = None  # state/save and state/load stay inside it (control.snapshot_paths)
    explanations: Any = None  # web.explain.LastExplanations: why the latest requests were rejected
    deliveries: Any = None  # web.stream_delivery.DeliveryBoard: the open WebSocket sessions' progress


def current_runtime() -> ExchangeRuntime:
    return current_app.extensions[EXTENSION_KEY]
