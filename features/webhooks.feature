Feature: Webhooks tell your product about every change
  Sellers are reminded to re-authorize their Selling Partner API access every 12 months
  (Amazon asks for it each year), and a connection that Amazon stops accepting must be
  reconnected. Perpetua shows "a notification appearing at the bottom of your screen";
  MerchantSpring emails sellers to reconnect. A product can only tell the person when it is
  told: sellerlink sends each change to the team's webhook endpoint, signed with the
  endpoint's secret, at least once and in order for each connection.

  Background:
    Given a team on the pro plan
    And the team's product receives webhooks for every event

  Scenario: The 12-month re-authorization reminder reaches the product
    Given the team has connected the "us-seller" seller account
    When 330 days pass
    And the background worker runs every day for 35 days
    Then the product is told the connection expires, once at each of these times:
      | remaining          |
      | expires in 30 days |
      | expires in 7 days  |
      | expires in 1 day   |
    And the product is told the connection's health went from connected to expiring
    And the product is told the connection's health went from expiring to reconnect_required
    And every message the product received is signed with the endpoint's secret

  Scenario Outline: On the last day the reminder counts hours
    Given the team has connected the "us-seller" seller account
    When the Selling Partner API authorization has <time left> left
    And the background worker runs 3 times
    Then the product is told the connection expires, once at each of these times:
      | remaining |
      | <text>    |

    Examples:
      | time left           | text                |
      | 23 hours 10 minutes | expires in 24 hours |
      | 4 hours 10 minutes  | expires in 5 hours  |

  Scenario: A revoked connection is announced once
    Given the team has connected the "us-seller" seller account
    When the seller removes the app in Seller Central
    And the background worker runs 5 times
    Then the product is told once that the connection was revoked, with the fix "Click Reconnect"
    And the product is told the connection's health went from connected to reconnect_required

  Scenario: A product that was down gets every change afterwards, in order
    Given the product's receiver is down
    And the team has connected the "us-seller" seller account
    When the seller removes the app in Seller Central
    And the team disconnects the account
    And the background worker runs every minute for an hour
    And the product's receiver is back
    And the background worker runs every 10 minutes for a day
    Then the product has received, in this order:
      | type                      |
      | connection.connected      |
      | connection.health_changed |
      | connection.health_changed |
      | connection.revoked        |
      | connection.health_changed |
      | connection.disconnected   |
    And no message was accepted twice
