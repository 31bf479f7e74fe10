Feature: Token status and expiry
  Seed 001: with no authorization yet the status reads "No token present"; a token reads
  Current until its final 30 days, then "expires in X days", and on its last day "expires
  in X hours"; after that it is Expired. Selling Partner API authorizations end 365 days after
  consent (seed 002's yearly Developer Access Confirmation); advertising authorizations do not
  expire. Days are rounded down and hours up, so nobody is told they have more time than they do.

  Background:
    Given a team on the free plan

  Scenario: Before the first authorization there is no token
    When a team admin authorizes advertising for the "us-seller" seller account
    Then the Selling Partner API shows "No token present"
    And the advertising authorization shows "Current"

  Scenario Outline: What the Selling Partner API status says with <time left> left
    Given the team has connected the "us-seller" seller account
    When the Selling Partner API authorization has <time left> left
    Then the Selling Partner API shows "<status>"
    And the connection health is <health>

    Examples:
      | time left           | status              | health             |
      | 200 days            | Current             | connected          |
      | 30 days             | Current             | connected          |
      | 29 days 23 hours    | expires in 29 days  | expiring           |
      | 12 days 20 hours    | expires in 12 days  | expiring           |
      | 12 days             | expires in 12 days  | expiring           |
      | 1 day               | expires in 1 day    | expiring           |
      | 23 hours 10 minutes | expires in 24 hours | expiring           |
      | 4 hours 10 minutes  | expires in 5 hours  | expiring           |
      | 1 hour              | expires in 1 hour   | expiring           |
      | 1 minute            | expires in 1 hour   | expiring           |
      | 0 minutes           | Expired             | reconnect_required |

  Scenario: Advertising authorizations do not expire
    Given the team has connected the "vendor" vendor account
    When 800 days pass
    Then the advertising authorization shows "Current"
    And the connection is healthy

  Scenario: Access tokens are renewed in the background without asking the seller again
    Given the team has connected the "us-seller" seller account
    When 3 hours pass
    And the background token sweep runs
    Then the sweep renewed 2 access tokens
    And nobody was sent back to Amazon to authorize again
    And the connection is healthy

  Scenario: A revoked authorization says so
    Given the team has connected the "us-seller" seller account
    When the seller removes the app in Seller Central
    Then the Selling Partner API shows "Revoked"
    And the advertising authorization shows "Revoked"
    And the connection health is reconnect_required
    And sellerlink can no longer use the Selling Partner API: TOKEN_REVOKED
    And the remediation includes "Click Reconnect"

  Scenario: Amazon being unavailable does not disconnect anyone
    Given the team has connected the "us-seller" seller account
    And Amazon is not answering
    When 3 hours pass
    And the background token sweep runs
    Then the sweep renewed 0 access tokens
    And the connection is healthy
    And the timeline says "sp_api token refresh failed (AMAZON_UNAVAILABLE); will retry"
    When Amazon answers again
    And the background token sweep runs
    Then the sweep renewed 2 access tokens
    And the connection is healthy
