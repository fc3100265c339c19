"""SQLite store (WAL): resources, long-running operations, reconciler state, key/value settings.

Resources are JSON documents keyed by their lower-cased ARM id. One connection is shared by all
threads behind a re-entrant lock; ``transaction()`` makes a group of calls atomic (BEGIN IMMEDIATE
at the outermost level), so a read-modify-write such as a merge patch can never interleave.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    id TEXT PRIMARY KEY, parent TEXT NOT NULL, kind TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS resources_parent ON resources(parent, kind, seq);
CREATE TABLE IF NOT EXISTS operations (
    id TEXT PRIMARY KEY, resource_id TEXT NOT NULL, kind TEXT NOT NULL, action TEXT NOT NULL,
    status TEXT NOT NULL, due REAL NOT NULL, meta TEXT NOT NULL, error TEXT);
CREATE INDEX IF NOT EXISTS operations_status ON operations(status, due);
CREATE TABLE IF NOT EXISTS reconciler_state (
    resource_id TEXT PRIMARY KEY, state TEXT, reconciled_at REAL);
CREATE TABLE IF NOT EXISTS leftovers (
    resource_id TEXT PRIMARY KEY, cluster_id TEXT NOT NULL, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def key_of(arm_id: str) -> str:
    return arm_id.rstrip("/").lower()


class Store:
    def __init__(self, path: Path):
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        self._lock = threading.RLock()
        self._depth = 0

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        with self._lock:
            outermost = self._depth == 0
            if outermost:
                self._conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if outermost:
                    self._conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outermost:
                self._conn.execute("COMMIT")

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    # -- resources -----------------------------------------------------------------------------
    def get(self, arm_id: str) -> dict | None:
        rows = self._rows("SELECT body FROM resources WHERE id = ?", (key_of(arm_id),))
        return json.loads(rows[0][0]) if rows else None

    def put(self, arm_id: str, parent: str, kind: str, body: dict) -> None:
        with self.transaction():
            key = key_of(arm_id)
            rows = self._rows("SELECT seq FROM resources WHERE id = ?", (key,))
            seq = rows[0][0] if rows else self._next_seq()
            self._conn.execute("INSERT OR REPLACE INTO resources VALUES (?, ?, ?, ?, ?)",
                               (key, key_of(parent), kind, seq, json.dumps(body)))

    def update_body(self, arm_id: str, body: dict) -> bool:
        """Replace the document of an existing resource (keeps parent, kind, order)."""
        with self.transaction():
            cursor = self._conn.execute("UPDATE resources SET body = ? WHERE id = ?",
                                        (json.dumps(body), key_of(arm_id)))
            return cursor.rowcount > 0

    def _next_seq(self) -> int:
        return self._rows("SELECT COALESCE(MAX(seq), 0) + 1 FROM resources")[0][0]

    def delete(self, arm_id: str) -> None:
        with self.transaction():
            key = key_of(arm_id)
            self._conn.execute("DELETE FROM resources WHERE id = ?", (key,))
            self._conn.execute("DELETE FROM reconciler_state WHERE resource_id = ?", (key,))

    def delete_tree(self, arm_id: str) -> None:
        """Delete a resource and everything nested below it (cascade of a group or cluster)."""
        key = key_of(arm_id)
        like = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%"
        with self.transaction():
            for table, column in (("resources", "id"), ("reconciler_state", "resource_id"),
                                  ("leftovers", "resource_id")):
                self._conn.execute(f"DELETE FROM {table} WHERE {column} = ? OR {column} LIKE ? ESCAPE '\\'",
                                   (key, like))

    def children(self, parent: str, kind: str, offset: int = 0, limit: int = -1) -> list[dict]:
        """Children in creation order; `offset`/`limit` read one page without loading the rest."""
        rows = self._rows("SELECT body FROM resources WHERE parent = ? AND kind = ? ORDER BY seq LIMIT ? OFFSET ?",
                          (key_of(parent), kind, limit, offset))
        return [json.loads(r[0]) for r in rows]

    def texts_of_kind(self, kind: str) -> list[tuple[str, str]]:
        """(id, stored JSON text) of every resource of a kind, unparsed: cheap to compare between polls."""
        return [(r[0], r[1]) for r in self._rows("SELECT id, body FROM resources WHERE kind = ? ORDER BY seq", (kind,))]

    def all_of_kind(self, kind: str) -> list[dict]:
        rows = self._rows("SELECT body FROM resources WHERE kind = ? ORDER BY seq", (kind,))
        return [json.loads(r[0]) for r in rows]

    # -- operations ----------------------------------------------------------------------------
    def add_operation(self, op_id: str, resource_id: str, kind: str, action: str, due: float,
                      meta: dict) -> None:
        with self.transaction():
            self._conn.execute("INSERT INTO operations VALUES (?, ?, ?, ?, 'InProgress', ?, ?, NULL)",
                               (op_id, key_of(resource_id), kind, action, due, json.dumps(meta)))

    def get_operation(self, op_id: str) -> dict | None:
        rows = self._rows("SELECT id, resource_id, kind, action, status, due, meta, error FROM operations "
                          "WHERE id = ?", (op_id.lower(),))
        return _op(rows[0]) if rows else None

    def due_operations(self, now: float) -> list[dict]:
        rows = self._rows("SELECT id, resource_id, kind, action, status, due, meta, error FROM operations "
                          "WHERE status = 'InProgress' AND due <= ? ORDER BY due", (now,))
        return [_op(r) for r in rows]

    def next_due(self) -> float | None:
        return self._rows("SELECT MIN(due) FROM operations WHERE status = 'InProgress'")[0][0]

    def resume_operations(self, latest_due: float) -> int:
        """After a restart: operations still in flight finish no later than ``latest_due``."""
        with self.transaction():
            cursor = self._conn.execute("UPDATE operations SET due = MIN(due, ?) WHERE status = 'InProgress'",
                                        (latest_due,))
            return cursor.rowcount

    def update_operation(self, op_id: str, *, status: str | None = None, due: float | None = None,
                         meta: dict | None = None, error: dict | None = None) -> None:
        with self.transaction():
            current = self.get_operation(op_id)
            if current is None:
                return
            self._conn.execute(
                "UPDATE operations SET status = ?, due = ?, meta = ?, error = ? WHERE id = ?",
                (status or current["status"], current["due"] if due is None else due,
                 json.dumps(current["meta"] if meta is None else meta),
                 json.dumps(error) if error is not None else (json.dumps(current["error"])
                                                             if current["error"] else None),
                 op_id.lower()))

    # -- reconciler state ----------------------------------------------------------------------
    def get_state(self, arm_id: str) -> tuple[dict | None, float | None]:
        rows = self._rows("SELECT state, reconciled_at FROM reconciler_state WHERE resource_id = ?",
                          (key_of(arm_id),))
        if not rows:
            return None, None
        return (json.loads(rows[0][0]) if rows[0][0] else None), rows[0][1]

    def put_state(self, arm_id: str, state: dict | None, reconciled_at: float) -> None:
        with self.transaction():
            self._conn.execute("INSERT OR REPLACE INTO reconciler_state VALUES (?, ?, ?)",
                               (key_of(arm_id), json.dumps(state), reconciled_at))

    def put_leftover(self, arm_id: str, cluster_id: str, state: dict) -> None:
        with self.transaction():
            self._conn.execute("INSERT OR REPLACE INTO leftovers VALUES (?, ?, ?)",
                               (key_of(arm_id), key_of(cluster_id), json.dumps(state)))

    def states_on_cluster(self, cluster_id: str) -> list[dict]:
        """Reconciler states of live configurations plus what deleted ones left behind."""
        prefix = key_of(cluster_id) + "/providers/microsoft.kubernetesconfiguration/fluxconfigurations/%"
        live = self._rows("SELECT state FROM reconciler_state WHERE resource_id LIKE ? AND state IS NOT NULL",
                          (prefix,))
        left = self._rows("SELECT state FROM leftovers WHERE cluster_id = ?", (key_of(cluster_id),))
        return [json.loads(r[0]) for r in live + left if r[0] and r[0] != "null"]

    # -- settings ------------------------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        rows = self._rows("SELECT value FROM settings WHERE key = ?", (key,))
        return json.loads(rows[0][0]) if rows else default

    def put_setting(self, key: str, value: Any) -> None:
        with self.transaction():
            self._conn.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, json.dumps(value)))


def _op(row: tuple) -> dict:
    return {"id": row[0], "resource_id": row[1], "kind": row[2], "action": row[3], "status": row[4],
            "due": row[5], "meta": json.loads(row[6]), "error": json.loads(row[7]) if row[7] else None}
