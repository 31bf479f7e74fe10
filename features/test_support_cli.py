"""The support CLI feature (living documentation, see support_cli.feature)."""

from pytest_bdd import scenarios

scenarios("support_cli.feature")
