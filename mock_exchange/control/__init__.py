"""The control plane: steer the fake exchange's market, clock, accounts, faults and journal.

Over HTTP under ``/mock/v1`` (docs/control-api.md), or from Python with the same method
names in-process (:class:`LocalControl`) or remotely (:class:`RemoteControl`).
"""

import importlib
from typing import Any

# Loaded on first use: RemoteControl needs ``requests``, which ``mock-exchange serve`` and the
# control API's own modules (control.token, control.routes, ...) never do.
_EXPORTS = {"ControlError": "errors", "ControlHandle": "handle", "LocalControl": "handle", "RemoteControl": "remote"}
__all__ = sorted(_EXPORTS)  # noqa: PLE0605 - the names are the keys above, sorted


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
