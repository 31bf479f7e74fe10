"""What sellerlink shows is true (living documentation, see truth.feature)."""

from pytest_bdd import scenarios

scenarios("truth.feature")
