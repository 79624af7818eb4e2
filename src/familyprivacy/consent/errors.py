"""Errors the records store raises.

Every message names what went wrong and where (a file, a field path, an event's
sequence number) and never carries a name, a reference or a choice, so any of
them may be shown or logged as they are.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base of every records-store error."""


class WrongPassphrase(StoreError):
    """The passphrase does not unlock this store. Nothing was changed."""


class StoreLocked(StoreError):
    """The operation needs the store unlocked with the worker's passphrase."""


class NotAStore(StoreError):
    """The file is missing, is not a SQLite database, or is not a records store."""


class StoreCorrupt(StoreError):
    """The file is a records store but cannot be read: truncated, damaged, or keyed for another store."""


class SchemaTooNew(StoreError):
    """The store was written by a newer version of the app; it is left untouched."""


class UnknownRecord(StoreError, KeyError):
    """No visit, decision or event with that id in this store."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "unknown record"


class DecisionConflict(StoreError):
    """A decision that does not fit the ones before it (replaces a replaced one, withdraws a refusal…)."""


class ChainBroken(StoreError):
    """``verify`` found a broken link; ``seq`` is the first event that fails (0 for the store itself)."""

    def __init__(self, seq: int, message: str) -> None:
        super().__init__(message)
        self.seq = seq


class SavesLost(ChainBroken):
    """``verify`` found the store behind what was acknowledged to the worker or confirmed by the inbox
    (the anchor file beside the store says so), or the anchor itself missing or not this store's.
    ``seq`` is the first event that is missing or differs (0 when no single event can be named)."""


class IndexDamaged(ChainBroken):
    """``verify`` found damage only in the file's indexes; ``records repair`` rebuilds them from the rows."""

    def __init__(self, message: str) -> None:
        super().__init__(0, message)
