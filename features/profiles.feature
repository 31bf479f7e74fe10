Feature: Choosing the advertising profile
  Seed 000: "Prism auto-submits only when Amazon returns exactly one profile. Multi-profile
  accounts still require explicit selection." Some non-US profiles appear as Coming Soon and
  cannot be selected in the free-tier onboarding flow.

  Scenario: One profile is selected automatically
    Given a team on the free plan
    When a team admin connects a seller account with one advertising profile
    Then the profile was selected for them automatically
    And the selected profile is the US profile
    And they are not warned about active campaigns

  Scenario: Several profiles require an explicit choice
    Given a team on the pro plan
    When a team admin connects a seller account with three advertising profiles
    Then they are asked to choose a profile
    And the profiles offered are US, CA, MX
    When they choose the CA profile
    Then the selected profile is the CA profile
    And the profile was chosen by them, not automatically

  Scenario: Non-US profiles are Coming Soon on the free plan
    Given a team on the free plan
    When a team admin connects the "multi-profile-seller" seller account
    Then they are asked to choose a profile
    And the CA profile is shown as "Coming Soon on your plan"
    And the MX profile is shown as "Coming Soon on your plan"
    And the US profile can be selected
    When they choose the CA profile
    Then they see the error PLAN_REQUIRED
    And they are told "Coming Soon"
    And the remediation includes "Upgrade your plan"
    When they choose the US profile
    Then the selected profile is the US profile

  Scenario: A European account's profiles are all Coming Soon on the free plan
    Given a team on the free plan
    When a team admin connects the "eu-seller" seller account
    Then they are asked to choose a profile
    And the UK profile is shown as "Coming Soon on your plan"
    And the DE profile is shown as "Coming Soon on your plan"
    When they choose the DE profile
    Then they see the error PLAN_REQUIRED

  Scenario: Upgrading the plan makes the Coming Soon profiles selectable
    Given a team on the free plan that has connected the "multi-profile-seller" seller account
    When the team upgrades to the pro plan
    And they refresh the account context
    Then the CA profile can be selected
    When they choose the CA profile
    Then the selected profile is the CA profile

  Scenario: A profile that is not one of the account's cannot be chosen
    Given a team on the pro plan that has connected the "multi-profile-seller" seller account
    When they choose the profile "424242"
    Then they see the error PROFILE_NOT_SELECTABLE
    And the remediation includes "Pick another profile."

  # Seed 002: "At the time of connecting your account, you should have active advertising
  # campaigns. If otherwise, create a campaign from Amazon to activate advertising, and allow
  # up to 24 hours for the data to sync". A warning: the connection is made all the same.
  Scenario: A profile without active campaigns connects with a warning
    Given a team on the free plan
    When a team admin connects a seller account whose advertising profile has no active campaigns
    Then the profile was selected for them automatically
    And they are warned that the profile has no active campaigns and that data may take up to 24 hours to appear
    And the timeline says "has no active campaigns"

  Scenario: Choosing a profile without active campaigns keeps the choice and warns
    Given a team on the pro plan that has connected the "multi-profile-seller" seller account
    And the CA profile has no active campaigns
    When they choose the CA profile
    Then the selected profile is the CA profile
    And they are warned that the profile has no active campaigns and that data may take up to 24 hours to appear
    When they choose the US profile
    Then the selected profile is the US profile
    And they are not warned about active campaigns
