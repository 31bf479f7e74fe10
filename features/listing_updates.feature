Feature: Listing updates: inventory and prices sent to Amazon in batches
  Seed 003: once connected, "Ecommerce will be able to send your inventory quantities and
  pricing to Amazon on your behalf", shaped by the seller's settings. "Ecommerce sends
  inventory and pricing updates to Amazon in batches. Most changes appear within 15 to 30
  minutes." If the authorization expires or is revoked, "Ecommerce will stop sending updates
  to Amazon ... Your inventory and pricing settings will be preserved".
  The settings' rules themselves are in listing_settings.feature; this feature is about what
  reaches Amazon, and when.

  Background:
    Given a team on the free plan
    And the team has connected the "us-seller" seller account

  Scenario Outline: A buffer of 6 with a ceiling of 4 and <available> units available
    Given the listing settings are a buffer of 6 and a ceiling of 4
    When the product sends "WIDGET-1" with <available> units at 20.00 USD
    And the batch window passes
    Then Amazon shows <shown> units of "WIDGET-1"

    Examples:
      | available | shown |
      | 10        | 4     |
      | 5         | 0     |

  Scenario: A change appears on Amazon after the batch window, not before
    When the product sends "WIDGET-1" with 8 units at 20.00 USD
    And 14 minutes pass
    And the listing worker runs
    Then Amazon does not show "WIDGET-1"
    And "WIDGET-1" is explained as "waiting for the next batch at 2026-01-05 09:15:00 UTC"
    When 1 minute passes
    And the listing worker runs
    Then Amazon shows 8 units of "WIDGET-1" at 20.00 USD
    And "WIDGET-1" is explained as "on Amazon since 2026-01-05 09:15:00 UTC"

  Scenario: Only the latest value of a product is sent, and only once
    When the product sends "WIDGET-1" with 8 units at 20.00 USD
    And the product sends "WIDGET-1" with 6 units at 20.00 USD
    And the batch window passes
    And the product sends "WIDGET-1" with 6 units at 20.00 USD
    And the batch window passes
    Then Amazon shows 6 units of "WIDGET-1" at 20.00 USD
    And Amazon received "WIDGET-1" 1 time

  Scenario: A product under the minimum price is never sent, even with pricing disabled
    Given a Minimum Price Threshold of 5.00 USD with pricing disabled
    When the product sends these listings:
      | sku     | available | price |
      | CHEAP-1 | 10        | 3.50  |
      | MAIN-1  | 10        | 25.00 |
    And the batch window passes
    Then Amazon does not show "CHEAP-1"
    And Amazon shows 10 units of "MAIN-1" with no price
    And "CHEAP-1" is explained as "not sent: price 3.50 is under the minimum 5.00"

  Scenario Outline: A product already listed on Amazon is taken out of stock when its price falls under the minimum price (pricing <pricing>)
    Seed 003: "Setting a threshold prevents low-value items from appearing on Amazon at all".
    Given the Minimum Price Threshold is 5.00 USD and pricing is <pricing>
    And a product already listed on Amazon: "CHEAP-1" with 10 units at 8.00 USD
    When its price falls under the minimum price: the product sends "CHEAP-1" with 10 units at 3.50 USD
    Then Amazon shows it out of stock after the next batch
    And "CHEAP-1" is explained as "withdrawn: price 3.50 is under the minimum 5.00; quantity 0 sent so it no longer shows on Amazon"
    When the product sends "CHEAP-1" with 12 units at 3.00 USD
    And the batch window passes
    Then Amazon received "CHEAP-1" 2 times

    Examples:
      | pricing  |
      | enabled  |
      | disabled |

  Scenario: Raising the minimum price takes the products now under it out of stock
    Given pricing is disabled
    And these listings are already on Amazon:
      | sku    | available | price |
      | LOW-1  | 4         | 9.00  |
      | MAIN-1 | 4         | 25.00 |
    When a team admin raises the minimum price to 10.00 USD
    Then Amazon shows "LOW-1" out of stock after the next batch
    And Amazon shows 4 units of "MAIN-1" with no price

  Scenario: Disabling pricing stops prices but not quantities
    Given "MAIN-1" with 10 units at 25.00 USD is already on Amazon
    And pricing is disabled
    When the product sends "MAIN-1" with 7 units at 19.00 USD
    And the batch window passes
    Then Amazon shows 7 units of "MAIN-1" at 25.00 USD

  Scenario: Raising the buffer takes listings out of stock on Amazon
    Given the listing settings are a buffer of 2 and a ceiling of none
    And these listings are already on Amazon:
      | sku | available | price |
      | A   | 3         | 9.00  |
      | B   | 5         | 9.00  |
      | C   | 12        | 9.00  |
    When a team admin raises the buffer to 6
    And the batch window passes
    Then Amazon shows 0 units of "A"
    And Amazon shows 0 units of "B"
    And Amazon shows 12 units of "C"

  Scenario: An expired authorization pauses updates and keeps the settings
    Given the listing settings are a buffer of 6 and a ceiling of 4
    And "WIDGET-1" with 10 units at 20.00 USD is already on Amazon
    When the Selling Partner API authorization runs out
    And the product sends "WIDGET-1" with 5 units at 20.00 USD
    And the batch window passes
    Then Amazon shows 4 units of "WIDGET-1"
    And "WIDGET-1" is explained as "paused: The Selling Partner API authorization expired: reconnect to resume; the latest values wait."
    When a team admin reconnects the Selling Partner API as "us-seller"
    And the listing worker runs
    Then Amazon shows 0 units of "WIDGET-1"
    And the listing settings are still a buffer of 6 and a ceiling of 4

  Scenario: A revoked authorization pauses updates; after the reconnect the latest values go once
    Given "WIDGET-1" with 10 units at 20.00 USD is already on Amazon
    When the seller removes the app in Seller Central
    And the product sends "WIDGET-1" with 9 units at 20.00 USD
    And the batch window passes
    And the product sends "WIDGET-1" with 8 units at 20.00 USD
    And the batch window passes
    Then Amazon shows 10 units of "WIDGET-1"
    When a team admin reconnects the Selling Partner API as "us-seller"
    And the listing worker runs
    Then Amazon shows 8 units of "WIDGET-1" at 20.00 USD
    And Amazon received "WIDGET-1" 2 times

  Scenario: A thousand products go to Amazon as one listings feed
    When the product sends 1000 products with 3 units at 12.00 USD
    And the batch window passes
    Then Amazon received them in 1 listings feed
    And Amazon shows 3 units of each of them

  Scenario: Amazon refuses one product and support sees why
    Given Amazon refuses "GHOST-1" with "The SKU is not in the catalogue"
    When the product sends these listings:
      | sku     | available | price |
      | GHOST-1 | 2         | 9.00  |
      | MAIN-1  | 2         | 9.00  |
    And the batch window passes
    Then Amazon shows 2 units of "MAIN-1" at 9.00 USD
    And "GHOST-1" is explained as "Amazon refused the last update: The SKU is not in the catalogue"

  Scenario: Bad rows are reported and the good rows are kept
    When the product sends these listings:
      | sku     | available | price | currency |
      | GOOD-1  | 4         | 9.99  | USD      |
      | NEG-1   | -1        | 9.99  | USD      |
      | EURO-1  | 3         | 9.99  | EUR      |
      | GOOD-2  | 5         | 12    | USD      |
    Then row 2 is refused for its quantity
    And row 3 is refused for its currency
    And 2 rows are kept
