Feature: Reconnecting an Amazon account
  Seed 004: a connection may expire (token expiry, permission changes, revoked app); its status
  then shows Disconnected / Reconnect Required. Reconnecting restores access: data syncing
  resumes at the next cycle, missed data is retrieved through a backfill, and historical data
  is kept (seed 000: "Reconnect restores access and does not clear existing team data"; seed
  003: "Your settings will be preserved"). Advertising credentials may need their own
  re-authorization. Seed 002: sellers re-affirm Selling Partner API access every 12 months.

  Background:
    Given a team on the free plan
    And the team has connected the "us-seller" seller account

  Scenario: A revoked connection asks to be reconnected, and reconnecting restores it
    Given the US marketplace is Ready
    And the listing settings are a buffer of 6 and a ceiling of 4
    When the seller removes the app in Seller Central
    Then the connection health is reconnect_required
    When a team admin reconnects advertising as "us-seller"
    And a team admin reconnects the Selling Partner API as "us-seller"
    Then the connection is healthy
    And it is the same connection as before
    And the US marketplace shows "Ready"
    And the listing settings are still a buffer of 6 and a ceiling of 4
    And a backfill of the missed data is scheduled from when access was lost
    And the timeline still shows the connection being created

  Scenario: Advertising credentials may need their own re-authorization
    When the seller removes the app in Seller Central
    And a team admin reconnects the Selling Partner API as "us-seller"
    Then the Selling Partner API shows "Current"
    And the advertising authorization shows "Revoked"
    And the connection health is reconnect_required
    When a team admin reconnects advertising as "us-seller"
    Then the connection is healthy

  Scenario: Reconnecting with a different Amazon account is refused
    When the seller removes the app in Seller Central
    And a team admin reconnects the Selling Partner API as "multi-profile-seller"
    Then they see the error WRONG_ACCOUNT
    And the remediation includes "Click Connect Different Account and sign in with the original Amazon account."
    And the remediation includes "Apps & Services > Manage Your Apps"
    And the Amazon Seller ID "A1SBXUSSELLER01" is displayed
    And the connection health is reconnect_required

  Scenario: Reconnecting with a login that cannot manage advertising is refused
    When the seller removes the app in Seller Central
    And a team admin reconnects advertising as "view-only-agency"
    Then they see the error ADVERTISING_NOT_ENABLED
    And the remediation includes "View and Edit permission"
    And the advertising authorization shows "Revoked"
    And the connection health is reconnect_required

  Scenario: Clicking Connect again re-authorizes the same connection
    When the seller removes the app in Seller Central
    And a team admin connects the "us-seller" seller account
    Then the team has 1 Amazon connection
    And it is the same connection as before
    And the connection is healthy

  Scenario: Setup waits while access is lost and resumes after reconnecting
    Given they selected the US marketplace
    When the seller removes the app in Seller Central
    And the background worker runs
    Then the US marketplace shows "Setting up..."
    When a team admin reconnects advertising as "us-seller"
    And a team admin reconnects the Selling Partner API as "us-seller"
    And the background worker runs
    Then the US marketplace shows "Syncing..."

  Scenario: The first sync waits while access is lost
    Given the US marketplace is "Syncing..."
    When the seller removes the app in Seller Central
    And the background worker runs
    Then the US marketplace shows "Syncing..."
    When a team admin reconnects advertising as "us-seller"
    And a team admin reconnects the Selling Partner API as "us-seller"
    And the background worker runs
    Then the US marketplace shows "Ready"

  Scenario: We no longer have access to the SP API after 12 months
    Given the US marketplace is Ready
    When 365 days pass
    Then the Selling Partner API shows "Expired"
    And the advertising authorization shows "Current"
    And the connection health is reconnect_required
    And sellerlink can no longer use the Selling Partner API: TOKEN_EXPIRED
    And the remediation includes "Click Reconnect"
    When a team admin reconnects the Selling Partner API as "us-seller"
    Then the connection is healthy
    And it is the same connection as before
    And the Selling Partner API shows "Current"
    And a backfill of the missed data is scheduled from when the authorization expired
