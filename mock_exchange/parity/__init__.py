"""Shape parity: compare two Binance-style JSON answers, and the ``parity`` command.

``shapes`` compares what a client's code depends on (key sets, key order, JSON types and
number formats), never the values that depend on state; ``requests`` holds the request
sets; ``runner`` sends them to two base URLs; ``cli`` is ``mock-exchange parity``.
"""
