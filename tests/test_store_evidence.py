"""Evidence nobody can bend (issue 17, the laptop's half): what ``verify`` must never pass as OK.

Each finding of the attack on the laptop store is reproduced here:

7. a bit flip in, or a truncation of, the ``-wal`` file after a crash drops acknowledged saves and the
   head seal with them: ``verify`` must report the loss (the anchor file beside the store keeps the last
   acknowledged save), or the store must be refused; never OK;
8. an edited outbox state (a never-synced event set to confirmed, its body erased) and a file put back
   from an older copy: both reported;
9. a flipped key in an index: ``verify`` names an index problem, ``records repair`` rebuilds the indexes
   from the signed rows, and then ``verify`` is OK and ``records list`` works;
10. damaged or weakened key settings are said to be damaged or weakened, never a wrong passphrase;
11. no worker's name in any path, and the data folder private (0700 folders, 0600 files).

The WAL cases use the crash harness of ``test_consent_crash.py``: a forked child saves until SIGKILL,
then the test damages the ``-wal`` file it left, inside the part that held acknowledged saves.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import shutil
import sqlite3
import sys
from collections import Counter
from pathlib import Path

import pytest

from familyprivacy import paths
from familyprivacy.cli import main
from familyprivacy.consent import anchor as anchor_module
from familyprivacy.consent import crypto
from familyprivacy.consent.crypto import KdfParams
from familyprivacy.consent.errors import ChainBroken, StoreCorrupt, StoreError, WrongPassphrase
from familyprivacy.consent.store import Store
from tests.test_consent_crash import PASS as CRASH_PASS
from tests.test_consent_crash import KillPoint, _kill_at
from tests.test_consent_model import sample_decision, sample_visit
from tests.test_consent_tamper import attacker
from tests.waiting import pick_seed

PASS = "evidence test passphrase"
FIXTURES = Path(__file__).parent / "fixtures" / "consent"
FIXTURE_PASS = "schema fixture passphrase"  # as in fixtures/consent/make_fixture.py
WAL_FLIPS, WAL_TRUNCATIONS = 30, 15
LOSS = re.compile(r"(\d+) events present, (\d+) acknowledged: (\d+) lost, last seen at \S+Z")
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto.KdfParams, "default", crypto.KdfParams.fast_for_tests)


def anchor_of(path: Path) -> Path:
    return path.with_name(path.name + ".anchor")


def _store(folder: Path, visits: int = 1, decisions: int = 1) -> Store:
    store = Store.create(folder / "records.db", PASS, "Jo Caseworker", kdf=KdfParams.fast_for_tests())
    for v in range(visits):
        visit = sample_visit(visit_id=f"visit-{v}", case_reference=f"CH-{v}")
        store.record_visit(visit)
        for d in range(decisions):
            store.record_decision(sample_decision(visit, choice_id=f"choice-{d}"))
    return store


def _verify(path: Path, passphrase: str = PASS) -> None:
    with Store.open(path) as store:
        store.unlock(passphrase)
        store.verify()


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str,
        stdin: str = PASS + "\n") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    status = main(["records", *argv])
    out, err = capsys.readouterr()
    return status, out, err


# --- 7. the -wal file damaged after a crash --------------------------------------------------------------

def commit_ends(wal: bytes) -> list[int]:
    """The offset just after each committed transaction's last frame in a WAL file, in order."""
    if len(wal) < 32:
        return []
    page_size = int.from_bytes(wal[8:12], "big") or 65536
    salt, frame, offset, ends = wal[16:24], 24 + page_size, 32, []
    while offset + frame <= len(wal) and wal[offset + 8:offset + 16] == salt:
        if int.from_bytes(wal[offset + 4:offset + 8], "big"):  # the database size: set on a commit frame
            ends.append(offset + frame)
        offset += frame
    return ends


