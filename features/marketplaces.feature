Feature: Choosing marketplaces and recovering a failed setup
  Seed 000: pick any marketplace already marked Ready, Syncing... or Setting up...; click Retry
  on a failed marketplace to move it back into Setting up...; if the retry limit is exceeded,
  escalate with the exact marketplace and its retry history. Seed 001: greyed-out
  marketplaces cannot be used, and a marketplace need not be Active until fully set up.
  Seed 002's "Failed to create geocompany" is a marketplace whose setup failed.

  Scenario: Selecting a marketplace starts its setup
    Given a team on the pro plan that has connected the "eu-seller" seller account
    Then the UK, DE, FR, IT, ES marketplaces show "Available"
    When they select the DE marketplace
    Then the DE marketplace shows "Setting up..."
    When the background worker runs 2 times
    Then the DE marketplace shows "Ready"

  Scenario: Marketplaces the free plan does not cover are Coming Soon
    Given a team on the free plan that has connected the "eu-seller" seller account
    Then the DE marketplace shows "Coming Soon"
    And the DE marketplace cannot be selected
    When they select the DE marketplace
    Then they see the error PLAN_REQUIRED

  Scenario: Refreshing the account context after an upgrade unblocks the marketplace list
    Given a team on the free plan that has connected the "eu-seller" seller account
    When the team upgrades to the pro plan
    And they refresh the account context
    Then the DE marketplace shows "Available"
    When they select the DE marketplace
    Then the DE marketplace shows "Setting up..."

  Scenario Outline: A marketplace already <label> can be picked
    Given a team on the pro plan that has connected the "eu-seller" seller account
    And the FR marketplace reached "<label>" and was then deselected
    When they select the FR marketplace
    Then the FR marketplace shows "<label>"
    And the FR marketplace is selected

    Examples:
      | label         |
      | Setting up... |
      | Syncing...    |
      | Ready         |

  Scenario: Retry moves a failed marketplace back to Setting up
    Given a team on the pro plan that has connected the "failing-marketplace-seller" seller account
    When they select the DE marketplace
    And the background worker runs
    Then the DE marketplace shows "Failed"
    And the DE marketplace explains "Failed to create geocompany for DE"
    And the DE marketplace cannot be selected
    When they click Retry on the DE marketplace
    Then the DE marketplace shows "Setting up..."
    And the DE marketplace has used 1 of its 3 retries
    When the background worker runs
    Then the DE marketplace shows "Failed"
    When they click Retry on the DE marketplace
    And the background worker runs
    Then the DE marketplace shows "Syncing..."
    When the background worker runs
    Then the DE marketplace shows "Ready"

  Scenario: A failed marketplace cannot be picked; the fix is to retry it
    Given a team on the pro plan that has connected the "failing-marketplace-seller" seller account
    And the IT marketplace has failed its setup
    When they select the IT marketplace
    Then they see the error MARKETPLACE_NOT_SELECTABLE
    And the remediation includes "Retry failed marketplaces if present."
    And the remediation includes "Select any marketplace already marked Ready, Syncing... or Setting up..."

  Scenario: Past the retry limit the marketplace is escalated with its retry history
    Given a team on the pro plan that has connected the "failing-marketplace-seller" seller account
    And the IT marketplace has failed its setup
    When they click Retry on the IT marketplace and it fails again, 3 times
    Then the IT marketplace shows "Failed"
    And the IT marketplace has used 3 of its 3 retries
    When they click Retry on the IT marketplace
    Then they see the error RETRY_LIMIT_EXCEEDED
    And the remediation includes "Support has the marketplace and its retry history"
    And the IT marketplace shows "Escalated to support"
    And the IT marketplace's retry history shows 4 failures, 3 retries and the escalation
    And the timeline says "Amazon.it escalated to support after 3 retries"

  Scenario: A marketplace need not be Active until it is fully set up
    Given a team on the pro plan that has connected the "eu-seller" seller account
    When they select the UK marketplace
    Then the UK marketplace is selected but not Active
    When they set the UK marketplace Active
    Then the UK marketplace is Active

  Scenario: Ticking Active on an Available marketplace selects it and starts its setup
    Given a team on the pro plan that has connected the "eu-seller" seller account
    When they set the ES marketplace Active
    Then the ES marketplace is Active
    And the ES marketplace is selected
    And the ES marketplace shows "Setting up..."

  Scenario: A greyed-out marketplace cannot be used
    Seed 001: "If you find a setting greyed out, check your seller subscription to ensure
    you are signed up to sell there."
    Given a team on the pro plan that has connected the "eu-seller" seller account
    Then the NL marketplace shows "Not participating"
    And the NL marketplace cannot be selected
    When they set the NL marketplace Active
    Then they see the error MARKETPLACE_NOT_SELECTABLE
    And the remediation includes "Check your selling subscription"
    When they select the NL marketplace
    Then they see the error MARKETPLACE_NOT_SELECTABLE

  Scenario: A Coming Soon marketplace answers the same whether it is selected or set Active
    Given a team on the free plan that has connected the "eu-seller" seller account
    When they set the DE marketplace Active
    Then they see the error PLAN_REQUIRED
    When they select the DE marketplace
    Then they see the error PLAN_REQUIRED
