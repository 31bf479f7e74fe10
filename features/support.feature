Feature: What support sees
  A support agent needs every connection, its tokens, its marketplaces with their retry
  history, and a timeline of what happened and who did it (seed 000: "escalate with the exact
  marketplace and retry history"; seed 002's yearly re-authorization warnings).

  Scenario: Support finds the connections that need a reconnect
    Given a team on the free plan that has connected the "us-seller" seller account
    And another team "Rival" on the pro plan
    And "Rival" has connected the "eu-seller" seller account
    When the seller of "us-seller" removes the app in Seller Central
    Then support's list of connections needing a reconnect shows only "A1SBXUSSELLER01"

  Scenario: Support sees the exact marketplace and its retry history after an escalation
    Given a team on the pro plan that has connected the "failing-marketplace-seller" seller account
    And the IT marketplace has been escalated after using all its retries
    When support opens the history of the IT marketplace
    Then it lists every failure with "Failed to create geocompany for IT"
    And it lists every retry by the team admin
    And its last entry is "retry limit of 3 reached"

  Scenario: Support retries a failed marketplace for the customer
    Given a team on the pro plan that has connected the "failing-marketplace-seller" seller account
    And the DE marketplace has failed its setup
    When support agent "alice" retries the DE marketplace
    Then the DE marketplace shows "Setting up..."
    And the DE marketplace's last change was made by "support:alice"

  Scenario: Support is warned about authorizations that expire soon
    Given a team on the free plan that has connected the "us-seller" seller account
    When 353 days pass
    Then support's expiry forecast lists the Selling Partner API of "A1SBXUSSELLER01" as "expires in 12 days"

  Scenario: The timeline explains what happened and who did it
    Given a team on the free plan that has connected the "us-seller" seller account
    When the seller removes the app in Seller Central
    And a team admin reconnects the Selling Partner API as "us-seller"
    Then the timeline shows, in order:
      | kind                           | actor                   |
      | connection.created             | user:admin@acme         |
      | connection.channel_authorized  | user:admin@acme         |
      | token.revoked                  | sellerlink              |
      | connection.reconnected         | user:admin@acme         |
