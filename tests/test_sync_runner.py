"""The laptop's sync against a real inbox on loopback: confirm, erase, report problems, back off."""

from __future__ import annotations

import json
import os
import random
import threading
from pathlib import Path

import pytest

from familyprivacy.consent.crypto import KdfParams
from familyprivacy.consent.envelope import Envelope, seal
from familyprivacy.consent.errors import StoreLocked
from familyprivacy.consent.model import Capture, Child, Decision, Grantor, Interpreter, Visit, Worker
from familyprivacy.consent.store import Store
from familyprivacy.server import admin
from familyprivacy.sync import settings as sync_settings
from familyprivacy.sync.client import InboxClient, SyncProblem
from familyprivacy.sync.enrolment import enrol, is_enrolled
from familyprivacy.sync.outbox import DEVICE_TOKEN
from familyprivacy.sync.runner import BackgroundSync, backoff_delay, open_client, status_after, sync_once
from familyprivacy.sync.settings import SettingsError, SyncSettings
from familyprivacy.sync.status import SyncState, SyncStatus
from tests.conftest_pg import FakeOutbox, InboxServer, free_port, start_server
from tests.waiting import HANG_GUARD, wait_until


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> InboxServer:
    return start_server("sqlite", tmp_path_factory.mktemp("sync"), request, "--max-events", "4")


def _stop(sync: BackgroundSync) -> None:
    """Stop the sync thread and check that it did stop (a join can time out quietly)."""
    sync.stop(HANG_GUARD)
    assert sync._thread is None or not sync._thread.is_alive(), "the sync thread did not stop"


def _laptop(server: InboxServer, visits: int = 2) -> tuple[FakeOutbox, SyncSettings]:
    outbox = FakeOutbox()
    outbox.add_visits(visits)
    server.enrol(outbox)  # the token is kept by the outbox, as the store keeps it
    return outbox, SyncSettings(server.url, batch_size=3)


def test_sync_confirms_then_erases_at_once_by_default(server: InboxServer) -> None:
    outbox, settings = _laptop(server, visits=3)
    report = sync_once(outbox, None, settings)  # opens its client with the outbox's own token
    assert (report.confirmed, report.problems, report.erased) == (9, 0, 9)
    assert outbox.erase_periods == [0]
    assert all(e.body is None for e in outbox.events)
    assert server.count(outbox.device_id) == 9
    status = status_after(report, outbox.outbox_status())
    assert status.state is SyncState.CONFIRMED and status.erased == 9
    assert status.label() == "All records confirmed by the council"


