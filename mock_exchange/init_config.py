"""``mock-exchange init-config DIR``: a config to start from, with its key files, that works anywhere.

It writes ``DIR/mock-exchange.yaml`` (the built-in demo config) and ``DIR/keys/`` with the
demo RSA and Ed25519 key pairs. In the written config the public keys are file paths,
``keys/demo-rsa-public.pem``, which the loader reads relative to the config file's own
directory (never the working directory), so the folder can be moved or copied whole. The
private halves are there for the user's own client to sign with; they are public test keys.
"""

from __future__ import annotations

import re
from pathlib import Path

from mock_exchange.config import DEFAULT_CONFIG_PATH

CONFIG_NAME = "mock-exchange.yaml"
KEYS_DIR = "keys"
DEMO_KEYS = Path(__file__).resolve().parent / "demo_keys"
KEY_FILES = ("demo-rsa-public.pem", "demo-rsa-private.pem", "demo-ed25519-public.pem", "demo-ed25519-private.pem")
# An inline public key in the default config: `rsa_public_key: |` and its indented PEM lines.
_INLINE_KEY = re.compile(
    r"(?P<field>(?P<kind>rsa|ed25519)_public_key): \|\n(?:[ ]+.*\n)*?[ ]+-----END PUBLIC KEY-----\n"
)
_HEADER = ("# Written by `mock-exchange init-config`: start the fake exchange with\n"
           "#   mock-exchange serve --config {config}\n"
           "# Key file paths below are read relative to this file's directory.\n")


class InitConfigError(Exception):
    """The files cannot be written (they exist, or the directory is not writable)."""


def config_text() -> str:
    """The default config, with its public keys as paths into ``keys/``."""
    text = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")

    def as_path(match: re.Match[str]) -> str:
        return f"{match['field']}: {KEYS_DIR}/demo-{match['kind']}-public.pem\n"

    converted, count = _INLINE_KEY.subn(as_path, text)
    if count != 2:  # pragma: no cover - the packaged config changed shape
        raise InitConfigError("the built-in config's demo keys are not where init-config expects them")
    return converted


def write_config(directory: str | Path, force: bool = False) -> list[Path]:
    """Write the config and the key files; the paths written, the config first."""
    target = Path(directory)
    config_path = target / CONFIG_NAME
    keys = [target / KEYS_DIR / name for name in KEY_FILES]
    existing = [str(path) for path in (config_path, *keys) if path.exists()]
    if existing and not force:
        raise InitConfigError(f"{existing[0]} already exists (--force overwrites)")
    try:
        (target / KEYS_DIR).mkdir(parents=True, exist_ok=True)
        config_path.write_text(_HEADER.format(config=config_path) + config_text(), encoding="utf-8")
        for path in keys:
            path.write_bytes((DEMO_KEYS / path.name).read_bytes())
            if "private" in path.name:
                path.chmod(0o600)  # as ssh would want it, even for a public test key
    except OSError as exc:
        raise InitConfigError(f"cannot write to {target}: {exc.strerror or exc}") from None
    return [config_path, *keys]
