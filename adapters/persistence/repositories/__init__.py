"""The SQL repositories, one module per aggregate, all sharing one unit of work's session.

They read row objects with `select()` and write with Core INSERT/UPDATE/DELETE built from
the mapped rows (`rows.values_of`), so the session's identity map never serves a stale row
and every write says exactly what it changes."""
