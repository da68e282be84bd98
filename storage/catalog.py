"""What tables a database holds, read from its own catalog, for copying and checksumming a library.

`python -m bot copy` must move every table, including ones added by migrations written after it,
so it never lists tables by hand: it asks SQLite (``sqlite_master``, ``PRAGMA table_xinfo``,
``PRAGMA foreign_key_list``) or PostgreSQL (``pg_catalog``) what is there, and orders the tables
so that every table comes after the tables its foreign keys point to.

Left out: ``schema_version`` (each side's migrator writes its own), the copy's own bookkeeping
table, SQLite's internal tables and the shadow tables FTS5 keeps behind a virtual table, and
columns the database computes itself (PostgreSQL generated columns, ``tsvector`` indexes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from storage.db import Tx

__all__ = ["COPY_PROGRESS_TABLE", "Table", "library_tables", "quote"]

#: The copy's bookkeeping table in the TARGET database (see storage/copying.py).
COPY_PROGRESS_TABLE = "copy_progress"

_SKIPPED = {"schema_version", COPY_PROGRESS_TABLE}


def quote(name: str) -> str:
    """A double-quoted SQL identifier (the same rule in SQLite and PostgreSQL); names come from the
    database's own catalog, the quoting only keeps words like ``key`` or ``count`` legal."""
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True, slots=True)
class Table:
    """One table as the copy sees it."""

    name: str
    #: Columns copied and checksummed, in the table's own order.
    columns: tuple[str, ...]
    #: The primary key (the copy's batch order); ``("rowid",)`` for a SQLite virtual table.
    key: tuple[str, ...]
    #: Tables this one's foreign keys point to (other than itself).
    parents: frozenset[str] = frozenset()
    #: Columns referencing this very table (``actors.merged_into``): copied in a second pass, since
    #: a row may point at a row with a higher key that is not there yet.
    self_refs: tuple[str, ...] = ()
    #: Lower-cased declared type per column (``integer``, ``boolean``, ``text`` ...).
    types: dict[str, str] = field(default_factory=dict)
    #: SQLite: ids handed out by AUTOINCREMENT (sqlite_sequence); PostgreSQL: the key column has a
    #: sequence. Either way the copy carries the "next id" over, so a deleted id is never reused.
    sequenced: bool = False
    #: PostgreSQL ``GENERATED ALWAYS AS IDENTITY`` key: inserts need ``OVERRIDING SYSTEM VALUE``.
    identity_always: bool = False
    #: A SQLite virtual table (the FTS5 index): copied after every regular table.
    virtual: bool = False


def library_tables(tx: Tx) -> list[Table]:
    """Every table of the library in foreign-key order (parents first, then by name)."""
    tables = _postgresql_tables(tx) if tx.dialect == "postgresql" else _sqlite_tables(tx)
    return _fk_order(tables)


def _fk_order(tables: list[Table]) -> list[Table]:
    by_name = {t.name: t for t in tables}
    done: list[Table] = []
    placed: set[str] = set()
    pending = sorted(tables, key=lambda t: (t.virtual, t.name))
    while pending:
        ready = [t for t in pending if all(p in placed or p not in by_name for p in t.parents)]
        if not ready:  # a cycle between tables: no schema of ours has one; keep going rather than hang
            ready = [pending[0]]
        first = ready[0]
        done.append(first)
        placed.add(first.name)
        pending.remove(first)
    return done


def _sqlite_tables(tx: Tx) -> list[Table]:
    rows = [(str(r[0]), str(r[1] or "")) for r in tx.all(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    virtual = {name for name, sql in rows if sql.upper().startswith("CREATE VIRTUAL TABLE")}
    out: list[Table] = []
    for name, sql in rows:
        if name in _SKIPPED or name.startswith("sqlite_") or any(name.startswith(v + "_") for v in virtual):
            continue
        # table_xinfo lists hidden columns too (hidden != 0: FTS5's own, generated columns): skipped.
        info = [(str(r[1]), str(r[2] or "").lower(), int(r[5]), int(r[6]))
                for r in tx.all(f"PRAGMA table_xinfo({quote(name)})")]
        columns = tuple(col for col, _t, _pk, hidden in info if hidden == 0)
        key = tuple(col for col, _t, pk, _h in sorted(info, key=lambda c: c[2]) if pk > 0)
        if not key:
            key = ("rowid",)
            columns = ("rowid", *columns)
        parents: set[str] = set()
        self_refs: list[str] = []
        for fk in tx.all(f"PRAGMA foreign_key_list({quote(name)})"):
            parent, column = str(fk[2]), str(fk[3])
            if parent == name:
                self_refs.append(column)
            else:
                parents.add(parent)
        out.append(Table(
            name=name, columns=columns, key=key, parents=frozenset(parents), self_refs=tuple(self_refs),
            types={col: typ for col, typ, _pk, _h in info}, sequenced="AUTOINCREMENT" in sql.upper(),
            virtual=name in virtual,
        ))
    return out


_PG_COLUMNS = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attgenerated, a.attidentity
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum
"""

_PG_CONSTRAINTS = """
SELECT c.relname, k.contype, f.relname,
       (SELECT string_agg(a.attname, ',' ORDER BY u.i)
        FROM unnest(k.conkey) WITH ORDINALITY AS u(attnum, i)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum)
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class f ON f.oid = k.confrelid
WHERE n.nspname = current_schema() AND k.contype IN ('p', 'f')
ORDER BY c.relname, k.conname
"""

_PG_SEQUENCED = """
SELECT c.relname, a.attname
FROM pg_catalog.pg_depend d
JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'
JOIN pg_catalog.pg_class c ON c.oid = d.refobjid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
WHERE n.nspname = current_schema() AND d.deptype IN ('a', 'i')
"""


def _postgresql_tables(tx: Tx) -> list[Table]:
    columns: dict[str, list[tuple[str, str]]] = {}
    always: set[str] = set()
    for r in tx.all(_PG_COLUMNS):
        table, column, typ, generated, identity = str(r[0]), str(r[1]), str(r[2]).lower(), r[3], r[4]
        if table in _SKIPPED or generated or typ == "tsvector":
            continue
        columns.setdefault(table, []).append((column, typ))
        if identity == "a":
            always.add(table)
    keys: dict[str, tuple[str, ...]] = {}
    parents: dict[str, set[str]] = {}
    self_refs: dict[str, list[str]] = {}
    for r in tx.all(_PG_CONSTRAINTS):
        table, kind, parent, cols = str(r[0]), str(r[1]), r[2], str(r[3] or "")
        if kind == "p":
            keys[table] = tuple(cols.split(","))
        elif parent == table:
            self_refs.setdefault(table, []).extend(cols.split(","))
        elif parent is not None:
            parents.setdefault(table, set()).add(str(parent))
    sequenced = {str(r[0]) for r in tx.all(_PG_SEQUENCED) if (str(r[1]),) == keys.get(str(r[0]))}
    return [
        Table(
            name=name, columns=tuple(c for c, _t in cols), key=keys.get(name) or tuple(c for c, _t in cols),
            parents=frozenset(parents.get(name, set())), self_refs=tuple(self_refs.get(name, [])),
            types=dict(cols), sequenced=name in sequenced, identity_always=name in always,
        )
        for name, cols in sorted(columns.items())
    ]
