Feature: Connections stay healthy without anyone watching
  sellerlink's background worker keeps every connection healthy: it renews access tokens
  before they lapse, warns before the yearly Selling Partner API re-authorization (seed 002's
  Developer Access Confirmation: at 30 days, at 7 days, then on the last day), notices
  when Amazon refuses a token or the authorization ends, moves marketplace setup along, runs
  the sync cycles, and after a reconnect retrieves the missed data (seed 004: "Data syncing
  will resume during the next sync cycle. Any missed data will typically be retrieved through
  a backfill process"). It reads what is due from the database on every pass, so a stopped
  or crashed worker delays work but never loses it.

  Background:
    Given a team on the free plan
    And the team has connected the "us-seller" seller account
    And the US marketplace is Ready

  Scenario Outline: The seller is warned before the authorization ends
    When the Selling Partner API authorization has <time left> left
    And sellerlink's background work runs
    Then the seller is warned "<warning>"

    Examples:
      | time left          | warning                                                    |
      | 30 days            | The Selling Partner API authorization expires in 30 days   |
      | 12 days 20 hours   | The Selling Partner API authorization expires in 12 days   |
      | 4 hours 10 minutes | The Selling Partner API authorization expires in 5 hours   |

  Scenario: Warnings come at 30 days, at 7 days and on the last day, each once
    When the Selling Partner API authorization has 31 days left
    And sellerlink looks after the connection for 32 days
    Then the seller was warned 3 times
    And the first warning says "expires in 30 days"
    And the last warning says "expires in"
    And the timeline says "The Selling Partner API authorization expired: reconnect required"
    And the connection health is reconnect_required

  Scenario: A worker that was stopped for a while sends only the current warning
    When the Selling Partner API authorization has 40 days left
    And sellerlink's background work runs
    And 35 days pass
    And sellerlink's background work runs
    And sellerlink's background work runs
    Then the seller was warned 1 time
    And the first warning says "expires in 5 days"

  Scenario: Access tokens are renewed once an hour, not once per request
    When sellerlink looks after the connection for 10 hours
    Then Amazon was asked for 20 new access tokens
    And nobody was sent back to Amazon to authorize again
    And the connection is healthy

  Scenario: A hundred requests needing a token at the same moment cause one renewal
    When 2 hours pass
    And 100 requests need the Selling Partner API token at the same moment
    Then Amazon was asked for 1 new access token
    And all 100 requests got the same token

  Scenario: A seller who removes the app must reconnect
    When the seller removes the app in Seller Central
    And sellerlink looks after the connection for 2 hours
    Then the connection health is reconnect_required
    And the timeline says "Amazon refused the sp_api refresh token: reconnect required"
    And no data was retrieved after the app was removed

  Scenario: Amazon being down delays work but never disconnects anyone
    Given Amazon is not answering
    When sellerlink looks after the connection for 3 hours
    Then the connection is healthy
    And the timeline says "token refresh failed (AMAZON_UNAVAILABLE); will retry"
    When Amazon answers again
    And sellerlink looks after the connection for 1 hour
    Then the connection is healthy
    And every hour of the US marketplace's orders up to now was retrieved exactly once

  Scenario: After a reconnect the missed data is retrieved
    When sellerlink looks after the connection for 366 days
    Then the connection health is reconnect_required
    When 10 days pass
    And a team admin reconnects the Selling Partner API as "us-seller"
    Then a backfill of the missed data is scheduled from when the authorization expired
    When sellerlink looks after the connection for 2 hours
    Then the connection is healthy
    And the timeline says "missed data up to"
    And every hour of the US marketplace's orders up to now was retrieved exactly once
