"""The laptop's sync settings: a round trip, and a clear error for every kind of broken file."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from familyprivacy.sync import settings as sync_settings
from familyprivacy.sync.settings import SettingsError, SyncSettings


def test_missing_file_means_not_set_up_and_a_round_trip_keeps_everything() -> None:
    assert sync_settings.load() == SyncSettings()
    chosen = SyncSettings("https://inbox.council.example/", erase_after_seconds=86400, batch_size=50)
    sync_settings.save(chosen)
    path = sync_settings.settings_path()
    assert path.parent == Path(os.environ["FAMILYPRIVACY_DATA_DIR"])
    assert sync_settings.load() == chosen
    assert json.loads(path.read_text(encoding="utf-8")) == {  # and nothing else: no token, ever
        "version": 1, "server_url": "https://inbox.council.example/", "erase_after_seconds": 86400,
        "batch_size": 50}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not path.with_name(path.name + ".tmp").exists()


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "must hold a JSON object"),
    ('{"version": 9}', "unknown settings version"),
    ('{"version": 1, "colour": "red"}', "unknown field 'colour'"),
    ('{"version": 1, "server_url": "http://inbox.council.example"}', "server_url must be an https://"),
    ('{"version": 1, "server_url": 5}', "server_url must be text"),
    ('{"version": 1, "batch_size": 0}', "batch_size must be a whole number"),
    ('{"version": 1, "erase_after_seconds": true}', "erase_after_seconds must be a whole number"),
])
def test_a_broken_file_names_itself_and_the_problem(content: str, message: str) -> None:
    path = sync_settings.settings_path()
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError, match=message) as caught:
        sync_settings.load()
    assert str(path) in str(caught.value)
    assert path.read_text(encoding="utf-8") == content  # never silently replaced


def test_a_file_with_a_token_in_clear_is_refused_and_left_alone() -> None:
    """Written by an earlier version: the token belongs in a worker's store, so enrol again."""
    path = sync_settings.settings_path()
    content = '{"version": 1, "server_url": "https://inbox.council.example", "device_token": "tok-123456"}'
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError, match="enrol again") as caught:
        sync_settings.load()
    assert str(path) in str(caught.value) and "tok-123456" not in str(caught.value)
    assert path.read_text(encoding="utf-8") == content
    with pytest.raises(TypeError):  # and there is no field to put one in
        SyncSettings(device_token="tok")  # type: ignore[call-arg]


def test_undecodable_file_and_loopback_http() -> None:
    path = sync_settings.settings_path()
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(SettingsError, match="cannot be read"):
        sync_settings.load()
    local = SyncSettings().with_changes(server_url="http://127.0.0.1:8470")
    assert local.server_url.startswith("http://127.0.0.1")
    with pytest.raises(SettingsError):
        SyncSettings().with_changes(server_url="ftp://inbox.council.example")
