"""Talking to the council's consent inbox over HTTP.

Every failure becomes a ``SyncProblem`` that says, in plain words, what went
wrong and whether trying again later can help. No message carries a name,
an identifier or a choice.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from familyprivacy.consent.envelope import Envelope
from familyprivacy.i18n import N_

Outcome = Literal["stored", "duplicate", "conflict", "invalid"]
OUTCOMES = frozenset({"stored", "duplicate", "conflict", "invalid"})
MAX_ERASE_AFTER = 10 * 365 * 86400


class SyncProblem(Exception):
    """A failed exchange. ``message`` is marked for translation and shown with ``_`` by the UI."""

    def __init__(self, message: str, *, retry: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry = retry
        self.status = status


@dataclass(frozen=True)
class EventReply:
    event_id: str
    outcome: Outcome
    reason: str


class InboxClient:
    """A small, synchronous client: the caller decides which thread it runs in."""

    def __init__(self, server_url: str, device_token: str = "", *, timeout: float = 60.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        headers = {"authorization": f"Bearer {device_token}"} if device_token else {}
        self.erase_after_seconds: int | None = None  # the council's period, as the inbox last said
        self._http = httpx.Client(base_url=server_url.rstrip("/"), headers=headers,
                                  timeout=httpx.Timeout(timeout, connect=10.0), transport=transport)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> InboxClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _post(self, path: str, payload: dict[str, Any]) -> httpx.Response:
        content = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            return self._http.post(path, content=content, headers={"content-type": "application/json"})
        except httpx.TransportError:
            raise SyncProblem(N_("The council's inbox cannot be reached. Check the connection."),
                              retry=True) from None

    def _note_policy(self, data: dict[str, Any]) -> None:
        period = data.get("erase_after_seconds")
        if isinstance(period, int) and not isinstance(period, bool) and 0 <= period <= MAX_ERASE_AFTER:
            self.erase_after_seconds = period

    def enrol(self, code: str, device_id: str, public_key: bytes, label: str = "") -> str:
        """Trade a one-time enrolment code for this laptop's device token."""
        reply = self._post("/v1/enrol", {"code": code.strip(), "device_id": device_id, "label": label,
                                         "public_key": base64.b64encode(public_key).decode("ascii")})
        if reply.status_code == 401:
            raise SyncProblem(N_("The enrolment code is not right, was used already, or has expired."),
                              retry=False, status=401)
        if reply.status_code == 409:
            raise SyncProblem(N_("This laptop is enrolled already. Ask the administrator."),
                              retry=False, status=409)
        _raise_for_status(reply)
        data = _json(reply)
        self._note_policy(data)
        token = data.get("device_token")
        if not isinstance(token, str) or not token:
            raise SyncProblem(N_("The council's inbox sent a reply this app cannot read."), retry=True)
        return token

    def push(self, batch: list[Envelope]) -> list[EventReply]:
        """Send a batch; the reply says, per event, whether the inbox now holds it."""
        reply = self._post("/v1/events", {"events": [e.to_wire() for e in batch]})
        if reply.status_code not in (200, 409, 422):
            _raise_for_status(reply)
        data = _json(reply)
        self._note_policy(data)
        results = data.get("results")
        if not isinstance(results, list) or len(results) != len(batch):
            raise SyncProblem(N_("The council's inbox sent a reply this app cannot read."), retry=True)
        replies: list[EventReply] = []
        for event, item in zip(batch, results, strict=True):
            if (not isinstance(item, dict) or item.get("outcome") not in OUTCOMES
                    or item.get("event_id") not in (event.event_id, None)):
                raise SyncProblem(N_("The council's inbox sent a reply this app cannot read."), retry=True)
            replies.append(EventReply(event.event_id, item["outcome"], str(item.get("reason", ""))[:300]))
        return replies


def _json(reply: httpx.Response) -> dict[str, Any]:
    try:
        data = reply.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise SyncProblem(N_("The council's inbox sent a reply this app cannot read."), retry=True)
    return data


def _raise_for_status(reply: httpx.Response) -> None:
    code = reply.status_code
    if code < 300:
        return
    if code == 401:
        raise SyncProblem(N_("This laptop is not enrolled with the council's inbox."), retry=False,
                          status=code)
    if code == 403:
        raise SyncProblem(N_("The council has switched off sync for this laptop. Ask the administrator."),
                          retry=False, status=code)
    if code == 413:
        raise SyncProblem(N_("The batch was too large for the council's inbox."), retry=True, status=code)
    if code == 429:
        raise SyncProblem(N_("The council's inbox is busy. The app will try again shortly."), retry=True,
                          status=code)
    if code >= 500:
        raise SyncProblem(N_("The council's inbox has a problem. The app will try again later."), retry=True,
                          status=code)
    raise SyncProblem(N_("The council's inbox refused what this app sent."), retry=False, status=code)
