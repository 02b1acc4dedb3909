"""Queries as a page would make them: a test runs inside a transaction, where each write of
a write-behind queue (``core.write_behind``) is a savepoint; a request has none around it."""

SAVEPOINTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def statements(captured) -> list[str]:
    """The captured queries' first words (``INSERT``, ``SELECT``...), savepoints left out."""
    sqls = [query["sql"] for query in captured.captured_queries]
    return [sql.split()[0].upper() for sql in sqls if not sql.upper().startswith(SAVEPOINTS)]
