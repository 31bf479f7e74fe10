"""The embedded product's tests (conftest.py: one product a test, a person driving it)."""

# The signing secret of the embedded product's dev tokens in these tests.
EMBEDDED_JWT_SECRET = "embedded-e2e-secret-0123456789-abcdef"
