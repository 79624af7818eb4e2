"""What the screen shows about sync: one state and, when something is wrong, the reason in plain words.

Reasons are stored untranslated (marked with ``N_``) and translated when shown,
so a language switch reaches them too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from familyprivacy.i18n import N_, _


class SyncState(StrEnum):
    WAITING = "waiting"  # events wait for a connection or the next attempt
    SENT = "sent"  # a batch is on its way; not yet confirmed
    CONFIRMED = "confirmed"  # the inbox holds everything this laptop recorded
    PROBLEM = "problem"  # something needs a person: see the reason


LABELS = {
    SyncState.WAITING: N_("Waiting to sync"),
    SyncState.SENT: N_("Sending"),
    SyncState.CONFIRMED: N_("All records confirmed by the council"),
    SyncState.PROBLEM: N_("Sync problem"),
}


@dataclass(frozen=True)
class SyncStatus:
    state: SyncState
    reason: str = ""  # untranslated; see ``reason_text``
    counts: dict[str, int] = field(default_factory=dict)  # the store's own outbox_status()
    confirmed_now: int = 0  # confirmed by the last run
    erased: int = 0  # visits' personal content erased by the last run
    problems: int = 0  # events the inbox refused in the last run
    next_attempt: datetime | None = None
    updated: datetime | None = None

    def label(self) -> str:
        return _(LABELS[self.state])

    def reason_text(self) -> str:
        return _(self.reason) if self.reason else ""
