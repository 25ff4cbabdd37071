"""``python -m mock_exchange`` is the ``mock-exchange`` command."""

from mock_exchange.cli import main

raise SystemExit(main())