def _damaged_wal_case(base: Path, folder: Path, rng: random.Random, how: str, case: int) -> tuple[str, str]:
    """Crash a saving child, damage the -wal inside its acknowledged saves, and say what verify made of it:
    ("lost", message), ("refused", message) or ("ok", report)."""
    folder.mkdir()
    for name in ("records.db", "records.db.anchor"):
        if (base.parent / name).exists():
            shutil.copy2(base.parent / name, folder / name)
    path = folder / "records.db"
    lines = _kill_at(path, case, KillPoint("acked", 0, acked=rng.randint(1, 10)))
    acked = sum(line.startswith(("V ", "D ")) for line in lines)
    wal_path = folder / "records.db-wal"
    wal = wal_path.read_bytes()
    ends = commit_ends(wal)
    assert len(ends) >= acked, f"case {case}: {len(ends)} commits in the WAL, {acked} saves acknowledged"
    at = rng.randrange(ends[acked - 1])  # somewhere in what held acknowledged saves
    if how == "flip":
        wal_path.write_bytes(wal[:at] + bytes([wal[at] ^ (1 << rng.randrange(8))]) + wal[at + 1:])
    else:
        wal_path.write_bytes(wal[:at])
    try:
        with Store.open(path) as store:
            store.unlock(CRASH_PASS)
            report = store.verify()
    except ChainBroken as exc:
        return ("lost" if LOSS.search(str(exc)) else "refused"), str(exc)
    except StoreError as exc:
        return "refused", str(exc)
    return "ok", report.describe()


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="the crash harness forks")
def test_a_damaged_wal_after_a_crash_is_never_passed_as_ok(tmp_path: Path) -> None:
    seed = pick_seed("test_a_damaged_wal_after_a_crash_is_never_passed_as_ok")
    rng = random.Random(seed)
    base = tmp_path / "base" / "records.db"
    Store.create(base, CRASH_PASS, "Jo Caseworker", kdf=KdfParams.fast_for_tests()).close()
    verdicts: Counter[str] = Counter()
    lost: list[int] = []
    plan = ["flip"] * WAL_FLIPS + ["truncate"] * WAL_TRUNCATIONS
    for case, how in enumerate(plan, start=1):
        verdict, said = _damaged_wal_case(base, tmp_path / f"case-{case}", rng, how, case)
        assert verdict != "ok", f"case {case} ({how}): verify passed a store that lost saves: {said}"
        verdicts[f"{how} {verdict}"] += 1
        if (found := LOSS.search(said)) is not None:
            present, acknowledged, missing = map(int, found.groups())
            assert present + missing == acknowledged and missing >= 1, said
            lost.append(missing)
    print(f"{len(plan)} damaged WALs: {dict(verdicts)}; saves lost per case {min(lost)} to {max(lost)}")
    assert sum(verdicts.values()) == len(plan) and lost


# --- 8. the outbox state and rollbacks --------------------------------------------------------------------

def test_an_edited_outbox_state_is_detected(tmp_path: Path) -> None:
    store = _store(tmp_path, visits=2, decisions=2)  # seq 1-3 the first visit, 4-6 the second
    ids = [e.event_id for e in store.outbox_pending(10)]
    store.mark_sent(ids[:1])
    store.mark_problem(ids[1:2], "inbox unavailable")
    assert store.verify().events == 6
    edits = [
        "UPDATE outbox SET state = 'confirmed' WHERE seq = 3",
        "UPDATE outbox SET state = 'waiting' WHERE seq = 1",
        "UPDATE outbox SET reason = 'something else' WHERE seq = 2",
        "UPDATE outbox SET changed_at = changed_at - 86400 WHERE seq = 2",
    ]
    with attacker(store.path) as conn:
        for edit in edits:
            saved = conn.execute("SELECT * FROM outbox ORDER BY seq").fetchall()
            conn.execute(edit)
            with pytest.raises(ChainBroken, match="outbox") as caught:
                store.verify()
            assert caught.value.seq in (1, 2, 3), edit
            conn.execute("DELETE FROM outbox")
            conn.executemany(f"INSERT INTO outbox VALUES ({', '.join('?' * len(saved[0]))})", saved)
        assert store.verify().events == 6  # put back exactly: verify passes again
        # a whole visit made to disappear: every event set confirmed, every body erased
        conn.execute("UPDATE outbox SET state = 'confirmed' WHERE seq >= 4")
        conn.execute("UPDATE events SET body = NULL, erased_at = 1 WHERE seq >= 4")
    assert [e.seq for e in store.outbox_pending(10)] == [1, 2, 3]  # what the attack achieves: never synced
    with pytest.raises(ChainBroken, match="seq 4") as caught:
        store.verify()
    assert "outbox" in str(caught.value)
    store.close()


