Feature: Disconnecting an Amazon account
  Disconnecting deletes the tokens at once and keeps the record and its history (DESIGN §3.8;
  seed 004: "Reconnecting does not delete historical data").

  Background:
    Given a team on the free plan
    And the team has connected the "us-seller" seller account
    And the US marketplace is Ready

  Scenario: Disconnecting deletes the tokens and keeps the history
    When a team admin disconnects the connection
    Then the team has 0 Amazon connections
    And support sees the connection as disconnected with "No token present" for both authorizations
    And sellerlink can no longer use the Selling Partner API: TOKEN_REVOKED
    And the timeline still shows the connection being created
    And the timeline says "Disconnected: tokens deleted, history kept"

  Scenario: Disconnecting an account whose authorization was revoked deletes its tokens too
    When the seller removes the app in Seller Central
    And a team admin disconnects the connection
    Then support sees the connection as disconnected with "No token present" for both authorizations
    And the timeline says "Amazon refused the sp_api refresh token: reconnect required"

  Scenario: Connecting the same account after disconnecting picks its history back up
    When a team admin disconnects the connection
    And a team admin connects the "us-seller" seller account
    Then it is the same connection as before
    And the connection is healthy
    And the US marketplace shows "Ready"

  Scenario: A team member cannot disconnect
    When a team member disconnects the connection
    Then they see the error FORBIDDEN_ROLE
    And the team has 1 Amazon connection
