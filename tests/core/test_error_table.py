"""The generated error table: Binance's templates, every factory, and drift from the docs caught."""

from __future__ import annotations

import pytest

from mock_exchange.core import error_table, errors


def test_table_lists_templates_with_their_codes_and_statuses() -> None:
    table = error_table.table()
    assert "| -1102 | 400 | Mandatory parameter '%s' was not sent, was empty/null, or malformed. |" in table
    assert "| -1102 | 400 | A mandatory parameter was not sent, was empty/null, or malformed. |" in table
    assert "| -2015 | 401 | Invalid API-key, IP, or permissions for action. |" in table
    assert table.count("`oco_position_error`") == len(errors._OCO_POSITION_MESSAGES)


def test_a_new_factory_makes_the_docs_out_of_date(monkeypatch: pytest.MonkeyPatch) -> None:
    def made_up() -> errors.BinanceError:
        return errors.BinanceError(-9999, "Made up.")

    made_up.__module__ = errors.__name__
    monkeypatch.setattr(errors, "made_up", made_up, raising=False)
    assert "| -9999 | 400 | Made up. | `made_up` |" in error_table.table()
    assert error_table.documented() != error_table.table()
