"""What ``scenario run --url`` changes on a server besides the scenario's own state, and puts back.

Each scenario resets the server and freezes its clock at the scenario's start instant; it
may change rate limits and add fault rules. Left like that, the next client signing with
its wall clock gets -1021 and the next request may meet a leftover fault. So the runner
reads these settings before the first scenario and restores them after the last:

- the clock: wall time, frozen at an instant, or running at an offset from wall time;
- the rate limits (``GET/PUT /rate-limits``);
- the fault rules (re-added with the count they had left).

The exchange state itself (accounts, balances, orders) and the journal stay as the last
scenario left them, for inspection; ``POST /mock/v1/reset`` returns them to the config.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Rule fields that describe how the rule was used, not what it does.
_FAULT_COUNTERS = ("id", "remaining", "matched", "applied", "count", "options")


@dataclass
class ServerSettings:
    """The settings of a server as found, ready to be put back."""

    clock: dict[str, Any]
    rate_limits: dict[str, Any] | None = None
    faults: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def capture(cls, control: Any) -> ServerSettings:
        """Read the clock, rate limits and fault rules (raises what the control handle raises)."""
        return cls(clock=dict(control.clock()), rate_limits=dict(control.rate_limits()),
                   faults=[dict(rule) for rule in control.faults()])

    def restore(self, control: Any) -> list[str]:
        """Put every setting back; what could not be restored, in words (empty when all was)."""
        problems: list[str] = []
        for what, action in (("clock", self._restore_clock), ("rate limits", self._restore_rate_limits),
                             ("fault rules", self._restore_faults)):
            try:
                action(control)
            except Exception as exc:  # noqa: BLE001 - each setting is restored independently
                problems.append(f"{what}: {getattr(exc, 'message', None) or exc}")
        return problems

    def _restore_clock(self, control: Any) -> None:
        mode = self.clock.get("mode")
        if mode is None:  # a server that does not report its clock mode
            mode = "frozen" if self.clock.get("frozen") else "unknown"
        if mode == "frozen":
            control.freeze(at_ms=int(self.clock["now_ms"]))
        elif mode == "wall":
            control.use_wall_clock()
        elif mode == "offset":
            # From the server's own wall time, so the offset is the one it had (to within a request).
            control.set_time(control.use_wall_clock() + int(self.clock["offset_ms"]))
        else:
            raise RuntimeError("the server did not say whether its clock was on wall time")

    def _restore_rate_limits(self, control: Any) -> None:
        if self.rate_limits is not None and dict(control.rate_limits()) != self.rate_limits:
            control.set_rate_limits(**self.rate_limits)

    def _restore_faults(self, control: Any) -> None:
        control.clear_faults()
        for rule in self.faults:
            remaining = rule.get("remaining")
            if remaining == 0:
                continue  # used up: it no longer does anything
            spec = {k: v for k, v in rule.items() if k not in _FAULT_COUNTERS and v is not None}
            control.inject_fault(count=remaining, **spec, **dict(rule.get("options") or {}))
