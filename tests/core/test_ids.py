"""Seeded ids: the fast client-id generator draws exactly what ``random.choice`` would."""

from __future__ import annotations

import random

from mock_exchange.core.ids import _BASE62, IdGenerator


def _reference(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(_BASE62) for _ in range(length))


def test_client_ids_and_tokens_match_random_choice_for_the_same_seed() -> None:
    for seed in (0, 1, 7, 12345, 2**40 + 3):
        ids, reference = IdGenerator(seed), random.Random(seed)
        for _ in range(200):
            assert ids.client_id() == _reference(reference, 22)
            assert ids.token(64) == _reference(reference, 64)
            assert ids.token(5) == _reference(reference, 5)


def test_client_ids_are_stable_after_a_state_round_trip() -> None:
    ids = IdGenerator(3)
    ids.client_id()
    copy = IdGenerator(0)
    copy.restore(ids.state())
    assert [copy.client_id() for _ in range(5)] == [ids.client_id() for _ in range(5)]
