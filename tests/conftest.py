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


@pytest.fixture
def resources() -> Path:
    from familyprivacy import paths

    return paths.resources_dir()
