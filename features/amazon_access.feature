Feature: A product calls Amazon through sellerlink
  A product's back end that needs more than sellerlink syncs (ad bids, catalog, pricing)
  calls Amazon through the seller's connection with an API key that has the amazon:access
  scope. sellerlink adds the token and the headers Amazon expects, picks the region's
  host, and spends the seller's one Amazon quota fairly: the product is asked to wait rather
  than refused by Amazon, and sellerlink's own sync keeps working while a product bursts.

  Background:
    Given a team on the pro plan that has connected the "us-seller" seller account
    And the product's back end has an API key with the amazon:access scope

  Scenario: A product back end reads a seller's orders through sellerlink
    When the product's back end reads the seller's orders through sellerlink
    Then Amazon's answer comes back as Amazon sent it

  Scenario: A product back end takes a fresh token to call Amazon itself
    When the product's back end asks for a Selling Partner API token
    Then it gets the token with the header Amazon expects
    And the timeline names the API key that took it, never the token

  Scenario: A key without the amazon:access scope cannot call Amazon
    Given the product's back end has an API key with only the connections:read scope
    When the product's back end reads the seller's orders through sellerlink
    Then they see the error SCOPE_MISSING

  Scenario: A revoked seller answers TOKEN_REVOKED
    When the seller removes the app in Seller Central
    And 2 hours pass
    And the product's back end reads the seller's orders through sellerlink
    Then they see the error TOKEN_REVOKED
    And the connection health is reconnect_required

  Scenario: A product's burst does not make sellerlink's own sync fail
    Given the seller's order quota is shared by the product and sellerlink's sync
    When the product asks for the seller's orders much faster than Amazon allows
    And sellerlink's own sync reads the seller's orders meanwhile
    Then sellerlink's sync gets its turn every time
    And the product is asked to wait, never refused by Amazon
