"""The support CLI."""
