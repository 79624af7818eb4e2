"""Enrolling a worker's store with the council's inbox: one call for the settings screen.

Each worker's store is its own device to the inbox (its own device id and
signing key), so the device token the code buys is kept encrypted in that
store, never in the laptop's settings file; the settings keep only the inbox
address and the council's erasure period, shared by the laptop's workers.
"""

from __future__ import annotations

from pathlib import Path

from familyprivacy.sync import settings as sync_settings
from familyprivacy.sync.client import InboxClient
from familyprivacy.sync.outbox import DEVICE_TOKEN, Outbox
from familyprivacy.sync.settings import SyncSettings, check_url


def is_enrolled(settings: SyncSettings, outbox: Outbox) -> bool:
    """The laptop knows the inbox's address and this store holds its token. Raises StoreLocked."""
    return bool(settings.server_url and outbox.secret(DEVICE_TOKEN))


def enrol(server_url: str, code: str, outbox: Outbox, label: str = "", path: Path | None = None,
          client: InboxClient | None = None) -> SyncSettings:
    """Register this store's public key with a one-time code; keep the token in the store, save the settings.

    Raises ``SettingsError`` for a bad address or settings file, ``StoreLocked`` (before the code
    is spent) when the store is locked, and ``SyncProblem`` when the inbox says no.
    """
    server_url = server_url.strip().rstrip("/")
    check_url(server_url, "the server address")
    current = sync_settings.load(path)
    outbox.secret(DEVICE_TOKEN)  # a locked store cannot keep the token: fail before the code is spent
    with client or InboxClient(server_url) as inbox:
        token = inbox.enrol(code, outbox.device_id, outbox.device_public_key(), label)
        period = inbox.erase_after_seconds
    outbox.set_secret(DEVICE_TOKEN, token)  # first: the inbox issues a device's token only once
    updated = current.with_changes(server_url=server_url)
    if period is not None:
        updated = updated.with_changes(erase_after_seconds=period)
    sync_settings.save(updated, path)
    return updated
