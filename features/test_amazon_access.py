"""The Amazon access feature (living documentation, see amazon_access.feature)."""

from pytest_bdd import scenarios

scenarios("amazon_access.feature")
