"""Test configuration: Qt offscreen, and no test touches the real user data folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
                   ) -> Iterator[None]:
    base = tmp_path_factory.mktemp("fp")
    monkeypatch.setenv("FAMILYPRIVACY_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("FAMILYPRIVACY_CACHE_DIR", str(base / "cache"))
    yield
    from familyprivacy import i18n

    i18n.set_language("en")
    i18n.set_worker_language("en")


@pytest.fixture
def resources() -> Path:
    from familyprivacy import paths

    return paths.resources_dir()


@pytest.fixture
def resources_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the resources, with no sign-off records, for tests that sign off or change notices
    (the real notices are never written)."""
    import shutil

    from familyprivacy import paths

    copy = tmp_path / "resources"
    shutil.copytree(paths.resources_dir(), copy, ignore=shutil.ignore_patterns("compiled_templates"))
    for old in (copy / "notices").rglob("*.signoff.toml"):
        old.unlink()
    monkeypatch.setenv("FAMILYPRIVACY_RESOURCES", str(copy))
    return copy


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int,
                            config: pytest.Config) -> None:
    """One line that cannot be missed when the PostgreSQL tests did not run (never under CI:
    there the pg_cluster fixture fails instead of skipping)."""
    from tests.conftest_pg import PG_MISSING

    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if isinstance(r.longrepr, tuple) and PG_MISSING in str(r.longrepr[2])]
    if skipped:
        tests = f"{len(skipped)} test" + ("s" if len(skipped) != 1 else "")
        terminalreporter.write_line(
            f"PostgreSQL tests SKIPPED: {tests} did not run because {PG_MISSING}; install postgresql "
            "to run them (tools/system-deps.sh does, or: apt-get install postgresql)", yellow=True, bold=True)
