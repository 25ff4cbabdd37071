"""Every sample in tests/evidence/ as a test: drive the fake the same way, compare the shape.

A failure names the sample's source, so the reader can open the evidence the fake broke.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from mock_exchange.core.user_stream import to_payload
from mock_exchange.parity.shapes import ASPECTS, compare
from tests.signed_client import SignedClient

EVIDENCE = Path(__file__).parent / "evidence"
DOCS = Path(__file__).parent.parent / "docs" / "fidelity.md"
KINDS = {"live capture", "doc example", "SDK fixture", "OpenAPI"}
_REFERENCE = re.compile(r"^\$(\d+)\.(\w+)$")


def _samples() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(EVIDENCE.glob("*.json")):
        for sample in json.loads(path.read_text())["samples"]:
            found.append((path.name, sample))
    return found


SAMPLES = _samples()


def _resolve(params: dict[str, str], answers: list[Any]) -> dict[str, str]:
    resolved = {}
    for key, value in params.items():
        match = _REFERENCE.match(value)
        resolved[key] = str(answers[int(match.group(1))][match.group(2)]) if match else value
    return resolved


def _send(signed: SignedClient, step: dict[str, Any], answers: list[Any]) -> Any:
    params = _resolve(step.get("params", {}), answers)
    if "json" in step:
        # A control-plane step (the fake's own API, e.g. advancing the clock): a JSON body, unsigned.
        return signed.client.open(step["path"], method=step["method"], json=step["json"])
    mode = step.get("signed", True)
    if mode is True:
        return signed.request(step["method"], step["path"], placement=step.get("placement", "query"), **params)
    headers = {"X-MBX-APIKEY": signed.api_key} if mode == "key" else {}
    return signed.client.open(step["path"], method=step["method"], query_string=params, headers=headers)


def _strip(value: Any, keys: set[str]) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_strip(v, keys) for v in value]
    return value


def test_samples_are_well_formed() -> None:
    ids = [sample["id"] for _, sample in SAMPLES]
    assert len(ids) == len(set(ids)), "sample ids must be unique"
    docs = DOCS.read_text()
    for name, sample in SAMPLES:
        where = f"{name}: {sample['id']}"
        assert sample["kind"] in KINDS, where
        assert sample["source"] and sample["date"], where
        assert set(sample["aspects"]) <= set(ASPECTS) | {"exact"} and sample["aspects"], where
        for key, reason in sample.get("ignore", {}).items():
            anchor = reason.split("#", 1)[1]
            assert f'<a id="{anchor}"></a>' in docs, f"{where}: ignore {key} cites a missing docs section {reason}"


def mismatches(signed: SignedClient, file: str, sample: dict[str, Any]) -> list[str]:
    """What the fake does differently from ``sample``; each message starts with the sample's source."""
    answers: list[Any] = []
    for step in sample["setup"]:
        response = _send(signed, step, answers)
        assert response.status_code == 200, f"setup step failed: {response.get_json()}"
        answers.append(response.get_json())
    response = _send(signed, sample["request"], answers)
    body = response.get_json()
    source = f"evidence {file} / {sample['id']} ({sample['kind']}, {sample['date']}): {sample['source']}"
    if "stream" in sample:
        # The user data stream payload the request caused, as a WebSocket subscriber receives it.
        payloads = [to_payload(event) for event in signed.app.extensions["mock_exchange"].exchange.events_since(0)]
        sent = [p for p in payloads if p is not None and p.get("e") == sample["stream"]]
        if not sent:
            return [f"{source}\n  no {sample['stream']} event was sent"]
        body, response.status_code = sent[-1], 200
    if response.status_code != sample.get("status", 200):
        return [f"{source}\n  status {response.status_code}: {body}"]
    if sample["aspects"] == ["exact"]:
        return [] if body == sample["body"] else [f"{source}\n  expected {sample['body']}, got {body}"]
    ignored = set(sample.get("ignore", {}))
    drifts = compare(_strip(sample["body"], ignored), _strip(body, ignored), tuple(sample["aspects"]))
    return [f"{source}\n  {drift}" for drift in drifts]


@pytest.mark.parametrize(("file", "sample"), SAMPLES, ids=[sample["id"] for _, sample in SAMPLES])
def test_fake_matches_sample(app: Flask, signed: SignedClient, file: str, sample: dict[str, Any]) -> None:
    found = mismatches(signed, file, sample)
    assert not found, "\n".join(found)


def test_a_mismatch_names_the_source_and_the_field(app: Flask, signed: SignedClient) -> None:
    # A sample that shows orderListId on an order row: the fake, following the evidence, sends none.
    wrong = {"id": "made-up", "kind": "live capture", "source": "https://example.invalid/capture", "date": "2026-01-01",
             "setup": [{"method": "POST", "path": "/sapi/v1/margin/order",
                        "params": {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.01",
                                   "price": "29000", "timeInForce": "GTC"}}],
             "request": {"method": "GET", "path": "/sapi/v1/margin/order",
                         "params": {"symbol": "BTCUSDT", "orderId": "$0.orderId"}},
             "aspects": ["keys", "numbers"], "body": {"orderListId": -1, "price": "29000.00000000"}}
    found = mismatches(signed, "made-up.json", wrong)
    assert found and all(m.startswith("evidence made-up.json / made-up (live capture, 2026-01-01): "
                                      "https://example.invalid/capture\n  ") for m in found)
    details = {m.split("\n  ", 1)[1] for m in found}
    assert {"orderListId: keys: expected present, got missing", "price: numbers: expected padded8, got trimmed",
            "isWorking: keys: expected absent, got present"} <= details
