"""The SSRF guard (DESIGN §13): a webhook never goes to a private, loopback, link-local,
multicast, unspecified or metadata address, however it is written or resolved, unless the
configuration allows loopback or private targets; cloud metadata never. DNS is a port here:
these tests feed their own answers and never ask real DNS."""

from __future__ import annotations

import pytest

from adapters.webhooks import HttpWebhookSender, TargetPolicy
from adapters.webhooks.receiver import Answer, LoopbackReceiver
from domain.errors import WebhookTargetForbidden
from domain.secret import Secret

PUBLIC = "93.184.216.34"
DNS = {
    "localhost": ["127.0.0.1"],
    "localhost.localdomain": ["::1"],
    "metadata.google.internal": ["169.254.169.254"],
    "internal.example": ["10.0.0.5"],
    "corp.example": ["172.20.1.1"],
    "home.example": ["192.168.1.10"],
    "rebind.example": [PUBLIC, "127.0.0.1"],  # one bad answer is enough to refuse
    "v6-loopback.example": ["::1"],
    "mapped.example": ["::ffff:192.168.1.1"],
    "ula.example": ["fd12:3456::1"],
    "linklocal6.example": ["fe80::1%eth0"],
    "cgnat.example": ["100.64.1.1"],
    "zero.example": ["0.0.0.0"],
    "multicast.example": ["224.0.0.251"],
    "nat64-metadata.example": ["64:ff9b::a9fe:a9fe"],
    "hooks.example": [PUBLIC],
}


def resolver(host: str, port: int) -> list[str]:
    if host not in DNS:
        raise OSError("no such name")
    return DNS[host]


FORBIDDEN = [
    # IPv4 literals: loopback, private, link-local (metadata), shared, special
    "https://127.0.0.1/hook",
    "https://127.1.2.3/hook",
    "https://10.0.0.1/hook",
    "https://10.255.255.255/hook",
    "https://172.16.0.1/hook",
    "https://172.31.255.254/hook",
    "https://192.168.0.1/hook",
    "https://192.168.255.255:8443/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://169.254.0.1/hook",
    "https://0.0.0.0/hook",
    "https://100.64.0.1/hook",
    "https://100.100.100.200/hook",
    "https://224.0.0.1/hook",
    "https://239.255.255.250/hook",
    "https://255.255.255.255/hook",
    "https://240.0.0.1/hook",
    "https://192.0.0.170/hook",
    "https://198.18.0.1/hook",
    "https://192.0.2.1/hook",
    # the same, written the ways inet_aton reads them
    "https://2130706433/hook",
    "https://0177.0.0.1/hook",
    "https://0x7f.0.0.1/hook",
    "https://0x7f000001/hook",
    "https://017700000001/hook",
    "https://127.1/hook",
    "https://0/hook",
    "https://0x0a.0.0.1/hook",
    "https://10.1/hook",
    "https://3232235521/hook",
    "https://0xa9fea9fe/hook",
    "https://0251.0376.0251.0376/hook",
    "https://127.0.0.1./hook",
    # IPv6 forms
    "https://[::1]/hook",
    "https://[0:0:0:0:0:0:0:1]/hook",
    "https://[::]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://[::ffff:7f00:1]/hook",
    "https://[::ffff:169.254.169.254]/hook",
    "https://[::ffff:10.0.0.1]/hook",
    "https://[::127.0.0.1]/hook",
    "https://[::a9fe:a9fe]/hook",
    "https://[fe80::1]/hook",
    "https://[fc00::1]/hook",
    "https://[fd00:ec2::254]/hook",
    "https://[ff02::1]/hook",
    "https://[fec0::1]/hook",
    "https://[2001:db8::1]/hook",
    "https://[2002:7f00:1::]/hook",
    "https://[2002:a9fe:a9fe::]/hook",
    "https://[64:ff9b::a9fe:a9fe]/hook",
    "https://[64:ff9b::7f00:1]/hook",
    "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook",
    "https://[fe80::1%25eth0]/hook",
    # DNS names that resolve to them
    *[f"https://{name}/hook" for name in DNS if name != "hooks.example"],
    "https://nowhere.example/hook",
    # not https, or not http at all
    f"http://{PUBLIC}/hook",
    "http://hooks.example/hook",
    "ftp://hooks.example/hook",
    "file:///etc/passwd",
    "gopher://127.0.0.1:25/",
]


def test_there_are_more_than_fifty_forbidden_targets() -> None:
    assert len(set(FORBIDDEN)) >= 50


