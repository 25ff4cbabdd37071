"""Build a Python base image from Debian packages, for machines that cannot pull ``python:3.11-slim``.

    python -m tests.container.local_base            # builds mock-exchange-base:local unless it exists
    python -m tests.container.local_base --rebuild

The Dockerfile takes its base as ``--build-arg BASE_IMAGE=...`` (default ``python:3.11-slim``).
Where no image registry is reachable, this bootstraps a minimal Debian of the host's own release
(``debootstrap``, from the mirror the host's apt sources name) with python3, python3-venv and
python3-pip, and imports it with ``docker import``. A Debian 12 (bookworm) base has Python 3.11,
the version the slim image has.

pip inside the image build must reach the same package index the host's pip reaches, through
the same TLS trust: the CA bundle host pip uses and any http(s) ``index-url`` it is configured
with are written into the image's ``/etc/pip.conf``. Needs root (debootstrap) and a Docker engine.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

LOCAL_BASE_TAG = "mock-exchange-base:local"
PACKAGES = ("python3", "python3-venv", "python3-pip", "ca-certificates", "passwd")
MIRROR_ENV = "MOCK_EXCHANGE_DEBIAN_MIRROR"
CA_IN_IMAGE = "/etc/ssl/certs/pip-index-ca.pem"


class BaseImageError(RuntimeError):
    """The local base cannot be built here (and why, in one line)."""


def image_exists(tag: str) -> bool:
    return subprocess.run(["docker", "image", "inspect", tag], capture_output=True).returncode == 0


def host_release(os_release: Path = Path("/etc/os-release")) -> str:
    """The host's Debian codename: the base is the same release the host's mirror serves."""
    try:
        fields = dict(line.split("=", 1) for line in os_release.read_text().splitlines() if "=" in line)
    except OSError as exc:
        raise BaseImageError(f"cannot read {os_release}: {exc}") from None
    values = {key: value.strip().strip('"') for key, value in fields.items()}
    if values.get("ID") != "debian" or not values.get("VERSION_CODENAME"):
        raise BaseImageError("the local base is bootstrapped from Debian packages; this host is not Debian "
                             "(pass --build-arg BASE_IMAGE=python:3.11-slim where a registry is reachable)")
    return values["VERSION_CODENAME"]


def host_mirror(release: str, apt_dir: Path = Path("/etc/apt")) -> str:
    """The Debian mirror the host's apt sources use for ``release`` (deb822 ``.sources`` or one-line form)."""
    if os.environ.get(MIRROR_ENV):
        return os.environ[MIRROR_ENV]
    files = sorted(apt_dir.glob("sources.list.d/*.sources")) + [apt_dir / "sources.list"]
    files += sorted(apt_dir.glob("sources.list.d/*.list"))
    for path in files:
        try:
            text = path.read_text()
        except OSError:
            continue
        if path.suffix == ".sources":
            for stanza in re.split(r"\n\s*\n", text):
                fields = {key.strip().lower(): value.strip() for key, _, value in
                          (line.partition(":") for line in stanza.splitlines() if not line.startswith("#"))}
                if release in fields.get("suites", "").split() and "deb" in fields.get("types", "").split():
                    return fields["uris"].split()[0]
        else:
            for line in text.splitlines():
                words = re.sub(r"\[[^]]*\]", "", line).split()
                if len(words) >= 3 and words[0] == "deb" and words[2] == release:
                    return words[1]
    raise BaseImageError(f"no apt source for {release} under {apt_dir}; set {MIRROR_ENV}")


def pip_settings() -> tuple[Path, str | None]:
    """The CA bundle the host's pip verifies the index with, and its http(s) index URL if it sets one."""
    config = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True)
    settings: dict[str, str] = {}
    for line in config.stdout.splitlines():
        key, _, value = line.partition("=")
        settings[key.rpartition(".")[2]] = value.strip().strip("'\"")
    cert = os.environ.get("PIP_CERT") or settings.get("cert")
    if not cert:
        from pip._vendor import certifi  # what pip verifies with when nothing is configured

        cert = certifi.where()
    index = os.environ.get("PIP_INDEX_URL") or settings.get("index-url")
    if index and not index.startswith(("http://", "https://")):
        index = None  # a local file index is not inside the image
    return Path(cert), index


def build(tag: str = LOCAL_BASE_TAG) -> None:
    if shutil.which("debootstrap") is None:
        raise BaseImageError("debootstrap is not installed (apt-get install debootstrap)")
    if os.geteuid() != 0:
        raise BaseImageError("debootstrap needs root")
    release = host_release()
    mirror = host_mirror(release)
    cert, index = pip_settings()
    work = Path(tempfile.mkdtemp(prefix="mock-exchange-base-", dir="/var/tmp"))
    root = work / "root"
    try:
        print(f"debootstrap {release} from {mirror} ...", flush=True)
        subprocess.run(["debootstrap", "--variant=minbase", f"--include={','.join(PACKAGES)}", release,
                        str(root), mirror], check=True, stdout=subprocess.DEVNULL)
        shutil.copyfile(cert, root / CA_IN_IMAGE.lstrip("/"))
        lines = ["[global]", f"cert = {CA_IN_IMAGE}"] + ([f"index-url = {index}"] if index else [])
        (root / "etc/pip.conf").write_text("\n".join(lines) + "\n")
        for cache in ("var/cache/apt/archives", "var/lib/apt/lists"):
            for entry in (root / cache).glob("*"):
                if entry.is_file():
                    entry.unlink()
        tar = subprocess.Popen(["tar", "-C", str(root), "-c", "."], stdout=subprocess.PIPE)
        imported = subprocess.run(["docker", "import", "--change", 'CMD ["python3"]', "-", tag],
                                  stdin=tar.stdout, capture_output=True, text=True)
        tar.wait()
        if tar.returncode or imported.returncode:
            raise BaseImageError(f"docker import failed: {imported.stderr.strip()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"built {tag}", flush=True)


def ensure(tag: str = LOCAL_BASE_TAG, rebuild: bool = False) -> None:
    if rebuild or not image_exists(tag):
        build(tag)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tag", default=LOCAL_BASE_TAG)
    parser.add_argument("--rebuild", action="store_true", help="build even if the image exists")
    args = parser.parse_args(argv)
    try:
        ensure(args.tag, args.rebuild)
    except (BaseImageError, subprocess.CalledProcessError) as exc:
        sys.stderr.write(f"local base image: {exc}\n")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
