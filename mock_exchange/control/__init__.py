"""The control plane: steer the fake exchange's market, clock, accounts, faults and journal.

Over HTTP under ``/mock/v1`` (docs/control-api.md), or from Python with the same method
names in-process (:class:`LocalControl`) or remotely (:class:`RemoteControl`).
"""

from mock_exchange.control.errors import ControlError
from mock_exchange.control.handle import ControlHandle, LocalControl
from mock_exchange.control.remote import RemoteControl

__all__ = ["ControlError", "ControlHandle", "LocalControl", "RemoteControl"]
