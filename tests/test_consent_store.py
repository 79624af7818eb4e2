"""The store as the recording screens and the sync use it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from familyprivacy.consent import outbox
from familyprivacy.consent.crypto import KdfParams
from familyprivacy.consent.envelope import verify as verify_envelope
from familyprivacy.consent.envelope import verify_link
from familyprivacy.consent.errors import (
    DecisionConflict,
    StoreError,
    StoreLocked,
    UnknownRecord,
    WrongPassphrase,
)
from familyprivacy.consent.model import Capture
from familyprivacy.consent.store import Store
from tests.test_consent_model import sample_decision, sample_visit

PASS = "correct horse battery"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.create(tmp_path / "records.db", PASS, "Jo Caseworker", kdf=KdfParams.fast_for_tests())


def test_create_refuses_an_existing_file_and_starts_unlocked(tmp_path: Path, store: Store) -> None:
    assert store.is_unlocked and store.worker_name() == "Jo Caseworker"
    assert len(store.device_public_key()) == 32
    before = store.path.read_bytes()
    with pytest.raises(StoreError, match="already there"):
        Store.create(store.path, "other passphrase", "Someone Else", kdf=KdfParams.fast_for_tests())
    assert store.path.read_bytes() == before


def test_wrong_passphrase_is_refused_and_changes_nothing(store: Store) -> None:
    store.record_visit(sample_visit())
    store.close()
    files = {p: p.read_bytes() for p in store.path.parent.iterdir()}
    reopened = Store.open(store.path)
    with pytest.raises(WrongPassphrase, match="nothing was changed"):
        reopened.unlock("correct horse battery!")
    with pytest.raises(StoreLocked):
        reopened.visits()
    reopened.close()
    assert {p: p.read_bytes() for p in store.path.parent.iterdir()} == files


def test_record_and_read_back_after_reopening(store: Store) -> None:
    visit = sample_visit()
    assert store.record_visit(visit) == visit.visit_id
    decision = sample_decision(visit)
    event_id = store.record_decision(decision)
    store.close()
    with Store.open(store.path) as again:
        again.unlock(PASS)
        assert again.visits() == [visit]
        assert again.visit(visit.visit_id) == visit
        assert again.current_decisions(visit.visit_id) == {"help-and-support": decision}
        assert [e.event_id for e in again.events()][1] == event_id


def test_changes_are_new_events_and_state_is_derived(store: Store) -> None:
    visit = sample_visit()
    store.record_visit(visit)
    given = sample_decision(visit)
    research = sample_decision(visit, choice_id="research", kind="data-consent", status="deferred")
    store.record_decision(given)
    store.record_decision(research)
    withdrawn = sample_decision(visit, status="withdrawn", replaces=given.decision_id,
                                capture=Capture("verbal", None, "Witness Wanda"), reason="changed mind")
    store.record_decision(withdrawn)
    current = store.current_decisions(visit.visit_id)
    assert {k: v.status for k, v in current.items()} == {"help-and-support": "withdrawn",
                                                          "research": "deferred"}
    assert [d.status for d in store.decisions(visit.visit_id)] == ["given", "deferred", "withdrawn"]
    # the earlier decision is still there, unchanged: nothing is edited in place
    assert store.decisions(visit.visit_id)[0] == given


@pytest.mark.parametrize("bad", ["replace-replaced", "withdraw-refusal", "first-withdrawn", "stranger",
                                 "unknown-child", "no-replaces", "other-kind"])
def test_decisions_that_do_not_fit_are_refused(store: Store, bad: str) -> None:
    visit = sample_visit()
    store.record_visit(visit)
    first = sample_decision(visit, status="refused")
    store.record_decision(first)
    second = sample_decision(visit, status="given", replaces=first.decision_id)
    store.record_decision(second)
    attempt = {
        "replace-replaced": sample_decision(visit, status="deferred", replaces=first.decision_id),
        "withdraw-refusal": sample_decision(visit, choice_id="x", status="withdrawn"),
        "first-withdrawn": sample_decision(visit, choice_id="y", status="withdrawn"),
        "stranger": sample_decision(visit, choice_id="z", grantor_ids=("g9",)),
        "unknown-child": sample_decision(visit, choice_id="z", child_ids=("c9",)),
        "no-replaces": sample_decision(visit, status="withdrawn"),
        "other-kind": sample_decision(visit, status="withdrawn", kind="data-consent",
                                      replaces=second.decision_id),
    }[bad]
    before = store.outbox_status()
    with pytest.raises(DecisionConflict):
        store.record_decision(attempt)
    assert store.outbox_status() == before
    assert len(store.decisions(visit.visit_id)) == 2


def test_unknown_visit_and_duplicate_visit(store: Store) -> None:
    visit = sample_visit()
    with pytest.raises(UnknownRecord):
        store.record_decision(sample_decision(visit))
    store.record_visit(visit)
    with pytest.raises(StoreError, match="already recorded"):
        store.record_visit(visit)
    with pytest.raises(UnknownRecord):
        store.visit("no-such-visit")


def test_find_by_case_reference(store: Store) -> None:
    a, b = sample_visit(), sample_visit(case_reference="CH-99999")
    c = dataclasses.replace(a, visit_id="later-visit", started_at="2026-11-26T09:00:00Z", ended_at=None)
    for v in (a, b, c):
        store.record_visit(v)
    assert [v.visit_id for v in store.find_by_case_reference(" ch-12345 ")] == [a.visit_id, "later-visit"]
    assert store.find_by_case_reference("CH-00000") == []
    store.lock()
    with pytest.raises(StoreLocked):
        store.find_by_case_reference("CH-12345")


def test_locked_store_reads_and_writes_nothing(store: Store) -> None:
    visit = sample_visit()
    store.lock()
    for call in (lambda: store.record_visit(visit), store.visits, lambda: store.outbox_pending(10),
                 store.worker_name):
        with pytest.raises(StoreLocked, match="unlock"):
            call()
    store.unlock(PASS)
    store.record_visit(visit)


def test_outbox_semantics_for_the_sync(store: Store) -> None:
    visit = sample_visit()
    store.record_visit(visit)
    store.record_decision(sample_decision(visit))
    other = sample_visit(case_reference="CH-2")
    store.record_visit(other)
    assert store.outbox_status() == {"waiting": 3, "sent": 0, "confirmed": 0, "problem": 0}
    pending = store.outbox_pending(10)
    assert [e.seq for e in pending] == [1, 2, 3]
    public = Ed25519PublicKey.from_public_bytes(store.device_public_key())
    for previous, env in zip([None, *pending], pending, strict=False):
        verify_envelope(env, public)  # bodies decrypted and matching their hashes
        verify_link(previous, env)
    assert pending[0].body == visit.to_body()
    assert [e.seq for e in store.outbox_pending(2)] == [1, 2]
    ids = [e.event_id for e in pending]
    store.mark_sent(ids)
    store.mark_problem([ids[2]], "inbox refused: unknown device")
    assert store.outbox_problems() == [(ids[2], "inbox refused: unknown device")]
    store.mark_confirmed(ids[:2])
    store.mark_sent(ids[:1])  # a late duplicate does not undo a confirmation
    assert store.outbox_status() == {"waiting": 0, "sent": 0, "confirmed": 2, "problem": 1}
    assert [e.seq for e in store.outbox_pending(10)] == [3]
    with pytest.raises(UnknownRecord, match="nothing was marked"):
        store.mark_confirmed([ids[2], "no-such-event"])
    assert store.outbox_status()["problem"] == 1


class OutboxClock:
    """Stands in for ``time`` in consent.outbox: the test says when time passes."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def time(self) -> float:
        return self.now


