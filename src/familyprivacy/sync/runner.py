"""Draining the outbox: one run the UI can call in a worker, and a background thread that retries.

Nothing is marked confirmed before the inbox has answered "stored" or "already
had it" for that very event, so a batch cut at any point is simply sent again;
the inbox keeps exactly one copy.

The device token is read from the store (``Outbox.secret``) only when a client
is opened, so it never sits in the settings and a store enrolled meanwhile is
picked up at the next attempt.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from familyprivacy.consent.errors import StoreLocked
from familyprivacy.i18n import N_
from familyprivacy.sync.client import InboxClient, SyncProblem
from familyprivacy.sync.outbox import DEVICE_TOKEN, Outbox
from familyprivacy.sync.settings import SyncSettings
from familyprivacy.sync.status import SyncState, SyncStatus

log = logging.getLogger("familyprivacy.sync")
StatusListener = Callable[[SyncStatus], None]
ClientFactory = Callable[[SyncSettings, str], InboxClient]  # (settings, this store's device token)
NOT_SET_UP = N_("This laptop is not set up for sync yet.")


@dataclass
class RunReport:
    confirmed: int = 0
    problems: int = 0
    erased: int = 0
    erase_after_seconds: int = 0  # the period used: the council's, as the inbox said, else the settings'
    problem_reasons: list[str] = field(default_factory=list)


def _now() -> datetime:
    return datetime.now(UTC)


def open_client(outbox: Outbox, settings: SyncSettings, timeout: float = 60.0) -> InboxClient:
    """A client that speaks for this store, with the token the store holds; ``SyncProblem`` if none."""
    token = outbox.secret(DEVICE_TOKEN) if settings.server_url else None
    if not token:
        raise SyncProblem(NOT_SET_UP, retry=False)
    return InboxClient(settings.server_url, token, timeout=timeout)


def sync_once(outbox: Outbox, client: InboxClient | None, settings: SyncSettings,
              on_status: StatusListener | None = None) -> RunReport:
    """Push every pending event, batch by batch, then erase what the council set to erase.

    With ``client`` None, opens one with the store's own token (``open_client``) and closes it after.
    Raises ``SyncProblem`` when the exchange fails; what was confirmed before stays confirmed.
    """
    if client is None:
        with open_client(outbox, settings) as own:
            return sync_once(outbox, own, settings, on_status)
    report = RunReport()
    batch_size = settings.batch_size
    seen: set[str] = set()
    while True:
        batch = outbox.outbox_pending(batch_size)
        if not batch or all(e.event_id in seen for e in batch):
            break
        ids = [e.event_id for e in batch]
        seen.update(ids)
        outbox.mark_sent(ids)
        if on_status:
            on_status(SyncStatus(SyncState.SENT, counts=outbox.outbox_status(),
                                 confirmed_now=report.confirmed, updated=_now()))
        try:
            replies = client.push(batch)
        except SyncProblem as problem:
            if problem.status == 413 and batch_size > 1:
                batch_size = max(1, batch_size // 2)
                seen.difference_update(ids)
                continue
            raise
        good = [r.event_id for r in replies if r.outcome in ("stored", "duplicate")]
        if good:
            outbox.mark_confirmed(good)
            report.confirmed += len(good)
        refused = [r for r in replies if r.outcome in ("conflict", "invalid")]
        for reply in refused:
            outbox.mark_problem([reply.event_id], reply.reason or reply.outcome)
            log.warning("the inbox refused an event: %s", reply.outcome)
        if refused:
            report.problems += len(refused)
            report.problem_reasons.extend(sorted({r.outcome for r in refused}))
            break  # the events after a refused one cannot link to the chain either
    period = client.erase_after_seconds
    report.erase_after_seconds = settings.erase_after_seconds if period is None else period
    report.erased = outbox.erase_confirmed_bodies(older_than_seconds=report.erase_after_seconds)
    return report


def status_after(report: RunReport, counts: dict[str, int]) -> SyncStatus:
    if report.problems:
        return SyncStatus(SyncState.PROBLEM, N_("The council's inbox refused some records. "
                                                "Ask the administrator to look at this laptop."),
                          counts, report.confirmed, report.erased, report.problems, updated=_now())
    return SyncStatus(SyncState.CONFIRMED, "", counts, report.confirmed, report.erased, updated=_now())


def backoff_delay(attempt: int, rng: random.Random, base: float, cap: float) -> float:
    """Exponential backoff with full jitter: laptops coming back online do not all retry together."""
    return rng.uniform(base / 2, min(cap, base * 2 ** max(0, attempt - 1)))


class BackgroundSync:
    """A plain thread that drains the outbox, retries with backoff, and reports each change of status.

    ``outbox_factory`` is called in the sync thread, so a store that must stay in
    one thread can be opened there. ``on_status`` is called from the sync
    thread; a Qt UI forwards it to the GUI thread with a queued signal.
    """

    def __init__(self, outbox_factory: Callable[[], Outbox], settings: SyncSettings,
                 on_status: StatusListener | None = None, *, base_delay: float = 5.0,
                 max_delay: float = 900.0, idle_interval: float = 300.0,
                 rng: random.Random | None = None,
                 client_factory: ClientFactory | None = None,
                 on_settings: Callable[[SyncSettings], None] | None = None) -> None:
        self._outbox_factory = outbox_factory
        self._settings = settings
        self._on_status = on_status
        self._on_settings = on_settings  # told when the council's erasure period changes, to save it
        self._base, self._cap, self._idle = base_delay, max_delay, idle_interval
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not secrecy
        self._client_factory: ClientFactory = client_factory or (
            lambda s, token: InboxClient(s.server_url, token))
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._status = SyncStatus(SyncState.WAITING, updated=_now())
        self._thread: threading.Thread | None = None

    @property
    def status(self) -> SyncStatus:
        with self._lock:
            return self._status

    def _publish(self, status: SyncStatus) -> None:
        with self._lock:
            self._status = status
        if self._on_status:
            try:
                self._on_status(status)
            except Exception:  # a broken listener must not stop sync
                log.exception("a sync status listener failed")

    def _adopt_period(self, period: int) -> None:
        if period != self._settings.erase_after_seconds:
            self._settings = self._settings.with_changes(erase_after_seconds=period)
            if self._on_settings:
                self._on_settings(self._settings)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="familyprivacy-sync", daemon=True)
            self._thread.start()

    def sync_now(self) -> None:
        """Try at once, skipping any backoff wait."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        outbox: Outbox | None = None
        attempt = 0
        while not self._stop.is_set():
            delay = self._idle
            try:
                outbox = outbox or self._outbox_factory()
                token = outbox.secret(DEVICE_TOKEN) if self._settings.server_url else None  # StoreLocked
                if not token:
                    self._publish(SyncStatus(SyncState.PROBLEM, NOT_SET_UP, _counts(outbox), updated=_now()))
                else:
                    with self._client_factory(self._settings, token) as client:
                        report = sync_once(outbox, client, self._settings, self._publish)
                    attempt = 0
                    self._adopt_period(report.erase_after_seconds)
                    self._publish(status_after(report, _counts(outbox)))
            except SyncProblem as problem:
                attempt += 1
                delay = backoff_delay(attempt, self._rng, self._base, self._cap)
                state = SyncState.WAITING if problem.retry else SyncState.PROBLEM
                self._publish(SyncStatus(state, problem.message, _counts(outbox),
                                         next_attempt=_now() + timedelta(seconds=delay), updated=_now()))
            except StoreLocked:
                attempt += 1
                delay = backoff_delay(attempt, self._rng, self._base, self._cap)
                self._publish(SyncStatus(SyncState.WAITING, N_("The records are locked. Sync goes on once "
                                                               "the worker unlocks them."),
                                         next_attempt=_now() + timedelta(seconds=delay), updated=_now()))
            except Exception as exc:
                attempt += 1
                delay = backoff_delay(attempt, self._rng, self._base, self._cap)
                log.error("sync failed unexpectedly: %s", type(exc).__name__)  # not the message: personal?
                self._publish(SyncStatus(SyncState.PROBLEM, N_("Sync stopped on an unexpected error. "
                                                               "It will try again."),
                                         next_attempt=_now() + timedelta(seconds=delay), updated=_now()))
            self._wake.wait(delay)
            self._wake.clear()


def _counts(outbox: Outbox | None) -> dict[str, int]:
    """The store's counts, or none if it cannot say (locked, say): a status must always be published."""
    if outbox is None:
        return {}
    try:
        return outbox.outbox_status()
    except Exception:
        return {}
