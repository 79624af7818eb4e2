"""Visits and decisions: their JSON bodies round-trip, and bad ones are refused by field, never by value.

The sample factories here are shared by the other consent tests.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from familyprivacy.consent.model import (
    Capture,
    Child,
    Decision,
    Grantor,
    Interpreter,
    ModelError,
    SectionShown,
    Visit,
    Worker,
)

PERSONAL = ["Amelia Nowak", "CH-12345", "Zofia Nowak", "Tomasz Nowak", "Jo Caseworker", "INT-98765",
            "Witness Wanda", "2018-02-03", "grandmother-in-law"]


def sample_visit(**changes: Any) -> Visit:
    visit = Visit(
        council_id="stockton-on-tees", notice_id="stockton-on-tees/childrens-social-care",
        case_reference="CH-12345",
        grantors=(Grantor("g1", "Amelia Nowak", "mother"), Grantor("g2", "Tomasz Nowak",
                                                                   "grandmother-in-law")),
        children=(Child("c1", "Zofia Nowak", "2018-02-03"), Child("c2", "Piotr Nowak")),
        worker=Worker("Jo Caseworker", "w-1001"), started_at="2026-11-25T10:00:00Z",
        ended_at="2026-11-25T11:15:30Z", language="pl", content_fingerprint="sha256:" + "ab" * 32,
        sections_shown=(SectionShown("who-we-are", "pl"), SectionShown("your-choices", "en")),
        interpreter=Interpreter("phone", "pl", "INT-98765"),
    )
    return dataclasses.replace(visit, **changes)


def sample_decision(visit: Visit, **changes: Any) -> Decision:
    decision = Decision(
        visit_id=visit.visit_id, choice_id="help-and-support", kind="service-agreement", status="given",
        grantor_ids=("g1",), child_ids=("c1", "c2"),
        capture=Capture("signature", (((10.0, 20.5, 0), (11, 22, 16)), ((30, 40, 400),))),
        recorded_by="Jo Caseworker", language="pl", content_fingerprint=visit.content_fingerprint,
    )
    return dataclasses.replace(decision, **changes)


def test_visit_and_decision_bodies_round_trip() -> None:
    visit = sample_visit()
    body = visit.to_body()
    assert body["grantors"][0] == {"id": "g1", "name": "Amelia Nowak", "relationship": "mother"}
    assert body["children"][1] == {"id": "c2", "name": "Piotr Nowak"}  # no date of birth: key omitted
    assert body["interpreter"] == {"mode": "phone", "language": "pl", "reference": "INT-98765"}
    assert Visit.from_body(body) == visit
    decision = sample_decision(visit)
    dbody = decision.to_body()
    assert set(dbody) == {"decision_id", "visit_id", "choice_id", "kind", "status", "grantor_ids",
                          "child_ids", "capture", "replaces", "reason", "recorded_by", "recorded_at",
                          "local_offset", "language", "content_fingerprint"}
    assert dbody["capture"]["signature_strokes"] == [[[10.0, 20.5, 0], [11, 22, 16]], [[30, 40, 400]]]
    assert dbody["recorded_at"].endswith("Z") and dbody["local_offset"][0] in "+-"
    assert Decision.from_body(dbody) == decision


@pytest.mark.parametrize(("change", "where"), [
    ({"case_reference": ""}, "visit.case_reference"),
    ({"grantors": ()}, "visit.grantors"),
    ({"grantors": (Grantor("g1", "Amelia Nowak", ""),)}, "visit.grantors[0].relationship"),
    ({"children": (Child("c1", "Zofia Nowak", "2018-02-31"),)}, "visit.children[0].date_of_birth"),
    ({"started_at": "2026-11-25 10:00"}, "visit.started_at"),
    ({"ended_at": "2026-11-25T09:00:00Z"}, "visit.ended_at"),
    ({"language": "Polish"}, "visit.language"),
    ({"interpreter": Interpreter("none", "pl", None)}, "visit.interpreter"),
    ({"interpreter": Interpreter("telepathy")}, "visit.interpreter.mode"),
    ({"visit_id": "has space"}, "visit.visit_id"),
])
def test_bad_visits_name_the_field_not_the_value(change: dict[str, Any], where: str) -> None:
    with pytest.raises(ModelError) as caught:
        sample_visit(**change).to_body()
    assert str(caught.value).startswith(where)
    assert not any(p in str(caught.value) for p in PERSONAL)


@pytest.mark.parametrize(("change", "where"), [
    ({"status": "maybe"}, "decision.status"),
    ({"kind": "consent"}, "decision.kind"),
    ({"grantor_ids": ()}, "decision.grantor_ids"),
    ({"child_ids": ("c1", "c1")}, "decision.child_ids"),
    ({"capture": Capture("verbal")}, "decision.capture.witness"),
    ({"capture": Capture("verbal", (((1, 2, 3),),), "Witness Wanda")}, "decision.capture.signature_strokes"),
    ({"capture": Capture("signature", ())}, "decision.capture.signature_strokes"),
    ({"capture": Capture("signature", (((1, float("nan"), 3),),))}, "decision.capture.signature_strokes[0]"),
    ({"recorded_at": "2026-11-25T10:00:00+01:00"}, "decision.recorded_at"),
    ({"local_offset": "BST"}, "decision.local_offset"),
])
def test_bad_decisions_name_the_field(change: dict[str, Any], where: str) -> None:
    with pytest.raises(ModelError) as caught:
        sample_decision(sample_visit(), **change).to_body()
    assert str(caught.value).startswith(where)
    assert not any(p in str(caught.value) for p in PERSONAL)


def test_bodies_from_outside_are_checked_key_by_key() -> None:
    body = sample_visit().to_body()
    with pytest.raises(ModelError, match="visit: unknown field"):
        Visit.from_body(body | {"nickname": "Amy"})
    with pytest.raises(ModelError, match=r"visit\.worker: missing id"):
        Visit.from_body(body | {"worker": {"name": "Jo Caseworker"}})
    with pytest.raises(ModelError, match="visit: must be an object"):
        Visit.from_body(["not", "an", "object"])
    dbody = sample_decision(sample_visit()).to_body()
    with pytest.raises(ModelError, match="decision: missing replaces"):
        Decision.from_body({k: v for k, v in dbody.items() if k != "replaces"})
    with pytest.raises(ModelError, match=r"decision\.capture\.signature_strokes"):
        Decision.from_body(dbody | {"capture": {"method": "signature", "signature_strokes": [[["x", 1, 2]]],
                                                 "witness": None}})


def test_unknown_keys_are_named_only_when_they_look_like_field_names() -> None:
    body = sample_visit().to_body()
    with pytest.raises(ModelError) as caught:
        Visit.from_body(body | {"nickname": 1, "Amelia Nowak": 2})
    assert str(caught.value) == "visit: unknown field(s) nickname, 1 not shown"
