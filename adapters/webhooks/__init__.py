"""Outbound webhooks: the SSRF guard (guard.py) and the HTTP sender (sender.py) behind the
application's WebhookSender port; receiver.py is a loopback receiver for the demo, tests and
benchmarks."""

from adapters.webhooks.guard import TargetPolicy, offline_resolver, system_resolver
from adapters.webhooks.sender import HttpWebhookSender

__all__ = ["HttpWebhookSender", "TargetPolicy", "offline_resolver", "system_resolver"]
