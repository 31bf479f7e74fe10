"""sellerlink's pure domain model: attrs classes, enums and rules. No I/O, no frameworks;
time and identifiers are always passed in."""