@pytest.mark.parametrize("url", FORBIDDEN)
def test_a_forbidden_target_is_refused(url: str) -> None:
    policy = TargetPolicy(resolver=resolver)
    with pytest.raises(WebhookTargetForbidden):
        policy.check(url)


@pytest.mark.parametrize("url", FORBIDDEN)
def test_a_forbidden_target_is_never_contacted(url: str) -> None:
    sender = HttpWebhookSender(TargetPolicy(resolver=resolver), timeout=1)
    result = sender.send(url, "msg_1", b"{}", [Secret("whsec_" + "QUJD" * 8)])
    assert result.status_code is None
    assert not result.accepted


def test_public_https_targets_pass_and_connect_to_the_checked_address() -> None:
    policy = TargetPolicy(resolver=resolver)
    assert policy.check("https://hooks.example/hook").address == PUBLIC
    assert policy.check("https://[2606:4700::1111]/x").address == "2606:4700::1111"
    assert policy.check("https://8.8.8.8:8443/x").port == 8443


@pytest.mark.parametrize(
    ("url", "allow"),
    [
        ("http://127.0.0.1:8000/demo/webhooks/receive", {"allow_loopback": True}),
        ("https://localhost/hook", {"allow_loopback": True}),
        ("https://[::1]/hook", {"allow_loopback": True}),
        ("https://10.0.0.1/hook", {"allow_private": True}),
        ("https://internal.example/hook", {"allow_private": True}),
        ("https://[fd00:ec2::1]/hook", {"allow_private": True}),
    ],
)
def test_configuration_can_allow_loopback_or_private_targets(url: str, allow: dict) -> None:
    TargetPolicy(resolver=resolver, **allow).check(url)
    with pytest.raises(WebhookTargetForbidden):
        TargetPolicy(resolver=resolver).check(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest/meta-data/",
        "https://metadata.google.internal/",
        "https://[fe80::1]/hook",
        "https://0.0.0.0/hook",
        "https://224.0.0.1/hook",
        "http://10.0.0.1/hook",  # private targets are allowed over https only
    ],
)
def test_metadata_link_local_multicast_and_unspecified_are_never_allowed(url: str) -> None:
    policy = TargetPolicy(resolver=resolver, allow_loopback=True, allow_private=True)
    with pytest.raises(WebhookTargetForbidden):
        policy.check(url)


def test_the_sender_connects_to_the_resolved_address_with_the_url_host() -> None:
    """Resolved once and pinned: the request reaches the checked address, and the receiver
    sees the host name it was given (so TLS and virtual hosts still work)."""
    with LoopbackReceiver() as receiver:
        names = {"product.example": ["127.0.0.1"]}
        policy = TargetPolicy(allow_loopback=True, resolver=lambda h, p: names[h])
        sender = HttpWebhookSender(policy, timeout=2)
        url = f"http://product.example:{receiver.port}/hook"
        result = sender.send(url, "msg_1", b"{}", [Secret("whsec_" + "QUJD" * 8)])
        assert result.accepted, result
        (got,) = receiver.accepted()
        assert got.headers["host"] == f"product.example:{receiver.port}"


def test_a_redirect_is_not_followed() -> None:
    with LoopbackReceiver() as elsewhere:
        to = f"http://127.0.0.1:{elsewhere.port}/stolen"
        bouncing = LoopbackReceiver(lambda _: Answer(302, headers=(("Location", to),)))
        with bouncing:
            policy = TargetPolicy(allow_loopback=True)
            sender = HttpWebhookSender(policy, timeout=2)
            result = sender.send(bouncing.url, "msg_1", b"{}", [Secret("whsec_" + "QUJD" * 8)])
        assert result.status_code == 302
        assert not result.accepted
        assert elsewhere.accepted() == []


def test_only_the_first_kilobyte_of_an_answer_is_kept_and_slow_answers_time_out() -> None:
    big = LoopbackReceiver(lambda _: Answer(500, body=b"x" * 100_000))
    slow = LoopbackReceiver(lambda _: Answer(204, delay=2.0))
    with big, slow:
        policy = TargetPolicy(allow_loopback=True)
        secrets = [Secret("whsec_" + "QUJD" * 8)]
        failed = HttpWebhookSender(policy, timeout=10).send(big.url, "msg_1", b"{}", secrets)
        assert failed.status_code == 500
        assert len(failed.response) == 1024
        late = HttpWebhookSender(policy, timeout=0.5).send(slow.url, "msg_2", b"{}", secrets)
        assert not late.accepted
        assert "0.5 s" in late.error
