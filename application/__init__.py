"""Use cases: one module per workflow of DESIGN.md §3, driving the domain through ports
(`ports.py`; storage in `unit_of_work.py`). A use case opens a unit of work, loads
aggregates, calls their methods and commits; what the aggregates announce reaches the
audit log with that commit, so no use case writes an event by hand."""
