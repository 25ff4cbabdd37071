"""One-line descriptions of steps for the runner's ✓ / ✗ lines."""

from __future__ import annotations

from typing import Any

from mock_exchange.scenario.model import Step
from mock_exchange.scenario.paths import render

MAX_WIDTH = 90


def describe(step: Step) -> str:
    """The author's ``name`` if given, else a short summary of what the step does."""
    if step.name:
        return step.name
    text = _DESCRIBE.get(step.kind, lambda s: step.kind)(step)
    return text if len(text) <= MAX_WIDTH else text[: MAX_WIDTH - 3] + "..."


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return render(value)


def _given(step: Step) -> str:
    body = step.body if isinstance(step.body, dict) else {}
    parts = []
    for key, value in body.items():
        if key == "prices" and isinstance(value, dict):
            parts.append("prices " + ", ".join(f"{s} {render(p)}" for s, p in value.items()))
        elif key in ("seed", "clock"):
            parts.append(f"{key} {_value(value)}")
        elif isinstance(value, dict):
            parts.append(f"{key.replace('_', ' ')} " + ", ".join(str(k) for k in value))
        else:
            parts.append(str(key))
    return "given " + "; ".join(parts)


def _call(step: Step) -> str:
    body = step.body
    signer = f" as {step.data['as']}" if "as" in step.data else ""
    if isinstance(body, dict):
        return f"call {str(body.get('method', '?')).upper()} {body.get('path', '?')}{signer}"
    args = step.data.get("args") or {}
    shown = ", ".join(f"{k}={_value(v)}" for k, v in args.items())
    return f"call {body}({shown}){signer}"


def _market(step: Step) -> str:
    body = step.body if isinstance(step.body, dict) else {}
    symbol = body.get("symbol", "?")
    if "price" in body:
        return f"market {symbol} trades at {render(body['price'])}"
    if "index" in body:
        return f"market {symbol} index price {render(body['index'])}"
    if "trade" in body and isinstance(body["trade"], dict):
        return f"market {symbol} trade {render(body['trade'].get('qty'))} @ {render(body['trade'].get('price'))}"
    return f"market {symbol} path " + " → ".join(render(p) for p in body.get("path") or [])


def _clock(step: Step) -> str:
    body = step.body
    if isinstance(body, dict) and body:
        action, value = next(iter(body.items()))
        return f"clock {action.replace('_', ' ')} {render(value)}"
    return f"clock {body}"


def _fault(step: Step) -> str:
    body = step.body
    if not isinstance(body, dict):
        return f"fault {body}"
    method = f"{body['method']} " if body.get("method") else ""
    count = f" ×{body['count']}" if body.get("count") is not None else ""
    return f"fault {body.get('kind')} on {method}{body.get('endpoint')}{count}"


def _expect(step: Step) -> str:
    body = step.body if isinstance(step.body, dict) else {}
    return "expect " + "; ".join(_expect_part(key, value) for key, value in body.items())


def _expect_part(key: str, value: Any) -> str:
    if key in ("status", "error"):
        return f"{key} {_value(value)}"
    if key == "response" and isinstance(value, dict):
        return "response " + ", ".join(f"{k} {_value(v)}" for k, v in value.items())
    items = value if isinstance(value, list) else [value]
    if key in ("order", "order_list", "balance"):
        return ", ".join(_lookup(key, item) for item in items if isinstance(item, dict))
    if key in ("journal", "open_orders", "open_order_lists") and isinstance(value, dict):
        return f"{key.replace('_', ' ')} count {_value(value.get('count'))}"
    if key == "events" and isinstance(value, dict):
        parts = [f"count {_value(value['count'])}"] if "count" in value else []
        sequence = value.get("sequence")
        if isinstance(sequence, list):
            parts.append(" → ".join(str(p.get("action", "?")) if isinstance(p, dict) else "?" for p in sequence))
        return "events " + " ".join(parts)
    return key


def _lookup(key: str, item: dict[str, Any]) -> str:
    ident = item.get("order_id", item.get("client_order_id", item.get("order_list_id",
                                                                   item.get("list_client_order_id", ""))))
    checks = {k: v for k, v in item.items()
              if k not in ("symbol", "order_id", "client_order_id", "order_list_id", "list_client_order_id",
                           "is_isolated", "account", "asset", "legs")}
    head = f"{key.replace('_', ' ')} {item.get('asset', '')}{render(ident)}".rstrip()
    shown = " ".join(f"{k}={_value(v)}" for k, v in checks.items())
    return f"{head} {shown}".rstrip() + (" (legs)" if "legs" in item else "")


def _replay(step: Step) -> str:
    body = step.body if isinstance(step.body, dict) else {}
    parts = [f"load {body['file']}"] if "file" in body else []
    if "step" in body:
        parts.append(f"{render(body['step'])} prints")
    elif "to" in body:
        parts.append(f"to {render(body['to'])}")
    elif "seek" in body:
        parts.append(f"seek {render(body['seek'])}")
    elif body.get("end"):
        parts.append("to the end")
    return "replay " + ", ".join(parts)


_DESCRIBE = {"given": _given, "call": _call, "market": _market, "clock": _clock, "fault": _fault,
             "replay": _replay, "expect": _expect}
