"""The team's pages (server/web.py) through Starlette's test client: every route, role and refusal.

Signing in: no session sends a page to the sign-in form; a wrong role gets 403; a form without its
session's CSRF token, or from another origin, changes nothing (403); 20 wrong passwords lock that account
and no other; a session ends after its idle time. The pages: the front page's counts drop as a
withdrawal is actioned; the filters pick the right decisions and page newest first; a decision's page
shows what a caseworker needs and escapes what a laptop sent (a name may be ``<script>``); every view
and export is in the access log; laptops get enrolment codes (text and QR) and are revoked, after
which their pushes are refused. Every page carries the security headers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from familyprivacy.server import admin, db, staff, vault, web
from familyprivacy.server.app import create_app
from familyprivacy.server.migrate import upgrade
from familyprivacy.sync.client import InboxClient
from tests.conftest_pg import (
    BACKENDS,
    FakeOutbox,
    decision_body,
    make_db_url,
    pg_cluster,  # noqa: F401 - fixture
    visit_body,
)

STOCKTON = "stockton/childrens-social-care"
PASSWORD = "correct horse battery staple"
SITE = "https://testserver"


@dataclass
class Inbox:
    client: TestClient
    engine: object
    keyring: vault.Keyring
    laptop: FakeOutbox
    token: str
    ids: dict[str, str]


def _sign_in(client: TestClient, name: str, password: str = PASSWORD) -> object:
    page = client.get("/sign-in")
    token = re.search(r'name="signin" value="([^"]+)"', page.text)
    assert token is not None
    return client.post(
        "/sign-in",
        data={"signin": token.group(1), "next": "/", "name": name, "password": password},
        follow_redirects=False,
    )


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, "the page has no CSRF token in its forms"
    return found.group(1)


@pytest.fixture(params=BACKENDS)
def inbox(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Inbox]:
    engine = db.make_engine(make_db_url(request.param, tmp_path, request))
    upgrade(engine)
    keyring = vault.Keyring.parse([vault.new_key_line()], "test")
    app = create_app(engine, keyring, pages=web.Settings(withdrawal_days=5))
    client = TestClient(app, base_url=SITE)
    for name, role in (("Tess Team", "team"), ("Gina Governance", "governance"), ("Ada Admin", "admin")):
        staff.add_person(engine, name, role, PASSWORD)
    laptop = FakeOutbox()
    code = admin.add_enrolment_code(engine, "test laptop")
    inbox_client = InboxClient(SITE, transport=client._transport)
    token = inbox_client.enrol(code, laptop.device_id, laptop.device_public_key(), "test laptop")
    visit = visit_body("va", STOCKTON)
    visit["case_reference"] = "CH-<script>alert(1)</script>"
    visit["grantors"] = [{"id": "g1", "name": "<b>Mallory</b> & Sons", "relationship": "mother"}]
    laptop.append("visit", visit, STOCKTON)
    ids = {}
    for n, (status, choice, kind, when) in enumerate(
        [
            ("given", "help-and-support-referral", "service-agreement", "2026-11-20T10:00:00+00:00"),
            ("withdrawn", "help-and-support-referral", "service-agreement", "2026-11-21T10:00:00+00:00"),
            ("refused", "research", "data-consent", "2026-11-22T10:00:00+00:00"),
            ("given", "housing-referral", "service-agreement", "2026-11-23T10:00:00+00:00"),
        ]
    ):
        body = decision_body("va", n, status, choice, kind, ("c1",), when)
        ids[f"{status}-{choice}"] = laptop.append("decision", body, STOCKTON, when).event_id
    with InboxClient(SITE, token, transport=client._transport) as pusher:
        replies = pusher.push(laptop.events)
    assert {r.outcome for r in replies} == {"stored"}, replies
    yield Inbox(client, engine, keyring, laptop, token, ids)
    client.close()
    engine.dispose()  # type: ignore[attr-defined]


def test_every_page_asks_for_a_session_first(inbox: Inbox) -> None:
    for path in (
        "/",
        "/decisions",
        f"/decisions/{inbox.ids['given-help-and-support-referral']}",
        "/decisions/export.csv",
        "/devices",
        "/access-log",
        "/staff",
    ):
        response = inbox.client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/sign-in?next="), path
    refused = inbox.client.post(
        f"/decisions/{inbox.ids['given-help-and-support-referral']}/action",
        data={"csrf": "x"},
        follow_redirects=False,
    )
    assert refused.status_code == 401
    assert "not signed in" in refused.text


def test_signing_in_sets_a_strict_cookie_and_signing_out_ends_it(inbox: Inbox) -> None:
    response = _sign_in(inbox.client, "Tess Team")
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    for part in ("HttpOnly", "SameSite=strict", "Secure", "Path=/"):
        assert part.lower() in cookie.lower(), cookie
    front = inbox.client.get("/")
    assert front.status_code == 200 and "Signed in as Tess Team" in front.text
    out = inbox.client.post("/sign-out", data={"csrf": _csrf(front.text)}, follow_redirects=False)
    assert out.status_code == 303
    assert inbox.client.get("/", follow_redirects=False).status_code == 303


def test_a_wrong_password_says_so_and_names_no_account(inbox: Inbox) -> None:
    wrong = _sign_in(inbox.client, "Tess Team", "not the password")
    nobody = _sign_in(inbox.client, "Nobody Here", "not the password")
    assert "That name and password do not match." in wrong.text  # type: ignore[attr-defined]
    assert "That name and password do not match." in nobody.text  # type: ignore[attr-defined]


def test_twenty_wrong_passwords_lock_that_account_and_no_other(inbox: Inbox) -> None:
    engine = inbox.engine
    moment = staff.now()
    for n in range(staff.LOCK_AFTER):  # each attempt after the growing wait (the clock moves on)
        moment += staff.MAX_WAIT + timedelta(seconds=1)
        result = staff.sign_in(engine, "Tess Team", "wrong", f"10.0.0.{n}", at=moment)  # type: ignore[arg-type]
        assert result.person is None
    moment += staff.MAX_WAIT + timedelta(seconds=1)
    locked = staff.sign_in(engine, "Tess Team", PASSWORD, "10.0.1.1", at=moment)  # type: ignore[arg-type]
    assert locked.person is None and "locked" in locked.problem
    other = staff.sign_in(engine, "Gina Governance", PASSWORD, "10.0.1.1", at=moment)  # type: ignore[arg-type]
    assert other.person is not None and other.person.name == "Gina Governance"
    staff.unlock(engine, "Tess Team")  # type: ignore[arg-type]
    assert staff.sign_in(engine, "Tess Team", PASSWORD, "10.0.1.2", at=moment).person is not None  # type: ignore[arg-type]


def test_failures_make_each_next_attempt_wait_longer(inbox: Inbox) -> None:
    engine = inbox.engine
    moment = staff.now()
    waits = []
    for _ in range(staff.FREE_FAILURES + 3):
        result = staff.sign_in(engine, "Tess Team", "wrong", "10.9.9.9", at=moment)  # type: ignore[arg-type]
        if result.wait_seconds:
            waits.append(result.wait_seconds)
            moment += timedelta(seconds=result.wait_seconds)
            result = staff.sign_in(engine, "Tess Team", "wrong", "10.9.9.9", at=moment)  # type: ignore[arg-type]
        moment += timedelta(milliseconds=1)
    assert waits == sorted(waits) and len(set(waits)) == len(waits) and waits, waits
    blocked = staff.sign_in(engine, "Tess Team", PASSWORD, "10.9.9.9", at=moment)  # type: ignore[arg-type]
    assert blocked.person is None and blocked.wait_seconds > 0, "even the right password waits its turn"


def test_a_session_ends_after_its_idle_time(inbox: Inbox) -> None:
    person = staff.Person("Tess Team", "team")
    secret = web.session_secret(inbox.keyring)
    cookie = staff.start_session(inbox.engine, person, secret)  # type: ignore[arg-type]
    assert staff.find_session(inbox.engine, cookie, secret) is not None  # type: ignore[arg-type]
    later = staff.now() + staff.IDLE + timedelta(seconds=1)
    assert staff.find_session(inbox.engine, cookie, secret, at=later) is None  # type: ignore[arg-type]
    forged = cookie.rsplit(".", 1)[0] + ".0123456789abcdef0123456789abcdef"
    assert staff.find_session(inbox.engine, forged, secret) is None  # type: ignore[arg-type]


def test_roles_see_only_their_pages(inbox: Inbox) -> None:
    _sign_in(inbox.client, "Tess Team")
    assert inbox.client.get("/decisions").status_code == 200
    for path in ("/devices", "/access-log", "/staff"):
        assert inbox.client.get(path).status_code == 403, path
    inbox.client.cookies.clear()
    _sign_in(inbox.client, "Gina Governance")
    assert inbox.client.get("/devices").status_code == 200
    assert inbox.client.get("/access-log").status_code == 200
    assert inbox.client.get("/staff").status_code == 403
    front = inbox.client.get("/devices")
    refused = inbox.client.post("/devices/codes", data={"csrf": _csrf(front.text), "label": "x"})
    assert refused.status_code == 403, "governance cannot enrol laptops"


def test_a_form_without_its_token_or_from_another_site_changes_nothing(inbox: Inbox) -> None:
    _sign_in(inbox.client, "Tess Team")
    event_id = inbox.ids["withdrawn-help-and-support-referral"]
    page = inbox.client.get(f"/decisions/{event_id}")
    no_token = inbox.client.post(f"/decisions/{event_id}/action", data={"note": "done"})
    assert no_token.status_code == 403
    elsewhere = inbox.client.post(
        f"/decisions/{event_id}/action",
        data={"csrf": _csrf(page.text), "note": "x"},
        headers={"origin": "https://evil.example"},
    )
    assert elsewhere.status_code == 403
    assert "Mark actioned" in inbox.client.get(f"/decisions/{event_id}").text, "still open"


def test_marking_a_withdrawal_actioned_drops_the_front_page_count(inbox: Inbox) -> None:
    _sign_in(inbox.client, "Tess Team")
    front = inbox.client.get("/")
    assert _count(front.text, "Withdrawals not yet actioned") == 1
    assert _count(front.text, "Referrals waiting") == 2
    assert "Withdrawals overdue" in front.text, "a withdrawal from November is past 5 days"
    listed = inbox.client.get("/decisions?status=withdrawn&state=open")
    event_id = inbox.ids["withdrawn-help-and-support-referral"]
    assert f"/decisions/{event_id}" in listed.text and "(overdue)" in listed.text
    page = inbox.client.get(f"/decisions/{event_id}")
    done = inbox.client.post(
        f"/decisions/{event_id}/action",
        data={"csrf": _csrf(page.text), "note": "Referral stopped; family told."},
    )
    assert done.status_code == 200 and "Marked actioned by Tess Team" in done.text
    assert "Referral stopped; family told." in done.text
    front = inbox.client.get("/")
    assert _count(front.text, "Withdrawals not yet actioned") == 0
    assert "Withdrawals overdue" not in front.text
    stored = inbox.engine.connect().execute(db.actions.select()).first()  # type: ignore[attr-defined]
    assert "Referral stopped" not in str(stored.note), "the note is sealed at rest"


def _count(html: str, words: str) -> int:
    found = re.search(r'<span class="count">(\d+)</span> ' + re.escape(words), html)
    assert found is not None, words
    return int(found.group(1))


def test_a_decision_page_escapes_what_a_laptop_sent_and_is_logged(inbox: Inbox) -> None:
    _sign_in(inbox.client, "Tess Team")
    event_id = inbox.ids["given-help-and-support-referral"]
    page = inbox.client.get(f"/decisions/{event_id}")
    assert page.status_code == 200
    assert (
        "<script>alert(1)</script>" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    )
    assert "<b>Mallory</b>" not in page.text and "&lt;b&gt;Mallory&lt;/b&gt; &amp; Sons" in page.text
    assert "Referral to Help and Support" in page.text or "help-and-support-referral" in page.text
    assert "Withdrawn" in page.text, "the history shows the later withdrawal of this choice"
    assert "Pat Witness" in page.text
    inbox.client.cookies.clear()
    _sign_in(inbox.client, "Gina Governance")
    log = inbox.client.get(f"/access-log?target={event_id}")
    assert "Tess Team" in log.text and "viewed decision" in log.text


def test_filters_and_paging(inbox: Inbox) -> None:
    _sign_in(inbox.client, "Tess Team")
    refused = inbox.client.get("/decisions?status=refused")
    assert inbox.ids["refused-research"] in refused.text
    assert inbox.ids["given-housing-referral"] not in refused.text
    kinds = inbox.client.get("/decisions?kind=service-agreement&status=given&state=open")
    assert (
        inbox.ids["given-housing-referral"] in kinds.text and inbox.ids["refused-research"] not in kinds.text
    )
    bad = inbox.client.get("/decisions?status=maybe")
    assert bad.status_code == 400 and "status must be one of" in bad.text
    everything = inbox.client.get("/decisions")
    order = [m for m in re.findall(r'/decisions/([0-9a-f]{32})"', everything.text)]
    assert order[0] == inbox.ids["given-housing-referral"], "newest first"


def test_exports_from_the_page_match_the_filter_and_are_logged(inbox: Inbox) -> None:
    _sign_in(inbox.client, "Tess Team")
    csv_text = inbox.client.get("/decisions/export.csv?status=refused")
    assert csv_text.status_code == 200 and csv_text.headers["content-type"].startswith("text/csv")
    assert inbox.ids["refused-research"] in csv_text.text
    assert inbox.ids["given-housing-referral"] not in csv_text.text
    fhir = inbox.client.get("/decisions/export.fhir")
    assert fhir.json()["resourceType"] == "Bundle" and len(fhir.json()["entry"]) == 4
    assert inbox.client.get("/decisions/export.xml").status_code == 404
    lines, _more = staff.search_log(inbox.engine, name="Tess Team")  # type: ignore[arg-type]
    assert {"exported csv", "exported fhir"} <= {line.what for line in lines}


def test_enrolment_codes_and_revoking_a_laptop(inbox: Inbox) -> None:
    _sign_in(inbox.client, "Ada Admin")
    devices = inbox.client.get("/devices")
    assert "test laptop" in devices.text
    made = inbox.client.post("/devices/codes", data={"csrf": _csrf(devices.text), "label": "Team B laptop 7"})
    assert made.status_code == 200 and "<svg" in made.text
    code = re.search(r'class="code big">([^<]+)<', made.text)
    assert code is not None
    newcomer = FakeOutbox()
    with InboxClient(SITE, transport=inbox.client._transport) as fresh:
        assert fresh.enrol(code.group(1), newcomer.device_id, newcomer.device_public_key(), "Team B laptop 7")
    confirm = inbox.client.get(f"/devices/{inbox.laptop.device_id}/revoke")
    assert confirm.status_code == 200 and "Yes, revoke this laptop" in confirm.text
    unticked = inbox.client.post(
        f"/devices/{inbox.laptop.device_id}/revoke", data={"csrf": _csrf(confirm.text)}
    )
    assert unticked.status_code == 400
    revoked = inbox.client.post(
        f"/devices/{inbox.laptop.device_id}/revoke", data={"csrf": _csrf(confirm.text), "confirm": "yes"}
    )
    assert revoked.status_code == 200 and "Revoked" in revoked.text
    inbox.laptop.add_visits(1, decisions_per_visit=1)
    from familyprivacy.sync.client import SyncProblem

    with InboxClient(SITE, inbox.token, transport=inbox.client._transport) as pusher:
        with pytest.raises(SyncProblem) as refused:
            pusher.push(inbox.laptop.events[-2:])
    assert refused.value.status == 403


def test_staff_management(inbox: Inbox) -> None:
    _sign_in(inbox.client, "Ada Admin")
    page = inbox.client.get("/staff")
    short = inbox.client.post(
        "/staff", data={"csrf": _csrf(page.text), "name": "New Person", "role": "team", "password": "short"}
    )
    assert short.status_code == 400 and "at least 12 characters" in short.text
    added = inbox.client.post(
        "/staff",
        data={
            "csrf": _csrf(page.text),
            "name": "New Person",
            "role": "team",
            "password": "a long enough password",
        },
    )
    assert added.status_code == 200 and "New Person" in added.text
    off = inbox.client.post("/staff/New Person/disable", data={"csrf": _csrf(page.text)})
    assert off.status_code == 200 and "Turned off" in off.text
    inbox.client.cookies.clear()
    assert "turned off" in _sign_in(inbox.client, "New Person", "a long enough password").text  # type: ignore[attr-defined]


def test_every_page_has_the_security_headers_and_no_script(inbox: Inbox) -> None:
    _sign_in(inbox.client, "Ada Admin")
    for path in (
        "/",
        "/decisions",
        f"/decisions/{inbox.ids['refused-research']}",
        "/devices",
        "/access-log",
        "/staff",
        "/sign-in",
    ):
        response = inbox.client.get(path)
        assert response.status_code == 200, path
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp, path
        assert response.headers["x-frame-options"] == "DENY"
        assert "<script" not in response.text.lower(), path
        assert 'style="' not in response.text, f"{path}: an inline style the policy would block"


def test_a_server_error_shows_a_reference_not_a_trace(inbox: Inbox, monkeypatch: pytest.MonkeyPatch) -> None:
    _sign_in(inbox.client, "Tess Team")

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret detail /home/council/inbox.db")

    monkeypatch.setattr(web, "front_counts", broken)
    response = inbox.client.get("/")
    assert response.status_code == 500
    assert "secret detail" not in response.text and "Traceback" not in response.text
    assert re.search(r"<strong>[0-9a-f]{8}</strong>", response.text)


def test_next_never_leaves_the_site(inbox: Inbox) -> None:
    page = inbox.client.get("/sign-in?next=//evil.example/")
    assert 'name="next" value="/"' in page.text
    token = re.search(r'name="signin" value="([^"]+)"', page.text)
    assert token is not None
    response = inbox.client.post(
        "/sign-in",
        data={
            "signin": token.group(1),
            "next": "https://evil.example",
            "name": "Tess Team",
            "password": PASSWORD,
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_the_first_admin_and_staff_are_made_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from familyprivacy.server.cli import main

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    secret = tmp_path / "password.txt"
    secret.write_text(PASSWORD + "\n", "utf-8")
    assert (
        main(["--db", url, "users", "add", "Ada Admin", "--role", "admin", "--password-file", str(secret)])
        == 0
    )
    assert "Added Ada Admin (admin)" in capsys.readouterr().out
    short = tmp_path / "short.txt"
    short.write_text("tiny\n", "utf-8")
    assert main(["--db", url, "users", "add", "Tim", "--role", "team", "--password-file", str(short)]) == 2
    assert "at least 12 characters" in capsys.readouterr().err
    assert (
        main(["--db", url, "users", "add", "Ada Admin", "--role", "team", "--password-file", str(secret)])
        == 2
    )
    assert "already someone called" in capsys.readouterr().err
    assert main(["--db", url, "users", "list"]) == 0
    assert "Ada Admin\tadmin\tactive" in capsys.readouterr().out
    engine = db.make_engine(url)
    assert staff.sign_in(engine, "Ada Admin", PASSWORD, "127.0.0.1").person == staff.Person(
        "Ada Admin", "admin"
    )
    assert main(["--db", url, "users", "disable", "Ada Admin"]) == 0
    assert staff.sign_in(engine, "Ada Admin", PASSWORD, "127.0.0.2").person is None
    assert main(["--db", url, "users", "disable", "Nobody"]) == 1
    engine.dispose()


def test_the_digest_names_no_family_and_links_the_overdue(
    inbox: Inbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from familyprivacy.server import digest

    monkeypatch.setenv("FAMILYPRIVACY_SERVER_URL", "https://inbox.council.example")
    assert digest.run(inbox.engine, 5, send=False) == 0  # type: ignore[arg-type]
    text = capsys.readouterr().out
    assert "Withdrawals not yet actioned: 1" in text and "Withdrawals overdue (more than 5 days): 1" in text
    event_id = inbox.ids["withdrawn-help-and-support-referral"]
    assert f"https://inbox.council.example/decisions/{event_id}" in text
    assert "CH-" not in text and "Mallory" not in text, "no family's reference or name in an e-mail"
    monkeypatch.delenv("FAMILYPRIVACY_SMTP_HOST", raising=False)
    assert digest.run(inbox.engine, 5, send=True) == 2  # type: ignore[arg-type]
    assert "FAMILYPRIVACY_SMTP_HOST" in capsys.readouterr().err


def test_a_decision_on_a_notice_this_inbox_carries_reads_in_the_councils_words(inbox: Inbox) -> None:
    """The choice and the parts the family was shown by their titles in the council's notice, the
    languages by name, and the content's sign-off as the laptop recorded it."""
    notice = "cheshire-east/children-and-families"
    visit = visit_body("vc", notice)
    visit["sections_shown"] = [{"section_id": "who-we-are", "language": "pl"}]
    visit["content_signoff"] = {
        "english": {
            "by": "Priya Shah",
            "role": "Data Protection Officer",
            "at": "2026-11-01T09:00:00Z",
            "fingerprint": "sha256:" + "a" * 64,
        },
        "translation": None,
    }
    inbox.laptop.append("visit", visit, notice)
    when = "2026-11-24T10:00:00+00:00"
    body = decision_body("vc", 0, "given", "optional-service", "data-consent", ("c1",), when)
    event = inbox.laptop.append("decision", body, notice, when)
    with InboxClient(SITE, inbox.token, transport=inbox.client._transport) as pusher:
        replies = pusher.push(inbox.laptop.events[-2:])
    assert {r.outcome for r in replies} == {"stored"}, replies
    _sign_in(inbox.client, "Tess Team")
    page = inbox.client.get(f"/decisions/{event.event_id}")
    assert "<h1>Using an optional service: Yes</h1>" in page.text
    assert "Who we are (in Polish (Polski))" in page.text
    assert "signed off by Priya Shah (Data Protection Officer)" in page.text
    assert "Polish (Polski)" in page.text


