"""The web API for a product UI (Litestar)."""
