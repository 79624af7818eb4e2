"""The laptop's settings: remembered, validated, and a broken file never loses anything."""

from __future__ import annotations

import json

import pytest

from familyprivacy import settings


def test_first_run_has_defaults_and_no_file() -> None:
    loaded = settings.load()
    assert loaded.first_run and loaded.problem == ""
    assert loaded.settings == settings.Settings()
    assert not settings.settings_path().exists()


def test_save_and_load_round_trip() -> None:
    chosen = settings.Settings(council="essex", demo=False, text_scale=1.5, high_contrast=True)
    settings.save(chosen)
    loaded = settings.load()
    assert loaded.settings == chosen and not loaded.first_run and loaded.problem == ""
    assert not list(settings.settings_path().parent.glob("*.tmp"))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "is not valid JSON (line 1"),
        ("[1, 2]", "must be a JSON object"),
        ('{"council": 7}', "'council' must be a council id"),
        ('{"demo": "yes"}', "'demo' must be true or false"),
        ('{"text_scale": 40}', "'text_scale' must be a number"),
        ('{"text_scale": true}', "'text_scale' must be a number"),
        ('{"colour": "red"}', "unknown key 'colour'"),
        ("\udcff", "cannot be read"),
    ],
)
def test_broken_file_gives_clear_message_and_is_kept(content: str, expected: str) -> None:
    path = settings.settings_path()
    raw = content.encode("utf-8", "surrogateescape")
    path.write_bytes(raw)
    loaded = settings.load()
    assert expected in loaded.problem
    assert settings.FILE_NAME in loaded.problem
    assert "until you save" in loaded.problem
    assert loaded.settings == settings.Settings()
    assert path.read_bytes() == raw  # nothing overwritten until the worker saves
    settings.save(loaded.settings.with_changes(council="essex"))
    assert json.loads(path.read_text("utf-8"))["council"] == "essex"


def test_oversized_file_is_refused() -> None:
    settings.settings_path().write_text(" " * (settings.MAX_BYTES + 1), "utf-8")
    assert "larger than" in settings.load().problem


def test_with_changes_validates() -> None:
    with pytest.raises(settings.SettingsError, match="text_scale"):
        settings.Settings().with_changes(text_scale=9)


def test_broken_settings_show_in_the_window(qtbot) -> None:  # type: ignore[no-untyped-def]
    from familyprivacy.content.loader import LoadResult
    from tests.test_ui_support import make_window

    settings.settings_path().write_text("{oops", "utf-8")
    win = make_window(qtbot, LoadResult(), settings.load())
    assert win.banner_box.isVisible()
    assert "could not be used" in win.banner.text()
    assert any("not valid JSON" in p for p in win._problems)
    assert win.stack.currentWidget() is win.council_picker
    assert win.council_picker.none_label.isVisible()  # no notices: said plainly, no crash
