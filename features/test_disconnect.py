"""The disconnect feature (living documentation, see disconnect.feature)."""

from pytest_bdd import scenarios

scenarios("disconnect.feature")
