"""The tokens feature (living documentation, see tokens.feature)."""

from pytest_bdd import scenarios

scenarios("tokens.feature")
