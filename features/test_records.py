"""The records feature (living documentation, see records.feature)."""

from pytest_bdd import scenarios

scenarios("records.feature")
