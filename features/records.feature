Feature: The seller's data reaches the product
  Connecting is worth the data it brings: "Open Dashboard and verify data load" (seed 000).
  Once a marketplace is Ready its most recent orders, sales and traffic, inventory and ad
  campaigns are there, and the history the team keeps fills in behind them. After a
  reconnect "any missed data will typically be retrieved through a backfill process"
  (seed 004). A vendor that also connects the Selling Partner API gets "Sales & Traffic
  Reporting" (seed 002); a vendor on advertising alone gets its ad campaigns.

  Scenario: The data loads once the marketplaces are Ready
    Given a team on the pro plan
    And the team has connected the "eu-seller" seller account
    And the team keeps 7 days of history
    When a team admin selects the DE marketplace
    And a team admin selects the FR marketplace
    And the background worker runs 2 times
    Then the DE marketplace shows "Ready"
    And the FR marketplace shows "Ready"
    And the dashboard shows orders, sales and traffic and inventory for DE and FR
    When sellerlink's background work runs
    Then the history of every dataset in DE is loaded

  Scenario: Two marketplaces of one seller catch up in turns after a pause
    Amazon gives a seller one request quota for all its marketplaces: after a pause both
    marketplaces have days to catch up, and each gets its turn instead of one waiting for
    the other to finish.
    Given a team on the pro plan
    And the team has connected the "eu-seller" seller account
    And the team keeps 2 days of history
    When a team admin selects the DE marketplace
    And a team admin selects the FR marketplace
    And the background worker runs 2 times
    And sellerlink's background work was stopped for 20 days
    And sellerlink's background work runs every 30 seconds for 10 minutes
    Then the orders of DE and of FR have both moved on, neither more than a few days ahead

  Scenario: After a reconnect the missed days are retrieved, none twice
    Given a team on the pro plan
    And the team has connected the "us-seller" seller account
    And the team keeps 30 days of history
    And the US marketplace is Ready
    When the seller removes the app in Seller Central
    And 10 days pass
    And a team admin reconnects advertising as "us-seller"
    And a team admin reconnects the Selling Partner API as "us-seller"
    And sellerlink looks after the connection for 1 day
    Then every day of orders and of sales and traffic is there, none twice
    And the timeline says "missed data up to"

  Scenario: A vendor with Vendor Central gets its sales and traffic
    Given a team on the pro plan
    And the team has connected the "vendor-central" vendor account with Vendor Central
    And the team keeps 3 days of history
    And the US marketplace is Ready
    Then the dashboard shows the vendor's shipped units and glance views
    And the dashboard shows ad campaigns

  Scenario: A vendor on advertising alone gets ad campaigns and nothing of the Selling Partner API
    Given a team on the pro plan
    And the team has connected the "vendor" vendor account
    And the team keeps 3 days of history
    And the US marketplace is Ready
    Then the dashboard shows ad campaigns
    And nothing was asked of the Selling Partner API
