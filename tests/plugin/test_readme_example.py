def test_otoco_places_its_pending_pair_when_the_working_order_fills(fake_exchange):
    placed = fake_exchange.client.place_otoco(
        symbol="BTCUSDT", working_type="LIMIT", working_side="BUY", working_price="29000",
        working_quantity="0.01", working_time_in_force="GTC", pending_side="SELL", pending_quantity="0.01",
        pending_above_type="LIMIT_MAKER", pending_above_price="31000", pending_below_type="STOP_LOSS_LIMIT",
        pending_below_stop_price="28000", pending_below_price="27900", pending_below_time_in_force="GTC")

    fake_exchange.set_price("BTCUSDT", "28990")  # the market trades through the working BUY at 29000

    working, below, above = (fake_exchange.client.get_order(symbol="BTCUSDT", order_id=leg.order_id)
                             for leg in placed.orders)
    assert working.status == "FILLED"
    assert (below.type, below.status) == ("STOP_LOSS_LIMIT", "NEW")
    assert (above.type, above.status) == ("LIMIT_MAKER", "NEW")
