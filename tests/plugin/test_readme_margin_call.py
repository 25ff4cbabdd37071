"""The README's "rehearse a margin call" test, run as written through the pytest plugin."""

from __future__ import annotations

import re
from pathlib import Path

from mock_exchange.pytest_plugin import FakeExchange

README = Path(__file__).resolve().parents[2] / "README.md"


def margin_call_block() -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- margin-call:start -->\n```python\n(.*?)```\n<!-- margin-call:end -->", text, re.S)
    assert found, "README lost its margin-call block"
    return found.group(1)


def test_the_readme_margin_call_rehearsal_runs_as_written(fake_exchange: FakeExchange) -> None:
    names: dict[str, object] = {}
    exec(compile(margin_call_block(), str(README), "exec"), names)  # noqa: S102 - the README's own code
    tests = [name for name in names if name.startswith("test_")]
    assert tests == ["test_the_bot_cuts_its_loan_in_a_margin_call"]
    names[tests[0]](fake_exchange)  # type: ignore[operator]
    # What the rehearsal went through, in order: each status entered, and the bot's sale before the autoclose- one.
    statuses = [e["status"] for e in fake_exchange.events() if e["action"] == "margin_level_status"]
    assert statuses == ["NORMAL", "MARGIN_CALL", "NORMAL", "FORCE_LIQUIDATION", "EXCESSIVE"]
    fills = [e for e in fake_exchange.events() if e["action"] == "fill"]
    assert [f["client_order_id"].startswith("autoclose-") for f in fills] == [False, True]
