"""The listing_updates feature (living documentation, see listing_updates.feature)."""

from pytest_bdd import scenarios

scenarios("listing_updates.feature")
