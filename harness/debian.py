"""Installing a Debian package the test harness needs (PostgreSQL, Chromium) when it is
missing: only as root with apt-get, never past a deadline, so a CI machine without it fails
with the reason instead of hanging.

Test workers run in parallel (pytest-xdist), and two of them may want a package at once;
apt refuses a second apt-get while one holds its lock. So installs take turns behind a file
lock, and a package that a sibling installed meanwhile is not installed again."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import time


def apt_install(
    package: str,
    *,
    what: str,
    install_variable: str,
    timeout_variable: str,
    unavailable: type[Exception],
) -> None:
    """`apt-get update && apt-get install -y PACKAGE` within `timeout_variable` seconds
    (default 240); `install_variable=0` forbids it. Every refusal raises `unavailable`."""
    if os.environ.get(install_variable, "1") == "0":
        raise unavailable(f"{what} missing and {install_variable}=0")
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise unavailable(
            f"{what} missing and cannot be installed here (needs root and apt-get): "
            f"install Debian's `{package}` package"
        )
    deadline = time.monotonic() + float(os.environ.get(timeout_variable, "240"))
    with open(LOCK_PATH, "a") as lock:
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise unavailable(f"waited too long for another install of {what}") from None
                time.sleep(0.5)
        if _installed(package):
            return
        _run_apt(package, deadline=deadline, unavailable=unavailable)


LOCK_PATH = "/tmp/sellerlink-apt-install.lock"


def _installed(package: str) -> bool:
    """True when dpkg says PACKAGE is installed (a sibling worker may have just done it)."""
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0 and result.stdout.strip().endswith("installed")


def _run_apt(package: str, *, deadline: float, unavailable: type[Exception]) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "--no-install-recommends", package],
    ):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise unavailable(f"installing {package} ran out of time")
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, env=env, timeout=remaining, check=False
            )
        except subprocess.TimeoutExpired:
            raise unavailable(f"`{' '.join(command)}` ran out of time") from None
        if result.returncode != 0:
            raise unavailable(
                f"`{' '.join(command)}` failed ({result.returncode}): {result.stderr[-800:]}"
            )
