"""The marketplaces feature (living documentation, see marketplaces.feature)."""

from pytest_bdd import scenarios

scenarios("marketplaces.feature")
