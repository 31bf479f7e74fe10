"""The reconnect feature (living documentation, see reconnect.feature)."""

from pytest_bdd import scenarios

scenarios("reconnect.feature")
