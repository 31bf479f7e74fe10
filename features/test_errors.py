"""The errors feature (living documentation, see errors.feature)."""

from pytest_bdd import scenarios

scenarios("errors.feature")
