"""The connect feature (living documentation, see connect.feature)."""

from pytest_bdd import scenarios

scenarios("connect.feature")
