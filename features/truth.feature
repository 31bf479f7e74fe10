Feature: What sellerlink shows is true
  A person trusts what the status card and the marketplace list say. Seed 002: a seller
  connects "through two distinct channels" (Amazon Ads and the Selling Partner API), while for
  a vendor "connecting the account to the SP-API connection is not necessary. However, is
  highly recommended to gain access to Sales & Traffic Reporting". Seed 004: a connection may
  stop working after "changes to Seller Central or Vendor Central permissions". Nothing waits
  in "Setting up..." without saying why and what to do next.

  Scenario: A seller who authorized only advertising is asked for the Selling Partner API
    Given a team on the free plan
    When a team admin authorizes advertising for the "us-seller" seller account
    And they select the US marketplace
    And the background worker runs 3 times
    Then the US marketplace shows "Setting up..."
    And the US marketplace explains "Authorize the Selling Partner API; setup continues by itself"
    When a team admin adds the Selling Partner API as "us-seller"
    And the background worker runs 2 times
    Then the US marketplace shows "Ready"

  Scenario: Permission changes are explained with their fix, and Amazon is not asked again and again
    Given a team on the free plan
    And the team has connected the "us-seller" seller account
    And the US marketplace is Ready
    When the seller's user permissions change in Seller Central
    And sellerlink looks after the connection for 1 hour
    Then the US marketplace explains "Ask the account owner to grant the permission"
    And Amazon was asked for the orders once since the permissions changed
    And the connection is healthy

  Scenario: A vendor on advertising alone is set up without the Selling Partner API
    Given a team on the free plan
    And the team has connected the "vendor" vendor account
    When they select the US marketplace
    And the background worker runs 2 times
    Then the US marketplace shows "Ready"
    When sellerlink looks after the connection for 3 hours
    Then the Selling Partner API was never asked for a seller's data
    And the connection is healthy

  Scenario: A vendor adds the Selling Partner API through Vendor Central for Sales & Traffic reporting
    Given a team on the free plan
    And the team has connected the "vendor-central" vendor account
    When a team admin adds the Selling Partner API as "vendor-central"
    Then the connection is healthy
    And both authorizations show "Current"
    When they select the US marketplace
    And the background worker runs 2 times
    Then the US marketplace shows "Ready"
    And the Selling Partner API was never asked for a seller's data
