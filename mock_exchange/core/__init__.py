"""The domain core: accounts, orders, order lists, filters, matching, clock and ids.

Nothing in this package imports Flask or does I/O; the HTTP layer calls into it.
"""
