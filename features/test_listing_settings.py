"""The listing_settings feature (living documentation, see listing_settings.feature)."""

from pytest_bdd import scenarios

scenarios("listing_settings.feature")
