"""The team's pages: the consent inbox as a website for the people who act on families' decisions.

Server-rendered (Starlette and autoescaped Jinja2 templates in ``templates/``), with no script at all:
every page works by keyboard, at 320 pixels wide and at 200% zoom, and its Content-Security-Policy
allows nothing but its own style sheet. Every value a laptop sent is escaped (a name may be
``<script>``). A form carries its session's CSRF token, and a POST without it changes nothing. An error
shows a plain message and a reference, never a stack trace.

Pages: the front page (referrals and withdrawals waiting, withdrawals overdue), the decisions (the
export's filters as a form, 50 a page, CSV and FHIR of the same filter), a decision (what a caseworker
needs to act, its history, the signature, "mark actioned" with a note), the laptops (enrolment codes
as text and QR code, revoke), the access log (governance) and staff (admin). Every view of a
decision and every export is written to the access log.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from sqlalchemy import Engine, false, func, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from familyprivacy.server import admin, db, export, staff, vault
from familyprivacy.server.fhir import signoff_text

log = logging.getLogger("familyprivacy.server.web")
HERE = Path(__file__).resolve().parent
COOKIE = "fp_session"
SIGNIN_COOKIE = "fp_signin"
PAGE = 50
MAX_FORM = 16 * 1024
DEFAULT_WITHDRAWAL_DAYS = 5
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    # same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on a form, which the
    # origin check must refuse; to other sites no address (with its decision ids) is ever sent.
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
    "cross-origin-opener-policy": "same-origin",
}
STATUS_WORDS = {
    "given": "Yes",
    "refused": "No",
    "deferred": "Not decided yet",
    "withdrawn": "Withdrawn",
    "expired": "Expired",
    "invalidated": "No longer valid",
}
KIND_WORDS = {
    "service-agreement": "A referral or service (the family can say no)",
    "data-consent": "Consent to use or share information (the family can say no)",
    "information-only": "Information only (explained to the family)",
}


class Problem(Exception):
    """A refusal shown as a page: its status and a plain message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Settings:
    withdrawal_days: int = DEFAULT_WITHDRAWAL_DAYS  # a withdrawal not actioned within this is overdue
    secure_cookies: bool = True


def settings_from_env() -> Settings:
    days = os.environ.get("FAMILYPRIVACY_SERVER_WITHDRAWAL_DAYS", "")
    return Settings(
        withdrawal_days=int(days) if days.isdigit() and 0 < int(days) < 366 else DEFAULT_WITHDRAWAL_DAYS
    )


@lru_cache(maxsize=1)
def templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = lambda m: "" if m is None else _as_utc(m).strftime("%Y-%m-%d %H:%M UTC")
    env.filters["status_words"] = lambda s: STATUS_WORDS.get(str(s), str(s))
    env.filters["kind_words"] = lambda k: KIND_WORDS.get(str(k), str(k))
    env.filters["language"] = lambda c: language_name(str(c)) if c else ""
    return env


def _as_utc(moment: datetime | str) -> datetime:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def session_secret(keyring: vault.Keyring) -> bytes:
    """The key that signs session cookies, derived from the inbox's current key (held outside the
    database), so a copy of the database cannot forge a session. Rotating the key signs everyone out."""
    return hashlib.sha256(b"familyprivacy staff sessions\0" + keyring.keys[0][1]).digest()


@lru_cache(maxsize=64)
def _titles(notice_id: str) -> dict[str, str]:
    """The English titles of a notice's choices and parts by id; empty when this inbox does not carry
    the notice."""
    from familyprivacy.content.loader import load_all

    try:
        notice = load_all(cached=True).by_id(notice_id)
    except (KeyError, LookupError, ValueError, OSError):
        return {}
    return {**{s.id: s.title for s in notice.sections}, **{c.id: c.title for c in notice.choices}}


