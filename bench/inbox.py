"""The team's lists at a council year: 50 laptops, 20,000 visits, 100,000 decisions, on SQLite and on
PostgreSQL, page 1 against page 50, beside a plain ``SELECT … LIMIT 50`` on the same data in the same run.

    python bench/inbox.py [--decisions N] [--backend sqlite|postgresql|both] [--plans] [--seed N]

For each list (everything; withdrawals not yet actioned; one choice; one status) it prints the median
time of the export's page 1 and page 50 (50 a page: the cursor walked there first) and of the plain
query, the ratios page 50 / page 1 and page 1 / plain, and the same page 50 with the cursor written the
old way (``recorded_at > a OR (recorded_at = a AND event_id > b)``), which no database used as an index
bound. With ``--plans``, the query plan of each page 50. Figures, not pass or fail: a test does not time.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.conftest_pg: the cluster

from sqlalchemy import Engine, insert, text
from tests.conftest_pg import PgCluster, decision_body, visit_body

from familyprivacy.server import db, export
from familyprivacy.server.migrate import analyze, upgrade
from familyprivacy.server.vault import Keyring, new_key_line

CHOICES = ("help-and-support-referral", "housing-referral", "health-visitor", "school-nurse",
           "family-hubs")
STATUSES = (("given", 70), ("refused", 15), ("deferred", 5), ("withdrawn", 10))
PAGE = 50
REPEATS = 7


def seed(engine: Engine, keyring: Keyring, decisions: int, rng: random.Random, laptops: int = 50) -> None:
    """``decisions`` decisions in visits of five, from ``laptops`` laptops, over a year; half the
    withdrawals actioned. Bodies sealed as the inbox seals them."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    received = datetime(2026, 12, 1, tzinfo=UTC)
    devices = [f"dev-{n:03d}" for n in range(laptops)]
    with engine.begin() as conn:
        conn.execute(insert(db.devices), [
            {"device_id": d, "public_key": b"\0" * 32, "token_hash": uuid.uuid4().hex, "label": d,
             "enrolled_at": start, "head_seq": 0, "head_hash": "0" * 64} for d in devices])
    seqs = dict.fromkeys(devices, 0)
    rows: list[dict[str, object]] = []
    actions: list[dict[str, object]] = []

    def add(device: str, kind: str, body: dict[str, object], at: str, extra: dict[str, object]) -> str:
        seqs[device] += 1
        event_id = uuid.UUID(int=rng.getrandbits(128)).hex
        # Every row names every column: an insert of many rows takes its columns from the first.
        extra = {"visit_id": None, "decision_id": None, "choice_id": None, "kind": None, "status": None,
                 "actioned": False, **extra}
        rows.append({"event_id": event_id, "device_id": device, "seq": seqs[device], "type": kind,
                     "council_id": "stockton", "notice_id": "stockton/childrens-social-care",
                     "recorded_at": at, "hash": "0" * 64, "signature": "x", "header": "{}",
                     "body": keyring.seal(json.dumps(body, separators=(",", ":")), event_id),
                     "received_at": received, **extra})
        return event_id

    def flush() -> None:
        with engine.begin() as conn:
            if rows:
                conn.execute(insert(db.events), rows)
            if actions:
                conn.execute(insert(db.actions), actions)
        rows.clear()
        actions.clear()

    made = 0
    while made < decisions:
        device = rng.choice(devices)
        visit_id = "v-" + uuid.UUID(int=rng.getrandbits(128)).hex[:16]
        moment = start + timedelta(seconds=rng.randrange(365 * 24 * 3600))
        at = moment.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        add(device, "visit", visit_body(visit_id), at, {"visit_id": visit_id})
        for n in range(min(5, decisions - made)):
            status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
            choice = CHOICES[n]
            body = decision_body(visit_id, n, status=status, choice=choice, recorded_at=moment.isoformat())
            columns: dict[str, object] = {"visit_id": visit_id, "decision_id": f"{visit_id}-d{n}",
                                          "choice_id": choice, "kind": "service-agreement", "status": status}
            event_id = add(device, "decision", body, at, columns)
            if status == "withdrawn" and rng.random() < 0.5:
                actions.append({"event_id": event_id, "actioned_at": received, "actioned_by": "bench"})
                rows[-1]["actioned"] = True
            made += 1
        if len(rows) >= 5000:
            flush()
    flush()


def _pager(engine: Engine, filters: export.Filters, keyring: Keyring) -> Callable[[], object]:
    return lambda: export.page(engine, filters, keyring)


