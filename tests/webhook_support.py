"""What the webhook tests share: a product's receiver on 127.0.0.1 that verifies every
message with the `standardwebhooks` library exactly as a receiver would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from adapters.webhooks.receiver import Answer, LoopbackReceiver, Received
from application.context import Actor


class Product:
    """The product's side: its receiver and the secret it keeps."""

    def __init__(self, receiver: LoopbackReceiver) -> None:
        self.receiver = receiver
        self.secrets: list[str] = []

    @property
    def url(self) -> str:
        return self.receiver.url

    def verified(self) -> list[dict[str, Any]]:
        """Every accepted message, verified with any secret the product holds."""
        messages = []
        for got in self.receiver.accepted():
            messages.append(verify(got, self.secrets))
        return messages

    def types(self) -> list[str]:
        return [m["type"] for m in self.verified()]


def verify(got: Received, secrets: list[str]) -> dict[str, Any]:
    errors = []
    for secret in secrets:
        try:
            payload: dict[str, Any] = Webhook(secret).verify(got.body, got.headers)
            assert payload == json.loads(got.body)
            return payload
        except Exception as error:
            errors.append(error)
    raise AssertionError(f"no secret verifies {got.headers.get('webhook-id')}: {errors}")


@pytest.fixture
def product() -> Iterator[Product]:
    with LoopbackReceiver() as receiver:
        yield Product(receiver)


def subscribe(app: Any, actor: Actor, product: Product, events: list[str] | None = None) -> str:
    created = app.create_webhook(actor, product.url, events or ["*"], "the product")
    product.secrets.append(created.secret.reveal())
    return str(created.endpoint.id)


__all__ = ["Answer", "Product", "product", "subscribe", "verify"]
