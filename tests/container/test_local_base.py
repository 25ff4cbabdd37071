"""How the local base image finds its Debian release, mirror and pip settings (no Docker needed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.container import local_base


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_the_release_is_the_hosts_debian_codename(tmp_path: Path) -> None:
    os_release = write(tmp_path / "os-release", 'ID=debian\nVERSION_CODENAME=bookworm\nPRETTY_NAME="Debian 12"\n')
    assert local_base.host_release(os_release) == "bookworm"


def test_a_host_that_is_not_debian_is_told_to_use_the_normal_base(tmp_path: Path) -> None:
    os_release = write(tmp_path / "os-release", "ID=fedora\nVERSION_ID=40\n")
    with pytest.raises(local_base.BaseImageError, match=re.escape("BASE_IMAGE=python:3.11-slim")):
        local_base.host_release(os_release)


def test_the_mirror_comes_from_a_deb822_sources_file_skipping_other_suites(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(local_base.MIRROR_ENV, raising=False)
    write(tmp_path / "sources.list.d" / "debian.sources",
          "Types: deb\nURIs: http://security.example/debian-security\nSuites: bookworm-security\n"
          "Components: main\n\n"
          "Types: deb\n# a comment: with a colon\nURIs: http://mirror.example/debian\n"
          "Suites: bookworm bookworm-updates\nComponents: main\n")
    assert local_base.host_mirror("bookworm", tmp_path) == "http://mirror.example/debian"


def test_the_mirror_comes_from_a_one_line_sources_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(local_base.MIRROR_ENV, raising=False)
    write(tmp_path / "sources.list", "# deb http://old.example/debian bookworm main\n"
          "deb-src http://src.example/debian bookworm main\n"
          "deb [signed-by=/usr/share/keyrings/k.gpg] http://mirror.example/debian bookworm main\n")
    assert local_base.host_mirror("bookworm", tmp_path) == "http://mirror.example/debian"


def test_the_mirror_can_be_named_and_its_absence_is_one_clear_error(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(local_base.MIRROR_ENV, raising=False)
    with pytest.raises(local_base.BaseImageError, match=local_base.MIRROR_ENV):
        local_base.host_mirror("bookworm", tmp_path)
    monkeypatch.setenv(local_base.MIRROR_ENV, "http://chosen.example/debian")
    assert local_base.host_mirror("bookworm", tmp_path) == "http://chosen.example/debian"


def test_pip_settings_follow_the_environment_and_leave_local_indexes_out(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = write(tmp_path / "ca.pem", "-----BEGIN CERTIFICATE-----\n")
    monkeypatch.setenv("PIP_CERT", str(bundle))
    monkeypatch.setenv("PIP_INDEX_URL", "https://index.example/simple")
    assert local_base.pip_settings() == (bundle, "https://index.example/simple")
    monkeypatch.setenv("PIP_INDEX_URL", f"file://{tmp_path}/simple")
    assert local_base.pip_settings() == (bundle, None)
