"""Checks on event bodies, so that only records the team can read and export are stored.

Messages name the field, never its value: a body is personal content.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

KINDS = frozenset({"service-agreement", "data-consent", "information-only"})
STATUSES = frozenset({"given", "refused", "deferred", "withdrawn", "expired", "invalidated"})
VISIT_TEXT = ("visit_id", "council_id", "notice_id", "started_at", "language", "content_fingerprint")
_DAY_TIME = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
_NORMAL = re.compile(_DAY_TIME + r"\.[0-9]{6}Z")  # what the laptop's store writes
_RFC3339 = re.compile(_DAY_TIME + r"(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})")
DECISION_TEXT = ("decision_id", "visit_id", "choice_id", "recorded_at", "content_fingerprint")


class BodyError(ValueError):
    """A body missing a field or holding the wrong kind of value. Names the field only."""


def normalise_time(value: Any, field: str) -> str:
    """RFC 3339 with an offset, as UTC text that sorts in time order."""
    if not isinstance(value, str):
        raise BodyError(f"{field} must be a date and time")
    if not _RFC3339.fullmatch(value):
        raise BodyError(f"{field} is not an RFC 3339 date and time with an offset")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if _NORMAL.fullmatch(value):
            return value  # already UTC in the stored form; the parse above proved it a real moment
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError:
        raise BodyError(f"{field} is not a real date and time") from None
    except OverflowError:
        raise BodyError(f"{field} is outside the years UTC can hold") from None


def _text(body: dict[str, Any], keys: tuple[str, ...], kind: str) -> None:
    for key in keys:
        value = body.get(key)
        if not isinstance(value, str) or not value or len(value) > 200:
            raise BodyError(f"{kind} body: {key} must be short text")


def _people(body: dict[str, Any], key: str, kind: str) -> None:
    people = body.get(key)
    if not isinstance(people, list) or not all(
            isinstance(p, dict) and isinstance(p.get("id"), str) and p["id"] for p in people):
        raise BodyError(f"{kind} body: {key} must be a list of people with ids")


def _ids(body: dict[str, Any], key: str) -> None:
    ids = body.get(key)
    if not isinstance(ids, list) or not all(isinstance(i, str) and i for i in ids):
        raise BodyError(f"decision body: {key} must be a list of ids")


def check_body(event_type: str, header: dict[str, Any], body: dict[str, Any] | None) -> dict[str, Any]:
    """Validate a body against its header and return the columns the team filters by."""
    if body is None:
        raise BodyError("the event arrived without its body")
    if body.get("notice_id", header["notice_id"]) != header["notice_id"]:
        raise BodyError(f"{event_type} body: notice_id differs from the header")
    if event_type == "visit":
        _text(body, VISIT_TEXT, "visit")
        _people(body, "grantors", "visit")
        _people(body, "children", "visit")
        return {"visit_id": body["visit_id"], "decision_id": None, "choice_id": None, "kind": None,
                "status": None}
    _text(body, DECISION_TEXT, "decision")
    if body.get("kind") not in KINDS:
        raise BodyError("decision body: kind is not one of the three kinds")
    if body.get("status") not in STATUSES:
        raise BodyError("decision body: status is not a known decision status")
    _ids(body, "grantor_ids")
    _ids(body, "child_ids")
    normalise_time(body["recorded_at"], "decision body: recorded_at")
    return {"visit_id": body["visit_id"], "decision_id": body["decision_id"],
            "choice_id": body["choice_id"], "kind": body["kind"], "status": body["status"]}
