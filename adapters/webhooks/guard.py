"""The SSRF guard: where a webhook may be sent (DESIGN §13).

A product team chooses its webhook URL, so the URL is untrusted input that makes sellerlink
send requests. Only https to public addresses is allowed: never loopback, private,
link-local (cloud metadata lives at 169.254.169.254), multicast, unspecified, reserved or
otherwise non-global addresses, whichever way they are written (IPv4-mapped or -compatible
IPv6, 6to4, NAT64 and Teredo addresses carrying one, decimal, octal or hex IPv4 forms that a
resolver would accept). A DNS name is resolved and every address it resolves to must pass;
the sender then connects to that checked address, so a second lookup (DNS rebinding) cannot
switch it. The check runs again on every attempt.

`TargetPolicy(allow_loopback=..., allow_private=...)` loosens exactly two things, by
configuration (`SELLERLINK_WEBHOOK_ALLOW=loopback,private`): the embedded default allows
loopback (plain http included) for the demo receiver and tests. Link-local, metadata,
multicast and unspecified addresses are never allowed.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from attrs import frozen

from domain.errors import WebhookTargetForbidden

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# host, port -> the addresses it resolves to (as text). Tests feed their own: never real DNS.
Resolver = Callable[[str, int], list[str]]

_NUMERIC_PART = r"(?:0x[0-9a-f]*|[0-9]+)"
_NUMERIC_HOST = re.compile(rf"^{_NUMERIC_PART}(?:\.{_NUMERIC_PART}){{0,3}}\.?$", re.IGNORECASE)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598)


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def offline_resolver(host: str, port: int) -> list[str]:
    """Knows `localhost` only: what tests and features use, so they never ask real DNS."""
    if host in ("localhost", "localhost."):
        return ["127.0.0.1"]
    raise OSError(f"{host}: not resolvable offline")


@frozen
class Target:
    """A checked target: the URL as given, and the address to connect to."""

    url: str
    host: str
    port: int
    address: str


def legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """What inet_aton would make of `host` (`2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1`):
    resolvers accept these forms, so the guard must read them the same way."""
    if not _NUMERIC_HOST.match(host):
        return None
    parts = host.rstrip(".").split(".")
    try:
        numbers = [
            int(p, 16) if p.lower().startswith("0x") else int(p, 8) if p.startswith("0") else int(p)
            for p in parts
        ]
    except ValueError:
        return None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = 0
    for n in head:
        value = value * 256 + n
    value = value * 256 ** (4 - len(head)) + last
    return ipaddress.IPv4Address(value)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64 or address in _NAT64_LOCAL:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if int(address) >> 32 == 0 and int(address) > 1:  # IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(int(address))
    return None


def classify(address: IPAddress) -> str | None:
    """None for a public address, else the word for why not: `loopback`, `private` (the two
    a configuration may allow), or `link-local`, `multicast`, `unspecified`, `reserved`."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None:
            unusual = address.is_reserved or not address.is_global
            return classify(inner) or ("reserved" if unusual else None)
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "private"
    if address.is_reserved:
        return "reserved"
    if address in _SHARED or address.is_private:
        # is_private also covers documentation and benchmarking ranges: never a receiver.
        return "private"
    if not address.is_global:
        return "reserved"
    return None


@frozen
class TargetPolicy:
    allow_loopback: bool = False
    allow_private: bool = False
    resolver: Resolver = system_resolver

    def allowed(self, address: IPAddress) -> str | None:
        """None when allowed, else why not."""
        kind = classify(address)
        if kind is None:
            return None
        if kind == "loopback" and self.allow_loopback:
            return None
        if kind == "private" and self.allow_private:
            return None
        return kind

    def check(self, url: str) -> Target:
        """The address to connect to, or WebhookTargetForbidden saying why not."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise WebhookTargetForbidden("The webhook URL is malformed.") from None
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("https", "http") or not host:
            raise WebhookTargetForbidden("Webhooks are sent to https:// URLs only.")
        if "%" in host or parts.username is not None or parts.password is not None:
            raise WebhookTargetForbidden("The webhook URL's host is not a plain host name.")
        port = port or (443 if parts.scheme == "https" else 80)
        addresses = self._addresses(host, port)
        for address in addresses:
            reason = self.allowed(address)
            if reason is not None:
                raise WebhookTargetForbidden(
                    f"{host} is a {reason} address ({address}); webhooks go to public "
                    "addresses only.",
                    context={"host": host, "reason": reason},
                )
        chosen = addresses[0]
        if parts.scheme != "https" and not (chosen.is_loopback or _mapped_loopback(chosen)):
            raise WebhookTargetForbidden("Webhooks are sent to https:// URLs only.")
        return Target(url, host, port, str(chosen))

    def _addresses(self, host: str, port: int) -> list[IPAddress]:
        literal = _literal(host)
        if literal is not None:
            return [literal]
        if ":" in host:
            raise WebhookTargetForbidden("The webhook URL's IPv6 address is malformed.")
        try:
            found = self.resolver(host, port)
        except (OSError, UnicodeError, ValueError):
            raise WebhookTargetForbidden(
                f"{host} does not resolve.", context={"host": host}
            ) from None
        addresses = []
        for text in found:
            parsed = _literal(text.split("%", 1)[0])
            if parsed is None:
                raise WebhookTargetForbidden(f"{host} resolved to something that is not an IP.")
            addresses.append(parsed)
        if not addresses:
            raise WebhookTargetForbidden(f"{host} does not resolve.", context={"host": host})
        return addresses


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return legacy_ipv4(host)


def _mapped_loopback(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        return inner is not None and inner.is_loopback
    return False
