"""Adapters: the web API, SQL persistence, the Amazon boundary and the support CLI.
They depend on the application layer and never on each other."""
