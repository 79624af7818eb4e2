"""Shared set-up for the interface tests: small notices on disk and a main window built on them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from familyprivacy import settings
from familyprivacy.content.loader import LoadResult, load_notices
from familyprivacy.ui.app import application, build_window
from familyprivacy.ui.main_window import MainWindow
from tests.notice_factory import notice_toml, write_notice
from tests.waiting import HANG_GUARD_MS

GLOSSARY = '[[glossary]]\nterm = "council"\nmeaning = "The local government for your area."\n'


def sample_notices(folder: Path) -> LoadResult:
    """Two notices for one council (like Redcar and Cleveland) and one for another."""
    write_notice(folder / "example", text=notice_toml("example/test", extra=GLOSSARY))
    write_notice(folder / "example", "two.toml", text=notice_toml("example/two").replace(
        'title = "Test notice"', 'title = "Early help"'))
    other = notice_toml("other/one").replace('id = "example"\nname = "Example Council"',
                                             'id = "other"\nname = "Other Council"')
    write_notice(folder / "other", text=other)
    result = load_notices([folder])
    assert result.errors == [], result.errors
    return result


def make_window(qtbot: QtBot, loaded: LoadResult, prefs: settings.Loaded | None = None) -> MainWindow:
    app = application()
    window = build_window(app, loaded, prefs)
    qtbot.addWidget(window)
    window.resize(1100, 760)
    window.show()
    qtbot.waitExposed(window, timeout=HANG_GUARD_MS)
    return window


def test_sample_notices_share_a_council(tmp_path: Path) -> None:
    loaded = sample_notices(tmp_path)
    assert sorted(n.council.id for n in loaded.notices) == ["example", "example", "other"]


@pytest.fixture
def notices(tmp_path: Path) -> LoadResult:
    return sample_notices(tmp_path / "notices")


@pytest.fixture
def no_translations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests see the app before any translation lands, whatever translators commit meanwhile."""
    from familyprivacy import i18n

    empty = tmp_path / "translations"
    empty.mkdir()
    monkeypatch.setenv("FAMILYPRIVACY_TRANSLATIONS", str(empty))
    i18n.catalogs().reload()
    yield
    monkeypatch.undo()
    i18n.catalogs().reload()


@pytest.fixture
def window(qtbot: QtBot, notices: LoadResult, no_translations: None) -> Iterator[MainWindow]:
    win = make_window(qtbot, notices)
    yield win
    if win.presenting:
        win.request_leave_presentation()
