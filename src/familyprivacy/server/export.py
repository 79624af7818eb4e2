"""What arrived, for the team: decisions filtered by date, notice, choice, status and state.

An export comes in pages (``limit``, at most ``MAX_LIMIT``): each page names the
next with an opaque ``after`` cursor, so a council's whole history never has to
fit in one response.

"State" is the team's own: a withdrawal or a referral is *open* until someone
marks it *actioned*. CSV cells that a spreadsheet would run as a formula are
quoted with a leading apostrophe. Bodies are stored sealed (server/vault.py) and opened here.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, false, insert, or_, select, true, update
from sqlalchemy.exc import IntegrityError

from familyprivacy.server import db
from familyprivacy.server.bodies import KINDS, STATUSES, BodyError, normalise_time
from familyprivacy.server.fhir import STATUS_MAP, bundle, consent, signoff_text
from familyprivacy.server.vault import Keyring

CSV_COLUMNS = (
    "event_id", "decision_id", "visit_id", "recorded_at", "council_id", "notice_id",
    "content_fingerprint", "choice_id", "kind", "status", "fhir_status", "fhir_decision", "child_ids",
    "child_names", "grantor_ids", "grantor_names", "capture_method", "witness", "interpreter_mode",
    "interpreter_language", "language", "case_reference", "recorded_by", "replaces", "device_id",
    "received_at", "state", "actioned_at", "english_signoff", "translation_signoff",
)
STATES = frozenset({"open", "actioned"})
_DIGITS = re.compile(r"[0-9]{1,9}")  # str.isdigit() also takes "²", which int() does not
_CODE = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_NOTICE = re.compile(r"[a-z0-9][a-z0-9-]{0,62}/[a-z0-9][a-z0-9-]{0,62}")
DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000


class FilterError(ValueError):
    """A filter the team asked for that cannot be understood; names the parameter."""


@dataclass(frozen=True)
class Filters:
    since: str | None = None
    until: str | None = None
    notice: str | None = None
    choice: str | None = None
    status: str | None = None
    state: str | None = None
    kind: str | None = None
    after: tuple[str, str] | None = None  # (recorded_at, event_id) of the last record already sent
    limit: int | None = None  # None: everything (the server's own tools); the web export always pages
    newest_first: bool = False  # the team's pages list the newest first; the export, the oldest

    @classmethod
    def parse(cls, params: dict[str, str]) -> Filters:
        unknown = set(params) - {"since", "until", "notice", "choice", "status", "state", "kind", "after",
                                 "limit"}
        if unknown:
            raise FilterError(f"unknown filter {sorted(unknown)[0]!r}")
        status, state = params.get("status"), params.get("state")
        if status is not None and status not in STATUSES:
            raise FilterError("status must be one of " + ", ".join(sorted(STATUSES)))
        if state is not None and state not in STATES:
            raise FilterError("state must be open or actioned")
        kind = params.get("kind")
        if kind is not None and kind not in KINDS:
            raise FilterError("kind must be one of " + ", ".join(sorted(KINDS)))
        notice, choice = params.get("notice"), params.get("choice")
        if notice is not None and not _NOTICE.fullmatch(notice):
            raise FilterError("notice must be a notice id such as essex/childrens-services")
        if choice is not None and not _CODE.fullmatch(choice):
            raise FilterError("choice must be a choice id such as help-and-support-referral")
        return cls(_moment(params.get("since"), "since"), _moment(params.get("until"), "until"),
                   notice, choice, status, state, kind,
                   parse_cursor(params.get("after")), _limit(params.get("limit")))


def _limit(value: str | None) -> int:
    if value is None:
        return DEFAULT_LIMIT
    if not _DIGITS.fullmatch(value) or not 1 <= int(value) <= MAX_LIMIT:
        raise FilterError(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return int(value)


def cursor(record: Record) -> str:
    """Where the next page starts: after this record, in the export's order."""
    raw = json.dumps([record.recorded_at, record.event_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def parse_cursor(value: str | None) -> tuple[str, str] | None:
    """The (recorded_at, event_id) a page's ``after`` cursor names."""
    if value is None:
        return None
    try:
        if len(value) > 400:
            raise ValueError
        data = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
        if (isinstance(data, list) and len(data) == 2 and all(isinstance(x, str) for x in data)):
            return data[0], data[1]
    except (ValueError, binascii.Error, RecursionError):
        pass
    raise FilterError("after must be the cursor a page of this export gave")


def _moment(value: str | None, name: str) -> str | None:
    """A date (midnight UTC) or a date and time with an offset."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
        value = datetime(day.year, day.month, day.day, tzinfo=UTC).isoformat()
    except ValueError:
        pass
    try:
        return normalise_time(value, name)
    except BodyError:
        raise FilterError(f"{name} must be a date (2026-11-23) or a date and time with an offset") from None


@dataclass(frozen=True)
class Record:
    event_id: str
    device_id: str
    notice_id: str
    council_id: str
    recorded_at: str
    received_at: datetime
    decision: dict[str, Any]
    visit: dict[str, Any] | None
    actioned_at: datetime | None


def query(engine: Engine, filters: Filters, keyring: Keyring,
          event_ids: list[str] | None = None) -> list[Record]:
    """The decisions that pass the filters, oldest first (newest first if the filters say so); at most
    ``filters.limit`` of them; only ``event_ids`` when given."""
    e, a = db.events.c, db.actions.c
    order = (e.recorded_at.desc(), e.event_id.desc()) if filters.newest_first else (e.recorded_at, e.event_id)
    stmt = (select(e.event_id, e.device_id, e.notice_id, e.council_id, e.recorded_at, e.received_at,
                   e.body, e.visit_id, a.actioned_at)
            .select_from(db.events.outerjoin(db.actions, a.event_id == e.event_id))
            .where(e.type == "decision").order_by(*order))
    if event_ids is not None:
        stmt = stmt.where(e.event_id.in_(event_ids[:1000]))
    if filters.since:
        stmt = stmt.where(e.recorded_at >= filters.since)
    if filters.until:
        stmt = stmt.where(e.recorded_at < filters.until)
    if filters.notice:
        stmt = stmt.where(e.notice_id == filters.notice)
    if filters.choice:
        stmt = stmt.where(e.choice_id == filters.choice)
    if filters.status:
        stmt = stmt.where(e.status == filters.status)
    if filters.kind:
        stmt = stmt.where(e.kind == filters.kind)
    if filters.state == "open":
        stmt = stmt.where(e.actioned == false())
    elif filters.state == "actioned":
        stmt = stmt.where(e.actioned == true())
    if filters.after:
        # Written so the index bounds the scan: "recorded_at >= at" is a range the index starts at, and
        # the rest filters only the records at that moment. As "recorded_at > at OR (= at AND id > b)"
        # no database used it as a bound, and page 51 read the 51,000 records before it.
        at, event_id = filters.after
        if filters.newest_first:
            stmt = stmt.where(e.recorded_at <= at, or_(e.recorded_at < at, e.event_id < event_id))
        else:
            stmt = stmt.where(e.recorded_at >= at, or_(e.recorded_at > at, e.event_id > event_id))
    if filters.limit is not None:
        stmt = stmt.limit(filters.limit)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
        visit_ids = sorted({r.visit_id for r in rows if r.visit_id})
        # A decision's visit is its own device's: a visit id sent by another device is never joined.
        visits: dict[tuple[str, str], dict[str, Any]] = {}
        for start in range(0, len(visit_ids), 500):
            chunk = visit_ids[start:start + 500]
            for v in conn.execute(select(e.event_id, e.device_id, e.visit_id, e.body)
                                  .where(e.type == "visit", e.visit_id.in_(chunk))):
                visits[(v.device_id, v.visit_id)] = json.loads(keyring.open(v.body, v.event_id))
    return [Record(r.event_id, r.device_id, r.notice_id, r.council_id, r.recorded_at, r.received_at,
                   json.loads(keyring.open(r.body, r.event_id)), visits.get((r.device_id, r.visit_id)),
                   r.actioned_at) for r in rows]


def page(engine: Engine, filters: Filters, keyring: Keyring) -> tuple[list[Record], str | None]:
    """One page of the export, and the cursor of the next (None on the last page)."""
    limit = filters.limit if filters.limit is not None else DEFAULT_LIMIT
    records = query(engine, replace(filters, limit=limit + 1), keyring)
    if len(records) > limit:
        return records[:limit], cursor(records[limit - 1])
    return records, None


def to_fhir(records: list[Record], links: dict[str, str] | None = None) -> dict[str, Any]:
    """A FHIR Bundle; ``links`` (relation -> URL, e.g. ``self`` and ``next``) is how FHIR pages."""
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    return bundle([consent(r.event_id, r.decision, r.visit, r.notice_id) for r in records], stamp, links)


def _names(ids: list[Any], people: list[Any] | None) -> str:
    by_id = {p.get("id"): p.get("name", "") for p in people or [] if isinstance(p, dict)}
    return "; ".join(str(by_id.get(i, "")) for i in ids)


_FORMULA = ("=", "+", "-", "@", "|", "%")


def _safe(value: Any) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe: one that starts with
    = + - @ (or | %), also after spaces, tabs or new lines, and in their full-width forms (＝)."""
    text = "" if value is None else str(value)
    start = unicodedata.normalize("NFKC", text.lstrip(" \t\r\n\x0b\x0c\u00a0\u3000")[:1])
    if start[:1] in _FORMULA or text[:1] in ("\t", "\r", "\n"):
        return "'" + text
    return text


def _utc(moment: datetime | None) -> str:
    """SQLite hands times back without their zone; they were written in UTC."""
    if moment is None:
        return ""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def _row(r: Record) -> dict[str, str]:
    d, v = r.decision, r.visit or {}
    capture = d.get("capture") if isinstance(d.get("capture"), dict) else {}
    interpreter = v.get("interpreter") if isinstance(v.get("interpreter"), dict) else {}
    fhir_status, fhir_decision = STATUS_MAP[d["status"]]
    values: dict[str, Any] = {
        "event_id": r.event_id, "decision_id": d["decision_id"], "visit_id": d["visit_id"],
        "recorded_at": d["recorded_at"], "council_id": r.council_id, "notice_id": r.notice_id,
        "content_fingerprint": d["content_fingerprint"], "choice_id": d["choice_id"], "kind": d["kind"],
        "status": d["status"], "fhir_status": fhir_status, "fhir_decision": fhir_decision or "",
        "child_ids": "; ".join(d["child_ids"]), "child_names": _names(d["child_ids"], v.get("children")),
        "grantor_ids": "; ".join(d["grantor_ids"]),
        "grantor_names": _names(d["grantor_ids"], v.get("grantors")),
        "capture_method": (capture or {}).get("method", ""), "witness": (capture or {}).get("witness", ""),
        "interpreter_mode": (interpreter or {}).get("mode", ""),
        "interpreter_language": (interpreter or {}).get("language", ""),
        "language": d.get("language", ""), "case_reference": v.get("case_reference", ""),
        "recorded_by": d.get("recorded_by", ""), "replaces": d.get("replaces") or "",
        "device_id": r.device_id, "received_at": _utc(r.received_at),
        "state": "actioned" if r.actioned_at else "open", "actioned_at": _utc(r.actioned_at),
        "english_signoff": signoff_text(v, "english"), "translation_signoff": signoff_text(v, "translation"),
    }
    return {k: _safe(values[k]) for k in CSV_COLUMNS}


def to_csv(records: list[Record]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for record in records:
        writer.writerow(_row(record))
    return out.getvalue()


def mark_actioned(engine: Engine, event_ids: list[str], by: str, keyring: Keyring | None = None,
                  note: str | None = None) -> tuple[list[str], list[str]]:
    """Mark decisions actioned, with an optional ``note`` (sealed with ``keyring``: it may name the
    family); returns (marked now or before, unknown ids). Safe to repeat: the first marking stands."""
    try:
        return _mark(engine, event_ids, by, keyring, note)
    except IntegrityError:  # two team members marked the same decision at the same moment
        return _mark(engine, event_ids, by, keyring, note)


def _mark(engine: Engine, event_ids: list[str], by: str, keyring: Keyring | None,
          note: str | None) -> tuple[list[str], list[str]]:
    e, a = db.events.c, db.actions.c
    done: list[str] = []
    unknown: list[str] = []
    with engine.begin() as conn:
        for event_id in event_ids:
            found = select(e.event_id).where(e.event_id == event_id, e.type == "decision")
            if conn.execute(found).first() is None:
                unknown.append(event_id)
                continue
            if conn.execute(select(a.event_id).where(a.event_id == event_id)).first() is None:
                sealed = keyring.seal(note, f"action:{event_id}") if note and keyring is not None else None
                conn.execute(insert(db.actions).values(event_id=event_id, actioned_at=datetime.now(UTC),
                                                        actioned_by=by[:200], note=sealed))
                conn.execute(update(db.events).where(e.event_id == event_id).values(actioned=True))
            done.append(event_id)
    return done, unknown
