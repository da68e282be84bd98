"""Migrations: applied once, recorded, atomic per file, and a newer database is refused."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from storage.errors import MigrationError, SchemaTooNewError
from storage.migrate import MIGRATIONS_DIR, discover, split_statements
from storage.repository import Storage

#: The migrations this Dossier ships, as schema_version records them.
SHIPPED = [(m.version, m.name) for m in discover(MIGRATIONS_DIR)]


def _dump(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def _versions(path: Path) -> list[tuple[int, str]]:
    con = sqlite3.connect(path)
    try:
        return [(int(v), str(n)) for v, n in con.execute("SELECT version, name FROM schema_version ORDER BY version")]
    finally:
        con.close()


async def test_migrations_apply_and_are_recorded(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "d.db"  # parent folders are created
    async with Storage.open(f"sqlite:///{path}"):
        pass
    assert _versions(path) == SHIPPED
    assert SHIPPED[:2] == [(1, "initial"), (2, "top_counts")]
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    con.close()
    assert {"articles", "actors", "actor_aliases", "mentions", "claims", "tags", "article_tags", "members",
            "chats", "subscriptions", "outbox", "feeds", "inbox", "import_progress", "articles_fts"} <= tables


async def test_rerun_is_a_noop(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    async with Storage.open(f"sqlite:///{path}") as db:
        await db.upsert_chat(1, "private", "me", "ru")
    before = _dump(path)
    async with Storage.open(f"sqlite:///{path}"):
        pass
    assert _dump(path) == before
    assert _versions(path) == SHIPPED


def _migration_dir(tmp_path: Path, extra: dict[str, str]) -> Path:
    mdir = tmp_path / "migrations"
    mdir.mkdir()
    shutil.copy(MIGRATIONS_DIR / "001_initial.sql", mdir / "001_initial.sql")
    if any(name.startswith("099_") for name in extra):  # a migration newer than every shipped one
        for shipped in MIGRATIONS_DIR.glob("*.sql"):
            shutil.copy(shipped, mdir / shipped.name)
    for name, sql in extra.items():
        (mdir / name).write_text(sql, encoding="utf-8")
    return mdir


async def test_broken_migration_rolls_back_and_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    async with Storage.open(f"sqlite:///{path}") as db:
        await db.upsert_chat(7, "group", "team", None)
    before = _dump(path)
    mdir = _migration_dir(
        tmp_path,
        {
            "099_broken.sql": (
                "CREATE TABLE half_done (x INTEGER);\n"
                "INSERT INTO half_done VALUES (1);\n"
                "ALTER TABLE chats ADD COLUMN color TEXT;\n"
                "INSERT INTO no_such_table VALUES (1);\n"
            )
        },
    )
    with pytest.raises(MigrationError, match=r"099_broken\.sql"):
        async with Storage.open(f"sqlite:///{path}", migrations_dir=mdir):
            pass
    assert _dump(path) == before  # no half_done table, no color column, no version 99 row
    assert _versions(path) == SHIPPED


async def test_broken_first_migration_leaves_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    mdir = tmp_path / "m"
    mdir.mkdir()
    (mdir / "001_bad.sql").write_text("CREATE TABLE a (x);\nCREATE TABLE a (x);\n", encoding="utf-8")
    with pytest.raises(MigrationError, match=r"001_bad\.sql"):
        async with Storage.open(f"sqlite:///{path}", migrations_dir=mdir):
            pass
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    con.close()


async def test_later_migration_applies_with_triggers_and_semicolons_in_strings(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    mdir = _migration_dir(
        tmp_path,
        {
            "002_notes.sql": (
                "-- a comment; with a semicolon\n"
                "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT DEFAULT 'a;b');\n"
                "CREATE TRIGGER notes_ai AFTER INSERT ON notes BEGIN\n"
                "  UPDATE notes SET body = body || ';' WHERE id = new.id;\n"
                "END;\n"
            )
        },
    )
    async with Storage.open(f"sqlite:///{path}", migrations_dir=mdir):
        pass
    assert _versions(path) == [(1, "initial"), (2, "notes")]
    con = sqlite3.connect(path)
    con.execute("INSERT INTO notes (id) VALUES (1)")
    assert con.execute("SELECT body FROM notes").fetchone()[0] == "a;b;"
    con.close()


async def test_transaction_statements_in_a_migration_are_refused(tmp_path: Path) -> None:
    mdir = _migration_dir(tmp_path, {"002_tx.sql": "BEGIN;\nCREATE TABLE t (x);\nCOMMIT;\n"})
    with pytest.raises(MigrationError, match=r"002_tx\.sql"):
        async with Storage.open(f"sqlite:///{tmp_path}/d.db", migrations_dir=mdir):
            pass


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    async with Storage.open(f"sqlite:///{path}"):
        pass
    con = sqlite3.connect(path)
    future = SHIPPED[-1][0] + 1
    con.execute("INSERT INTO schema_version VALUES (?, 'future', '2030-01-01T00:00:00Z')", (future,))
    con.commit()
    con.close()
    with pytest.raises(SchemaTooNewError) as err:
        async with Storage.open(f"sqlite:///{path}"):
            pass
    assert str(err.value) == (
        f"database schema version {future} is newer than this Dossier (knows up to {SHIPPED[-1][0]}); upgrade Dossier"
    )


async def test_badly_named_migration_file_fails_loudly(tmp_path: Path) -> None:
    mdir = _migration_dir(tmp_path, {"two.sql": "SELECT 1;"})
    with pytest.raises(MigrationError, match=r"two\.sql"):
        async with Storage.open(f"sqlite:///{tmp_path}/d.db", migrations_dir=mdir):
            pass


@pytest.mark.parametrize(
    "url",
    ["sqlite://relative.db", "sqlite:///", "", "mysql:///x"],
)
async def test_unsupported_urls_are_value_errors(url: str) -> None:
    with pytest.raises(ValueError, match="DATABASE_URL"):
        async with Storage.open(url):
            pass


async def test_relative_url_and_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    async with Storage.open("sqlite:///data/rel.db") as db:
        await db.upsert_chat(1, "private", None, None)
    assert (tmp_path / "data" / "rel.db").exists()
    async with Storage.open("sqlite:///:memory:") as mem:
        await mem.upsert_chat(1, "private", "x", None)
        settings = await mem.get_chat_settings(1)
        assert settings is not None and settings.title == "x"
        assert (await mem.search_articles("x")) == ([], 0)


def test_split_statements_handles_comments_and_strings() -> None:
    stmts = split_statements("-- only comment;\n/* block; */ SELECT 'x;y';\nSELECT 2;\n-- trailing\n")
    assert len(stmts) == 2  # the comment-only fragment rides along with the next statement
    assert stmts[0].endswith("/* block; */ SELECT 'x;y';") and stmts[1] == "SELECT 2;"
    with pytest.raises(ValueError, match="incomplete"):
        split_statements("SELECT 1; SELECT 'unterminated")
    assert split_statements("SELECT 1; SELECT 2") == ["SELECT 1;", "SELECT 2;"]  # last ';' optional
