"""Enrolling this laptop with the council's inbox: one call for the settings screen.

The code is typed in once; the device token it buys is saved in the sync
settings, and only then is the laptop shown as enrolled.
"""

from __future__ import annotations

from pathlib import Path

from familyprivacy.sync import settings as sync_settings
from familyprivacy.sync.client import InboxClient
from familyprivacy.sync.outbox import Outbox
from familyprivacy.sync.settings import SyncSettings, check_url


def enrol(server_url: str, code: str, outbox: Outbox, label: str = "", path: Path | None = None,
          client: InboxClient | None = None) -> SyncSettings:
    """Register this laptop's public key with a one-time code; save and return the new settings.

    Raises ``SettingsError`` for a bad address and ``SyncProblem`` when the inbox says no.
    """
    server_url = server_url.strip().rstrip("/")
    check_url(server_url, "the server address")
    current = sync_settings.load(path)
    with client or InboxClient(server_url) as inbox:
        token = inbox.enrol(code, outbox.device_id, outbox.device_public_key(), label)
        period = inbox.erase_after_seconds
    updated = current.with_changes(server_url=server_url, device_token=token)
    if period is not None:
        updated = updated.with_changes(erase_after_seconds=period)
    sync_settings.save(updated, path)
    return updated
