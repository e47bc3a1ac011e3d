"""SQLite persistence of sandboxes, as a journal of the operations that changed them.

Owns: the database file (``<data-dir>/kubeplay.sqlite3``), its schema, and the append-only log of
each sandbox's operations. The simulation is deterministic (seeded RNG, virtual clock), so a
sandbox is fully described by its seed, its start time and the user's operations in order; a
snapshot of objects alone could not restore timers, back-offs or controller state, but a replay
rebuilds all of it exactly.

Rows: ``sandboxes(id, seed, start, created)`` and ``ops(sandbox, seq, op)`` where ``op`` is a JSON
object (``{"op": "run", "command": …, "stdin": …}``, ``{"op": "advance", "to": t}``, …; the
vocabulary belongs to ``server.sandbox``). Consecutive clock advances are merged into one row
(``to`` is the absolute simulated time reached, so merging keeps replay byte-exact), which keeps the
log small although the live clock ticks ten times a second.

``shares(token, sandbox)`` holds the read-only tokens a sandbox was shared with (one per sandbox,
so sharing twice gives the same link).

Hands off: replaying the log is ``server.sandbox``'s job; this module only stores and returns rows.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

SCHEMA = """
CREATE TABLE IF NOT EXISTS sandboxes (
    id      TEXT PRIMARY KEY,
    seed    INTEGER NOT NULL,
    start   REAL NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS ops (
    sandbox TEXT NOT NULL REFERENCES sandboxes(id),
    seq     INTEGER NOT NULL,
    op      TEXT NOT NULL,
    PRIMARY KEY (sandbox, seq)
);
CREATE TABLE IF NOT EXISTS shares (
    token   TEXT PRIMARY KEY,
    sandbox TEXT NOT NULL UNIQUE REFERENCES sandboxes(id)
);
"""


@dataclass(frozen=True)
class SandboxRow:
    id: str
    seed: int
    start: float


class Journal:
    """The operations log. ``path=None`` keeps it in memory (a server without ``--data-dir``)."""

    def __init__(self, path: str | None = None) -> None:
        if path is not None:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        # One connection shared by request handlers and the tickers, serialised by our own lock
        # (sqlite3 objects are not safe to use concurrently from several threads).
        self._db = sqlite3.connect(path or ":memory:", check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            if path is not None:
                # WAL + NORMAL: a commit is a write to the log, not an fsync; a crash loses at most
                # the last transactions, never corrupts the file.
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
        # per sandbox: (seq of its last row, whether that row is an advance)
        self._tail: dict[str, tuple[int, bool]] = {}

    @classmethod
    def in_dir(cls, data_dir: str | None) -> Journal:
        return cls(os.path.join(data_dir, "kubeplay.sqlite3") if data_dir else None)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- sandboxes ---------------------------------------------------------------------------
    def add_sandbox(self, sandbox_id: str, seed: int, start: float) -> None:
        with self._lock:
            self._db.execute("INSERT INTO sandboxes (id, seed, start, created) VALUES (?, ?, ?, ?)",
                             (sandbox_id, seed, start, time.time()))
            self._tail[sandbox_id] = (0, False)

    def add_sandbox_with_ops(self, sandbox_id: str, seed: int, start: float, ops: list[dict]) -> None:
        """A new sandbox and its whole log at once (a fork, an import), in one transaction."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.execute("INSERT INTO sandboxes (id, seed, start, created) VALUES (?, ?, ?, ?)",
                                 (sandbox_id, seed, start, time.time()))
                self._db.executemany("INSERT INTO ops (sandbox, seq, op) VALUES (?, ?, ?)",
                                     [(sandbox_id, seq, _text(op)) for seq, op in enumerate(ops, 1)])
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            self._tail[sandbox_id] = (len(ops), bool(ops) and ops[-1].get("op") == "advance")

    def sandbox(self, sandbox_id: str) -> SandboxRow | None:
        with self._lock:
            row = self._db.execute("SELECT id, seed, start FROM sandboxes WHERE id = ?", (sandbox_id,)).fetchone()
        return SandboxRow(row[0], int(row[1]), float(row[2])) if row else None

    def sandbox_ids(self) -> list[str]:
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT id FROM sandboxes ORDER BY created, id")]

    # -- read-only shares ---------------------------------------------------------------------
    def share_token(self, sandbox_id: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT token FROM shares WHERE sandbox = ?", (sandbox_id,)).fetchone()
        return row[0] if row else None

    def add_share(self, token: str, sandbox_id: str) -> str:
        """Record ``token`` for the sandbox unless it has one already; the sandbox's token either way."""
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO shares (token, sandbox) VALUES (?, ?)", (token, sandbox_id))
            return self._db.execute("SELECT token FROM shares WHERE sandbox = ?", (sandbox_id,)).fetchone()[0]

    def shared_sandbox(self, token: str) -> str | None:
        """The id of the sandbox a read-only token shows, None for no such token."""
        with self._lock:
            row = self._db.execute("SELECT sandbox FROM shares WHERE token = ?", (token,)).fetchone()
        return row[0] if row else None

    # -- the log -----------------------------------------------------------------------------
    def ops(self, sandbox_id: str) -> Iterator[dict]:
        with self._lock:
            rows = self._db.execute("SELECT seq, op FROM ops WHERE sandbox = ? ORDER BY seq", (sandbox_id,)).fetchall()
        last = (0, False)
        for seq, text in rows:
            op = json.loads(text)
            last = (seq, op.get("op") == "advance")
            yield op
        self._tail[sandbox_id] = last

    def append(self, sandbox_id: str, op: dict) -> None:
        """Add an operation. An ``advance`` right after an ``advance`` replaces it (both say where
        the clock got to, so the later one carries the earlier one)."""
        text = _text(op)
        is_advance = op.get("op") == "advance"
        with self._lock:
            seq, last_was_advance = self._tail_of(sandbox_id)
            if is_advance and last_was_advance:
                self._db.execute("UPDATE ops SET op = ? WHERE sandbox = ? AND seq = ?", (text, sandbox_id, seq))
            else:
                seq += 1
                self._db.execute("INSERT INTO ops (sandbox, seq, op) VALUES (?, ?, ?)", (sandbox_id, seq, text))
            self._tail[sandbox_id] = (seq, is_advance)

    def _tail_of(self, sandbox_id: str) -> tuple[int, bool]:
        tail = self._tail.get(sandbox_id)
        if tail is None:
            row = self._db.execute("SELECT seq, op FROM ops WHERE sandbox = ? ORDER BY seq DESC LIMIT 1",
                                   (sandbox_id,)).fetchone()
            tail = (row[0], json.loads(row[1]).get("op") == "advance") if row else (0, False)
        return tail

    def count_ops(self, sandbox_id: str) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM ops WHERE sandbox = ?", (sandbox_id,)).fetchone()[0])


def _text(op: dict) -> str:
    return json.dumps(op, separators=(",", ":"), sort_keys=True)
