"""The drift report, one block per request."""

from __future__ import annotations

from mock_exchange.parity.runner import Outcome


def render(outcomes: list[Outcome], other_name: str, fake_name: str, notes: tuple[str, ...] = ()) -> str:
    lines = [f"parity: {other_name} (reference) vs {fake_name}", *notes, ""]
    drifting = skipped = 0
    for outcome in outcomes:
        label = outcome.request.label()
        if outcome.skipped:
            skipped += 1
            lines.append(f"SKIP   {label}  ({outcome.skipped})")
            continue
        if not outcome.drifts:
            lines.append(f"same   {label}")
            continue
        drifting += 1
        lines.append(f"DRIFT  {label}")
        for drift in outcome.drifts:
            where = drift.path or "(answer)"
            lines.append(f"         {where}: {drift.aspect}: reference {drift.expected}, fake {drift.actual}")
    compared = len(outcomes) - skipped
    lines += ["", f"{compared} compared, {drifting} with drift, {skipped} skipped"]
    return "\n".join(lines) + "\n"
