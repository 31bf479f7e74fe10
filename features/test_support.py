"""The support feature (living documentation, see support.feature)."""

from pytest_bdd import scenarios

scenarios("support.feature")
