Feature: Connecting an Amazon account for the first time
  Seed 000's first-time connection: review the requested permissions, authorize on Amazon's
  own page, return to the app, choose a profile if prompted, choose a marketplace. A seller
  account needs both the Amazon Advertising API and the Selling Partner API; a vendor account
  needs only advertising (seed 002). On success the Amazon Seller ID is shown (seed 003).

  Background:
    Given a team on the free plan

  Scenario: The requested permissions are shown before going to Amazon
    When a team admin clicks Connect
    Then they can review the Amazon permissions requested before continuing
    And they are sent to an Amazon-hosted page to authorize

  Scenario: The Amazon password is only ever typed on Amazon's page
    When a team admin clicks Connect
    Then they are sent to an Amazon-hosted page to authorize
    And the link to Amazon carries no credentials, only the authorization's state

  Scenario: A seller connects advertising and the Selling Partner API
    When a team admin connects the "us-seller" seller account
    Then the connection is healthy
    And the Amazon Seller ID "A1SBXUSSELLER01" is displayed
    And the advertising authorization shows "Current"
    And the Selling Partner API shows "Current"
    And each authorization shows the date its token was generated
    And the next step is to choose marketplaces

  Scenario: A seller who has authorized only advertising is not done yet
    When a team admin authorizes advertising for the "us-seller" seller account
    Then the connection health is incomplete
    And the Selling Partner API shows "No token present"
    And the next step is to authorize the Selling Partner API

  Scenario: A vendor does not need the Selling Partner API
    When a team admin authorizes advertising for the "vendor" vendor account
    Then the connection is healthy
    And the Selling Partner API shows "No token present"
    And the next step is to choose marketplaces

  Scenario: Connecting the same account again updates it instead of adding a duplicate
    Given the team has connected the "us-seller" seller account
    When a team admin connects the "us-seller" seller account
    Then the team has 1 Amazon connection
    And it is the same connection as before

  Scenario: The full onboarding path ends with data loading
    When a team admin connects the "us-seller" seller account
    Then the profile was selected for them automatically
    When they select the US marketplace
    Then the US marketplace shows "Setting up..."
    When the background worker runs
    Then the US marketplace shows "Syncing..."
    When the background worker runs
    Then the US marketplace shows "Ready"
    And the connection counts 1 ready marketplace

  Scenario: The Amazon step must finish in the browser that started it
    When a team admin clicks Connect and the Amazon page is approved as "us-seller" in another browser
    Then they see the error OAUTH_STATE_INVALID
    And they are told "started in another browser"
    And the team has 0 Amazon connections
    When they approve as "us-seller" in the browser that started it
    Then the team has 1 Amazon connection
