"""Replaying Binance's public market data files through the fake: files, the controller, the driver.

The pure part (rows, the intra-bar path, the player) is :mod:`mock_exchange.core.replay`;
this package opens the files and runs a replay in real time. docs/replay.md tells the story.
"""
