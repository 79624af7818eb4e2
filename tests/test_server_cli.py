"""familyprivacy-server's commands, and migrations that build exactly the schema the code uses."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from familyprivacy.consent.envelope import public_key_bytes
from familyprivacy.server import cli, db, ingest, migrate
from tests.conftest_pg import BACKENDS, FakeOutbox, make_db_url, pg_cluster  # noqa: F401


def test_devices_add_list_revoke_and_team_tokens(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'inbox.db'}"
    assert cli.main(["--db", url, "migrate"]) == 0
    assert cli.main(["--db", url, "devices", "add", "--label", "laptop 7"]) == 0
    code = capsys.readouterr().out.strip().splitlines()[-1]
    laptop = FakeOutbox()
    engine = db.make_engine(url)
    token = ingest.enrol(engine, code, laptop.device_id,
                         base64.b64encode(public_key_bytes(laptop.key)).decode())
    stored = b"".join(f.read_bytes() for f in tmp_path.glob("inbox.db*"))
    assert token.encode() not in stored and code.encode() not in stored  # only their hashes
    assert cli.main(["--db", url, "devices", "list"]) == 0
    listed = capsys.readouterr().out
    assert laptop.device_id in listed and "laptop 7" in listed and "active" in listed
    assert cli.main(["--db", url, "devices", "revoke", laptop.device_id]) == 0
    assert cli.main(["--db", url, "devices", "revoke", laptop.device_id]) == 1
    assert cli.main(["--db", url, "devices", "list"]) == 0
    assert "revoked" in capsys.readouterr().out
    assert cli.main(["--db", url, "tokens", "add", "Business support"]) == 0
    assert "shown once" in capsys.readouterr().out
    assert cli.main(["--db", url, "tokens", "revoke", "Business support"]) == 0
    assert "Revoked 1" in capsys.readouterr().out


def test_an_unusable_database_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'folder' / 'inbox.db'}"
    assert cli.main(["--db", url, "devices", "list"]) == 2
    assert "The database could not be used" in capsys.readouterr().err


def test_the_entry_point_runs_as_a_module() -> None:
    out = subprocess.run([sys.executable, "-m", "familyprivacy.server.cli", "--help"], capture_output=True,
                         text=True, check=True).stdout
    assert "devices" in out and "serve" in out and "tokens" in out


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrations_match_the_tables_the_code_uses(backend: str, tmp_path: Path,
                                                  request: pytest.FixtureRequest) -> None:
    engine = db.make_engine(make_db_url(backend, tmp_path, request))
    migrate.upgrade(engine)
    migrate.upgrade(engine)  # a second run is a no-op
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert differences == []
    assert (migrate.MIGRATIONS / "versions" / "0001_initial.py").is_file()
    engine.dispose()
