"""Debian's Chromium for the browser tests (STACK.md: Playwright's own browser download does
not work here), installed by the test setup when missing, like harness/postgres.py installs
PostgreSQL: `apt-get update && apt-get install -y chromium` as root, bounded in time
(SELLERLINK_TEST_CHROMIUM_INSTALL_TIMEOUT, default 240 s so it ends inside pytest's 300 s
per test; SELLERLINK_TEST_CHROMIUM_INSTALL=0 never installs). SELLERLINK_TEST_CHROMIUM
names another binary.

The launch flags keep Chromium off the (closed) outside network: without the
background-networking flags it keeps trying to reach Google's services."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from harness.debian import apt_install

BINARY_VARIABLE = "SELLERLINK_TEST_CHROMIUM"
INSTALL_VARIABLE = "SELLERLINK_TEST_CHROMIUM_INSTALL"
INSTALL_TIMEOUT_VARIABLE = "SELLERLINK_TEST_CHROMIUM_INSTALL_TIMEOUT"
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class ChromiumUnavailable(RuntimeError):
    """No Chromium could be found or installed; the message says why."""


def find_chromium() -> Path | None:
    chosen = os.environ.get(BINARY_VARIABLE)
    candidates = [Path(chosen)] if chosen else [DEBIAN_CHROMIUM]
    found = shutil.which("chromium")
    if not chosen and found:
        candidates.append(Path(found))
    return next((p for p in candidates if p.exists() and os.access(p, os.X_OK)), None)


def install_chromium() -> None:
    apt_install(
        "chromium",
        what="chromium is",
        install_variable=INSTALL_VARIABLE,
        timeout_variable=INSTALL_TIMEOUT_VARIABLE,
        unavailable=ChromiumUnavailable,
    )


def ensure_chromium() -> Path:
    found = find_chromium()
    if found is None:
        install_chromium()
        found = find_chromium()
    if found is None:
        raise ChromiumUnavailable("chromium was installed but is not where it was expected")
    return found
