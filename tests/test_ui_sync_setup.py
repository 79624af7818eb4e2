"""Setting up sync from Records: address and one-time code, enrolment in the background."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from familyprivacy import paths
from familyprivacy.consent.crypto import KdfParams
from familyprivacy.consent.store import Store
from familyprivacy.server import admin
from familyprivacy.sync.outbox import DEVICE_TOKEN
from familyprivacy.ui.sync_setup import SyncSetupDialog
from tests.conftest_pg import start_server
from tests.waiting import HANG_GUARD_MS


def test_enrol_from_the_dialog(tmp_path: Path, request: pytest.FixtureRequest, qtbot: QtBot) -> None:
    server = start_server("sqlite", tmp_path, request)
    store = Store.create(tmp_path / "records.db", "a long passphrase", "Jo", kdf=KdfParams.fast_for_tests())
    request.addfinalizer(store.close)
    dialog = SyncSetupDialog(store)
    qtbot.addWidget(dialog)

    qtbot.keyClicks(dialog.address, server.url)
    qtbot.keyClicks(dialog.code, "not-a-real-code")
    qtbot.mouseClick(dialog.enrol_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.enrol_button.isEnabled(), timeout=HANG_GUARD_MS)
    assert not dialog.enrolled and dialog.message.text()
    assert store.secret(DEVICE_TOKEN) is None

    dialog.code.setText(admin.add_enrolment_code(server.engine, "laptop"))
    qtbot.mouseClick(dialog.enrol_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.enrolled, timeout=HANG_GUARD_MS)
    assert store.secret(DEVICE_TOKEN)
    assert dialog.code.text() == ""
    assert "device_token" not in (paths.data_dir() / "sync.json").read_text()


def test_empty_fields_are_asked_for(tmp_path: Path, qtbot: QtBot) -> None:
    store = Store.create(tmp_path / "records.db", "a long passphrase", "Jo", kdf=KdfParams.fast_for_tests())
    dialog = SyncSetupDialog(store)
    qtbot.addWidget(dialog)
    dialog.address.clear()
    qtbot.mouseClick(dialog.enrol_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Type the address and the code."
    store.close()
