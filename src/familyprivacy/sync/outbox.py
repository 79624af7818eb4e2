"""What sync needs from the laptop's encrypted store, and nothing more."""

from __future__ import annotations

from typing import Protocol

from familyprivacy.consent.envelope import Envelope

DEVICE_TOKEN = "inbox-device-token"  # noqa: S105 - the name the token is kept under, not a token


class Outbox(Protocol):
    """The store's outbox: events wait here until the council's inbox has confirmed them."""

    @property
    def device_id(self) -> str: ...

    def device_public_key(self) -> bytes: ...

    def secret(self, name: str) -> str | None:
        """A secret kept encrypted in the store (the inbox's device token), or None. Raises StoreLocked."""
        ...

    def set_secret(self, name: str, value: str) -> None: ...

    def outbox_pending(self, limit: int) -> list[Envelope]:
        """Unconfirmed events, oldest first by seq, bodies decrypted."""
        ...

    def mark_sent(self, event_ids: list[str]) -> None: ...

    def mark_confirmed(self, event_ids: list[str]) -> None: ...

    def mark_problem(self, event_ids: list[str], reason: str) -> None: ...

    def outbox_status(self) -> dict[str, int]: ...

    def erase_confirmed_bodies(self, older_than_seconds: int = 0) -> int: ...