def _copy_aside(path: Path, to: Path) -> None:
    to.mkdir()
    for suffix in ("", "-wal"):
        if Path(f"{path}{suffix}").exists():
            shutil.copy2(f"{path}{suffix}", to / f"{path.name}{suffix}")


def _put_back(copy: Path, path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    for old in copy.iterdir():
        shutil.copy2(old, path.parent / old.name)


def test_putting_back_an_older_copy_of_the_file_is_reported_as_a_loss(tmp_path: Path) -> None:
    store = _store(tmp_path, decisions=1)  # 2 events
    visit = store.visits()[0]
    _copy_aside(store.path, tmp_path / "aside")  # the db and its -wal, as they are on disk now
    for n in range(3):
        store.record_decision(sample_decision(visit, choice_id=f"later-{n}"))
    store.close()
    _put_back(tmp_path / "aside", store.path)
    with pytest.raises(ChainBroken, match=r"2 events present, 5 acknowledged: 3 lost, last seen") as caught:
        _verify(store.path)
    assert caught.value.seq == 3
    with Store.open(store.path) as locked, pytest.raises(ChainBroken, match="3 lost"):
        locked.verify()  # the count needs no passphrase
    # saving again does not wash the loss away: it stays on record until someone accepts it
    with Store.open(store.path) as again:
        again.unlock(PASS)
        again.record_decision(sample_decision(visit, choice_id="after-the-loss"))
        with pytest.raises(ChainBroken, match="3 lost"):
            again.verify()


def test_putting_back_a_copy_from_before_a_confirmation_is_reported(tmp_path: Path) -> None:
    store = _store(tmp_path, decisions=2)
    _copy_aside(store.path, tmp_path / "aside")
    ids = [e.event_id for e in store.outbox_pending(10)]
    store.mark_sent(ids)
    store.mark_confirmed(ids[:2])
    store.close()
    _put_back(tmp_path / "aside", store.path)
    with pytest.raises(ChainBroken, match=r"confirmed .*seq 2.*waiting"):
        _verify(store.path)


def test_a_crash_between_the_save_and_the_anchor_is_not_a_loss(tmp_path: Path) -> None:
    """The store ahead of its anchor is what a crash after the commit leaves: fine, and caught up."""
    store = _store(tmp_path, decisions=1)
    anchor = anchor_of(store.path)
    old_anchor = anchor.read_bytes()
    store.record_decision(sample_decision(store.visits()[0], choice_id="later"))
    anchor.write_bytes(old_anchor)  # as if the process died between the commit and the anchor's write
    assert store.verify().events == 3
    store.record_decision(sample_decision(store.visits()[0], choice_id="later-still"))
    assert anchor.read_bytes() != old_anchor and store.verify().events == 4
    store.close()


def test_a_missing_anchor_is_reported_but_a_store_from_before_anchors_gets_one(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.close()
    anchor_of(store.path).unlink()
    with pytest.raises(ChainBroken, match=r"records\.db\.anchor.* is missing"):
        _verify(store.path)
    old = tmp_path / "old" / "records.db"
    old.parent.mkdir()
    shutil.copy(FIXTURES / "schema_v1.db", old)  # made by the first release: no anchor yet
    with Store.open(old) as migrated:
        migrated.unlock(FIXTURE_PASS)
        assert anchor_of(old).exists()
        assert migrated.verify().events == 6
    _verify(old, FIXTURE_PASS)


def test_a_forged_or_foreign_anchor_is_reported(tmp_path: Path) -> None:
    store = _store(tmp_path)
    anchor = anchor_of(store.path)
    raw = bytearray(anchor.read_bytes())
    for k, slot in enumerate(anchor_module._slots(bytes(raw))):  # both slots, their MACs kept
        if slot is not None:
            slot["saved"]["seq"] -= 1  # a smaller claim would hide later losses: the MAC says who wrote it
            payload = json.dumps(slot).encode()
            raw[k * anchor_module.SLOT:k * anchor_module.SLOT + 9 + len(payload)] = (
                b"%08x\n" % len(payload) + payload)
    anchor.write_bytes(bytes(raw))
    with pytest.raises(ChainBroken, match="not written by this store"):
        store.verify()
    (tmp_path / "other").mkdir()
    other = _store(tmp_path / "other")
    shutil.copy(anchor_of(other.path), anchor)
    with pytest.raises(ChainBroken, match="anchor"):
        store.verify()
    store.close()
    other.close()


def test_repair_can_accept_a_loss_once_it_is_known(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert run(monkeypatch, capsys, "init", "--worker", "Jo Caseworker")[0] == 0
    with Store.open(_only_store()) as store:
        store.unlock(PASS)
        visit = sample_visit()
        store.record_visit(visit)
        _copy_aside(store.path, tmp_path / "aside")
        store.record_decision(sample_decision(visit))
    _put_back(tmp_path / "aside", _only_store())
    status, out, _ = run(monkeypatch, capsys, "verify")
    assert status == 1 and "1 events present, 2 acknowledged: 1 lost" in out
    status, out, _ = run(monkeypatch, capsys, "repair")
    assert status == 1 and "lost" in out  # repair rebuilds indexes; it does not hide a loss
    status, out, _ = run(monkeypatch, capsys, "repair", "--accept-loss")
    assert status == 0 and "accepted" in out
    status, out, _ = run(monkeypatch, capsys, "verify")
    assert status == 0 and out.startswith("OK: 1 events") and "1 lost" in out and "accepted" in out


# --- 9. indexes -------------------------------------------------------------------------------------------

def _only_store() -> Path:
    (found,) = (paths.data_dir() / "workers").glob("*/records.db")
    return found


def _flip_index_keys(path: Path, index: str, key: str) -> int:
    """Flip one bit in every copy of ``key`` inside ``index``'s root page, as a bad sector would."""
    conn = sqlite3.connect(path)
    try:
        root, page_size = conn.execute("SELECT rootpage, (SELECT page_size FROM pragma_page_size()) "
                                       "FROM sqlite_master WHERE name = ?", (index,)).fetchone()
    finally:
        conn.close()
    raw = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    page = bytes(raw[start:start + page_size])
    hits = [m.start() for m in re.finditer(re.escape(key.encode()), page)]
    for at in hits:
        raw[start + at + 5] ^= 0x01
    path.write_bytes(bytes(raw))
    return len(hits)


@pytest.mark.parametrize(("index", "named"), [("events_by_visit", "events_by_visit"),
                                              ("sqlite_autoindex_events_1", "event id")])
def test_a_flipped_index_key_is_named_and_repaired(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str],
                                                   index: str, named: str) -> None:
    assert run(monkeypatch, capsys, "init", "--worker", "Jo Caseworker")[0] == 0
    path = _only_store()
    first, second = sample_visit(), sample_visit(case_reference="CH-2")
    with Store.open(path) as store:
        store.unlock(PASS)
        store.record_visit(first)
        store.record_decision(sample_decision(first))
        store.record_visit(second)
        first_event = store.outbox_pending(1)[0].event_id
    key = first.visit_id if index == "events_by_visit" else first_event
    assert _flip_index_keys(path, index, key) >= 1
    status, out, _ = run(monkeypatch, capsys, "verify")
    assert status == 1 and "index" in out and named in out and "records repair" in out
    if index == "events_by_visit":  # what the worker met: the visit is there, the index cannot find it
        status, _, err = run(monkeypatch, capsys, "list")
        assert status == 2 and "no such visit" in err
    status, out, _ = run(monkeypatch, capsys, "repair")
    assert status == 0 and "rebuilt" in out and "OK: 3 events" in out
    status, out, _ = run(monkeypatch, capsys, "verify")
    assert status == 0 and out.startswith("OK: 3 events")
    status, out, _ = run(monkeypatch, capsys, "list")
    assert status == 0 and first.visit_id in out and second.visit_id in out and "2 visit(s)" in out


def test_repair_refuses_damage_beyond_the_indexes(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with attacker(store.path) as conn:
        conn.execute("UPDATE events SET type = 'other' WHERE seq = 2")  # a CHECK constraint broken
    with pytest.raises(StoreCorrupt, match="not only in the indexes"):
        store.repair()
    store.close()


# --- 10. key settings ---------------------------------------------------------------------------------------

def _set_meta(path: Path, name: str, value: bytes) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("UPDATE meta SET value = ? WHERE name = ?", (value, name))
        conn.commit()
    finally:
        conn.close()


def _meta(path: Path, name: str) -> bytes:
    conn = sqlite3.connect(path)
    try:
        return bytes(conn.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize(("damage", "said"), [("unreadable", "damaged"), ("changed", "damaged"),
                                              ("weakened", "weakened"), ("wrapped key", "damaged")])
def test_damaged_key_settings_are_never_called_a_wrong_passphrase(tmp_path: Path, damage: str,
                                                                  said: str) -> None:
    store = _store(tmp_path)
    store.close()
    params = json.loads(_meta(store.path, "kdf"))
    if damage == "unreadable":
        _set_meta(store.path, "kdf", b'{"alg": "argon2id", "salt": "0')
    elif damage == "changed":  # still within what the app accepts, but not what the store was made with
        _set_meta(store.path, "kdf", json.dumps({**params, "memory_cost": 2048}).encode())
    elif damage == "weakened":
        _set_meta(store.path, "kdf", json.dumps({**params, "memory_cost": 64}).encode())
    else:
        wrapped = _meta(store.path, "wrapped_key")
        _set_meta(store.path, "wrapped_key", wrapped[:20] + bytes([wrapped[20] ^ 1]) + wrapped[21:])
    with Store.open(store.path) as again, pytest.raises(StoreCorrupt) as caught:
        again.unlock(PASS)
    assert f"the store's key settings are {said}" in str(caught.value)
    assert str(store.path) in str(caught.value) and not isinstance(caught.value, WrongPassphrase)


def test_the_worker_is_told_the_settings_are_damaged(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert run(monkeypatch, capsys, "init", "--worker", "Jo Caseworker")[0] == 0
    path = _only_store()
    params = json.loads(_meta(path, "kdf"))
    _set_meta(path, "kdf", json.dumps({**params, "iterations": 3}).encode())
    status, _, err = run(monkeypatch, capsys, "unlock-test")
    assert status == 2 and "key settings are damaged" in err and str(path) in err
    assert "does not unlock" not in err and "Jo Caseworker" not in err


def test_a_wrong_passphrase_is_still_a_wrong_passphrase(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.change_passphrase("a new passphrase", kdf=KdfParams.fast_for_tests())  # re-sealed with the key
    store.close()
    with Store.open(store.path) as again:
        with pytest.raises(WrongPassphrase, match="does not unlock"):
            again.unlock(PASS)
        again.unlock("a new passphrase")
        assert again.verify().events == 2


def test_a_store_from_before_the_seal_gets_one_on_its_first_unlock(tmp_path: Path) -> None:
    old = tmp_path / "records.db"
    shutil.copy(FIXTURES / "schema_v1.db", old)
    with Store.open(old) as store:
        store.unlock(FIXTURE_PASS)
    params = json.loads(_meta(old, "kdf"))
    _set_meta(old, "kdf", json.dumps({**params, "memory_cost": params["memory_cost"] * 2}).encode())
    with Store.open(old) as again, pytest.raises(StoreCorrupt, match="key settings are damaged"):
        again.unlock(FIXTURE_PASS)


# --- 11. names and file modes ------------------------------------------------------------------------------

def _private(data: Path, *names: str) -> None:
    for found in [data, *data.rglob("*")]:
        where = str(found.relative_to(data)).casefold()
        assert not any(n.casefold() in where for n in names), where
        mode = found.stat().st_mode & 0o777
        assert mode == (0o700 if found.is_dir() else 0o600), (where, oct(mode))


@POSIX
def test_no_name_in_any_path_and_the_data_folder_is_private(monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert run(monkeypatch, capsys, "init", "--worker", "Amelia Nowak")[0] == 0
    path = _only_store()
    assert re.fullmatch(r"[0-9a-f]{32}", path.parent.name)
    store = Store.open(path)
    store.unlock(PASS)
    store.record_visit(sample_visit())
    assert Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()
    _private(paths.data_dir(), "Amelia", "Nowak")  # with the -wal and -shm there too
    store.close()
    status, out, _ = run(monkeypatch, capsys, "export", "--worker", "amelia nowak")
    assert status == 0 and json.loads(out)["worker"] == "Amelia Nowak"  # the name from the store itself
    _private(paths.data_dir(), "Amelia", "Nowak")


@POSIX
def test_a_folder_named_after_a_worker_is_renamed_and_made_private(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    data = paths.data_dir()
    old = data / "workers" / "fixture-worker" / "records.db"  # as the first release named it
    old.parent.mkdir(parents=True)
    shutil.copy(FIXTURES / "schema_v1.db", old)
    for folder, mode in ((data, 0o755), (data / "workers", 0o755), (old.parent, 0o755), (old, 0o644)):
        folder.chmod(mode)
    status, out, _ = run(monkeypatch, capsys, "list", "--worker", "Fixture Worker", stdin=FIXTURE_PASS + "\n")
    assert status == 0 and "fixture-visit-kept" in out
    assert not old.parent.exists() and re.fullmatch(r"[0-9a-f]{32}", _only_store().parent.name)
    _private(data, "fixture")
    status, out, _ = run(monkeypatch, capsys, "verify", stdin=FIXTURE_PASS + "\n")
    assert status == 0 and out.startswith("OK: 6 events")


def test_the_worker_is_found_by_the_name_inside_the_store(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    other = "another passphrase here"
    assert run(monkeypatch, capsys, "init", "--worker", "Sam")[0] == 0
    assert run(monkeypatch, capsys, "init", "--worker", "Łucja Kowalska", stdin=other + "\n")[0] == 0
    status, out, _ = run(monkeypatch, capsys, "list", stdin=other + "\n")  # only one store opens with it
    assert status == 0 and "0 visit(s)" in out
    status, out, _ = run(monkeypatch, capsys, "export", "--worker", "  łucja KOWALSKA ", stdin=other + "\n")
    assert status == 0 and json.loads(out)["worker"] == "Łucja Kowalska"
    status, _, err = run(monkeypatch, capsys, "list", "--worker", "Sam", stdin=other + "\n")
    assert status == 1 and "does not unlock" in err
    status, _, err = run(monkeypatch, capsys, "init", "--worker", "sam")
    assert status == 2 and "already exist" in err
    ids = sorted(p.parent.name for p in (paths.data_dir() / "workers").glob("*/records.db"))
    status, out, _ = run(monkeypatch, capsys, "verify", "--locked", "--worker", ids[0], stdin="")
    assert status == 0 and out.startswith("OK: 0 events")
    status, _, err = run(monkeypatch, capsys, "verify", "--locked", stdin="")
    assert status == 2 and "--worker" in err and all(i in err for i in ids)
