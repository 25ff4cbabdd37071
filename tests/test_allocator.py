"""mock_exchange.allocator: glibc's mmap threshold is fixed for a server, unless the user set one."""

from __future__ import annotations

import pytest

from mock_exchange import allocator


@pytest.fixture
def no_user_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    monkeypatch.delenv("GLIBC_TUNABLES", raising=False)


def test_the_threshold_is_fixed_on_glibc_and_nothing_is_done_elsewhere(no_user_setting: None) -> None:
    assert allocator.return_freed_memory() is allocator.is_glibc()


def test_nothing_is_done_off_glibc(no_user_setting: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(allocator, "is_glibc", lambda: False)
    assert allocator.return_freed_memory() is False


USER_SETTINGS = [("MALLOC_MMAP_THRESHOLD_", "65536"),
                 ("GLIBC_TUNABLES", "glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=65536")]


@pytest.mark.parametrize(("name", "value"), USER_SETTINGS)
def test_a_threshold_the_user_set_is_kept(no_user_setting: None, monkeypatch: pytest.MonkeyPatch,
                                          name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    assert allocator.user_set_threshold()
    assert allocator.return_freed_memory() is False


def test_other_glibc_tunables_do_not_count_as_a_threshold(no_user_setting: None,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.arena_max=2")
    assert not allocator.user_set_threshold()
