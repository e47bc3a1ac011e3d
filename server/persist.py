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
so sharing twice gives the same link). ``damaged(sandbox, reason, at)`` the sandboxes set aside: a
journal that could not be read or replayed (``set_aside``); they answer with the reason, the others serve.

Damage: opening checks the file (``PRAGMA quick_check``). A file SQLite cannot read, or one whose
check fails (truncated, overwritten), never stops the server: it is moved aside whole
(``<file>.damaged-<UTC time>``, with its ``-wal``/``-shm``) and a new file is built from what can still
be read of it — every sandbox row, each sandbox's operations (a sandbox whose rows cannot all be read
is kept but set aside, with the error), the shares. ``damage`` lists what happened, for the log.
Reading a log the file cannot give back is ``JournalReadError``; a row whose text is not a JSON
object with an ``op`` is ``JournalRowError`` (naming its number).

Hands off: replaying the log is ``server.sandbox``'s job; this module only stores and returns rows.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

SCHEMA = """
CREATE TABLE IF NOT EXISTS sandboxes (
    id      TEXT PRIMARY KEY,
    seed    INTEGER NOT NULL,
    start   DOUBLE PRECISION NOT NULL,
    created DOUBLE PRECISION NOT NULL
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
CREATE TABLE IF NOT EXISTS damaged (
    sandbox TEXT PRIMARY KEY REFERENCES sandboxes(id),
    reason  TEXT NOT NULL,
    at      DOUBLE PRECISION NOT NULL
);
"""


class JournalConflict(Exception):
    """Another writer appended to the sandbox's log since this one last read it (several workers:
    the sandbox was taken over): this process's copy of the sandbox is stale, its row not written."""

    def __init__(self, sandbox_id: str) -> None:
        super().__init__(f"sandbox {sandbox_id} was changed by another worker meanwhile")
        self.sandbox_id = sandbox_id


class JournalReadError(ValueError):
    """A sandbox's log that cannot be read back (the file is damaged where it lies)."""


class JournalRowError(JournalReadError):
    """A row of a sandbox's log that cannot be read back: ``seq`` is its number."""

    def __init__(self, seq: int, message: str) -> None:
        super().__init__(f"row {seq}: {message}")
        self.seq = seq


@dataclass(frozen=True)
class SandboxRow:
    id: str
    seed: int
    start: float


