"""Which paths the proxy passes on to Amazon (DESIGN §11): only a path on the API's own
regional host. A path that could leave it or climb out of it — `..`, an absolute URL, a
scheme, a backslash, or the same hidden behind percent-encoding (`%2e%2e`, `%2f`, `%5c`,
double encoding `%25…`) — is refused before anything is sent. The path is checked as the
product sent it, still encoded, and passed on byte for byte.
"""

from __future__ import annotations

import re

from domain.errors import PathNotAllowed

MAX_PATH = 2000
# RFC 3986 pchar: unreserved, sub-delims, ':' and '@', or a percent-encoded octet.
_SEGMENT = re.compile(r"^(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})+$")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
# Octets that must never arrive encoded: they change where the path goes.
_NEVER_ENCODED = {ord("."), ord("/"), ord("\\"), ord("%"), ord("?"), ord("#"), 0x7F}


def check_path(raw: str) -> str:
    """The path, unchanged, if it stays on the host; PathNotAllowed otherwise."""
    if not raw or len(raw) > MAX_PATH:
        raise PathNotAllowed("Send the Amazon API path after /amazon/ads/ or /amazon/sp-api/.")
    segments = raw.split("/")
    if segments[-1] == "":
        segments.pop()  # one trailing slash is harmless
    for position, segment in enumerate(segments):
        if segment in ("", ".", "..") or not _SEGMENT.match(segment):
            raise PathNotAllowed(_refused(raw))
        if position == 0 and ":" in segment:
            raise PathNotAllowed(_refused(raw))  # a scheme: an absolute URL
        for escape in _ESCAPE.findall(segment):
            octet = int(escape, 16)
            if octet < 0x20 or octet in _NEVER_ENCODED:
                raise PathNotAllowed(_refused(raw))
    return raw


def _refused(raw: str) -> str:
    shown = raw if len(raw) <= 120 else raw[:117] + "..."
    return f"The path {shown!r} would leave Amazon's API host; it is not sent."
