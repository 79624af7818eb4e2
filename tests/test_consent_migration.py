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
    """The fixture as a worker's store, with its anchor when it has one (schema 2 on)."""
    target = tmp_path / "records.db"
    shutil.copy(fixture, target)
    if (anchor := fixture.with_name(fixture.name + ".anchor")).exists():
        shutil.copy(anchor, tmp_path / "records.db.anchor")
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


RELEASED = schema.current_version()
NEXT = RELEASED + 1  # a release to come, for the runner's own tests


def _add_next(monkeypatch: pytest.MonkeyPatch, statement: str) -> None:
    def to_next(conn: sqlite3.Connection) -> None:
        conn.execute(statement)

    monkeypatch.setitem(schema.MIGRATIONS, NEXT, to_next)


def test_upgrade_backs_up_then_migrates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _copy(FIXTURES / "schema_v1.db", tmp_path)
    _add_next(monkeypatch, "ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0")
    with Store.open(path) as store:
        store.unlock(PASSPHRASE)
        assert store.verify().events == 6
    assert _version(path) == NEXT
    backup = tmp_path / "records.schema-v1.backup.db"
    assert _version(backup) == 1 and backup.stat().st_mode & 0o077 == 0  # the worker's alone, like the store
    monkeypatch.delitem(schema.MIGRATIONS, NEXT)
    with Store.open(backup) as old:  # the backup is a complete v1 store (upgraded in its turn when opened)
        old.unlock(PASSPHRASE)
        assert old.verify().events == 6


def test_a_failed_migration_leaves_the_store_as_it_was(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = _copy(FIXTURES / f"schema_v{RELEASED}.db", tmp_path)
    _add_next(monkeypatch, "ALTER TABLE no_such_table ADD COLUMN x")
    with pytest.raises(StoreCorrupt, match=rf"records\.db: could not be upgraded to schema {NEXT}"):
        Store.open(path)
    assert _version(path) == RELEASED
    monkeypatch.delitem(schema.MIGRATIONS, NEXT)
    with Store.open(path) as store:
        store.unlock(PASSPHRASE)
        assert store.verify().events == 6
