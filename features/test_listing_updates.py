"""The listing_updates feature (living documentation, see listing_updates.feature)."""

from pytest_bdd import scenarios

from features.steps.listing_updates import *  # noqa: F403

scenarios("listing_updates.feature")