def median_ms(run: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def page_50_filters(engine: Engine, keyring: Keyring, filters: export.Filters) -> export.Filters:
    """The filters of page 50, found by walking the cursor there (untimed)."""
    current = filters
    for _ in range(49):
        _records, after = export.page(engine, current, keyring)
        if after is None:
            break
        current = replace(filters, after=export.parse_cursor(after))
    return current


def old_cursor_ms(engine: Engine, at: tuple[str, str]) -> float:
    sql = text("SELECT event_id FROM events WHERE type = 'decision' AND (recorded_at > :a OR "
               "(recorded_at = :a AND event_id > :b)) ORDER BY recorded_at, event_id LIMIT 51")
    with engine.connect() as conn:
        return median_ms(lambda: conn.execute(sql, {"a": at[0], "b": at[1]}).all())


def new_cursor_ms(engine: Engine, at: tuple[str, str]) -> float:
    sql = text("SELECT event_id FROM events WHERE type = 'decision' AND recorded_at >= :a AND "
               "(recorded_at > :a OR event_id > :b) ORDER BY recorded_at, event_id LIMIT 51")
    with engine.connect() as conn:
        return median_ms(lambda: conn.execute(sql, {"a": at[0], "b": at[1]}).all())


def plan(engine: Engine, filters: export.Filters, keyring: Keyring) -> str:
    """The database's plan for the page's main query."""
    captured: list[str] = []
    from sqlalchemy import event

    def grab(_conn: object, _cursor: object, statement: str, parameters: object, _context: object,
             _many: bool) -> None:
        if "FROM events LEFT OUTER JOIN actions" in statement and not captured:
            captured.append(statement)
            captured.append(parameters)  # type: ignore[arg-type]

    event.listen(engine, "before_cursor_execute", grab)
    try:
        export.page(engine, filters, keyring)
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    statement, parameters = captured[0], captured[1]
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(prefix + statement, parameters)
        lines = [" ".join(str(c) for c in row[-1:]) for row in cur.fetchall()]
    finally:
        raw.close()
    return "\n".join("      " + line for line in lines)


def run(url: str, decisions: int, rng: random.Random, show_plans: bool) -> None:
    engine = db.make_engine(url)
    keyring = Keyring.parse([new_key_line()], "bench")
    upgrade(engine)
    t0 = time.perf_counter()
    seed(engine, keyring, decisions, rng)
    with engine.connect() as conn:
        analyze(conn)
    print(f"  {engine.dialect.name}: {decisions:,} decisions seeded in {time.perf_counter() - t0:.1f} s")
    lists = {
        "everything": export.Filters(),
        "withdrawals not yet actioned": export.Filters(status="withdrawn", state="open"),
        "one choice (housing-referral)": export.Filters(choice="housing-referral"),
        "Help and Support referrals given": export.Filters(choice="help-and-support-referral",
                                                           status="given"),
    }
    plain = text("SELECT event_id, recorded_at, body FROM events WHERE type = 'decision' "
                 "ORDER BY recorded_at, event_id LIMIT 50")
    with engine.connect() as conn:
        plain_ms = median_ms(lambda: conn.execute(plain).all())
    print(f"    plain SELECT … LIMIT 50 (baseline): {plain_ms:.2f} ms")
    print(f"    {'list':36} {'page 1':>9} {'page 50':>9} {'p50/p1':>7} {'p1/plain':>9}")
    for name, filters in lists.items():
        first = replace(filters, limit=PAGE)
        fiftieth = page_50_filters(engine, keyring, first)
        p1 = median_ms(_pager(engine, first, keyring))
        p50 = median_ms(_pager(engine, fiftieth, keyring))
        print(f"    {name:36} {p1:8.2f}ms {p50:8.2f}ms {p50 / p1:7.2f} {p1 / plain_ms:9.1f}")
        if name == "everything" and fiftieth.after is not None:
            old = old_cursor_ms(engine, fiftieth.after)
            new = new_cursor_ms(engine, fiftieth.after)
            print(f"      page 50's query alone: cursor as now {new:.2f} ms, the old way {old:.2f} ms "
                  f"({old / new:.1f}x)")
        if show_plans:
            print(plan(engine, fiftieth, keyring))
    pages_ms(engine, keyring, plain_ms)
    engine.dispose()


def pages_ms(engine: Engine, keyring: Keyring, plain_ms: float) -> None:
    """The team's decisions page (newest first, 50 a page), whole: session, query, template, over HTTP
    in process; page 1 and page 50."""
    from starlette.testclient import TestClient

    from familyprivacy.server import staff, web
    from familyprivacy.server.app import create_app

    person = staff.add_person(engine, "Bench Person", "team", "a long bench password")
    cookie = staff.start_session(engine, person, web.session_secret(keyring))
    client = TestClient(create_app(engine, keyring), base_url="https://bench")
    client.cookies.set(web.COOKIE, cookie)
    first = client.get("/decisions")
    assert first.status_code == 200, first.status_code
    target = "/decisions"
    for _ in range(49):  # walk to page 50 by its "Older decisions" links (untimed)
        html = client.get(target).text
        marker = 'href="/decisions?'
        at = html.rfind(marker)
        if at < 0:
            break
        start = at + len(marker)
        target = "/decisions?" + html[start:html.index('"', start)].replace("&amp;", "&")
    p1 = median_ms(lambda: client.get("/decisions"))
    p50 = median_ms(lambda: client.get(target))
    print(f"    the team's decisions page over HTTP: page 1 {p1:.1f} ms, page 50 {p50:.1f} ms "
          f"(p50/p1 {p50 / p1:.2f}; page 1 / plain SELECT {p1 / plain_ms:.0f}x)")
    client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=100_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--plans", action="store_true")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    chosen = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    print(f"seed {chosen} (--seed {chosen} repeats this data)")
    with tempfile.TemporaryDirectory() as tmp:
        if args.backend in ("sqlite", "both"):
            run(f"sqlite:///{tmp}/inbox.db", args.decisions, random.Random(chosen), args.plans)
        if args.backend in ("postgresql", "both"):
            try:
                cluster = PgCluster()
            except FileNotFoundError as exc:
                print(f"  postgresql: skipped ({exc})")
                return
            try:
                run(cluster.new_database(), args.decisions, random.Random(chosen), args.plans)
            finally:
                cluster.stop()


if __name__ == "__main__":
    main()
