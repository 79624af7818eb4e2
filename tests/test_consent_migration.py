"""Every released schema opens with today's code; the upgrade runner is atomic and backs up first."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from familyprivacy.consent import schema
from familyprivacy.consent.errors import StoreCorrupt
from familyprivacy.consent.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "consent"
PASSPHRASE = "schema fixture passphrase"  # as in fixtures/consent/make_fixture.py


def _copy(fixture: Path, tmp_path: Path) -> Path:
    target = tmp_path / "records.db"
    shutil.copy(fixture, target)
    return target


def _version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def test_a_fixture_exists_for_every_schema_version() -> None:
    assert sorted(p.name for p in FIXTURES.glob("schema_v*.db")) == [
        f"schema_v{v}.db" for v in range(1, schema.current_version() + 1)]


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("schema_v*.db")), ids=lambda p: p.stem)
def test_released_stores_open_verify_and_read(tmp_path: Path, fixture: Path) -> None:
    path = _copy(fixture, tmp_path)
    with Store.open(path) as store:
        assert _version(path) == schema.current_version()
        store.unlock(PASSPHRASE)
        report = store.verify()
        assert (report.events, report.bodies_erased) == (6, 2)
        assert [v.visit_id for v in store.visits()] == ["fixture-visit-kept"]
        current = store.current_decisions("fixture-visit-kept")
        assert {c: d.status for c, d in current.items()} == {"help-and-support": "withdrawn",
                                                             "research": "deferred"}
        assert current["help-and-support"].replaces == "fixture-d2"
        assert store.outbox_status() == {"waiting": 3, "sent": 0, "confirmed": 2, "problem": 1}
        assert store.worker_name() == "Fixture Worker"


def _add_v2(monkeypatch: pytest.MonkeyPatch, statement: str) -> None:
    def to_v2(conn: sqlite3.Connection) -> None:
        conn.execute(statement)

    monkeypatch.setitem(schema.MIGRATIONS, 2, to_v2)


def test_upgrade_backs_up_then_migrates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _copy(FIXTURES / "schema_v1.db", tmp_path)
    _add_v2(monkeypatch, "ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0")
    with Store.open(path) as store:
        store.unlock(PASSPHRASE)
        assert store.verify().events == 6
    assert _version(path) == 2
    backup = tmp_path / "records.schema-v1.backup.db"
    assert _version(backup) == 1
    monkeypatch.delitem(schema.MIGRATIONS, 2)
    with Store.open(backup) as old:  # the backup is a complete v1 store
        old.unlock(PASSPHRASE)
        assert old.verify().events == 6


def test_a_failed_migration_leaves_the_store_as_it_was(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = _copy(FIXTURES / "schema_v1.db", tmp_path)
    _add_v2(monkeypatch, "ALTER TABLE no_such_table ADD COLUMN x")
    with pytest.raises(StoreCorrupt, match=r"records\.db: could not be upgraded to schema 2"):
        Store.open(path)
    assert _version(path) == 1
    monkeypatch.delitem(schema.MIGRATIONS, 2)
    with Store.open(path) as store:
        store.unlock(PASSPHRASE)
        assert store.verify().events == 6
