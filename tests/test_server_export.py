"""The team's export from a real inbox: FHIR R5 Consent resources that validate, CSV that opens,
filters that pick the right decisions, and actioned marks."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest
from fhir.resources.bundle import Bundle
from fhir.resources.consent import Consent

from familyprivacy.server import admin
from familyprivacy.server.export import CSV_COLUMNS
from familyprivacy.sync.client import InboxClient
from familyprivacy.sync.runner import sync_once
from familyprivacy.sync.settings import SyncSettings
from tests.conftest_pg import (
    BACKENDS,
    FakeOutbox,
    InboxServer,
    decision_body,
    pg_cluster,  # noqa: F401 - fixture
    start_server,
    visit_body,
)
from tests.waiting import HANG_GUARD

STOCKTON = "stockton/childrens-social-care"
ESSEX = "essex/childrens-services"
# (visit, n, status, choice, kind, children, day)
DECISIONS = [
    ("va", 1, "given", "help-and-support", "service-agreement", ("c1",), "2026-11-23"),
    ("va", 2, "refused", "research", "data-consent", ("c1", "c2"), "2026-11-20"),
    ("va", 3, "withdrawn", "help-and-support", "service-agreement", ("c1",), "2026-11-24"),
    ("va", 4, "deferred", "research", "data-consent", ("c2",), "2026-11-24"),
    ("vb", 1, "given", "help-and-support", "service-agreement", ("c1",), "2026-11-25"),
    ("vb", 2, "invalidated", "safeguarding", "information-only", (), "2026-11-25"),
    ("vb", 3, "expired", "research", "data-consent", ("c1",), "2026-11-19"),
]


@pytest.fixture(scope="module", params=BACKENDS)
def inbox(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[InboxServer, FakeOutbox, str]:
    server = start_server(request.param, tmp_path_factory.mktemp("export"), request)
    laptop = FakeOutbox()
    va, vb = visit_body("va", STOCKTON), visit_body("vb", ESSEX)
    vb["children"] = [{"id": "c1", "name": "=HYPERLINK(\"http://x\")"}]
    laptop.append("visit", va, STOCKTON)
    laptop.append("visit", vb, ESSEX)
    for visit, n, status, choice, kind, children, day in DECISIONS:
        stamp = f"{day}T10:00:00+00:00"
        laptop.append("decision", decision_body(visit, n, status, choice, kind, children, stamp),
                      STOCKTON if visit == "va" else ESSEX, stamp)
    token = server.enrol(laptop)
    with InboxClient(server.url, token) as client:
        sync_once(laptop, client, SyncSettings(server.url))
    assert server.count(laptop.device_id) == 9
    return server, laptop, admin.add_team_token(server.engine, "Business support")


def _get(server: InboxServer, token: str, fmt: str, **params: str) -> httpx.Response:
    return httpx.get(f"{server.url}/v1/export/consents.{fmt}", params=params,
                     headers={"authorization": f"Bearer {token}"}, timeout=HANG_GUARD)


def _decision_ids(bundle: dict[str, Any]) -> list[str]:
    return [next(i["value"] for i in e["resource"]["identifier"] if i["system"].endswith(":decision"))
            for e in bundle["entry"]]


def test_fhir_bundle_validates_and_maps_each_status(inbox: tuple[InboxServer, FakeOutbox, str]) -> None:
    server, laptop, team = inbox
    reply = _get(server, team, "fhir")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("application/fhir+json")
    data = reply.json()
    Bundle.model_validate(data)
    assert data["type"] == "collection" and len(data["entry"]) == 7
    by_decision = {}
    for entry in data["entry"]:
        consent = Consent.model_validate(entry["resource"])
        assert consent.status and consent.category and consent.date
        by_decision[next(i["value"] for i in entry["resource"]["identifier"]
                         if i["system"].endswith(":decision"))] = entry["resource"]
    expected = {"va-d1": ("active", "permit"), "va-d2": ("active", "deny"), "va-d3": ("inactive", "deny"),
                "va-d4": ("draft", None), "vb-d2": ("entered-in-error", None), "vb-d3": ("inactive", None)}
    for decision_id, (status, verdict) in expected.items():
        resource = by_decision[decision_id]
        assert (resource["status"], resource.get("decision")) == (status, verdict), decision_id

    given = by_decision["va-d1"]
    assert given["contained"][0]["name"][0]["text"] == "Zofia Nowak"
    assert given["contained"][0]["birthDate"] == "2019-04-30"
    assert given["subject"]["reference"] == "#child1"
    assert given["grantor"][0]["display"] == "Aleksandra Nowak"
    assert given["policyBasis"]["reference"]["identifier"]["value"] == STOCKTON
    assert given["policyBasis"]["url"].endswith(":" + "f" * 64)
    assert given["date"] == "2026-11-23"
    event_ids = {e.event_id for e in laptop.events}
    assert given["identifier"][0]["value"] in event_ids
    assert {"service-agreement"} <= {c["code"] for cat in given["category"] for c in cat["coding"]}
    both = by_decision["va-d2"]
    assert both["subject"]["reference"] == "#children"
    group = next(r for r in both["contained"] if r["resourceType"] == "Group")
    assert len(group["member"]) == 2
    assert "subject" not in by_decision["vb-d2"]


def test_csv_opens_with_the_expected_columns(inbox: tuple[InboxServer, FakeOutbox, str]) -> None:
    server, _, team = inbox
    reply = _get(server, team, "csv")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert len(rows) == 7
    first = next(r for r in rows if r["decision_id"] == "va-d2")
    assert first["child_names"] == "Zofia Nowak; Jan Nowak"
    assert first["grantor_names"] == "Aleksandra Nowak"
    assert (first["status"], first["fhir_status"], first["fhir_decision"]) == ("refused", "active", "deny")
    assert first["interpreter_mode"] == "phone" and first["case_reference"] == "CH-12345"
    assert first["state"] == "open" and first["received_at"].endswith("+00:00")
    formula = next(r for r in rows if r["decision_id"] == "vb-d1")
    assert formula["child_names"].startswith("'=")  # a spreadsheet will not run it


def test_filters_and_actioned_state(inbox: tuple[InboxServer, FakeOutbox, str]) -> None:
    server, _, team = inbox
    referrals = _get(server, team, "fhir", choice="help-and-support", status="given", since="2026-11-23")
    assert sorted(_decision_ids(referrals.json())) == ["va-d1", "vb-d1"]
    assert _decision_ids(_get(server, team, "fhir", notice=ESSEX, until="2026-11-20").json()) == ["vb-d3"]
    window = _get(server, team, "fhir", since="2026-11-24T00:00:00+00:00", until="2026-11-25")
    assert sorted(_decision_ids(window.json())) == ["va-d3", "va-d4"]

    withdrawals = _get(server, team, "csv", status="withdrawn", state="open")
    rows = list(csv.DictReader(io.StringIO(withdrawals.text)))
    assert [r["decision_id"] for r in rows] == ["va-d3"]
    marked = httpx.post(server.url + "/v1/actions", json={"event_ids": [rows[0]["event_id"]]},
                        headers={"authorization": f"Bearer {team}"})
    assert marked.status_code == 200 and marked.json()["actioned"] == [rows[0]["event_id"]]
    assert list(csv.DictReader(io.StringIO(
        _get(server, team, "csv", status="withdrawn", state="open").text))) == []
    done = list(csv.DictReader(io.StringIO(_get(server, team, "csv", state="actioned").text)))
    assert [r["decision_id"] for r in done] == ["va-d3"] and done[0]["actioned_at"]
    unknown = httpx.post(server.url + "/v1/actions", json={"event_ids": ["nope"]},
                         headers={"authorization": f"Bearer {team}"})
    assert unknown.status_code == 404 and unknown.json()["unknown"] == ["nope"]

    for bad in ({"since": "Monday"}, {"status": "maybe"}, {"state": "done"}, {"colour": "red"}):
        reply = _get(server, team, "fhir", **bad)
        assert reply.status_code == 400, bad
        assert reply.json()["error"]


def test_export_needs_a_live_team_token(inbox: tuple[InboxServer, FakeOutbox, str]) -> None:
    server, _, _ = inbox
    assert httpx.get(server.url + "/v1/export/consents.csv").status_code == 401
    assert _get(server, "device-or-guess", "csv").status_code == 401
    temp = admin.add_team_token(server.engine, "Temporary")
    assert _get(server, temp, "csv").status_code == 200
    assert admin.revoke_team_token(server.engine, "Temporary") == 1
    assert _get(server, temp, "csv").status_code == 403
    assert httpx.post(server.url + "/v1/actions", json={"event_ids": []},
                      headers={"authorization": f"Bearer {temp}"}).status_code == 403
    assert _get(server, temp, "xml").status_code == 404


def test_a_child_without_a_real_birth_date_still_gives_a_valid_consent() -> None:
    from familyprivacy.server.fhir import consent

    visit = visit_body("vx")
    visit["children"] = [{"id": "c1", "name": "Zofia", "date_of_birth": "2019-02-30"}]
    resource = consent("ev-1", decision_body("vx", 1), visit, STOCKTON)
    Consent.model_validate(resource)
    assert "birthDate" not in resource["contained"][0]
    assert resource["contained"][0]["name"][0]["text"] == "Zofia"


def test_export_comes_in_pages_that_join_up(inbox: tuple[InboxServer, FakeOutbox, str]) -> None:
    server, _, team = inbox
    whole = _decision_ids(_get(server, team, "fhir").json())
    assert len(whole) == 7
    seen: list[str] = []
    reply = _get(server, team, "fhir", limit="3")
    pages = 0
    while True:
        data = reply.json()
        Bundle.model_validate(data)  # a Bundle with its links is still valid FHIR
        pages += 1
        seen += _decision_ids(data)
        links = {link["relation"]: link["url"] for link in data.get("link", [])}
        assert "self" in links
        if "next" not in links:
            break
        assert "limit=3" in links["next"]  # the same page size (and filters) on the next page
        reply = httpx.get(links["next"], headers={"authorization": f"Bearer {team}"}, timeout=HANG_GUARD)
    assert pages == 3 and seen == whole

    # Filters hold across pages; CSV names the next page in a Link header.
    first = _get(server, team, "csv", status="given", limit="1")
    rows = list(csv.DictReader(io.StringIO(first.text)))
    assert len(rows) == 1 and 'rel="next"' in first.headers["link"]
    url = first.headers["link"].split(">")[0].lstrip("<")
    second = httpx.get(url, headers={"authorization": f"Bearer {team}"}, timeout=HANG_GUARD)
    rows += list(csv.DictReader(io.StringIO(second.text)))
    assert sorted(r["decision_id"] for r in rows) == ["va-d1", "vb-d1"]
    assert "link" not in second.headers

    for bad in ({"limit": "0"}, {"limit": "5001"}, {"limit": "ten"}, {"after": "not-a-cursor"},
                {"after": "W10"}, {"after": "x" * 500}):
        reply = _get(server, team, "fhir", **bad)
        assert reply.status_code == 400, bad
        assert "limit" in reply.json()["error"] or "after" in reply.json()["error"]
