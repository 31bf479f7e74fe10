"""Amazon's published JSON_LISTINGS_FEED document schema (`listings-feed-schema-v2.json`),
copied unchanged from Amazon's public repository `amzn/selling-partner-api-models` (commit
34dc93fe45f37c9a0b2e56823c808f68b4f81754) under the Apache License 2.0: see `LICENSE` and
`NOTICE` beside it. Shipped with the code because both sides of the wire need it at run
time: the sandbox judges submitted feeds by it, as Amazon does, and the feed client can
check a message before sending it."""
