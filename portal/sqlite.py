"""How the portal opens SQLite, its embedded default database (settings use SQLITE_OPTIONS).

The embedded default serves several requests at once (daphne/uvicorn threads; Wagtail 8's admin autosaves
a page while the editor presses Publish). With SQLite's default deferred transactions, two transactions
that both read and then write fail at once with "database is locked" (the busy timeout does not apply when a
reader must upgrade to a writer). IMMEDIATE takes the write lock when the transaction begins, so the second
writer waits up to `timeout` seconds instead; WAL lets readers go on while one writes.
"""

SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
