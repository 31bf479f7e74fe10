"""sellerlink's pure domain model: attrs classes, enums and rules. No I/O, no frameworks;
time and identifiers are always passed in. Aggregates announce their changes as events
(`events.py`); a rule that spans aggregates is a named object (`rules.py`)."""