def test_the_councils_period_comes_from_the_inbox(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    week = 7 * 86400
    council = start_server("sqlite", tmp_path, request, "--erase-after", str(week))
    laptop = FakeOutbox()
    settings = enrol(council.url, admin.add_enrolment_code(council.engine), laptop)
    assert settings.erase_after_seconds == week  # told at enrolment, saved with the token
    laptop.add_visits(2)
    with open_client(laptop, settings) as client:
        report = sync_once(laptop, client, settings.with_changes(erase_after_seconds=0))
    assert report.erase_after_seconds == week and report.erased == 0
    assert laptop.erase_periods == [week]  # the inbox's word beats a stale local setting
    assert all(e.body is not None for e in laptop.events)

    saved: list[SyncSettings] = []
    sync = BackgroundSync(lambda: laptop, settings.with_changes(erase_after_seconds=60),
                          on_settings=saved.append, idle_interval=60)
    laptop.add_visits(1)
    sync.start()
    try:
        wait_until(lambda: saved, "the background sync to save the council's period")
    finally:
        _stop(sync)
    assert saved[-1].erase_after_seconds == week


def test_without_word_from_the_inbox_the_settings_period_is_used(server: InboxServer) -> None:
    idle = FakeOutbox()  # nothing to send, so nothing heard from the inbox this run
    server.enrol(idle)
    settings = SyncSettings(server.url, erase_after_seconds=3600)
    with open_client(idle, settings) as client:
        assert sync_once(idle, client, settings).erase_after_seconds == 3600
    assert idle.erase_periods == [3600]


def test_an_oversized_batch_is_split_until_the_inbox_takes_it(server: InboxServer) -> None:
    outbox, settings = _laptop(server, visits=4)
    settings = settings.with_changes(batch_size=10)  # the server takes at most 4
    with open_client(outbox, settings) as client:
        report = sync_once(outbox, client, settings)
    assert report.confirmed == 12 and server.count(outbox.device_id) == 12


def test_a_refused_event_is_a_problem_and_nothing_after_it_is_confirmed(server: InboxServer) -> None:
    outbox, settings = _laptop(server, visits=1)
    with open_client(outbox, settings) as client:
        sync_once(outbox, client, settings)
        # a second laptop wrongly reuses this device's key and id: its events cannot link
        rogue = FakeOutbox()
        rogue.device_id, rogue.key = outbox.device_id, outbox.key
        rogue.add_visits(1)
        report = sync_once(rogue, client, settings)
    assert report.problems == 3 and report.confirmed == 0
    assert rogue.outbox_status()["problem"] == 3
    assert "chain" in next(iter(rogue.reasons.values()))
    status = status_after(report, rogue.outbox_status())
    assert status.state is SyncState.PROBLEM and "refused" in status.reason_text()


def test_changed_content_under_a_known_id_is_a_problem(server: InboxServer) -> None:
    outbox, settings = _laptop(server, visits=1)
    body = dict(outbox.events[0].body or {})  # before sync erases it
    with open_client(outbox, settings) as client:
        sync_once(outbox, client, settings)
        altered = FakeOutbox()
        altered.device_id, altered.key = outbox.device_id, outbox.key
        first = outbox.events[0]
        header = {k: v for k, v in first.header.items() if k not in ("v", "body_sha256")}
        altered.events.append(seal(header, dict(body, case_reference="CH-99"), outbox.key))
        altered.state[first.event_id] = "waiting"
        report = sync_once(altered, client, settings)
    assert report.problems == 1 and altered.reasons[first.event_id] == "same id, different content"


def test_revoked_laptop_is_told_plainly(server: InboxServer) -> None:
    outbox, settings = _laptop(server, visits=1)
    admin.revoke_device(server.engine, outbox.device_id)
    with open_client(outbox, settings) as client, pytest.raises(SyncProblem) as caught:
        sync_once(outbox, client, settings)
    assert caught.value.status == 403 and not caught.value.retry
    assert "switched off sync" in caught.value.message
    assert outbox.outbox_status()["confirmed"] == 0


def test_backoff_grows_with_jitter_and_stays_under_the_cap() -> None:
    rng = random.Random(1)
    samples = {attempt: [backoff_delay(attempt, rng, 5.0, 900.0) for _ in range(200)]
               for attempt in (1, 4, 20)}
    assert max(samples[1]) <= 5.0 and max(samples[4]) <= 40.0 and max(samples[20]) <= 900.0
    assert min(min(s) for s in samples.values()) >= 2.5
    assert max(samples[20]) > 500  # it really grows
    assert len(set(samples[4])) > 150  # jitter: laptops do not retry in step


def test_background_sync_waits_then_sync_now_confirms(server: InboxServer) -> None:
    outbox, settings = _laptop(server, visits=2)
    target = {"url": f"http://127.0.0.1:{free_port()}"}  # nothing listens here yet
    seen: list[SyncStatus] = []
    changed = threading.Condition()

    def listen(status: SyncStatus) -> None:
        with changed:
            seen.append(status)
            changed.notify_all()

    def wait_for(state: SyncState) -> SyncStatus:
        return wait_until(lambda: next((s for s in seen if s.state is state), None),
                          f"the background sync to publish {state.value}", condition=changed)

    day = 86400.0  # the backoff after the failure: 12 to 24 hours, so only sync_now can bring the retry
    sync = BackgroundSync(lambda: outbox, settings, listen, base_delay=day, max_delay=day, idle_interval=day,
                          client_factory=lambda s, token: InboxClient(target["url"], token,
                                                                      timeout=HANG_GUARD))
    sync.start()
    try:
        waiting = wait_for(SyncState.WAITING)
        assert "cannot be reached" in waiting.reason_text()
        assert waiting.next_attempt is not None and waiting.counts["confirmed"] == 0
        target["url"] = server.url
        sync.sync_now()
        confirmed = wait_for(SyncState.CONFIRMED)
        assert confirmed.updated is not None and confirmed.updated < waiting.next_attempt  # backoff skipped
        assert [s.state for s in seen].count(SyncState.WAITING) == 1  # one failed attempt, then this one
        assert confirmed.counts["confirmed"] == 6 and confirmed.erased == 6
        assert any(s.state is SyncState.SENT for s in seen)
        assert sync.status.state is SyncState.CONFIRMED
    finally:
        _stop(sync)


class LockedOutbox(FakeOutbox):
    """The worker locked the app: the store cannot decrypt bodies or even count."""

    def outbox_pending(self, limit: int) -> list[Envelope]:
        raise StoreLocked("locked")

    def outbox_status(self) -> dict[str, int]:
        raise StoreLocked("locked")


def test_a_locked_store_means_waiting_not_a_dead_thread(server: InboxServer) -> None:
    outbox = LockedOutbox()
    server.enrol(outbox)
    settings = SyncSettings(server.url)
    attempts: list[SyncStatus] = []  # each attempt publishes its outcome once
    sync = BackgroundSync(lambda: outbox, settings, attempts.append, base_delay=0.05, max_delay=0.1)
    sync.start()
    try:
        wait_until(lambda: len(attempts) >= 5, "five attempts of the background sync on a locked store")
        assert all(s.state is SyncState.WAITING for s in attempts), attempts
        assert all("records are locked" in s.reason_text() for s in attempts), attempts
        assert sync._thread is not None and sync._thread.is_alive()  # several retries later, still alive
    finally:
        _stop(sync)


def test_background_sync_not_set_up_is_a_problem() -> None:
    outbox = FakeOutbox()
    sync = BackgroundSync(lambda: outbox, SyncSettings(), idle_interval=60)
    sync.start()
    try:
        wait_until(lambda: sync.status.state is SyncState.PROBLEM, "the background sync to report a problem")
        assert sync.status.reason_text() == "This laptop is not set up for sync yet."
    finally:
        _stop(sync)


def _real_store(path: Path) -> Store:
    store = Store.create(path, "correct horse", "Sam Worker", kdf=KdfParams.fast_for_tests())
    visit = Visit(council_id="stockton", notice_id="stockton/childrens-social-care", case_reference="CH-1",
                  grantors=(Grantor("g1", "Aleksandra Nowak", "mother"),), children=(Child("c1", "Zofia"),),
                  worker=Worker("Sam Worker", "w1"), started_at="2026-11-25T10:00:00Z", ended_at=None,
                  language="pl", content_fingerprint="sha256:" + "f" * 64,
                  interpreter=Interpreter("phone", "pl", "INT-1"))
    store.record_visit(visit)
    for choice in ("help-and-support", "research"):
        store.record_decision(Decision(
            visit_id=visit.visit_id, choice_id=choice, kind="service-agreement", status="given",
            grantor_ids=("g1",), child_ids=("c1",), capture=Capture("verbal", witness="Pat"),
            recorded_by="Sam Worker", language="pl", content_fingerprint="sha256:" + "f" * 64))
    return store


def test_the_real_store_syncs_and_erases_after_confirmation(server: InboxServer, tmp_path: Path) -> None:
    store = _real_store(tmp_path / "records.db")
    settings = enrol(server.url, admin.add_enrolment_code(server.engine), store)
    report = sync_once(store, None, settings)
    assert report.confirmed == 3 and report.problems == 0 and report.erased == 3
    assert store.outbox_status()["confirmed"] == 3
    assert server.count(store.device_id) == 3
    check = store.verify()  # the chain still verifies with the bodies gone
    assert (check.events, check.bodies_erased) == (3, 3)
    store.close()


def test_the_real_store_drains_from_the_background_thread(server: InboxServer, tmp_path: Path) -> None:
    store = _real_store(tmp_path / "records.db")
    settings = enrol(server.url, admin.add_enrolment_code(server.engine), store)
    sync = BackgroundSync(lambda: store, settings, idle_interval=60)
    sync.start()
    try:
        wait_until(lambda: sync.status.state is SyncState.CONFIRMED,
                   "the background sync to confirm the real store's events")
    finally:
        _stop(sync)
    assert sync.status.counts["confirmed"] == 3 and sync.status.erased == 3
    assert set(server.event_ids(store.device_id)) == {e.event_id for e in store.events()}
    store.close()


def test_enrolment_saves_the_settings_and_a_bad_code_saves_nothing(server: InboxServer) -> None:
    laptop = FakeOutbox()
    with pytest.raises(SyncProblem, match="not right"):
        enrol(server.url, "wrong-code", laptop)
    assert not sync_settings.settings_path().exists() and laptop.secrets == {}
    with pytest.raises(SettingsError, match="https"):
        enrol("http://inbox.council.example", "x", laptop)
    saved = enrol(server.url + "/", " " + admin.add_enrolment_code(server.engine) + "\n", laptop)
    assert saved.server_url == server.url and is_enrolled(saved, laptop)
    assert sync_settings.load() == saved
    laptop.add_visits(1)
    assert sync_once(laptop, None, saved).confirmed == 3


def _raw_settings() -> str:
    return sync_settings.settings_path().read_text(encoding="utf-8")


def test_the_token_lives_in_each_workers_store_never_in_the_settings(server: InboxServer, tmp_path: Path
                                                                     ) -> None:
    first = _real_store(tmp_path / "workers" / "sam" / "records.db")
    second = _real_store(tmp_path / "workers" / "jo" / "records.db")  # same laptop, same sync.json
    saved = enrol(server.url, admin.add_enrolment_code(server.engine), first)
    token = first.secret(DEVICE_TOKEN)
    assert token and is_enrolled(saved, first)
    raw = _raw_settings()
    assert token not in raw and "token" not in raw
    assert set(json.loads(raw)) == {"version", "server_url", "erase_after_seconds", "batch_size"}
    for name in os.listdir(first.path.parent):  # nor in the store's own files, in clear
        assert token.encode() not in (first.path.parent / name).read_bytes(), name

    # the second worker's store is its own device: not enrolled, and sync says so and sends nothing
    assert not is_enrolled(saved, second) and second.secret(DEVICE_TOKEN) is None
    with pytest.raises(SyncProblem, match="not set up") as caught:
        sync_once(second, None, saved)
    assert not caught.value.retry and second.outbox_status()["confirmed"] == 0
    sync = BackgroundSync(lambda: second, saved, idle_interval=60)
    sync.start()
    try:
        wait_until(lambda: sync.status.state is SyncState.PROBLEM,
                   "the background sync to report the unenrolled store")
    finally:
        _stop(sync)
    assert sync.status.reason_text() == "This laptop is not set up for sync yet."
    assert server.count(second.device_id) == 0

    # until it enrols itself, with its own code; then each store syncs under its own token
    again = enrol(server.url, admin.add_enrolment_code(server.engine), second)
    other = second.secret(DEVICE_TOKEN)
    assert other and other != token and is_enrolled(again, second) and is_enrolled(again, first)
    assert token not in _raw_settings() and other not in _raw_settings()
    assert sync_once(second, None, again).confirmed == 3
    assert sync_once(first, None, again).confirmed == 3
    assert server.count(second.device_id) == 3 and server.count(first.device_id) == 3

    # the token outlives locking and reopening, and a locked store cannot give it away
    first.close()
    reopened = Store.open(first.path)
    with pytest.raises(StoreLocked):
        is_enrolled(again, reopened)
    reopened.unlock("correct horse")
    assert reopened.secret(DEVICE_TOKEN) == token
    reopened.close()
    second.close()


def test_a_locked_store_cannot_enrol_and_the_code_is_not_spent(server: InboxServer, tmp_path: Path) -> None:
    store = _real_store(tmp_path / "records.db")
    store.lock()
    code = admin.add_enrolment_code(server.engine)
    with pytest.raises(StoreLocked):
        enrol(server.url, code, store)
    assert not sync_settings.settings_path().exists()
    store.unlock("correct horse")
    assert is_enrolled(enrol(server.url, code, store), store)  # the same code still works
    store.close()