def test_erase_only_whole_confirmed_visits_and_chain_still_verifies(store: Store,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    clock = OutboxClock()
    monkeypatch.setattr(outbox, "time", clock)
    first, second = sample_visit(), sample_visit(case_reference="CH-2")
    store.record_visit(first)
    store.record_visit(second)
    store.record_decision(sample_decision(first))
    store.record_decision(sample_decision(second))
    ids = [e.event_id for e in store.outbox_pending(10)]
    store.mark_confirmed(ids[:3])  # first visit's decision (seq 3) confirmed, second's decision not
    assert store.erase_confirmed_bodies(older_than_seconds=3600) == 0  # too recent
    assert store.erase_confirmed_bodies() == 2  # seq 1 and 3: the whole first visit
    assert [v.visit_id for v in store.visits()] == [second.visit_id]
    with pytest.raises(UnknownRecord, match="erased"):
        store.current_decisions(first.visit_id)
    report = store.verify()
    assert (report.events, report.bodies_erased, report.bodies_checked) == (4, 2, 2)
    store.mark_confirmed(ids[3:])
    clock.now += 3599
    assert store.erase_confirmed_bodies(older_than_seconds=3600) == 0  # confirmed 3599 s ago
    clock.now += 1
    assert store.erase_confirmed_bodies(older_than_seconds=3600) == 2
    assert store.visits() == [] and store.verify().bodies_erased == 4


def test_change_passphrase_rewraps_the_key(store: Store) -> None:
    store.record_visit(sample_visit())
    store.change_passphrase("a new passphrase", kdf=KdfParams.fast_for_tests())
    store.close()
    with Store.open(store.path) as again:
        with pytest.raises(WrongPassphrase):
            again.unlock(PASS)
        again.unlock("a new passphrase")
        assert len(again.visits()) == 1


def test_workers_do_not_see_each_other(tmp_path: Path) -> None:
    kdf = KdfParams.fast_for_tests
    mine = Store.create(tmp_path / "a" / "records.db", "pass A pass", "Worker A", kdf=kdf())
    theirs = Store.create(tmp_path / "b" / "records.db", "pass B pass", "Worker B", kdf=kdf())
    mine.record_visit(sample_visit())
    assert theirs.visits() == [] and theirs.device_id != mine.device_id
    theirs.close()
    with Store.open(tmp_path / "b" / "records.db") as again, pytest.raises(WrongPassphrase):
        again.unlock("pass A pass")


def test_an_invalid_visit_is_refused_before_anything_is_written(store: Store) -> None:
    from familyprivacy.consent.model import ModelError

    with pytest.raises(ModelError, match=r"visit\.case_reference"):
        store.record_visit(sample_visit(case_reference=" "))
    assert store.outbox_status()["waiting"] == 0 and store.verify().events == 0


def test_create_never_replaces_a_file_that_appears_meanwhile(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from familyprivacy.consent import schema

    target = tmp_path / "records.db"
    real_create = schema.create

    def someone_else_writes_there(conn: object) -> None:
        real_create(conn)  # type: ignore[arg-type]
        target.write_bytes(b"another worker's file")

    monkeypatch.setattr(schema, "create", someone_else_writes_there)
    with pytest.raises(StoreError, match="appeared there"):
        Store.create(target, PASS, "Jo Caseworker", kdf=KdfParams.fast_for_tests())
    assert target.read_bytes() == b"another worker's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.db"]


@pytest.mark.parametrize("field", ["case_reference", "name", "reason"])
def test_a_new_record_with_control_characters_is_refused_as_the_inbox_would(tmp_path: Path,
                                                                          field: str) -> None:
    """The inbox refuses control characters in a record's text; the laptop says so when the record is
    made, so nothing is kept that could never sync (a reason may still hold new lines and tabs)."""
    from familyprivacy.consent.checks import ModelError

    store = Store.create(tmp_path / "records.db", PASS, "Jo Caseworker", kdf=KdfParams.fast_for_tests())
    visit = sample_visit()
    if field == "case_reference":
        visit = dataclasses.replace(visit, case_reference="CH-1\x1b[2J")
    elif field == "name":
        visit = dataclasses.replace(visit, grantors=(dataclasses.replace(visit.grantors[0], name="Ann\x07"),))
    if field != "reason":
        with pytest.raises(ModelError, match="control characters"):
            store.record_visit(visit)
        return
    store.record_visit(visit)
    store.record_decision(dataclasses.replace(sample_decision(visit), reason="Line one\n\tline two"))
    with pytest.raises(ModelError, match=r"decision\.reason: must not contain control characters"):
        store.record_decision(dataclasses.replace(sample_decision(visit), reason="Line\r\x00"))