def title(notice_id: str, item_id: str) -> str:
    """A choice or part by its title in the council's notice, or its id as words (help-and-support
    becomes "Help and support") when this inbox does not carry the notice."""
    return _titles(notice_id).get(item_id) or item_id.replace("-", " ").capitalize()


def overdue_before(days: int) -> str:
    """The stored form of the moment ``days`` ago: a withdrawal recorded before it is overdue."""
    return (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def language_name(code: str) -> str:
    """A language's English name and its own (Polish, polski), or the code when it is not known."""
    from familyprivacy.i18n import languages

    try:
        language = languages.get(code)
    except (KeyError, LookupError, ValueError):
        return code
    if language.native_name and language.native_name != language.english_name:
        return f"{language.english_name} ({language.native_name})"
    return language.english_name


def strokes_svg(strokes: Any) -> str:
    """A signature's strokes as SVG path data (numbers only), scaled into a 400 by 150 box."""
    points = [
        p
        for stroke in strokes or []
        if isinstance(stroke, list)
        for p in stroke
        if isinstance(p, list) and len(p) >= 2 and all(isinstance(c, (int, float)) for c in p[:2])
    ]
    if not points:
        return ""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    width, height = max(max(xs) - min(xs), 1.0), max(max(ys) - min(ys), 1.0)
    scale = min(380 / width, 130 / height)
    paths = []
    for stroke in strokes:
        parts = [
            f"{10 + (p[0] - min(xs)) * scale:.1f},{10 + (p[1] - min(ys)) * scale:.1f}"
            for p in stroke
            if isinstance(p, list) and len(p) >= 2
        ]
        if parts:
            paths.append("M" + " L".join(parts))
    return " ".join(paths)


# -- the pages ---------------------------------------------------------------------------------------
def routes(engine: Engine, keyring: vault.Keyring, settings: Settings | None = None) -> list[Route]:
    cfg = settings or Settings()
    secret = session_secret(keyring)

    def address(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def page(
        request: Request,
        template: str,
        status: int = 200,
        session: staff.Session | None = None,
        **values: Any,
    ) -> HTMLResponse:
        html = (
            templates()
            .get_template(template)
            .render(
                me=session.person if session else None,
                csrf=session.csrf if session else "",
                path=request.url.path,
                **values,
            )
        )
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)

    def redirect(to: str) -> RedirectResponse:
        return RedirectResponse(to, status_code=303, headers=SECURITY_HEADERS)

    async def form(request: Request) -> dict[str, str]:
        """The posted form (urlencoded, at most MAX_FORM bytes); one value a name."""
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            raise Problem(415, "This page takes a form.")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM:
                raise Problem(413, "The form is too large.")
        try:
            pairs = urllib.parse.parse_qsl(
                body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=50
            )
        except (UnicodeDecodeError, ValueError):
            raise Problem(400, "The form could not be read.") from None
        return dict(pairs)

    def signed_in(
        role: str, handler: Callable[[Request, staff.Session], Awaitable[Response]], changes: bool = False
    ) -> Callable[[Request], Awaitable[Response]]:
        """Pages for people signed in with ``role``'s rights; a form that ``changes`` something must
        carry the session's CSRF token and come from this site."""

        async def wrapped(request: Request) -> Response:
            session = await run_in_threadpool(staff.find_session, engine, request.cookies.get(COOKIE), secret)
            if session is None:
                if request.method == "GET":
                    return redirect("/sign-in?next=" + urllib.parse.quote(request.url.path))
                return page(
                    request,
                    "problem.html",
                    401,
                    message="You are not signed in, or your session "
                    "ended. Sign in again; nothing was changed.",
                    reference="",
                )
            if not session.person.may(role):
                return page(
                    request,
                    "problem.html",
                    403,
                    session,
                    message="Your role cannot use this page. Ask an administrator if you need it.",
                    reference="",
                )
            if changes:
                request.state.form = await form(request)
                origin = request.headers.get("origin")
                if not staff.csrf_ok(session, request.state.form.get("csrf")) or (
                    origin is not None and origin != _own_origin(request)
                ):
                    return page(
                        request,
                        "problem.html",
                        403,
                        session,
                        message="This form could not be "
                        "accepted (it did not come from this page). Nothing was changed; go back, "
                        "reload the page and try again.",
                        reference="",
                    )
            return await handler(request, session)

        return guarded(wrapped)

    def guarded(
        handler: Callable[[Request], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def wrapped(request: Request) -> Response:
            try:
                return await handler(request)
            except Problem as exc:
                return page(request, "problem.html", exc.status, message=exc.message, reference="")
            except Exception as exc:  # the type only: a message could quote personal data
                reference = secrets.token_hex(4)
                log.error(
                    "page %s failed (reference %s): %s", request.url.path, reference, type(exc).__name__
                )
                return page(
                    request,
                    "problem.html",
                    500,
                    message="Something went wrong on the server. "
                    "Nothing was changed. Tell your administrator this reference:",
                    reference=reference,
                )

        return wrapped

    # -- signing in and out --------------------------------------------------------------------------
    async def sign_in_page(request: Request) -> Response:
        token = secrets.token_urlsafe(24)
        response = page(
            request,
            "sign_in.html",
            signin=token,
            problem="",
            next=_safe_next(request.query_params.get("next", "/")),
            name="",
        )
        response.set_cookie(
            SIGNIN_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=cfg.secure_cookies,
            path="/sign-in",
            max_age=3600,
        )
        return response

    async def sign_in(request: Request) -> Response:
        data = await form(request)
        expected = request.cookies.get(SIGNIN_COOKIE, "")
        if not expected or not secrets.compare_digest(expected, data.get("signin", "")):
            raise Problem(
                403, "This sign-in form could not be accepted. Reload the sign-in page and try again."
            )
        result = await run_in_threadpool(
            staff.sign_in, engine, data.get("name", ""), data.get("password", ""), address(request)
        )
        target = _safe_next(data.get("next", "/"))
        if result.person is None:
            await run_in_threadpool(
                staff.log,
                engine,
                data.get("name", "")[:100] or "(no name)",
                "sign-in refused",
                "",
                address(request),
            )
            response = page(
                request,
                "sign_in.html",
                200 if not result.wait_seconds else 429,
                signin=expected,
                problem=result.problem,
                next=target,
                name=data.get("name", ""),
            )
            return response
        cookie = await run_in_threadpool(staff.start_session, engine, result.person, secret)
        await run_in_threadpool(staff.log, engine, result.person.name, "signed in", "", address(request))
        done = redirect(target)
        done.set_cookie(COOKIE, cookie, httponly=True, samesite="strict", secure=cfg.secure_cookies, path="/")
        done.delete_cookie(SIGNIN_COOKIE, path="/sign-in")
        return done

    async def sign_out(request: Request, session: staff.Session) -> Response:
        await run_in_threadpool(staff.end_session, engine, session.token_hash)
        await run_in_threadpool(staff.log, engine, session.person.name, "signed out", "", address(request))
        response = redirect("/sign-in")
        response.delete_cookie(COOKIE, path="/")
        return response

    # -- the front page and the decisions ------------------------------------------------------------
    async def front(request: Request, session: staff.Session) -> Response:
        counts = await run_in_threadpool(front_counts, engine, cfg.withdrawal_days)
        until = (datetime.now(UTC) - timedelta(days=cfg.withdrawal_days)).isoformat(timespec="seconds")
        overdue_query = urllib.parse.urlencode({"status": "withdrawn", "state": "open", "until": until})
        return page(
            request,
            "front.html",
            session=session,
            counts=counts,
            days=cfg.withdrawal_days,
            overdue_query=overdue_query,
        )

    async def decisions(request: Request, session: staff.Session) -> Response:
        params = {k: v for k, v in request.query_params.items() if v != ""}
        try:
            filters = export.Filters.parse({k: v for k, v in params.items() if k != "limit"})
        except export.FilterError as exc:
            return page(
                request,
                "decisions.html",
                400,
                session,
                rows=[],
                problem=str(exc),
                form=params,
                next_page="",
                query="",
                overdue_before="",
            )
        records, after = await run_in_threadpool(newest_first, engine, replace(filters, limit=PAGE), keyring)
        rows = [row_view(r) for r in records]
        own = {k: v for k, v in params.items() if k not in ("after", "limit")}
        next_page = ("?" + urllib.parse.urlencode({**own, "after": after})) if after else ""
        overdue = overdue_before(cfg.withdrawal_days)
        return page(
            request,
            "decisions.html",
            session=session,
            rows=rows,
            problem="",
            form=params,
            next_page=next_page,
            query=urllib.parse.urlencode(own),
            overdue_before=overdue,
        )

    async def decision(request: Request, session: staff.Session) -> Response:
        event_id = request.path_params["event_id"]
        found = await run_in_threadpool(decision_view, engine, keyring, event_id)
        if found is None:
            raise Problem(404, "There is no decision with this reference.")
        await run_in_threadpool(
            staff.log, engine, session.person.name, "viewed decision", event_id, address(request)
        )
        return page(request, "decision.html", session=session, d=found, days=cfg.withdrawal_days)

    async def action(request: Request, session: staff.Session) -> Response:
        event_id = request.path_params["event_id"]
        note = request.state.form.get("note", "").strip()
        if len(note) > 2000 or any(ord(ch) < 32 and ch not in "\n\r\t" for ch in note):
            raise Problem(400, "A note is at most 2,000 characters of plain text.")
        _done, unknown = await run_in_threadpool(
            export.mark_actioned, engine, [event_id], session.person.name, keyring, note or None
        )
        if unknown:
            raise Problem(404, "There is no decision with this reference.")
        await run_in_threadpool(
            staff.log, engine, session.person.name, "marked actioned", event_id, address(request)
        )
        return redirect(f"/decisions/{urllib.parse.quote(event_id)}")

    async def download(request: Request, session: staff.Session) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in ("csv", "fhir"):
            raise Problem(404, "Decisions download as export.csv or export.fhir.")
        params = {k: v for k, v in request.query_params.items() if v != "" and k not in ("after", "limit")}
        try:
            filters = export.Filters.parse(params)
        except export.FilterError as exc:
            raise Problem(400, str(exc)) from None
        records = await run_in_threadpool(all_pages, engine, filters, keyring)
        await run_in_threadpool(
            staff.log,
            engine,
            session.person.name,
            f"exported {fmt}",
            urllib.parse.urlencode(params) or "everything",
            address(request),
        )
        headers = {**SECURITY_HEADERS, "content-disposition": f"attachment; filename=decisions.{fmt}"}
        if fmt == "csv":
            return Response(export.to_csv(records), media_type="text/csv; charset=utf-8", headers=headers)
        body = json.dumps(export.to_fhir(records), ensure_ascii=False)
        return Response(body, media_type="application/fhir+json", headers=headers)

    # -- laptops -------------------------------------------------------------------------------------
    async def devices(request: Request, session: staff.Session) -> Response:
        rows = await run_in_threadpool(device_rows, engine)
        return page(request, "devices.html", session=session, devices=rows)

    async def new_code(request: Request, session: staff.Session) -> Response:
        label = request.state.form.get("label", "").strip()
        if len(label) > 200 or any(ord(ch) < 32 for ch in label):
            raise Problem(400, "A laptop's label is at most 200 characters on one line.")
        code = await run_in_threadpool(admin.add_enrolment_code, engine, label)
        expires = datetime.now(UTC) + timedelta(hours=72)
        await run_in_threadpool(
            staff.log, engine, session.person.name, "issued enrolment code", label, address(request)
        )
        return page(
            request,
            "code.html",
            session=session,
            code=code,
            label=label,
            expires=expires,
            qr=qr_svg(code, str(request.base_url).rstrip("/")),
            inbox=str(request.base_url).rstrip("/"),
        )

    async def revoke_page(request: Request, session: staff.Session) -> Response:
        device_id = request.path_params["device_id"]
        rows = {r["device_id"]: r for r in await run_in_threadpool(device_rows, engine)}
        if device_id not in rows:
            raise Problem(404, "There is no laptop with this id.")
        return page(request, "revoke.html", session=session, device=rows[device_id])

    async def revoke(request: Request, session: staff.Session) -> Response:
        device_id = request.path_params["device_id"]
        if request.state.form.get("confirm") != "yes":
            raise Problem(400, "Tick the box to confirm, then revoke.")
        if not await run_in_threadpool(admin.revoke_device, engine, device_id):
            raise Problem(404, "There is no laptop with this id.")
        await run_in_threadpool(
            staff.log, engine, session.person.name, "revoked laptop", device_id, address(request)
        )
        return redirect("/devices")

    # -- the access log and staff --------------------------------------------------------------------
    async def access_log(request: Request, session: staff.Session) -> Response:
        target = request.query_params.get("target", "").strip()
        name = request.query_params.get("name", "").strip()
        before_raw = request.query_params.get("before", "")
        before = (
            int(before_raw)
            if before_raw.isascii() and before_raw.isdigit() and len(before_raw) < 12
            else None
        )
        lines, more = await run_in_threadpool(staff.search_log, engine, target, name, 200, before)
        await run_in_threadpool(
            staff.log,
            engine,
            session.person.name,
            "searched access log",
            target or name or "everything",
            address(request),
        )
        next_page = (
            "?" + urllib.parse.urlencode({"target": target, "name": name, "before": more})
            if more is not None
            else ""
        )
        return page(
            request,
            "access_log.html",
            session=session,
            lines=lines,
            target=target,
            name=name,
            next_page=next_page,
        )

    async def people(
        request: Request, session: staff.Session, problem: str = "", status: int = 200
    ) -> Response:
        rows = await run_in_threadpool(staff.list_people, engine)
        return page(request, "staff.html", status, session, people=rows, problem=problem, roles=staff.ROLES)

    async def add_person(request: Request, session: staff.Session) -> Response:
        data = request.state.form
        try:
            person = await run_in_threadpool(
                staff.add_person, engine, data.get("name", ""), data.get("role", ""), data.get("password", "")
            )
        except staff.StaffError as exc:
            return await people(request, session, str(exc).capitalize() + ".", 400)
        await run_in_threadpool(
            staff.log,
            engine,
            session.person.name,
            "added staff",
            f"{person.name} ({person.role})",
            address(request),
        )
        return redirect("/staff")

    async def change_person(request: Request, session: staff.Session) -> Response:
        name, what = request.path_params["name"], request.path_params["what"]
        if what == "unlock":
            await run_in_threadpool(staff.unlock, engine, name)
        elif what in ("disable", "enable"):
            if name == session.person.name:
                return await people(request, session, "You cannot turn off your own account.", 400)
            await run_in_threadpool(staff.set_disabled, engine, name, what == "disable")
        else:
            raise Problem(404, "There is no such change.")
        await run_in_threadpool(
            staff.log, engine, session.person.name, f"staff {what}", name, address(request)
        )
        return redirect("/staff")

    async def style(request: Request) -> Response:
        return Response(
            (HERE / "static" / "inbox.css").read_text("utf-8"),
            media_type="text/css",
            headers={**SECURITY_HEADERS, "cache-control": "max-age=3600"},
        )

    return [
        Route("/", signed_in("team", front), methods=["GET"]),
        Route("/sign-in", guarded(sign_in_page), methods=["GET"]),
        Route("/sign-in", guarded(sign_in), methods=["POST"]),
        Route("/sign-out", signed_in("team", sign_out, changes=True), methods=["POST"]),
        Route("/decisions", signed_in("team", decisions), methods=["GET"]),
        Route("/decisions/export.{fmt:str}", signed_in("team", download), methods=["GET"]),
        Route("/decisions/{event_id:str}", signed_in("team", decision), methods=["GET"]),
        Route("/decisions/{event_id:str}/action", signed_in("team", action, changes=True), methods=["POST"]),
        Route("/devices", signed_in("governance", devices), methods=["GET"]),
        Route("/devices/codes", signed_in("admin", new_code, changes=True), methods=["POST"]),
        Route("/devices/{device_id:str}/revoke", signed_in("admin", revoke_page), methods=["GET"]),
        Route("/devices/{device_id:str}/revoke", signed_in("admin", revoke, changes=True), methods=["POST"]),
        Route("/access-log", signed_in("governance", access_log), methods=["GET"]),
        Route("/staff", signed_in("admin", people), methods=["GET"]),
        Route("/staff", signed_in("admin", add_person, changes=True), methods=["POST"]),
        Route(
            "/staff/{name:str}/{what:str}", signed_in("admin", change_person, changes=True), methods=["POST"]
        ),
        Route("/static/inbox.css", style, methods=["GET"]),
    ]


def _own_origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _safe_next(target: str) -> str:
    """Only a path on this site: never another site (an open redirect)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target or len(target) > 300:
        return "/"
    return target


# -- what the pages show (plain functions: the tests and the bench call them too) ----------------------
def front_counts(engine: Engine, withdrawal_days: int) -> dict[str, int]:
    e = db.events.c
    cutoff = overdue_before(withdrawal_days)

    def count(*where: Any) -> int:
        stmt = (
            select(func.count())
            .select_from(db.events)
            .where(e.type == "decision", e.actioned == false(), *where)
        )
        with engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    return {
        "referrals": count(e.kind == "service-agreement", e.status == "given"),
        "withdrawals": count(e.status == "withdrawn"),
        "overdue": count(e.status == "withdrawn", e.recorded_at < cutoff),
    }


def newest_first(
    engine: Engine, filters: export.Filters, keyring: vault.Keyring
) -> tuple[list[export.Record], str | None]:
    """A page of decisions, newest first (the team's order; the export runs oldest first)."""
    return export.page(engine, replace(filters, newest_first=True), keyring)


def all_pages(engine: Engine, filters: export.Filters, keyring: vault.Keyring) -> list[export.Record]:
    records: list[export.Record] = []
    current = replace(filters, limit=export.MAX_LIMIT)
    while True:
        chunk, after = export.page(engine, current, keyring)
        records.extend(chunk)
        if after is None:
            return records
        current = replace(current, after=export.parse_cursor(after))


def row_view(r: export.Record) -> dict[str, Any]:
    d, v = r.decision, r.visit or {}
    choice = title(r.notice_id, str(d.get("choice_id", "")))
    return {
        "event_id": r.event_id,
        "recorded_at": d.get("recorded_at", r.recorded_at),
        "case_reference": v.get("case_reference", ""),
        "choice": choice,
        "choice_id": d.get("choice_id", ""),
        "kind": d.get("kind", ""),
        "status": d.get("status", ""),
        "notice_id": r.notice_id,
        "actioned": r.actioned_at is not None,
        "recorded_utc": r.recorded_at,
    }


def decision_view(engine: Engine, keyring: vault.Keyring, event_id: str) -> dict[str, Any] | None:
    e, a = db.events.c, db.actions.c
    with engine.connect() as conn:
        row = conn.execute(
            select(e.event_id, e.device_id, e.visit_id, e.choice_id, e.notice_id).where(
                e.event_id == event_id, e.type == "decision"
            )
        ).first()
        if row is None:
            return None
        history = (
            conn.execute(
                select(e.event_id)
                .where(
                    e.type == "decision",
                    e.device_id == row.device_id,
                    e.visit_id == row.visit_id,
                    e.choice_id == row.choice_id,
                )
                .order_by(e.recorded_at, e.event_id)
            )
            .scalars()
            .all()
        )
        action_row = conn.execute(
            select(a.actioned_at, a.actioned_by, a.note).where(a.event_id == event_id)
        ).first()
    records = {
        r.event_id: r for r in export.query(engine, export.Filters(), keyring, event_ids=list(history))
    }
    record = records[event_id]
    d, v = record.decision, record.visit or {}
    people = {p.get("id"): p for p in v.get("grantors", []) if isinstance(p, dict)}
    children = {c.get("id"): c for c in v.get("children", []) if isinstance(c, dict)}
    capture: dict[str, Any] = d["capture"] if isinstance(d.get("capture"), dict) else {}
    signatures = []
    if capture.get("signature_strokes"):
        signatures.append(("", strokes_svg(capture["signature_strokes"])))
    for signer in capture.get("signers") or []:
        if isinstance(signer, dict):
            who = people.get(signer.get("grantor_id"), {}).get("name", "")
            signatures.append((who, strokes_svg(signer.get("strokes"))))
    note = ""
    if action_row is not None and action_row.note:
        note = keyring.open(action_row.note, f"action:{event_id}")
    interpreter = v.get("interpreter") if isinstance(v.get("interpreter"), dict) else {}
    return {
        "event_id": event_id,
        "row": row_view(record),
        "decision": d,
        "visit": v,
        "device_id": record.device_id,
        "grantors": [people.get(g, {"name": g}) for g in d.get("grantor_ids", [])],
        "children": [children.get(c, {"name": c}) for c in d.get("child_ids", [])],
        "capture": capture,
        "signatures": [s for s in signatures if s[1]],
        "interpreter": interpreter,
        "sections": [
            {
                "title": title(record.notice_id, str(s.get("section_id", ""))),
                "language": s.get("language"),
            }
            for s in v.get("sections_shown", [])
            if isinstance(s, dict)
        ],
        "signoff_english": signoff_text(v, "english"),
        "signoff_translation": signoff_text(v, "translation"),
        "history": [row_view(records[h]) for h in history if h in records],
        "actioned_at": action_row.actioned_at if action_row else None,
        "actioned_by": action_row.actioned_by if action_row else "",
        "note": note,
        "received_at": record.received_at,
    }


def device_rows(engine: Engine) -> list[dict[str, Any]]:
    d, e = db.devices.c, db.events.c
    with engine.connect() as conn:
        counted = conn.execute(select(e.device_id, func.count()).group_by(e.device_id)).all()
        held: dict[str, int] = {str(r[0]): int(r[1]) for r in counted}
        rows = conn.execute(
            select(
                d.device_id, d.label, d.enrolled_at, d.revoked_at, d.last_seen_at, d.head_seq, d.head_hash
            ).order_by(d.enrolled_at.desc())
        ).all()
    return [
        {
            "device_id": r.device_id,
            "label": r.label,
            "enrolled_at": r.enrolled_at,
            "revoked_at": r.revoked_at,
            "last_seen_at": r.last_seen_at,
            "events": held.get(r.device_id, 0),
            "head": f"{r.head_seq} · {r.head_hash[:12]}",
        }
        for r in rows
    ]


def qr_svg(code: str, inbox: str) -> str:
    """The enrolment code (and the inbox's address) as an SVG QR code: markup made here, no user text."""
    import segno

    qr = segno.make(f"familyprivacy-enrol:{inbox}#{code}", error="m")
    return str(qr.svg_inline(scale=6, dark="#000", light="#fff", title="Enrolment code as a QR code"))
