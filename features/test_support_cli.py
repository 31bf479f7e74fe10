"""The support CLI feature (living documentation, see support_cli.feature)."""

from pytest_bdd import scenarios

from features.steps.support_cli import *  # noqa: F403

scenarios("support_cli.feature")
