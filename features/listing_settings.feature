Feature: Listing settings: inventory buffer, inventory ceiling, minimum price, pricing
  Seed 003: the Marketplace Inventory Buffer is a gate (a product must have at least that many
  units available to appear in stock at all); the Inventory Ceiling is a cap on the units shown
  once past the gate; a product under the Minimum Price Threshold is not sent at all, even with
  Disable Pricing turned on (one Amazon already shows in stock is taken out of stock instead:
  listing_updates.feature); Disable Pricing stops prices, not quantities.

  Background:
    Given a team on the free plan
    And the team has connected the "us-seller" seller account

  Scenario Outline: Buffer <buffer> and ceiling <ceiling> with <available> units available
    Given the listing settings are a buffer of <buffer> and a ceiling of <ceiling>
    When a product with <available> units available at 20.00 USD is checked
    Then <shown> units are shown on Amazon

    Examples:
      | buffer | ceiling | available | shown |
      | 6      | 4       | 10        | 4     |
      | 6      | 4       | 6         | 4     |
      | 6      | 4       | 5         | 0     |
      | 6      | 6       | 10        | 6     |
      | 0      | none    | 3         | 3     |
      | 2      | none    | 2         | 2     |
      | 0      | 0       | 7         | 0     |

  Scenario: A product under the minimum price is never sent, even with pricing disabled
    Given a Minimum Price Threshold of 10.00 USD with pricing disabled
    When these products are checked:
      | sku     | available | price |
      | CHEAP-1 | 50        | 4.99  |
      | MAIN-1  | 50        | 25.00 |
    Then "CHEAP-1" is not sent to Amazon at all
    And "MAIN-1" is sent with quantity 50 and no price

  Scenario: Disabling pricing stops prices but not quantities
    Given pricing is disabled
    When these products are checked:
      | sku    | available | price |
      | MAIN-1 | 12        | 25.00 |
    Then "MAIN-1" is sent with quantity 12 and no price

  Scenario: With pricing enabled both quantity and price are sent
    Given the listing settings are a buffer of 0 and a ceiling of none
    When these products are checked:
      | sku    | available | price |
      | MAIN-1 | 12        | 25.00 |
    Then "MAIN-1" is sent with quantity 12 and price 25.00 USD

  Scenario: Raising the buffer can take listings out of stock
    Given the listing settings are a buffer of 2 and a ceiling of none
    When these products are checked:
      | sku | available | price |
      | A   | 3         | 9.00  |
      | B   | 5         | 9.00  |
      | C   | 12        | 9.00  |
    Then 3 of them are in stock
    When a team admin raises the buffer to 6
    And the same products are checked again
    Then 1 of them is in stock
    And "A" is sent with quantity 0 and price 9.00 USD

  Scenario: A team member cannot change the listing settings
    When a team member sets a buffer of 6
    Then they see the error FORBIDDEN_ROLE
    And the listing settings are still a buffer of 0 and a ceiling of none
