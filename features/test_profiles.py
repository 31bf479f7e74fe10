"""The profiles feature (living documentation, see profiles.feature)."""

from pytest_bdd import scenarios

scenarios("profiles.feature")
