Feature: Teams and who may connect Amazon accounts
  Every connection belongs to a team (seed 000: "Team membership established"). Only people
  allowed to change integration settings can complete the authorization (seed 003: "Admin or
  manager-level access"; seed 002 adds the owner). How many Amazon accounts a team may connect
  is the team's policy: seed 000 supports several, seed 003 allows one.

  Scenario: NO_TEAM during connect
    Given a team on the free plan
    And a signed-in team admin whose session has lost its team context
    When they click Connect
    Then they see the error NO_TEAM
    And the remediation includes "Confirm your team membership in Settings."
    And the remediation includes "Sign in again if your team context is stale."
    And the remediation includes "Retry connect."
    When they choose their team again and retry connect
    Then they are sent to an Amazon-hosted page to authorize

  Scenario Outline: Only owners, admins and managers can start a connection
    Given a team on the free plan
    When a team <role> clicks Connect
    Then <outcome>

    Examples:
      | role    | outcome                                             |
      | owner   | they are sent to an Amazon-hosted page to authorize |
      | admin   | they are sent to an Amazon-hosted page to authorize |
      | manager | they are sent to an Amazon-hosted page to authorize |
      | member  | they see the error FORBIDDEN_ROLE                   |

  Scenario: A team member cannot connect and is told whom to ask
    Given a team on the free plan
    When a team member connects the "us-seller" seller account
    Then they see the error FORBIDDEN_ROLE
    And the remediation includes "Ask a team owner or admin"
    And the team has 0 Amazon connections

  Scenario: A team member can look at the marketplaces but not change them
    Given a team on the pro plan that has connected the "eu-seller" seller account
    When a team member selects the DE marketplace
    Then they see the error FORBIDDEN_ROLE
    And the DE marketplace shows "Available"

  Scenario: Someone from another team cannot open the team's connection
    Given a team on the free plan that has connected the "us-seller" seller account
    And another team "Rival" on the free plan
    When an admin of "Rival" opens the connection
    Then they see the error NOT_A_MEMBER

  Scenario: A team can connect more than one Amazon account
    Given a team on the pro plan
    When a team admin connects the "us-seller" seller account
    And a team admin connects the "eu-seller" seller account
    Then the team has 2 Amazon connections

  Scenario: A team allowed one Amazon account must disconnect it before connecting another
    Given a team on the free plan allowed 1 Amazon account
    And the team has connected the "us-seller" seller account
    When a team admin clicks Connect
    Then they see the error CONNECTION_LIMIT
    And the remediation includes "Disconnect the other Amazon account first"
    When a team admin disconnects the connection
    And a team admin connects the "multi-profile-seller" seller account
    Then the team has 1 Amazon connection
