"""Push 10,000 events from one laptop to a loopback inbox, on SQLite and on PostgreSQL, beside a bulk
insert of the same rows straight into the same database in the same run.

    python bench/sync.py [--events N] [--batch N] [--backend sqlite|postgresql|both]

Prints events per second end to end (seal once beforehand; the timed part is
HTTP + JSON + signature and chain checks + body checks + commit + confirmation),
the direct insert rate, and the ratio. Targets: end to end at least a third of
the direct rate, and 10,000 events in under 10 s on SQLite.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.conftest_pg: server and cluster

from sqlalchemy import insert
from tests.conftest_pg import FakeOutbox, InboxServer, PgCluster

from familyprivacy.consent.envelope import canonical, load_public_key, verify
from familyprivacy.server import db
from familyprivacy.server.bodies import check_body, normalise_time
from familyprivacy.sync.client import InboxClient
from familyprivacy.sync.runner import sync_once
from familyprivacy.sync.settings import SyncSettings


def laptop_with(events: int) -> FakeOutbox:
    outbox = FakeOutbox()
    outbox.add_visits(events // 4, decisions_per_visit=3)
    while len(outbox.events) < events:
        outbox.add_visits(1, decisions_per_visit=0)
    return outbox


def direct_rows(outbox: FakeOutbox, device_id: str) -> list[dict[str, object]]:
    """The rows the inbox would store, under fresh event and visit ids (a visit id is one device's),
    built before the clock starts. Bodies go in as they are: the baseline is the database alone."""
    rows = []
    for env in outbox.events:
        header = dict(env.header, device_id=device_id, event_id=uuid.uuid4().hex)
        columns = check_body(header["type"], header, env.body)
        columns["visit_id"] = "direct-" + str(columns["visit_id"])
        rows.append(dict(columns, event_id=header["event_id"],
                         device_id=device_id, seq=env.seq, type=header["type"],
                         council_id=header["council_id"], notice_id=header["notice_id"],
                         recorded_at=normalise_time(header["recorded_at"], "recorded_at"), hash=env.hash,
                         signature=env.signature, header=canonical(header).decode(),
                         body=canonical(env.body).decode(), received_at=db_now()))
    return rows


def db_now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime.now(UTC)


def run(backend: str, url: str, work: Path, events: int, batch: int) -> tuple[float, float]:
    server = InboxServer(url, work)
    server.start()
    try:
        outbox = laptop_with(events)
        token = server.enrol(outbox)
        other = FakeOutbox()
        server.enrol(other)  # a device row for the direct rows to belong to
        rows = direct_rows(outbox, other.device_id)
        settings = SyncSettings(server.url, batch_size=batch)
        key = load_public_key(outbox.device_public_key())
        started = time.perf_counter()
        for env in outbox.events:
            verify(env, key)
        checks = time.perf_counter() - started
        started = time.perf_counter()
        with InboxClient(server.url, token) as client:
            report = sync_once(outbox, client, settings)
        end_to_end = time.perf_counter() - started
        assert report.confirmed == events and server.count(outbox.device_id) == events

        started = time.perf_counter()
        with server.engine.begin() as conn:
            conn.execute(insert(db.events), rows)
        direct = time.perf_counter() - started
        assert server.count(other.device_id) == events
    finally:
        server.stop()
    e2e_rate, direct_rate = events / end_to_end, events / direct
    print(f"{backend:10s}  end to end {end_to_end:6.2f} s  {e2e_rate:8.0f} events/s   "
          f"direct insert {direct:6.2f} s  {direct_rate:8.0f} rows/s   ratio {e2e_rate / direct_rate:5.2f}")
    print(f"{'':10s}  (signature and hash checks alone, in one process: {events / checks:8.0f} events/s; "
          f"ceiling ratio if nothing else cost anything: {min(1.0, (events / checks) / direct_rate):4.2f})")
    return end_to_end, e2e_rate / direct_rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    print(f"Sync benchmark: {args.events} events from one laptop, batches of {args.batch}, loopback HTTP")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.backend in ("sqlite", "both"):
            seconds, _ = run("sqlite", f"sqlite:///{work / 'inbox.db'}", work, args.events, args.batch)
            verdict = "under" if seconds < 10 else "OVER"
            print(f"            target: {args.events} events on SQLite in under 10 s: {verdict}")
        if args.backend in ("postgresql", "both"):
            try:
                cluster = PgCluster(fsync=True)
            except (FileNotFoundError, OSError) as exc:
                print(f"postgresql  not measured: {exc}")
                return 0
            try:
                run("postgresql", cluster.new_database(), work, args.events, args.batch)
            finally:
                cluster.stop()
    print("            target: end to end at least a third of the direct insert rate (ratio >= 0.33)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
