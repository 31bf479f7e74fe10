"""The webhooks feature (living documentation, see webhooks.feature)."""

from pytest_bdd import scenarios

scenarios("webhooks.feature")