def test_failures_are_forgotten_after_an_hour_but_a_lock_is_not(inbox: Inbox) -> None:
    engine = inbox.engine
    moment = staff.now()
    for _ in range(staff.FREE_FAILURES + 4):  # an office's morning of mistyping, from one address
        moment += staff.MAX_WAIT
        assert staff.sign_in(engine, "Tess Team", "wrong", "10.1.1.1", at=moment).person is None  # type: ignore[arg-type]
    later = moment + timedelta(hours=1, seconds=1)  # the README's promise: forgotten after an hour
    # One more mistake after a quiet hour counts as the first, so it makes nobody at the address wait.
    assert staff.sign_in(engine, "Tess Team", "wrong", "10.1.1.1", at=later).person is None  # type: ignore[arg-type]
    fine = staff.sign_in(engine, "Gina Governance", PASSWORD, "10.1.1.1", at=later + timedelta(seconds=1))  # type: ignore[arg-type]
    assert fine.person is not None, fine.problem
    for _ in range(staff.LOCK_AFTER):
        later += staff.MAX_WAIT
        staff.sign_in(engine, "Tess Team", "wrong", "10.1.1.2", at=later)  # type: ignore[arg-type]
    days_later = later + timedelta(days=3)
    locked = staff.sign_in(engine, "Tess Team", PASSWORD, "10.1.1.3", at=days_later)  # type: ignore[arg-type]
    assert locked.person is None and "locked" in locked.problem, "a lock waits for an administrator"
