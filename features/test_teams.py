"""The teams feature (living documentation, see teams.feature)."""

from pytest_bdd import scenarios

scenarios("teams.feature")
