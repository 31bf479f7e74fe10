Feature: Connection errors and how to fix them
  Every error a person can meet while connecting has a stable code, a message in the help
  pages' words and the steps that fix it (seed 000's Common Errors, seed 002's Account
  Connection Error Messages, seed 003's troubleshooting). A failed attempt connects nothing.

  Background:
    Given a team on the free plan

  Scenario: The advertising account does not match the Selling Partner API account
    When a team admin connects the "mismatch-seller" seller account
    Then they see the error ADS_SP_MISMATCH
    And they are told "The advertising account does not match the Selling Partner API account."
    And the remediation includes "Click Refresh once the advertising account is put right"
    And the remediation includes "Never run Amazon Ads? Enable advertising in Seller Central."
    And the remediation includes "Enable advertising permissions (View and Edit)"
    And the remediation includes "Click Connect Different Account"
    And the Selling Partner API shows "No token present"

  Scenario: The user who connects advertising needs advertising permission to connect the Selling Partner API
    When a team admin connects the "mismatch-seller" seller account
    Then they see the error ADS_SP_MISMATCH
    And the remediation includes "must have advertising permissions in Seller Central to also connect the Selling Partner API"
    And the remediation includes "Ask the account owner to remove all the users and add them back again: this triggers a refresh"

  Scenario: Refresh after a mismatch reads advertising again and leaves the Selling Partner API to authorize again
    When a team admin connects the "mismatch-seller" seller account
    Then they see the error ADS_SP_MISMATCH
    And the remediation includes "then authorize the Selling Partner API again"
    When they refresh the account context
    Then the advertising authorization shows "Current"
    And the Selling Partner API shows "No token present"

  Scenario: "Please try again" comes with a request id support finds in the timeline
    When a team admin approves as "us-seller" and sellerlink fails unexpectedly in request "req_support_42"
    Then they see the error INTERNAL_ERROR
    And they are told "Please try again."
    And the remediation includes "contact support with the request id"
    And the timeline of the team records the failed authorization with request id "req_support_42"

  Scenario: This account is already in use
    Given another team "Rival" on the free plan
    And "Rival" has connected the "us-seller" seller account
    When a team admin connects the "us-seller" seller account
    Then they see the error ACCOUNT_IN_USE
    And they are told "This account is already in use. Please Try Again."
    And the remediation includes "Disconnect it there first"
    And the team has 0 Amazon connections

  Scenario: Failed to retrieve refresh token when another region was selected
    When a team admin authorizes the Selling Partner API for the "wrong-region-seller" account in the NA region
    Then they see the error REFRESH_TOKEN_FAILED
    And they are told "Failed to retrieve refresh token. Please try again."
    And the remediation includes "Check that you chose the region"
    And the remediation includes "Confirm you are participating in the marketplace"
    And the team has 0 Amazon connections

  Scenario: Failed to retrieve refresh token when not participating in the chosen marketplace
    When a team admin authorizes the Selling Partner API for the "us-seller" account for the CA marketplace
    Then they see the error REFRESH_TOKEN_FAILED
    And the team has 0 Amazon connections

  Scenario: Session has expired when the Amazon step takes too long
    When a team admin clicks Connect and spends 11 minutes on Amazon's page before approving as "us-seller"
    Then they see the error SESSION_EXPIRED
    And they are told "Session has expired. Please try again."
    And the remediation includes "finish the Amazon step within a few minutes"
    And the authorization is reported as failed with SESSION_EXPIRED
    And the team has 0 Amazon connections
    When a team admin connects the "us-seller" seller account
    Then the connection is healthy

  Scenario: Session has expired when Amazon's code is older than 5 minutes
    When a team admin clicks Connect, approves as "us-seller" and the browser returns 6 minutes later
    Then they see the error SESSION_EXPIRED
    And the authorization is reported as failed with SESSION_EXPIRED
    And the team has 0 Amazon connections

  Scenario Outline: Declining on Amazon connects nothing
    When a team admin clicks Connect and <what happens on Amazon>
    Then they see the error AUTHORIZATION_DENIED
    And the remediation includes "Start again and click Approve"
    And the authorization is reported as failed with AUTHORIZATION_DENIED
    And the team has 0 Amazon connections

    Examples:
      | what happens on Amazon              |
      | clicks Deny as "us-seller"          |
      | clicks Approve as "denying-user"    |

  Scenario: A Professional selling plan is required
    When a team admin connects the "individual-plan-seller" seller account
    Then they see the error PROFESSIONAL_SELLING_PLAN_REQUIRED
    And the remediation includes "Switch the Amazon account to the Professional selling plan"
    And the Selling Partner API shows "No token present"

  Scenario Outline: Advertising is not enabled for the account that signed in
    When a team admin authorizes advertising for the "<account>" seller account
    Then they see the error ADVERTISING_NOT_ENABLED
    And the remediation includes "Enable Amazon Ads for this account."
    And the remediation includes "ask the account owner to give you Admin or View and Edit permission"
    And the remediation includes "Ask the account owner to remove all the users and add them back again"
    And the remediation includes "If the account sells in another region"
    And the team has 0 Amazon connections

    Examples:
      | account          |
      | no-ads-seller    |
      | view-only-agency |

  Scenario: The account sells in another region than the one chosen
    When a team admin authorizes advertising for the "eu-seller" account in the NA region
    Then they see the error ADVERTISING_NOT_ENABLED
    And the remediation includes "If the account sells in another region, start again and choose that region."
    And the team has 0 Amazon connections

  Scenario: Callback completed but account missing
    When Amazon sends them back from the Selling Partner API consent without the seller id
    Then they see the error CALLBACK_ACCOUNT_MISSING
    And the remediation includes "Re-run the connection."
    And the team has 0 Amazon connections
    When a team admin connects the "us-seller" seller account
    Then the connection is healthy

  Scenario: The same Amazon callback link cannot be used twice
    Given the team has connected the "us-seller" seller account
    When the last Amazon callback link is opened again
    Then they see the error OAUTH_STATE_INVALID
    And the remediation includes "Start again from the app"
    And the team has 1 Amazon connection

  Scenario: Amazon not answering during the callback
    When a team admin clicks Connect and approves as "us-seller" while Amazon is not answering
    Then they see the error AMAZON_UNAVAILABLE
    And the remediation includes "sellerlink retries by itself"
    And the team has 0 Amazon connections
