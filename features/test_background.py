"""The background worker feature (living documentation, see background.feature)."""

from pytest_bdd import scenarios

scenarios("background.feature")
