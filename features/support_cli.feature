Feature: The support CLI answers "why is my Amazon account not syncing?"
  A support agent works from a terminal with `sellerlink`. It reads the same database and
  goes through the same use cases as the web API, shows tokens and marketplaces in the help
  pages' words (seed 001's "expires in 12 days", seed 000's "Setting up..."), and when a
  marketplace keeps failing it shows "the exact marketplace and retry history" (seed 000).
  Every read command also answers in JSON for scripts. Exit codes: 0 ok, 1 not found,
  2 bad input, 3 refused by a rule.

  Background:
    Given the customer team "Acme" on the pro plan connected the "failing-marketplace-seller" Amazon account
    And the customer selected the DE and IT marketplaces and their first setup failed

  Scenario: A support agent sees why a marketplace is escalated
    Given the customer retried the IT marketplace until it was escalated
    When the agent runs `sellerlink marketplaces history $CONNECTION IT`
    Then the command succeeds
    And the agent reads "Amazon.it (IT, APJ6JRA9NG5V4) Escalated to support retries used 3 of 3"
    And the agent reads "Last error: Failed to create geocompany for IT"
    And the agent reads "failed escalated retry limit of 3 reached user:admin@acme"

  Scenario: A script reads the same history as JSON
    Given the customer retried the IT marketplace until it was escalated
    When the agent runs `sellerlink marketplaces history $CONNECTION IT --json`
    Then the command succeeds
    And the JSON history shows 4 failures "Failed to create geocompany for IT", 3 retries by "user:admin@acme" and ends "escalated"

  Scenario: A support agent retries a failed marketplace for the customer
    When the agent runs `sellerlink marketplaces retry $CONNECTION DE --operator maria`
    Then the command succeeds
    And the agent reads "Amazon.de: retry 1 of 3, back to Setting up... (recorded as support:maria)."
    And the history of the DE marketplace ends with a retry by "support:maria"

  Scenario: Support's retry keeps the same retry limit as the app's Retry button
    Given agent "maria" retried the IT marketplace 3 times and every attempt failed
    When the agent runs `sellerlink marketplaces retry $CONNECTION IT --operator maria`
    Then the command fails with exit code 3 and RETRY_LIMIT_EXCEEDED
    And the agent reads "Amazon.it failed setup 4 times and was escalated to support."
    And the agent reads "Retry history"
    And the agent reads "failed escalated retry limit of 3 reached support:maria"

  Scenario Outline: A support agent reads a token's status in the help pages' words
    Given the clock is <time> past the Selling Partner API authorization
    When the agent runs `sellerlink connections show $CONNECTION --json`
    Then the Selling Partner API token reads "<status>" and the connection is <health>

    Examples:
      | time                          | status             | health             |
      | 1 day                         | Current            | connected          |
      | 352 days 4 hours              | expires in 12 days | expiring           |
      | 364 days 19 hours 50 minutes  | expires in 5 hours | expiring           |
      | 366 days                      | Expired            | reconnect_required |

  Scenario: A support agent finds the accounts that need a reconnect
    Given another customer team "Globex" connected the "us-seller" Amazon account
    And the seller of the "us-seller" account removed the app in Seller Central
    When the agent runs `sellerlink connections list --health reconnect_required --json`
    Then the command succeeds
    And the listed connections are only "A1SBXUSSELLER01"

  Scenario: A support agent warns the teams whose authorization ends soon
    Given the clock is 340 days past the Selling Partner API authorization
    When the agent runs `sellerlink tokens forecast --days 30`
    Then the command succeeds
    And the agent reads "Acme ($TEAM)"
    And the agent reads "expires in 25 days"

  Scenario: The timeline shows what happened, newest first
    When the agent runs `sellerlink marketplaces retry $CONNECTION DE --operator maria`
    And the agent runs `sellerlink timeline $CONNECTION --since 1d`
    Then the command succeeds
    And the agent reads "Amazon.de: retry 1 of 3, back to Setting up"
    And the agent reads "support:maria"

  Scenario Outline: Mistakes on the command line are explained and change nothing
    Given another customer team "Globex" connected the "us-seller" Amazon account
    When the agent runs `sellerlink <command>`
    Then the command fails with exit code <exit> and <code>
    And nothing changed

    Examples:
      | command                                                              | exit | code               |
      | connections show con_404                                             | 1    | NOT_FOUND          |
      | connections show "con 7"                                             | 2    | VALIDATION_FAILED  |
      | marketplaces history $CONNECTION JP                                  | 1    | NOT_FOUND          |
      | marketplaces retry $CONNECTION DE --operator maria --team $OTHER_TEAM | 3    | NOT_A_MEMBER       |
      | marketplaces retry $CONNECTION UK --operator maria                   | 3    | INVALID_TRANSITION |
      | timeline $CONNECTION --since yesterday                               | 2    | VALIDATION_FAILED  |
      | tokens forecast --team team_404                                      | 1    | NOT_FOUND          |