class Journal:
    """The operations log. ``path=None`` keeps it in memory (a server without ``--data-dir``)."""

    def __init__(self, path: str | None = None, *, url: str | None = None) -> None:
        """A journal in the SQLite file ``path`` (None: in memory), or in the PostgreSQL database of
        ``url`` (``postgresql://…``: several workers share it, each writing the sandboxes it owns)."""
        if url is not None:
            self.damage: list[str] = []
            self._lock = threading.Lock()
            self._db = _Postgres(url)
            self._tail: dict[str, tuple[int, bool]] = {}
            return
        if path is not None:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        #: what opening the file found damaged and did about it (messages for the server's log)
        self.damage: list[str] = []
        # One connection shared by request handlers and the tickers, serialised by our own lock
        # (sqlite3 objects are not safe to use concurrently from several threads).
        self._lock = threading.Lock()
        try:
            self._db = _connect(path)
        except sqlite3.DatabaseError as e:
            assert path is not None  # a new in-memory database is never damaged
            self._db = self._salvage(path, e)
        # per sandbox: (seq of its last row, whether that row is an advance)
        self._tail: dict[str, tuple[int, bool]] = {}

    def _salvage(self, path: str, error: Exception) -> sqlite3.Connection:
        """Move the damaged file aside and build a new one from what of it can be read."""
        aside = f"{path}.damaged-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"
        for n in itertools.count(2):  # never over an earlier damaged file
            if not os.path.exists(aside):
                break
            aside = f"{aside.rsplit('~', 1)[0]}~{n}"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.replace(path + suffix, aside + suffix)
        self.damage.append(f"{path}: {error}: moved aside to {aside}; a new journal keeps what could be read")
        db = _connect(path)
        # SQLite reads nothing of a file shorter than its header says (a truncated one): a copy
        # padded to that length reads every page that is still there
        readable = f"{aside}.reading"
        shutil.copyfile(aside, readable)
        try:
            with open(readable, "r+b") as f:
                header = f.read(100)
                if len(header) == 100 and header.startswith(b"SQLite format 3\0"):
                    page = int.from_bytes(header[16:18], "big")
                    page = 65536 if page == 1 else page
                    f.truncate(max(os.path.getsize(readable), page * int.from_bytes(header[28:32], "big")))
            old = sqlite3.connect(f"file:{readable}?mode=ro", uri=True)
            try:
                self._copy(old, db, aside)
            finally:
                old.close()
        except sqlite3.DatabaseError as e:
            self.damage.append(f"{aside}: nothing could be read: {e}")
        finally:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(readable + suffix):
                    os.remove(readable + suffix)
        return db

    def _copy(self, old: sqlite3.Connection, db: sqlite3.Connection, aside: str) -> None:
        """Every row of ``old`` that can be read, into ``db``; a sandbox whose operations cannot
        all be read is kept, set aside (``damaged``) with the error, and without its operations."""
        rows, lost = _readable(old, "SELECT id, seed, start, created FROM sandboxes ORDER BY rowid")
        if lost:
            self.damage.append(f"{aside}: the sandboxes after the first {len(rows)} could not be read: {lost}")
        db.execute("BEGIN")
        for sandbox_id, seed, start, created in rows:
            db.execute("INSERT INTO sandboxes (id, seed, start, created) VALUES (?, ?, ?, ?)",
                       (sandbox_id, seed, start, created))
            ops, lost = _readable(old, "SELECT seq, op FROM ops WHERE sandbox = ? ORDER BY seq", (sandbox_id,))
            if lost:
                reason = f"only the first {len(ops)} rows of its journal could be read ({lost})"
                db.execute("INSERT INTO damaged (sandbox, reason, at) VALUES (?, ?, ?)",
                           (sandbox_id, reason, time.time()))
                self.damage.append(f"sandbox {sandbox_id}: {reason}: set aside")
                continue
            db.executemany("INSERT INTO ops (sandbox, seq, op) VALUES (?, ?, ?)",
                           [(sandbox_id, seq, op) for seq, op in ops])
        known = {r[0] for r in rows}
        shares, _lost = _readable(old, "SELECT token, sandbox FROM shares")
        db.executemany("INSERT INTO shares (token, sandbox) VALUES (?, ?)", [r for r in shares if r[1] in known])
        db.execute("COMMIT")

    @classmethod
    def in_dir(cls, data_dir: str | None, url: str | None = None) -> Journal:
        """The PostgreSQL journal of ``url`` when given, else the SQLite file in ``data_dir``."""
        if url:
            return cls(url=url)
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

    # -- sandboxes set aside ---------------------------------------------------------------------
    def set_aside(self, sandbox_id: str, reason: str) -> None:
        """Record that the sandbox's journal cannot be restored (``reason`` says why)."""
        with self._lock:
            self._db.execute("INSERT INTO damaged (sandbox, reason, at) VALUES (?, ?, ?) ON CONFLICT (sandbox) "
                             "DO UPDATE SET reason = excluded.reason, at = excluded.at", (sandbox_id, reason, time.time()))

    def damaged(self, sandbox_id: str) -> str | None:
        """Why the sandbox was set aside, or None for one that was not."""
        with self._lock:
            row = self._db.execute("SELECT reason FROM damaged WHERE sandbox = ?", (sandbox_id,)).fetchone()
        return row[0] if row else None

    # -- read-only shares ---------------------------------------------------------------------
    def share_token(self, sandbox_id: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT token FROM shares WHERE sandbox = ?", (sandbox_id,)).fetchone()
        return row[0] if row else None

    def add_share(self, token: str, sandbox_id: str) -> str:
        """Record ``token`` for the sandbox unless it has one already; the sandbox's token either way."""
        with self._lock:
            self._db.execute("INSERT INTO shares (token, sandbox) VALUES (?, ?) ON CONFLICT DO NOTHING", (token, sandbox_id))
            return self._db.execute("SELECT token FROM shares WHERE sandbox = ?", (sandbox_id,)).fetchone()[0]

    def shared_sandbox(self, token: str) -> str | None:
        """The id of the sandbox a read-only token shows, None for no such token."""
        with self._lock:
            row = self._db.execute("SELECT sandbox FROM shares WHERE token = ?", (token,)).fetchone()
        return row[0] if row else None

    # -- the log -----------------------------------------------------------------------------
    def ops(self, sandbox_id: str) -> Iterator[dict]:
        with self._lock:
            try:
                rows = self._db.execute("SELECT seq, op FROM ops WHERE sandbox = ? ORDER BY seq",
                                        (sandbox_id,)).fetchall()
            except sqlite3.DatabaseError as e:
                raise JournalReadError(f"the database cannot be read ({e})") from None
        last = (0, False)
        for seq, text in rows:
            op = _op(seq, text)
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
                # only while it is still the log's last row: another worker's row after it means
                # this one's copy of the sandbox is stale
                merged = self._db.execute(
                    "UPDATE ops SET op = ? WHERE sandbox = ? AND seq = ? AND NOT EXISTS "
                    "(SELECT 1 FROM ops AS later WHERE later.sandbox = ? AND later.seq > ?)",
                    (text, sandbox_id, seq, sandbox_id, seq))
                if merged.rowcount != 1:
                    self._tail.pop(sandbox_id, None)
                    raise JournalConflict(sandbox_id)
            else:
                seq += 1
                try:
                    self._db.execute("INSERT INTO ops (sandbox, seq, op) VALUES (?, ?, ?)", (sandbox_id, seq, text))
                except sqlite3.IntegrityError:
                    self._tail.pop(sandbox_id, None)
                    raise JournalConflict(sandbox_id) from None
            self._tail[sandbox_id] = (seq, is_advance)

    def _tail_of(self, sandbox_id: str) -> tuple[int, bool]:
        tail = self._tail.get(sandbox_id)
        if tail is None:
            row = self._db.execute("SELECT seq, op FROM ops WHERE sandbox = ? ORDER BY seq DESC LIMIT 1",
                                   (sandbox_id,)).fetchone()
            tail = (row[0], _op(row[0], row[1]).get("op") == "advance") if row else (0, False)
        return tail

    def count_ops(self, sandbox_id: str) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM ops WHERE sandbox = ?", (sandbox_id,)).fetchone()[0])


def _connect(path: str | None) -> sqlite3.Connection:
    """The database at ``path`` (None: in memory), checked and with the schema; DatabaseError for a
    file SQLite cannot read or whose quick check fails."""
    db = sqlite3.connect(path or ":memory:", check_same_thread=False, isolation_level=None)
    try:
        if path is not None:
            problems = [r[0] for r in db.execute("PRAGMA quick_check(5)")]
            if problems != ["ok"]:
                raise sqlite3.DatabaseError("; ".join(problems))
            # WAL + NORMAL: a commit is a write to the log, not an fsync; a crash loses at most
            # the last transactions, never corrupts the file.
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(SCHEMA)
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


class _Postgres:
    """A PostgreSQL connection that takes the SQLite module's calls: ``?`` placeholders, ``execute``
    returning a cursor, ``executemany``; in autocommit, so ``BEGIN``/``COMMIT`` delimit transactions
    as they do on SQLite. Every statement of this module is written in the SQL both understand."""

    def __init__(self, url: str) -> None:
        import psycopg  # only a scale-out deployment needs it

        self._conn = psycopg.connect(url, autocommit=True)
        for statement in SCHEMA.split(";"):
            if statement.strip():
                self._conn.execute(statement)

    def execute(self, query: str, args: tuple = ()):  # type: ignore[no-untyped-def]
        import psycopg

        try:
            return self._conn.execute(query.replace("?", "%s"), args)
        except psycopg.IntegrityError as e:  # as the SQLite module names it
            raise sqlite3.IntegrityError(str(e)) from e

    def executemany(self, query: str, rows: list[tuple]) -> None:
        with self._conn.cursor() as cursor:
            cursor.executemany(query.replace("?", "%s"), rows)

    def close(self) -> None:
        self._conn.close()


def _readable(db: sqlite3.Connection, query: str, args: tuple = ()) -> tuple[list[tuple], str | None]:
    """The rows of ``query`` up to the first that cannot be read, and that error (None: all read)."""
    rows: list[tuple] = []
    try:
        cursor = db.execute(query, args)
        while (row := cursor.fetchone()) is not None:
            rows.append(row)
    except sqlite3.DatabaseError as e:
        return rows, str(e)
    return rows, None


def _op(seq: int, text: object) -> dict:
    """A row's operation, or JournalRowError for a text that is not a JSON object with an ``op``."""
    try:
        op = json.loads(text)  # type: ignore[arg-type]
    except (TypeError, ValueError) as e:
        raise JournalRowError(seq, f"is not JSON ({e})") from None
    if not isinstance(op, dict) or not isinstance(op.get("op"), str):
        raise JournalRowError(seq, 'is not an operation (a JSON object with a field "op")')
    return op


def _text(op: dict) -> str:
    return json.dumps(op, separators=(",", ":"), sort_keys=True)
