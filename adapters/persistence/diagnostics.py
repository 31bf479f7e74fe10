"""Query plans for support and benchmarks: what the database will do for a statement the
repositories run, with the statement's own bound values (so partial indexes and type
conversions are exactly as in production)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Executable, event


def explain(connection: Connection, statement: Executable, *, analyze: bool = False) -> str:
    """The plan as text: `EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` (optionally `ANALYZE`) on
    PostgreSQL."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        prefix = "EXPLAIN QUERY PLAN "
    else:
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if analyze else "EXPLAIN "

    def rewrite(
        _conn: Any, _cursor: Any, sql: str, params: Any, _context: Any, _many: bool
    ) -> tuple[str, Any]:
        return prefix + sql, params

    event.listen(connection, "before_cursor_execute", rewrite, retval=True)
    try:
        result = connection.execute(statement)
        rows = result.cursor.fetchall() if result.cursor is not None else []
        result.close()
    finally:
        event.remove(connection, "before_cursor_execute", rewrite)
    if dialect == "sqlite":
        return "\n".join(str(row[-1]) for row in rows)
    return "\n".join(str(row[0]) for row in rows)
