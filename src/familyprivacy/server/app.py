"""The inbox over HTTP: enrol, push, export (FHIR R5 and CSV), and mark decisions actioned.

Handlers read the body with a hard size cap, then run the database work in a
thread, so a slow disk never stalls other requests.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select, text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from familyprivacy.server import db, export, openapi, schema, vault, web
from familyprivacy.server.ingest import Refused, enrol, push
from familyprivacy.server.tokens import digest

log = logging.getLogger("familyprivacy.server")


@dataclass(frozen=True)
class Limits:
    max_body_bytes: int = 8 * 1024 * 1024
    max_events: int = 1000
    rate_limit: int = 120  # pushes per device per window
    window_seconds: int = 60
    erase_after_seconds: int = 0  # the council's period before laptops erase synced visits; told to each


_DIGITS = re.compile(r"[0-9]{1,20}")


def _refuse(status: int, reason: str) -> JSONResponse:
    return JSONResponse({"error": reason}, status_code=status)


def _bad_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _json_content_type(request: Request) -> None:
    """JSON in UTF-8 and nothing else: no form posts, no UTF-16 that json.loads would guess at."""
    value = request.headers.get("content-type", "")
    media, _, params = value.partition(";")
    if media.strip().lower() != "application/json":
        raise Refused(415, "send the body as Content-Type: application/json")
    for param in params.split(";"):
        name, _, charset = param.partition("=")
        if name.strip().lower() == "charset" and charset.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise Refused(415, "the body must be JSON in UTF-8")


async def _read_json(request: Request, limit: int) -> Any:
    _json_content_type(request)
    length = request.headers.get("content-length")
    if length is not None and (not _DIGITS.fullmatch(length) or int(length) > limit):
        raise Refused(413, f"the request is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise Refused(413, f"the request is larger than {limit} bytes")
            chunks.append(chunk)
    except ClientDisconnect:
        raise Refused(400, "the connection closed before the request was complete") from None
    try:
        return json.loads(b"".join(chunks).decode("utf-8"), parse_constant=_bad_constant)
    except UnicodeDecodeError:
        raise Refused(400, "the request body is not UTF-8") from None
    except (ValueError, RecursionError):
        raise Refused(400, "the request body is not valid JSON") from None


def _fits(model: type[schema._Strict], data: Any, root: str) -> Any:
    try:
        return schema.check(model, data, root)
    except schema.SchemaError as exc:
        raise Refused(400, str(exc)) from None


def _bearer(request: Request) -> str:
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Refused(401, "a bearer token is required")
    return token.strip()


def _team(engine: Engine, token: str) -> str:
    t = db.team_tokens.c
    with engine.connect() as conn:
        row = conn.execute(select(t.name, t.revoked_at).where(t.token_hash == digest(token))).first()
    if row is None:
        raise Refused(401, "unknown team token")
    if row.revoked_at is not None:
        raise Refused(403, "this team token has been revoked")
    return str(row.name)


Handler = Callable[[Request], Any]


def _guard(kind: str, handler: Handler) -> Handler:
    """Turn a refusal into its status code and a log line with no personal data."""
    async def wrapped(request: Request) -> Response:
        try:
            response: Response = await handler(request)
            return response
        except Refused as exc:
            log.warning("%s refused: %s %s", kind, exc.status, exc.reason)
            return _refuse(exc.status, exc.reason)
        except Exception as exc:  # the type only: a message or traceback could quote personal data
            log.error("%s failed: %s", kind, type(exc).__name__)
            return _refuse(500, "the inbox could not complete this request; nothing was confirmed")
    return wrapped


def create_app(engine: Engine, keyring: vault.Keyring, limits: Limits | None = None,
               pages: web.Settings | None = None) -> Starlette:
    """The inbox: the API under /v1 and the team's pages (server/web.py) beside it."""
    lim = limits or Limits()
    document = openapi.document()

    async def health(request: Request) -> Response:
        def ping() -> None:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        await run_in_threadpool(ping)
        return JSONResponse({"ok": True})

    async def enrol_device(request: Request) -> Response:
        data = _fits(schema.EnrolRequest, await _read_json(request, 64 * 1024), "enrolment")
        token = await run_in_threadpool(enrol, engine, data.code, data.device_id, data.public_key,
                                        data.label or "")
        return JSONResponse({"device_token": token, "erase_after_seconds": lim.erase_after_seconds},
                            status_code=201)

    async def push_events(request: Request) -> Response:
        token = _bearer(request)
        raw = await _read_json(request, lim.max_body_bytes)
        events = raw.get("events") if isinstance(raw, dict) else None
        if isinstance(events, list) and len(events) > lim.max_events:
            raise Refused(413, f"a batch holds at most {lim.max_events} events")
        data = _fits(schema.PushRequest, raw, "push")
        results = await run_in_threadpool(push, engine, token, data.events, keyring,
                                          rate_limit=lim.rate_limit, window_seconds=lim.window_seconds)
        outcomes = {r.outcome for r in results}
        status = 409 if "conflict" in outcomes else 422 if "invalid" in outcomes else 200
        return JSONResponse({"results": [r.to_json() for r in results],
                             "erase_after_seconds": lim.erase_after_seconds}, status_code=status)

    async def export_records(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in ("fhir", "csv"):
            raise Refused(404, "export is consents.fhir or consents.csv")
        await run_in_threadpool(_team, engine, _bearer(request))
        try:
            filters = export.Filters.parse(dict(request.query_params))
        except export.FilterError as exc:
            raise Refused(400, str(exc)) from None
        records, after = await run_in_threadpool(export.page, engine, filters, keyring)
        links = {"self": str(request.url)}
        if after is not None:  # the same filters and page size, from where this page ended
            links["next"] = str(request.url.include_query_params(after=after))
        if fmt == "csv":
            headers = {"content-disposition": "attachment; filename=consents.csv"}
            if "next" in links:
                headers["link"] = f'<{links["next"]}>; rel="next"'
            return Response(export.to_csv(records), media_type="text/csv; charset=utf-8", headers=headers)
        return JSONResponse(export.to_fhir(records, links), media_type="application/fhir+json")

    async def actioned(request: Request) -> Response:
        name = await run_in_threadpool(_team, engine, _bearer(request))
        data = _fits(schema.ActionsRequest, await _read_json(request, 1024 * 1024), "actions")
        done, unknown = await run_in_threadpool(export.mark_actioned, engine, data.event_ids, name)
        return JSONResponse({"actioned": done, "unknown": unknown}, status_code=200 if not unknown else 404)

    async def describe(request: Request) -> Response:
        return JSONResponse(document)

    routes = [
        Route("/v1/openapi.json", describe, methods=["GET"]),
        Route("/v1/health", health, methods=["GET"]),
        Route("/v1/enrol", _guard("enrolment", enrol_device), methods=["POST"]),
        Route("/v1/events", _guard("push", push_events), methods=["POST"]),
        Route("/v1/export/consents.{fmt:str}", _guard("export", export_records), methods=["GET"]),
        Route("/v1/actions", _guard("action", actioned), methods=["POST"]),
    ]
    routes += web.routes(engine, keyring, pages)
    return Starlette(routes=routes)


def app_from_env() -> Starlette:
    """The factory uvicorn's workers call: settings come from the environment, not process memory."""
    url = os.environ.get("FAMILYPRIVACY_SERVER_DB", "sqlite:///familyprivacy-inbox.db")
    def env(name: str, default: int) -> int:
        return int(os.environ.get(f"FAMILYPRIVACY_SERVER_{name}", default))

    d = Limits()
    limits = Limits(max_body_bytes=env("MAX_BODY", d.max_body_bytes),
                    max_events=env("MAX_EVENTS", d.max_events),
                    rate_limit=env("RATE_LIMIT", d.rate_limit),
                    window_seconds=env("RATE_WINDOW", d.window_seconds),
                    erase_after_seconds=env("ERASE_AFTER", d.erase_after_seconds))
    return create_app(db.make_engine(url), vault.load(url, create=False), limits, web.settings_from_env())
