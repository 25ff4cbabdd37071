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


def as_json(outcomes: list[Outcome], other_name: str, fake_name: str, notes: tuple[str, ...] = ()) -> str:
    """The same report as one JSON document, for CI to keep or compare."""
    import json

    requests = []
    for outcome in outcomes:
        request = outcome.request
        requests.append({
            "method": request.method, "path": request.path, "params": request.params,
            "result": "skipped" if outcome.skipped else ("drift" if outcome.drifts else "same"),
            "skipped": outcome.skipped,
            "status": None if outcome.fake is None or outcome.other is None else
            {"reference": outcome.other.status, "fake": outcome.fake.status},
            "drifts": [{"path": d.path, "aspect": d.aspect, "reference": d.expected, "fake": d.actual}
                       for d in outcome.drifts],
        })
    return json.dumps({"reference": other_name, "fake": fake_name, "notes": list(notes), "requests": requests},
                      indent=2) + "\n"
