"""Use cases: one module per workflow of DESIGN.md §3, driving the domain through ports."""
